package dev.dntme.gateway.protection;

import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.consent.RepublishProgress.Progress;
import dev.dntme.gateway.consent.UserId;
import dev.dntme.gateway.consent.UserSettings;
import dev.dntme.gateway.upload.PublishedImages;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import dev.dntme.gateway.system.Problems;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator and erasure endpoints: re-cloak after a model upgrade, its progress, and erasing a user.
 */
@RestController
class AdminController {

    record RecloakView(String modelVersion, Progress progress) {}

    private final RepublishJobs jobs;
    private final PublishedImages images;
    private final UserSettings settings;
    private final CloakEngine engine;

    AdminController(RepublishJobs jobs, PublishedImages images, UserSettings settings, CloakEngine engine) {
        this.jobs = jobs;
        this.images = images;
        this.settings = settings;
        this.engine = engine;
    }

    /** Re-cloaks every public copy made by another cloak model version (or withheld); safe to call twice. */
    @PostMapping(path = "/v1/admin/recloak", produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "202", description = "Accepted")
    @Problems(Problem.NOT_ACCEPTABLE)
    ResponseEntity<RecloakView> recloak() {
        String version = engine.modelVersion();
        String id = RepublishJob.recloakJobId(version);
        boolean running = jobs.find(id).map(j -> j.state() == RepublishJob.State.RUNNING).orElse(false);
        if (!running) {
            jobs.start(id, RepublishJob.Kind.RECLOAK, null, null, version, images.countOutdatedCloaks());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(view(id, version));
    }

    @GetMapping(path = "/v1/admin/recloak", produces = MediaType.APPLICATION_JSON_VALUE)
    @Problems({Problem.NOT_FOUND, Problem.NOT_ACCEPTABLE})
    RecloakView recloakProgress() {
        String version = engine.modelVersion();
        return view(RepublishJob.recloakJobId(version), version);
    }

    /** Erases all of a user's photos (both copies), settings and jobs. A second call is harmless. */
    @DeleteMapping("/v1/users/{userId}")
    @ApiResponse(responseCode = "204", description = "No Content")
    @Problems(Problem.INVALID_USER_ID)
    ResponseEntity<Void> eraseUser(@PathVariable String userId) {
        UserId.require(userId);
        jobs.delete(RepublishJob.userJobId(userId));
        images.eraseAllOf(userId);
        settings.erase(userId);
        return ResponseEntity.noContent().build();
    }

    private RecloakView view(String id, String version) {
        Progress progress = jobs.find(id).map(RetroactiveProtection::progress)
                .orElseThrow(() -> new ApiException(Problem.NOT_FOUND, "No re-cloak has been started for " + version));
        return new RecloakView(version, progress);
    }
}
