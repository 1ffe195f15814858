package dev.dntme.gateway.consent;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A user's account-level DNT-ME choice, used for uploads that carry no explicit flag. */
@RestController
@RequestMapping(path = "/v1/users/{userId}/settings", produces = MediaType.APPLICATION_JSON_VALUE)
class UserSettingsController {

    record Settings(@NotNull Boolean dntMe) {}

    private final UserSettingsRepository settings;

    UserSettingsController(UserSettingsRepository settings) {
        this.settings = settings;
    }

    @GetMapping
    Settings get(@PathVariable String userId) {
        UserId.require(userId);
        // A user who never chose has the default: off.
        return new Settings(settings.find(userId).orElse(false));
    }

    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Settings put(@PathVariable String userId, @Valid @RequestBody Settings body) {
        UserId.require(userId);
        settings.save(userId, body.dntMe());
        return body;
    }
}
