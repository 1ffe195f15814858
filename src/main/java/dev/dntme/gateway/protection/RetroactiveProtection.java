package dev.dntme.gateway.protection;

import dev.dntme.gateway.consent.RepublishProgress;
import dev.dntme.gateway.consent.UserSettingChanged;
import dev.dntme.gateway.upload.PublishedImages;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/** Applies a user's changed DNT-ME setting to all of their existing photos, through a background job. */
@Service
class RetroactiveProtection implements RepublishProgress {

    private final RepublishJobs jobs;
    private final PublishedImages images;

    RetroactiveProtection(RepublishJobs jobs, PublishedImages images) {
        this.jobs = jobs;
        this.images = images;
    }

    @EventListener
    void settingChanged(UserSettingChanged change) {
        jobs.start(RepublishJob.userJobId(change.userId()), RepublishJob.Kind.USER_SETTING, change.userId(),
                change.dntMe(), null, images.countUserImages(change.userId()));
    }

    @Override
    public Optional<Progress> forUser(String userId) {
        return jobs.find(RepublishJob.userJobId(userId)).map(RetroactiveProtection::progress);
    }

    static Progress progress(RepublishJob job) {
        return new Progress(job.state().name().toLowerCase(Locale.ROOT), job.done(), job.total(), job.withheld());
    }
}
