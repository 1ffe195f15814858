package dev.dntme.gateway.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's account-level DNT-ME choice. It decides uploads that carry no explicit flag, and a change is
 * applied to the user's existing photos in the background; {@code republish} shows how far that got.
 */
@RestController
@RequestMapping(path = "/v1/users/{userId}/settings", produces = MediaType.APPLICATION_JSON_VALUE)
class UserSettingsController {

    record SettingsRequest(@NotNull Boolean dntMe) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SettingsView(boolean dntMe, RepublishProgress.Progress republish) {}

    private final UserSettingsRepository settings;
    private final ApplicationEventPublisher events;
    private final RepublishProgress progress;

    UserSettingsController(UserSettingsRepository settings, ApplicationEventPublisher events, RepublishProgress progress) {
        this.settings = settings;
        this.events = events;
        this.progress = progress;
    }

    @GetMapping
    SettingsView get(@PathVariable String userId) {
        UserId.require(userId);
        // A user who never chose has the default: off.
        return new SettingsView(settings.find(userId).orElse(false), progress.forUser(userId).orElse(null));
    }

    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    SettingsView put(@PathVariable String userId, @Valid @RequestBody SettingsRequest body) {
        UserId.require(userId);
        boolean changed = settings.find(userId).map(current -> current != body.dntMe()).orElse(body.dntMe());
        settings.save(userId, body.dntMe());
        if (changed) {
            events.publishEvent(new UserSettingChanged(userId, body.dntMe()));
        }
        return new SettingsView(body.dntMe(), progress.forUser(userId).orElse(null));
    }
}
