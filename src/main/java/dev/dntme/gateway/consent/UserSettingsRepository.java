package dev.dntme.gateway.consent;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class UserSettingsRepository {

    private final JdbcClient jdbc;

    UserSettingsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Boolean> find(String userId) {
        return jdbc.sql("select dnt_me from user_settings where user_id = ?")
                .param(userId).query(Boolean.class).optional();
    }

    /** Update-then-insert keeps this portable between H2 and PostgreSQL; a racing insert retries as update. */
    void save(String userId, boolean dntMe) {
        Timestamp now = Timestamp.from(Instant.now());
        int updated = jdbc.sql("update user_settings set dnt_me = ?, updated_at = ? where user_id = ?")
                .params(dntMe, now, userId).update();
        if (updated == 0) {
            try {
                jdbc.sql("insert into user_settings (user_id, dnt_me, updated_at) values (?, ?, ?)")
                        .params(userId, dntMe, now).update();
            } catch (DuplicateKeyException raced) {
                jdbc.sql("update user_settings set dnt_me = ?, updated_at = ? where user_id = ?")
                        .params(dntMe, now, userId).update();
            }
        }
    }

    void delete(String userId) {
        jdbc.sql("delete from user_settings where user_id = ?").param(userId).update();
    }
}
