package dev.dntme.gateway.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import dev.dntme.gateway.system.Problems;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Locale;
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
 * The user may also choose the protection level of their flagged uploads (an upload's own {@code strength} field
 * overrides it); a level change applies to new uploads only.
 */
@RestController
@RequestMapping(path = "/v1/users/{userId}/settings", produces = MediaType.APPLICATION_JSON_VALUE)
class UserSettingsController {

    record SettingsRequest(
            @Schema(description = "The user's account-level DNT-ME choice") @NotNull Boolean dntMe,
            @Schema(description = "`low`, `medium` or `high`: the level of the user's flagged stills that name no"
                    + " `strength`; absent or empty: the service default")
            String level) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SettingsView(
            boolean dntMe,
            @Schema(description = "The user's chosen level; absent when they use the service default") String level,
            @Schema(description = "Progress of re-publishing the user's existing photos after a change")
            RepublishProgress.Progress republish) {}

    private final UserSettingsRepository settings;
    private final ApplicationEventPublisher events;
    private final RepublishProgress progress;

    UserSettingsController(UserSettingsRepository settings, ApplicationEventPublisher events, RepublishProgress progress) {
        this.settings = settings;
        this.events = events;
        this.progress = progress;
    }

    @GetMapping
    @Problems({Problem.INVALID_USER_ID, Problem.NOT_ACCEPTABLE})
    SettingsView get(@PathVariable String userId) {
        UserId.require(userId);
        // A user who never chose has the default: off.
        return new SettingsView(settings.find(userId).orElse(false), settings.level(userId).map(UserSettingsController::name)
                .orElse(null), progress.forUser(userId).orElse(null));
    }

    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Problems({Problem.INVALID_REQUEST, Problem.INVALID_USER_ID, Problem.NOT_ACCEPTABLE, Problem.UNSUPPORTED_REQUEST_TYPE})
    SettingsView put(@PathVariable String userId, @Valid @RequestBody SettingsRequest body) {
        UserId.require(userId);
        CloakStrength level = level(body.level());
        boolean changed = settings.find(userId).map(current -> current != body.dntMe()).orElse(body.dntMe());
        settings.save(userId, body.dntMe(), level);
        if (changed) {
            events.publishEvent(new UserSettingChanged(userId, body.dntMe()));
        }
        return new SettingsView(body.dntMe(), level == null ? null : name(level), progress.forUser(userId).orElse(null));
    }

    private static CloakStrength level(String value) {
        try {
            return CloakStrength.parse(value).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Problem.INVALID_REQUEST, "level must be low, medium or high");
        }
    }

    private static String name(CloakStrength level) {
        return level.name().toLowerCase(Locale.ROOT);
    }
}
