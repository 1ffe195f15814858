package dev.dntme.gateway.upload.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The webhook_deliveries table: events waiting to be sent, written in the transaction of the state change they
 * report (so a crash never loses or duplicates one), and taken one at a time with a lease so that replicas never send
 * the same delivery at once. A row is pending while it has a next attempt and no delivery time; one given up has
 * neither.
 */
@Repository
public class WebhookOutbox {

    private final JdbcClient jdbc;

    WebhookOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A delivery being sent: {@code attempts} counts this try; {@code leaseUntil} identifies the claim. */
    record Delivery(String id, String imageId, String event, String body, int attempts, Instant leaseUntil) {
    }

    /** Joins the caller's transaction (JdbcClient uses the transaction's connection), so it commits with it. */
    public void add(String id, String imageId, String event, String body, Instant occurredAt) {
        Timestamp at = Timestamp.from(occurredAt);
        jdbc.sql("insert into webhook_deliveries (id, image_id, event, body, attempts, next_attempt_at, created_at)"
                        + " values (?, ?, ?, ?, 0, ?, ?)")
                .params(id, imageId, event, body, at, at).update();
    }

    /**
     * Takes the oldest due delivery nobody holds (or whose holder's lease ran out). The try is counted now, before it
     * is made, so a delivery that crashes its sender every time still ends after max-attempts.
     */
    Optional<Delivery> claim(Instant now, Duration lease) {
        Timestamp at = Timestamp.from(now);
        List<String> candidates = jdbc.sql("select id from webhook_deliveries where delivered_at is null"
                        + " and next_attempt_at <= ? and (lease_until is null or lease_until < ?)"
                        + " order by next_attempt_at fetch first 5 rows only")
                .params(at, at).query(String.class).list();
        // Millisecond precision so the value read back equals the one written on H2 and PostgreSQL alike.
        Instant until = now.plus(lease).truncatedTo(ChronoUnit.MILLIS);
        for (String id : candidates) {
            // The guarded update is the claim: of two replicas racing for a row, the second finds the lease set.
            int won = jdbc.sql("update webhook_deliveries set lease_until = ?, attempts = attempts + 1 where id = ?"
                            + " and delivered_at is null and next_attempt_at <= ? and (lease_until is null or lease_until < ?)")
                    .params(Timestamp.from(until), id, at, at).update();
            if (won == 1) {
                return jdbc.sql("select id, image_id, event, body, attempts from webhook_deliveries where id = ?")
                        .param(id).query((rs, row) -> map(rs, until)).optional();
            }
        }
        return Optional.empty();
    }

    /** Each outcome is written only while the claim is still ours: a sender whose lease was taken changes nothing. */
    boolean delivered(Delivery d, int status, Instant now) {
        return jdbc.sql("update webhook_deliveries set delivered_at = ?, next_attempt_at = null, last_status = ?,"
                        + " last_error = null, lease_until = null where id = ? and lease_until = ?")
                .params(Timestamp.from(now), status, d.id(), Timestamp.from(d.leaseUntil())).update() == 1;
    }

    boolean retryAt(Delivery d, Instant next, Integer status, String error) {
        return jdbc.sql("update webhook_deliveries set next_attempt_at = ?, last_status = ?, last_error = ?,"
                        + " lease_until = null where id = ? and lease_until = ?")
                .params(Timestamp.from(next), status, error, d.id(), Timestamp.from(d.leaseUntil())).update() == 1;
    }

    boolean gaveUp(Delivery d, Integer status, String error) {
        return jdbc.sql("update webhook_deliveries set next_attempt_at = null, last_status = ?, last_error = ?,"
                        + " lease_until = null where id = ? and lease_until = ?")
                .params(status, error, d.id(), Timestamp.from(d.leaseUntil())).update() == 1;
    }

    long pending() {
        return jdbc.sql("select count(*) from webhook_deliveries where delivered_at is null and next_attempt_at is not null")
                .query(Long.class).single();
    }

    /** Delivered and given-up rows older than the retention go: their bodies name a user and an image. */
    int purgeFinished(Instant before) {
        return jdbc.sql("delete from webhook_deliveries where next_attempt_at is null and created_at < ?")
                .param(Timestamp.from(before)).update();
    }

    /**
     * Erasure: the image's deliveries go with it, sent or not. A receiver that asked for the image to be erased
     * needs no news of it, and the bodies hold its user id and public URL.
     */
    public void forgetImage(String imageId) {
        jdbc.sql("delete from webhook_deliveries where image_id = ?").param(imageId).update();
    }

    private static Delivery map(ResultSet rs, Instant leaseUntil) throws SQLException {
        return new Delivery(rs.getString("id"), rs.getString("image_id"), rs.getString("event"), rs.getString("body"),
                rs.getInt("attempts"), leaseUntil);
    }
}
