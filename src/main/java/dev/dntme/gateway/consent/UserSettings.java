package dev.dntme.gateway.consent;

import dev.dntme.gateway.cloak.CloakStrength;
import java.util.Optional;

import org.springframework.stereotype.Service;

/** User settings for other features: erasure removes them with the user's photos. */
@Service
public class UserSettings {

    private final UserSettingsRepository repository;

    UserSettings(UserSettingsRepository repository) {
        this.repository = repository;
    }

    public boolean dntMe(String userId) {
        return repository.find(userId).orElse(false);
    }

    /** The protection level the user chose for their flagged uploads; empty: the platform's default. */
    public Optional<CloakStrength> level(String userId) {
        return repository.level(userId);
    }

    public void erase(String userId) {
        repository.delete(userId);
    }
}
