package dev.dntme.gateway.upload;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The background jobs that publish animations, videos and stills at a level too slow for the request
 * ({@code DNTME_MEDIA_JOBS_*}).
 *
 * @param concurrency   animation and video jobs one replica works on at once (each one mostly waits for the cloak
 *                      workers, which are shared with still uploads; more than the cloak workers only queues)
 * @param stillConcurrency still jobs one replica works on at once, apart from the animations and videos: a photo never
 *                      waits behind a clip's minutes-long job
 * @param pollInterval  how often an idle replica looks for a due job
 * @param lease         how long a worker owns a job without a sign of life; renewed by a heartbeat every third of it
 *                      and by progress. A crashed replica's job is taken over this long after its last heartbeat
 * @param maxAttempts   attempts ended by a retryable error (engine unavailable, storage down) before the job is
 *                      rejected
 * @param retryBackoff  wait before the second attempt; doubled for each further one (at most 32 times)
 * @param progressEvery at most one progress write (frames done, lease) per job this often
 */
@Validated
@ConfigurationProperties(prefix = "dntme.media-jobs")
public record MediaJobsProperties(
        @DefaultValue("1") @Min(1) @Max(64) int concurrency,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("2m") @NotNull Duration lease,
        @DefaultValue("3") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("30s") @NotNull Duration retryBackoff,
        @DefaultValue("500ms") @NotNull Duration progressEvery,
        @DefaultValue("1") @Min(1) @Max(64) int stillConcurrency) {

    public MediaJobsProperties {
        require(pollInterval, Duration.ofMillis(10), "poll-interval");
        require(lease, Duration.ofSeconds(1), "lease");
        require(retryBackoff, Duration.ofMillis(10), "retry-backoff");
        require(progressEvery, Duration.ZERO, "progress-every");
        if (lease != null && progressEvery != null && progressEvery.compareTo(lease.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("dntme.media-jobs.progress-every must be at most half the lease");
        }
    }

    private static void require(Duration value, Duration min, String name) {
        if (value != null && value.compareTo(min) < 0) {
            throw new IllegalArgumentException("dntme.media-jobs." + name + " must be at least " + min);
        }
    }

    /** Wait before the attempt after {@code attemptsSoFar} failed ones. */
    Duration backoff(int attemptsSoFar) {
        return retryBackoff.multipliedBy(1L << Math.min(5, Math.max(0, attemptsSoFar - 1)));
    }
}
