package dev.dntme.gateway.upload;

import dev.dntme.gateway.consent.FlagSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
                    faces, receipt, cloak_model_version, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.id(), r.userId(), r.idempotencyKey(), r.state().name(), r.dntMe(), r.flagSource().name(),
                        r.originalKey(), r.originalSha256(), r.originalContentType(), r.originalSize(), r.publicKey(),
                        r.contentType(), r.width(), r.height(), r.faces(), r.receiptJson(), r.cloakModelVersion(),
                        ts(r.createdAt()), ts(r.updatedAt()))
                .update();
    }

    boolean transition(String id, ImageState from, ImageState to) {
        return jdbc.sql("update images set state = ?, updated_at = ? where id = ? and state = ?")
                .params(to.name(), ts(Instant.now()), id, from.name()).update() == 1;
    }

    boolean markPublished(ImageRecord r) {
        return jdbc.sql("""
                update images set state = ?, faces = ?, receipt = ?, cloak_model_version = ?, updated_at = ?
                where id = ? and state = ?""")
                .params(ImageState.PUBLISHED.name(), r.faces(), r.receiptJson(), r.cloakModelVersion(),
                        ts(r.updatedAt()), r.id(), ImageState.STORED.name())
                .update() == 1;
    }

    Optional<ImageRecord> find(String id) {
        return jdbc.sql("select * from images where id = ?").param(id).query(ImageCatalog::map).optional();
    }

    Optional<ImageRecord> findByIdempotencyKey(String userId, String key) {
        return jdbc.sql("select * from images where user_id = ? and idempotency_key = ?")
                .params(userId, key).query(ImageCatalog::map).optional();
    }

    /**
     * Rows no live request owns: FAILED and DELETING at any age, RECEIVED and STORED once older than
     * {@code age} (their request died with its process).
     */
    List<ImageRecord> abandoned(Duration age, int limit) {
        return jdbc.sql("select * from images where state in (?, ?) or (state in (?, ?) and updated_at < ?)"
                        + " order by updated_at fetch first ? rows only")
                .params(ImageState.FAILED.name(), ImageState.DELETING.name(), ImageState.RECEIVED.name(),
                        ImageState.STORED.name(), ts(Instant.now().minus(age)), limit)
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

    void delete(String id) {
        jdbc.sql("delete from images where id = ?").param(id).update();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    private static ImageRecord map(ResultSet rs, int row) throws SQLException {
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
                rs.getTimestamp("updated_at").toInstant());
    }
}
