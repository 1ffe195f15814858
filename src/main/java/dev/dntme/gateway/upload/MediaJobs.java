package dev.dntme.gateway.upload;

import static dev.dntme.gateway.upload.ImageCatalog.ts;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The media job queue, which is the images table itself (rows in PROCESSING). Whoever holds a row's lease owns its
 * job: every change a worker makes is guarded by {@code state = PROCESSING and lease_owner = <its token>}, so a worker
 * whose lease was taken over, or whose image was erased, changes nothing.
 */
@Repository
class MediaJobs {

    private final JdbcClient jdbc;

    MediaJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the oldest due job of its kind (stills, or animations and videos) nobody holds (or whose holder's lease ran out). The taking is one conditional UPDATE:
     * of two replicas racing for the same row, the database lets exactly one update it, the other sees 0 rows and
     * tries the next candidate.
     */
    Optional<MediaJob> claim(String owner, Duration lease, boolean stills) {
        Timestamp now = ts(Instant.now());
        List<String> candidates = jdbc.sql("select id from images where state = ? and next_attempt_at <= ?"
                        + " and (lease_until is null or lease_until < ?)"
                        + (stills ? " and media_format is null" : " and media_format is not null")
                        + " order by next_attempt_at, created_at fetch first 5 rows only")
                .params(ImageState.PROCESSING.name(), now, now).query(String.class).list();
        for (String id : candidates) {
            int won = jdbc.sql("update images set lease_owner = ?, lease_until = ? where id = ? and state = ?"
                            + " and next_attempt_at <= ? and (lease_until is null or lease_until < ?)")
                    .params(owner, ts(Instant.now().plus(lease)), id, ImageState.PROCESSING.name(), now, now)
                    .update();
            if (won == 1) {
                return jdbc.sql("select * from images where id = ? and lease_owner = ?").params(id, owner)
                        .query((rs, n) -> new MediaJob(ImageCatalog.map(rs, n), rs.getInt("attempts"), owner))
                        .optional();
            }
        }
        return Optional.empty();
    }

    /** Extends the lease (and records progress when {@code framesDone} is not null). False: the job is no longer ours. */
    boolean renew(MediaJob job, Duration lease, Integer framesDone) {
        String progress = framesDone == null ? "" : ", frames_done = " + Math.max(0, framesDone);
        return jdbc.sql("update images set lease_until = ?" + progress + " where id = ? and state = ? and lease_owner = ?")
                .params(ts(Instant.now().plus(lease)), job.image().id(), ImageState.PROCESSING.name(), job.owner())
                .update() == 1;
    }

    /** The public copy is written: the row describes it ({@code frames} as written, which a video's header may only estimate). */
    boolean markPublished(MediaJob job, int frames, int faces, String receipt, String modelVersion, String contentType) {
        return jdbc.sql("""
                update images set state = ?, frames_done = ?, frames_total = ?, faces = ?, receipt = ?, cloak_model_version = ?,
                    content_type = ?, lease_owner = null, lease_until = null, next_attempt_at = null, updated_at = ?
                where id = ? and state = ? and lease_owner = ?""")
                .params(ImageState.PUBLISHED.name(), frames, frames, faces, receipt, modelVersion, contentType,
                        ts(Instant.now()), job.image().id(), ImageState.PROCESSING.name(), job.owner())
                .update() == 1;
    }

    /**
     * Writes down why the job is being rejected before its objects are deleted, so that if the row change then fails
     * the next attempt finishes the rejection instead of finding the original gone and guessing why.
     */
    boolean recordFailure(MediaJob job, String type, String detail) {
        return jdbc.sql("update images set failure_type = ?, failure_detail = ? where id = ? and state = ?"
                        + " and lease_owner = ?")
                .params(type, truncate(detail), job.image().id(), ImageState.PROCESSING.name(), job.owner())
                .update() == 1;
    }

    boolean markRejected(MediaJob job) {
        return jdbc.sql("update images set state = ?, lease_owner = null, lease_until = null, next_attempt_at = null,"
                        + " updated_at = ? where id = ? and state = ? and lease_owner = ? and failure_type is not null")
                .params(ImageState.REJECTED.name(), ts(Instant.now()), job.image().id(), ImageState.PROCESSING.name(),
                        job.owner())
                .update() == 1;
    }

    /** Lets go of the job until {@code next}; {@code countAttempt} is false when this replica merely stops. */
    boolean retryLater(MediaJob job, Instant next, boolean countAttempt) {
        return jdbc.sql("update images set attempts = attempts + ?, lease_owner = null, lease_until = null,"
                        + " next_attempt_at = ? where id = ? and state = ? and lease_owner = ?")
                .params(countAttempt ? 1 : 0, ts(next), job.image().id(), ImageState.PROCESSING.name(), job.owner())
                .update() == 1;
    }

    /** @param oldest creation time of the oldest queued job, null when none */
    record Queue(int size, Instant oldest) {}

    Queue queue() {
        return jdbc.sql("select count(*) as n, min(created_at) as oldest from images where state = ?")
                .param(ImageState.PROCESSING.name())
                .query((rs, n) -> new Queue(rs.getInt("n"),
                        rs.getTimestamp("oldest") == null ? null : rs.getTimestamp("oldest").toInstant()))
                .single();
    }

    private static String truncate(String detail) {
        if (detail == null) {
            return null;
        }
        return detail.length() <= 1000 ? detail : detail.substring(0, 997) + "...";
    }
}
