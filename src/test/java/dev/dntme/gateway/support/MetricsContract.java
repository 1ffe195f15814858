package dev.dntme.gateway.support;

import java.util.Set;

/**
 * The app's own metric series, Prometheus names. The Grafana dashboard and alert rules may query only
 * these (DashboardMetricsTest), and the running app must emit every one of them after real uploads
 * (FlaggedUploadTest scrapes it): the two tests meet here.
 */
public final class MetricsContract {

    private MetricsContract() {
    }

    public static final Set<String> APP_METRICS = Set.of(
            // histogram (Timer with percentile histogram), tag strength
            "dntme_cloak_image_duration_seconds_bucket", "dntme_cloak_image_duration_seconds_count",
            "dntme_cloak_image_duration_seconds_sum",
            "dntme_cloak_face_duration_seconds_bucket", "dntme_cloak_face_duration_seconds_count",
            "dntme_cloak_face_duration_seconds_sum",
            "dntme_cloak_queue_wait_seconds_bucket", "dntme_cloak_queue_wait_seconds_count",
            "dntme_cloak_queue_wait_seconds_sum",
            // gauges
            "dntme_cloak_queue_size", "dntme_cloak_queue_capacity", "dntme_cloak_ready", "dntme_republish_pending",
            // counters; dntme_uploads_total has tags outcome and reason
            "dntme_uploads_total", "dntme_bytes_in_total", "dntme_bytes_out_total", "dntme_republish_done_total",
            // distribution summary with histogram
            "dntme_faces_per_image_bucket", "dntme_faces_per_image_count", "dntme_faces_per_image_sum",
            // signed webhooks: counter with tag outcome (delivered, retried, gave-up), gauge; registered at start-up
            "dntme_webhook_deliveries_total", "dntme_webhook_pending",
            // media jobs (issue 14): gauges read from the catalog; counter with tag outcome; summary with histogram;
            // timer histogram with tag phase (first, later). Registered at start-up, so that FlaggedUploadTest's
            // scrape, which uploads stills only, finds them.
            "dntme_media_jobs_queued", "dntme_media_jobs_oldest_age_seconds", "dntme_media_jobs_total",
            "dntme_media_frames_per_job_bucket", "dntme_media_frames_per_job_count", "dntme_media_frames_per_job_sum",
            "dntme_media_frame_duration_seconds_bucket", "dntme_media_frame_duration_seconds_count",
            "dntme_media_frame_duration_seconds_sum");
}
