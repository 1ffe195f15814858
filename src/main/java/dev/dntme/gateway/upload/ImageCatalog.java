package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.imaging.media.MediaFormat;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The images table. State changes are guarded by the expected current state, so racing workers cannot both win. */
@Repository
class ImageCatalog {

    private final JdbcClient jdbc;

    ImageCatalog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws org.springframework.dao.DuplicateKeyException when (user, idempotency key) is taken */
    void insert(ImageRecord r) {
        jdbc.sql("""
                insert into images (id, user_id, idempotency_key, state, dnt_me, flag_source, original_key,
                    original_sha256, original_content_type, original_size, public_key, content_type, width, height,
                    faces, receipt, cloak_model_version, created_at, updated_at, media_format, frames_total, frames_done,
                    duration_ms, strength)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.id(), r.userId(), r.idempotencyKey(), r.state().name(), r.dntMe(), r.flagSource().name(),
                        r.originalKey(), r.originalSha256(), r.originalContentType(), r.originalSize(), r.publicKey(),
                        r.contentType(), r.width(), r.height(), r.faces(), r.receiptJson(), r.cloakModelVersion(),
                        ts(r.createdAt()), ts(r.updatedAt()),
                        r.isMedia() ? r.media().format().name() : null,
                        r.isMedia() ? r.media().framesTotal() : null,
                        r.isMedia() ? r.media().framesDone() : 0,
                        r.isMedia() ? r.media().durationMillis() : null,
                        r.strength() == null ? null : r.strength().name())
                .update();
    }

    boolean transition(String id, ImageState from, ImageState to) {
        return jdbc.sql("update images set state = ?, updated_at = ? where id = ? and state = ?")
                .params(to.name(), ts(Instant.now()), id, from.name()).update() == 1;
    }

    boolean markPublished(ImageRecord r) {
        return jdbc.sql("""
                update images set state = ?, faces = ?, receipt = ?, cloak_model_version = ?, updated_at = ?,
                    frames_done = coalesce(frames_total, 0)
                where id = ? and state = ?""")
                .params(ImageState.PUBLISHED.name(), r.faces(), r.receiptJson(), r.cloakModelVersion(),
                        ts(r.updatedAt()), r.id(), ImageState.STORED.name())
                .update() == 1;
    }

    /**
     * The original of an animation or video is stored: its job is queued, due at once. False when the image was
     * erased meanwhile.
     */
    boolean queue(String id) {
        Timestamp now = ts(Instant.now());
        return jdbc.sql("update images set state = ?, attempts = 0, next_attempt_at = ?, updated_at = ?"
                        + " where id = ? and state = ?")
                .params(ImageState.PROCESSING.name(), now, now, id, ImageState.STORED.name()).update() == 1;
    }

    Optional<ImageRecord> find(String id) {
        return jdbc.sql("select * from images where id = ?").param(id).query(ImageCatalog::map).optional();
    }

    Optional<ImageRecord> findByIdempotencyKey(String userId, String key) {
        return jdbc.sql("select * from images where user_id = ? and idempotency_key = ?")
                .params(userId, key).query(ImageCatalog::map).optional();
    }

    /**
     * Rows no live request or job owns: FAILED and DELETING at any age, RECEIVED and STORED once older than
     * {@code age} (their request died with its process), REJECTED tombstones once older than {@code retention}.
     * PROCESSING rows are never here: their job is resumed, not rolled back.
     */
    List<ImageRecord> abandoned(Duration age, Duration retention, int limit) {
        Instant now = Instant.now();
        return jdbc.sql("select * from images where state in (?, ?) or (state in (?, ?) and updated_at < ?)"
                        + " or (state = ? and updated_at < ?)"
                        + " order by updated_at fetch first ? rows only")
                .params(ImageState.FAILED.name(), ImageState.DELETING.name(), ImageState.RECEIVED.name(),
                        ImageState.STORED.name(), ts(now.minus(age)), ImageState.REJECTED.name(),
                        ts(now.minus(retention)), limit)
                .query(ImageCatalog::map).list();
    }

    void markFailed(String id) {
        jdbc.sql("update images set state = ?, updated_at = ? where id = ? and state in (?, ?)")
                .params(ImageState.FAILED.name(), ts(Instant.now()), id, ImageState.RECEIVED.name(),
                        ImageState.STORED.name()).update();
    }

    /** Marks any row for erasure, whatever its state: an upload still running will then fail to publish. */
    boolean markDeleting(String id) {
        return jdbc.sql("update images set state = ?, updated_at = ? where id = ?")
                .params(ImageState.DELETING.name(), ts(Instant.now()), id).update() == 1;
    }

    /** Visible images of one user (published or withheld), oldest first, after the cursor. */
    List<ImageRecord> userImagesAfter(String userId, Instant createdAt, String id, int limit) {
        return jdbc.sql("select * from images where user_id = ? and state in (?, ?)"
                        + " and (created_at > ? or (created_at = ? and id > ?))"
                        + " order by created_at, id fetch first ? rows only")
                .params(userId, ImageState.PUBLISHED.name(), ImageState.WITHHELD.name(), ts(createdAt), ts(createdAt),
                        id, limit)
                .query(ImageCatalog::map).list();
    }

    int countUserImages(String userId) {
        return jdbc.sql("select count(*) from images where user_id = ? and state in (?, ?)")
                .params(userId, ImageState.PUBLISHED.name(), ImageState.WITHHELD.name())
                .query(Integer.class).single();
    }

    /**
     * Flagged images whose public copy was made by none of the current cloak model versions (one per level), or
     * withheld, oldest first.
     */
    List<ImageRecord> outdatedCloaksAfter(Collection<String> currentVersions, Instant createdAt, String id, int limit) {
        return jdbc.sql("select * from images where dnt_me = :flagged and state in (:published, :withheld)"
                        + " and (cloak_model_version is null or cloak_model_version not in (:current) or state = :withheld)"
                        + " and (created_at > :at or (created_at = :at and id > :id))"
                        + " order by created_at, id fetch first :limit rows only")
                .param("flagged", true).param("published", ImageState.PUBLISHED.name())
                .param("withheld", ImageState.WITHHELD.name()).param("current", List.copyOf(currentVersions))
                .param("at", ts(createdAt)).param("id", id).param("limit", limit)
                .query(ImageCatalog::map).list();
    }

    int countOutdatedCloaks(Collection<String> currentVersions) {
        return jdbc.sql("select count(*) from images where dnt_me = :flagged and state in (:published, :withheld)"
                        + " and (cloak_model_version is null or cloak_model_version not in (:current) or state = :withheld)")
                .param("flagged", true).param("published", ImageState.PUBLISHED.name())
                .param("withheld", ImageState.WITHHELD.name()).param("current", List.copyOf(currentVersions))
                .query(Integer.class).single();
    }

    /** After a replacement: the row describes the new public copy. False when the image was erased meanwhile. */
    boolean markRepublished(String id, boolean dntMe, FlagSource source, int faces, String receipt, String version) {
        return jdbc.sql("update images set state = ?, dnt_me = ?, flag_source = ?, faces = ?, receipt = ?,"
                        + " cloak_model_version = ?, updated_at = ? where id = ? and state in (?, ?)")
                .params(ImageState.PUBLISHED.name(), dntMe, source.name(), faces, receipt, version,
                        ts(Instant.now()), id, ImageState.PUBLISHED.name(), ImageState.WITHHELD.name())
                .update() == 1;
    }

    boolean markWithheld(String id, boolean dntMe, FlagSource source) {
        return jdbc.sql("update images set state = ?, dnt_me = ?, flag_source = ?, faces = 0, receipt = null,"
                        + " updated_at = ? where id = ? and state in (?, ?)")
                .params(ImageState.WITHHELD.name(), dntMe, source.name(), ts(Instant.now()), id,
                        ImageState.PUBLISHED.name(), ImageState.WITHHELD.name())
                .update() == 1;
    }

    List<String> idsOfUser(String userId) {
        return jdbc.sql("select id from images where user_id = ?").param(userId).query(String.class).list();
    }

    void delete(String id) {
        jdbc.sql("delete from images where id = ?").param(id).update();
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    static ImageRecord map(ResultSet rs, int row) throws SQLException {
        String format = rs.getString("media_format");
        ImageRecord.Media media = format == null ? null : new ImageRecord.Media(MediaFormat.valueOf(format),
                rs.getInt("frames_total"), rs.getInt("frames_done"), rs.getLong("duration_ms"));
        String strength = rs.getString("strength");
        String failureType = rs.getString("failure_type");
        ImageRecord.Failure failure = failureType == null ? null
                : new ImageRecord.Failure(failureType, rs.getString("failure_detail"));
        return new ImageRecord(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("idempotency_key"),
                ImageState.valueOf(rs.getString("state")),
                rs.getBoolean("dnt_me"),
                FlagSource.valueOf(rs.getString("flag_source")),
                rs.getString("original_key"),
                rs.getString("original_sha256"),
                rs.getString("original_content_type"),
                rs.getLong("original_size"),
                rs.getString("public_key"),
                rs.getString("content_type"),
                rs.getInt("width"),
                rs.getInt("height"),
                rs.getInt("faces"),
                rs.getString("receipt"),
                rs.getString("cloak_model_version"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                media,
                failure,
                strength == null ? null : CloakStrength.valueOf(strength));
    }
}
