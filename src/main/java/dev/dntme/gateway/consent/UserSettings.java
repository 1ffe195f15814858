package dev.dntme.gateway.consent;

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

    public void erase(String userId) {
        repository.delete(userId);
    }
}
