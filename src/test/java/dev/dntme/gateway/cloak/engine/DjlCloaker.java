package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.benchmark.protection.Cloaker;
import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.imaging.DecodedImage;
import dev.dntme.gateway.imaging.ImageDecoder;
import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;
import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.PublicEncoder;
import dev.dntme.gateway.imaging.ServiceImaging;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The service's publish path for a flagged upload, as {@code PublicCopyRenderer} runs it: the upload decoder,
 * {@link DjlCloakEngine#cloak} at a strength (MEDIUM unless {@code -Dbenchmark.strength}), the public encoder at
 * the service's JPEG quality (ImagingProperties' default, 0.90), with the "data mining prohibited" mark.
 * A {@link CloakFailedException} or {@link CloakUnavailableException} is a fail-closed publish: nothing published.
 *
 * <p>Settings are the service's own {@code dntme.cloak.*}, bound like the application binds them, from system
 * properties {@code -Ddntme.cloak.x=v} or {@code -Dbenchmark.cloak.x=v} (e.g. {@code -Dbenchmark.cloak.medium.epsilon=8},
 * {@code -Dbenchmark.cloak.ensemble=true}, later {@code -Dbenchmark.cloak.recognizers=dlib,faceres}).
 */
public final class DjlCloaker implements Cloaker, AutoCloseable {

    private final CloakProperties properties;
    private final Map<String, String> settings;
    private final CloakStrength strength;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DjlCloakEngine engine;
    private final DistributionSummary steps;
    private final DistributionSummary rounds;
    private final ImageDecoder decoder;
    private final PublicEncoder encoder;
    private final float jpegQuality;

    /** From system properties (see the class comment). */
    public static DjlCloaker fromSystemProperties() throws InterruptedException {
        Map<String, String> settings = SystemPropertyBinding.collect("dntme.cloak", System.getProperties());
        return new DjlCloaker(SystemPropertyBinding.bind("dntme.cloak", CloakProperties.class, settings), settings,
                CloakStrength.valueOf(System.getProperty("benchmark.strength", "MEDIUM").toUpperCase(Locale.ROOT)));
    }

    DjlCloaker(CloakProperties properties, Map<String, String> settings, CloakStrength strength) throws InterruptedException {
        this.properties = properties;
        this.settings = settings;
        this.strength = strength;
        this.engine = new DjlCloakEngine(properties, meters);
        this.steps = meters.summary("dntme.cloak.steps");
        this.rounds = meters.summary("dntme.cloak.rounds");
        ImagingProperties imaging = SystemPropertyBinding.bindSystemProperties("dntme.imaging", ImagingProperties.class);
        this.decoder = ServiceImaging.decoder(imaging);
        this.encoder = ServiceImaging.encoder(imaging);
        this.jpegQuality = imaging.jpegQuality();
        if (!engine.awaitReady(300_000)) {
            engine.destroy();
            throw new IllegalStateException("cloak engine not ready after 5 minutes");
        }
    }

    @Override
    public Published publish(byte[] originalBytes) {
        DecodedImage image = decoder.decode(originalBytes);
        PublicFormat format = image.format().publicFormat();
        double stepsBefore = steps.totalAmount(), roundsBefore = rounds.totalAmount();
        long t0 = System.nanoTime();
        try {
            CloakedImage cloaked = engine.cloak(image.rgb(), strength, pixels -> encoder.encode(image.withOriginalAlpha(pixels), format, true));
            double millis = (System.nanoTime() - t0) / 1e6;
            return new Published(cloaked.encoded(), null,
                    cloaked.receipt().faces().stream().map(f -> new Face(f.ssim(), f.embeddingDistance(),
                            new java.awt.Rectangle(f.x(), f.y(), f.width(), f.height()))).toList(), millis,
                    (int) Math.round(steps.totalAmount() - stepsBefore), (int) Math.round(rounds.totalAmount() - roundsBefore));
        } catch (CloakFailedException | CloakUnavailableException e) {
            return Published.failedClosed(e.getMessage(), (System.nanoTime() - t0) / 1e6);
        }
    }

    /** The recognisers the cloak optimises against, by the scrapers' names. */
    public Set<String> inLoss() {
        return new LinkedHashSet<>(Attacks.recognizerNames(properties, strength));
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "engine %s, strength %s %s, target face SSIM %s, ensemble %s, transfer %s, %d worker(s) x %d "
                        + "intra-op thread(s); settings given: %s; published by the service's PublicEncoder, %s at quality %.2f",
                engine.modelVersion(), strength, properties.budget(strength), properties.targetFaceSsim(), properties.ensemble(),
                properties.transfer(), properties.workers(), properties.intraOpThreads(), settings.isEmpty() ? "none (defaults)" : settings,
                "JPEG for JPEG uploads", jpegQuality);
    }

    @Override
    public void close() {
        engine.destroy();
    }
}
