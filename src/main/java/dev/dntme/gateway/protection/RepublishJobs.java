package dev.dntme.gateway.protection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The republish_jobs table. Claims use a lease so that one replica at a time works on a job. */
@Repository
class RepublishJobs {

    private static final Instant START = Instant.EPOCH;

    private final JdbcClient jdbc;

    RepublishJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Starts the job, or restarts it from the beginning with a new target: a second trigger with the same
     * target is harmless (images already in the target state are skipped quickly).
     */
    void start(String id, RepublishJob.Kind kind, String userId, Boolean target, String modelVersion, int total) {
        Timestamp now = Timestamp.from(Instant.now());
        int updated = jdbc.sql("update republish_jobs set target_dnt_me = ?, model_version = ?, state = ?, total = ?,"
                        + " done = 0, withheld = 0, cursor_created_at = ?, cursor_id = ?, updated_at = ? where id = ?")
                .params(target, modelVersion, RepublishJob.State.RUNNING.name(), total, Timestamp.from(START), "", now, id)
                .update();
        if (updated == 0) {
            try {
                jdbc.sql("insert into republish_jobs (id, kind, user_id, target_dnt_me, model_version, state, total,"
                                + " done, withheld, cursor_created_at, cursor_id, created_at, updated_at)"
                                + " values (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)")
                        .params(id, kind.name(), userId, target, modelVersion, RepublishJob.State.RUNNING.name(), total,
                                Timestamp.from(START), "", now, now)
                        .update();
            } catch (DuplicateKeyException raced) {
                start(id, kind, userId, target, modelVersion, total);
            }
        }
    }

    /** Takes a running job nobody holds (or whose holder's lease ran out). */
    Optional<RepublishJob> claim(Duration lease) {
        Timestamp now = Timestamp.from(Instant.now());
        List<String> candidates = jdbc.sql("select id from republish_jobs where state = ?"
                        + " and (lease_until is null or lease_until < ?) order by updated_at fetch first 5 rows only")
                .params(RepublishJob.State.RUNNING.name(), now).query(String.class).list();
        for (String id : candidates) {
            int won = jdbc.sql("update republish_jobs set lease_until = ? where id = ? and state = ?"
                            + " and (lease_until is null or lease_until < ?)")
                    .params(Timestamp.from(Instant.now().plus(lease)), id, RepublishJob.State.RUNNING.name(), now)
                    .update();
            if (won == 1) {
                return find(id);
            }
        }
        return Optional.empty();
    }

    /** Records one handled image and moves the cursor past it, in one statement. */
    void advance(String id, Instant createdAt, String imageId, boolean withheld, Duration lease) {
        jdbc.sql("update republish_jobs set done = done + 1, withheld = withheld + ?, cursor_created_at = ?,"
                        + " cursor_id = ?, lease_until = ?, updated_at = ? where id = ?")
                .params(withheld ? 1 : 0, Timestamp.from(createdAt), imageId, Timestamp.from(Instant.now().plus(lease)),
                        Timestamp.from(Instant.now()), id)
                .update();
    }

    /** Keeps the claim while one image takes long (a video made frame by frame). */
    void renew(String id, Duration lease) {
        jdbc.sql("update republish_jobs set lease_until = ? where id = ?")
                .params(Timestamp.from(Instant.now().plus(lease)), id).update();
    }

    void finish(String id) {
        jdbc.sql("update republish_jobs set state = ?, done = total, lease_until = null, updated_at = ? where id = ?")
                .params(RepublishJob.State.DONE.name(), Timestamp.from(Instant.now()), id).update();
    }

    void release(String id) {
        jdbc.sql("update republish_jobs set lease_until = null where id = ?").param(id).update();
    }

    Optional<RepublishJob> find(String id) {
        return jdbc.sql("select * from republish_jobs where id = ?").param(id).query(RepublishJobs::map).optional();
    }

    int pendingImages() {
        return jdbc.sql("select coalesce(sum(total - done), 0) from republish_jobs where state = ?")
                .param(RepublishJob.State.RUNNING.name()).query(Integer.class).single();
    }

    void delete(String id) {
        jdbc.sql("delete from republish_jobs where id = ?").param(id).update();
    }

    private static RepublishJob map(ResultSet rs, int row) throws SQLException {
        Timestamp cursor = rs.getTimestamp("cursor_created_at");
        Object target = rs.getObject("target_dnt_me");
        return new RepublishJob(
                rs.getString("id"),
                RepublishJob.Kind.valueOf(rs.getString("kind")),
                rs.getString("user_id"),
                target == null ? null : rs.getBoolean("target_dnt_me"),
                rs.getString("model_version"),
                RepublishJob.State.valueOf(rs.getString("state")),
                rs.getInt("total"),
                rs.getInt("done"),
                rs.getInt("withheld"),
                cursor == null ? START : cursor.toInstant(),
                rs.getString("cursor_id") == null ? "" : rs.getString("cursor_id"));
    }
}
