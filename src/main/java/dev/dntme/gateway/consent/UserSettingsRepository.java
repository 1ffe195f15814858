package dev.dntme.gateway.consent;

import dev.dntme.gateway.cloak.CloakStrength;

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

    Optional<CloakStrength> level(String userId) {
        return jdbc.sql("select protection_level from user_settings where user_id = ?").param(userId).query(String.class).list()
                .stream().filter(java.util.Objects::nonNull).findFirst().map(CloakStrength::valueOf);
    }

    /** Keeps the user's chosen level. */
    void save(String userId, boolean dntMe) {
        save(userId, dntMe, level(userId).orElse(null));
    }

    /**
     * Update-then-insert keeps this portable between H2 and PostgreSQL; a racing insert retries as update.
     *
     * @param level null: the platform's default
     */
    void save(String userId, boolean dntMe, CloakStrength level) {
        Timestamp now = Timestamp.from(Instant.now());
        String name = level == null ? null : level.name();
        int updated = jdbc.sql("update user_settings set dnt_me = ?, protection_level = ?, updated_at = ? where user_id = ?")
                .params(dntMe, name, now, userId).update();
        if (updated == 0) {
            try {
                jdbc.sql("insert into user_settings (user_id, dnt_me, protection_level, updated_at) values (?, ?, ?, ?)")
                        .params(userId, dntMe, name, now).update();
            } catch (DuplicateKeyException raced) {
                jdbc.sql("update user_settings set dnt_me = ?, protection_level = ?, updated_at = ? where user_id = ?")
                        .params(dntMe, name, now, userId).update();
            }
        }
    }

    void delete(String userId) {
        jdbc.sql("delete from user_settings where user_id = ?").param(userId).update();
    }
}
