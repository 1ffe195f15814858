package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.consent.FlagDecision;
import dev.dntme.gateway.consent.FlagResolver;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.consent.UserSettingChanged;
import dev.dntme.gateway.consent.UserSettings;
import dev.dntme.gateway.consent.UserId;
import dev.dntme.gateway.imaging.DecodedImage;
import dev.dntme.gateway.imaging.ImageDecoder;
import dev.dntme.gateway.imaging.media.MediaCodecs;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.CatalogFailures;
import dev.dntme.gateway.system.Problem;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upload pipeline, in the order the invariants demand (docs/architecture.md):
 * check and decode → resolve the flag → record (received) → store original (stored) → make the public
 * copy (cloaked if flagged) → write it last → mark published. Any failure rolls back what was done, so
 * the client's retry with the same Idempotency-Key starts clean; what a crash leaves behind, the
 * {@link StaleUploadSweeper} rolls back.
 */
@Service
class UploadService {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ImageDecoder decoder;
    private final FlagResolver flags;
    private final ImageCatalog catalog;
    private final ObjectStore store;
    private final PublicCopyRenderer renderer;
    private final ImageErasure erasure;
    private final UploadProperties properties;
    private final JsonMapper json;
    private final UploadMetrics metrics;
    private final UserSettings userSettings;
    private final ApplicationEventPublisher events;
    private final MediaCodecs codecs;
    private final ObjectProvider<MediaRenderer> mediaRenderers;
    private final ImageViews views;

    UploadService(ImageDecoder decoder, FlagResolver flags, ImageCatalog catalog, ObjectStore store,
            PublicCopyRenderer renderer, ImageErasure erasure, UploadProperties properties, JsonMapper json,
            UploadMetrics metrics, UserSettings userSettings, ApplicationEventPublisher events, MediaCodecs codecs,
            ObjectProvider<MediaRenderer> mediaRenderers, ImageViews views) {
        this.decoder = decoder;
        this.flags = flags;
        this.catalog = catalog;
        this.store = store;
        this.renderer = renderer;
        this.erasure = erasure;
        this.properties = properties;
        this.json = json;
        this.metrics = metrics;
        this.userSettings = userSettings;
        this.events = events;
        this.codecs = codecs;
        this.mediaRenderers = mediaRenderers;
        this.views = views;
    }

    UploadResult upload(UploadCommand command) {
        String userId = UserId.require(command.userId());
        String key = validIdempotencyKey(command.idempotencyKey());
        CloakStrength asked = level(command.strength());
        String sha256 = sha256(command.bytes());
        if (key != null) {
            Optional<ImageRecord> earlier = catalog.findByIdempotencyKey(userId, key);
            if (earlier.isPresent() && (earlier.get().state() == ImageState.FAILED
                    || earlier.get().state() == ImageState.REJECTED)) {
                // the earlier try could not clean up, or its job failed closed: clean up now, then start afresh
                erasure.finish(earlier.get());
            } else if (earlier.isPresent()) {
                return replay(earlier.get(), sha256);
            }
        }
        Optional<MediaHeader> media;
        try {
            media = codecs.probe(command.bytes()); // more than one frame: limits checked on the headers
        } catch (ApiException rejected) {
            count("rejected", rejected.problem().slug());
            throw rejected;
        }
        if (media.isPresent()) {
            CloakStrength level = asked != null ? asked
                    : properties.mediaLevel(userSettings.level(userId).orElse(properties.defaultMediaStrength()), media.get().frames(),
                            renderer::frameSeconds);
            return uploadMedia(command, userId, key, level, sha256, media.get());
        }
        CloakStrength strength = asked != null ? asked : userSettings.level(userId).orElse(properties.defaultStrength());
        DecodedImage image;
        try {
            image = decoder.decode(command.bytes());
        } catch (ApiException rejected) {
            count("rejected", rejected.problem().slug());
            throw rejected;
        }
        FlagDecision flag = flags.resolve(userId, command.dntMeField(), command.dntMeHeader(),
                image.dataMiningProhibited());

        String id = UUID.randomUUID().toString();
        // the catalog keeps microseconds: the 201 says what every later read says
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        ImageRecord record = new ImageRecord(id, userId, key, ImageState.RECEIVED, flag.dntMe(), flag.source(),
                "originals/" + id, sha256, image.format().mediaType(), command.bytes().length,
                unguessableKey() + "." + image.format().publicFormat().extension(),
                image.format().publicFormat().mediaType(), image.width(), image.height(), 0, null, null, now, now, strength);
        try {
            catalog.insert(record);
        } catch (DuplicateKeyException raced) {
            return replay(catalog.findByIdempotencyKey(userId, key).orElseThrow(() -> raced), sha256);
        }
        try {
            store.putOriginal(record.originalKey(), command.bytes(), record.originalContentType());
            requireTransition(record, ImageState.RECEIVED, ImageState.STORED);
            metrics.bytesIn(command.bytes().length);
            if (renderer.inBackground(flag.dntMe(), strength)) {
                // a level too slow for the request: the media job queue makes the copy (202, as for animations)
                return queued(record);
            }
            PublicCopy copy = renderer.render(image, flag.dntMe(), strength);
            store.putPublic(record.publicKey(), copy.bytes(), copy.format().mediaType());
            metrics.bytesOut(copy.bytes().length);
            ImageRecord published = record.published(copy.faces(), receiptJson(copy.receipt()),
                    copy.receipt() == null ? null : copy.receipt().modelVersion());
            if (!catalog.markPublished(published)) {
                throw new ApiException(Problem.UPLOAD_IN_PROGRESS, "The image was erased while it was being published");
            }
            count(flag.dntMe() ? "published-cloaked" : "published-clean", "none");
            catchUpWithSettingChange(userId, flag);
            return new UploadResult(view(published), false);
        } catch (RuntimeException failure) {
            throw failed(record, flag, failure);
        }
    }

    /**
     * An animation or a video: the same order as a still (record, original, then the public copy), but one with
     * {@code dntme.upload.async-min-frames} frames or more is only queued here (state PROCESSING, 202 Accepted) and
     * published by {@link MediaJobWorker}.
     */
    private UploadResult uploadMedia(UploadCommand command, String userId, String key, CloakStrength strength,
            String sha256, MediaHeader header) {
        // The medium's own XMP is not read (yet): the field, the header and the user's setting decide its flag.
        FlagDecision flag = flags.resolve(userId, command.dntMeField(), command.dntMeHeader(), false);
        boolean async = header.frames() >= properties.asyncMinFrames();

        String id = UUID.randomUUID().toString();
        // the catalog keeps microseconds: the 201 says what every later read says
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        MediaFormat published = header.format().publicFormat();
        ImageRecord record = new ImageRecord(id, userId, key, ImageState.RECEIVED, flag.dntMe(), flag.source(),
                "originals/" + id, sha256, header.format().mediaType(), command.bytes().length,
                unguessableKey() + "." + published.extension(), published.mediaType(), header.width(), header.height(),
                0, null, null, now, now,
                new ImageRecord.Media(header.format(), header.frames(), 0, header.durationMillis()), null, strength);
        try {
            catalog.insert(record);
        } catch (DuplicateKeyException raced) {
            return replay(catalog.findByIdempotencyKey(userId, key).orElseThrow(() -> raced), sha256);
        }
        try {
            store.putOriginal(record.originalKey(), command.bytes(), record.originalContentType());
            requireTransition(record, ImageState.RECEIVED, ImageState.STORED);
            metrics.bytesIn(command.bytes().length);
            if (async) {
                return queued(record);
            }
            RenderedMedia copy = mediaRenderers.getObject().render(command.bytes(), flag.dntMe(), strength, (done, total) -> { });
            store.putPublic(record.publicKey(), copy.bytes(), copy.mediaType());
            metrics.bytesOut(copy.bytes().length);
            ImageRecord done = record.published(copy.faces(), receiptJson(copy.receipt()),
                    copy.receipt() == null ? null : copy.receipt().modelVersion());
            if (!catalog.markPublished(done)) {
                throw new ApiException(Problem.UPLOAD_IN_PROGRESS, "The image was erased while it was being published");
            }
            count(flag.dntMe() ? "published-cloaked" : "published-clean", "none");
            catchUpWithSettingChange(userId, flag);
            return new UploadResult(view(catalog.find(id).orElse(done)), false);
        } catch (RuntimeException failure) {
            throw failed(record, flag, failure);
        }
    }

    /** The original is stored: a background job makes the public copy (PROCESSING, 202 Accepted). */
    private UploadResult queued(ImageRecord record) {
        if (!catalog.queue(record.id())) {
            throw new ApiException(Problem.UPLOAD_IN_PROGRESS, "The image was erased while it was being stored");
        }
        count("accepted", "none");
        return new UploadResult(view(record.in(ImageState.PROCESSING)), false, true);
    }

    /** Rolls back a request's upload, counts how it ended and says what the client gets (nothing was published). */
    private RuntimeException failed(ImageRecord record, FlagDecision flag, RuntimeException failure) {
        rollBack(record);
        count(failure instanceof ApiException api && api.problem().status().is4xxClientError() ? "rejected"
                : flag.dntMe() ? "failed-closed" : "failed", reason(failure));
        if (CatalogFailures.retryable(failure)) {
            return new ApiException(Problem.STORAGE_UNAVAILABLE, "The catalog is unavailable; nothing was published",
                    failure);
        }
        // a catalog that refuses the row (a constraint, a value too long) refuses it again on every retry: a 500, logged
        // with its cause by the problem handler, never a 503 that tells the client to retry
        return failure;
    }

    /**
     * The user may have turned DNT-ME on while this clean copy was being made (the flag was read before):
     * the background job started by that change may already have passed this image's place in its
     * order, so it is started again to pick this one up too. Images it already handled are skipped.
     */
    private void catchUpWithSettingChange(String userId, FlagDecision flag) {
        boolean decidedBySetting = flag.source() == FlagSource.USER_SETTING || flag.source() == FlagSource.DEFAULT;
        if (!flag.dntMe() && decidedBySetting && userSettings.dntMe(userId)) {
            events.publishEvent(new UserSettingChanged(userId, true));
        }
    }

    /**
     * Public copy, then original, then the row: the row goes last because it is what tells the sweeper
     * that objects may exist (a timed-out write may still have landed). If storage is failing, the row
     * is marked FAILED and left for the sweeper or the client's retry.
     */
    private void rollBack(ImageRecord record) {
        try {
            erasure.finish(record);
        } catch (RuntimeException e) {
            log.warn("roll-back of image {} incomplete, left for the sweeper: {}", record.id(), e.getMessage());
            try {
                catalog.markFailed(record.id());
            } catch (RuntimeException catalogDown) {
                log.warn("image {} stays {} until the sweeper sees it: {}", record.id(), record.state(),
                        catalogDown.getMessage());
            }
        }
    }

    private UploadResult replay(ImageRecord earlier, String sha256) {
        if (!earlier.originalSha256().equals(sha256)) {
            throw new ApiException(Problem.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used for a different photo; use a new key for a new photo");
        }
        if (earlier.state() == ImageState.PROCESSING) {
            return new UploadResult(view(earlier), true, true); // accepted before: the same 202 again
        }
        if (earlier.state() != ImageState.PUBLISHED) {
            throw new ApiException(Problem.UPLOAD_IN_PROGRESS,
                    "The first upload with this Idempotency-Key is still running; retry shortly");
        }
        return new UploadResult(view(earlier), true);
    }

    ImageView view(ImageRecord r) {
        return views.view(r);
    }

    private void requireTransition(ImageRecord record, ImageState from, ImageState to) {
        if (!catalog.transition(record.id(), from, to)) {
            throw new ApiException(Problem.UPLOAD_IN_PROGRESS, "The image was erased while it was being stored");
        }
    }

    private String receiptJson(ProtectionReceipt receipt) {
        return receipt == null ? null : json.writeValueAsString(receipt);
    }

    /** The upload's own {@code strength} field; null when it names none. */
    private static CloakStrength level(String value) {
        try {
            return CloakStrength.parse(value).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Problem.INVALID_REQUEST, "strength must be low, medium or high");
        }
    }

    private static String validIdempotencyKey(String key) {
        if (key == null) {
            return null;
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new ApiException(Problem.INVALID_IDEMPOTENCY_KEY,
                    "Idempotency-Key must be 1-200 printable ASCII characters without spaces");
        }
        return key;
    }

    private void count(String outcome, String reason) {
        metrics.outcome(outcome, reason);
    }

    private static String reason(RuntimeException failure) {
        return failure instanceof ApiException api ? api.problem().slug()
                : failure.getClass().getSimpleName().replace("Exception", "").toLowerCase(Locale.ROOT);
    }

    /** 128 random bits: a public URL reveals nothing about the user or the image id. */
    private static String unguessableKey() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
