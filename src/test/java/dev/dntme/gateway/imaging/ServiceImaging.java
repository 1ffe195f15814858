package dev.dntme.gateway.imaging;

/**
 * The service's own upload decoder and public encoder for benchmarks outside this package (their constructors
 * are package-private: Spring makes them). Use with properties bound like the application's, e.g.
 * {@code SystemPropertyBinding.bindSystemProperties("dntme.imaging", ImagingProperties.class)}.
 */
public final class ServiceImaging {

    private ServiceImaging() {
    }

    public static ImageDecoder decoder(ImagingProperties properties) {
        return new ImageDecoder(new ImageLimits(properties));
    }

    public static PublicEncoder encoder(ImagingProperties properties) {
        return new PublicEncoder(properties);
    }

    public static ImageLimits limits(ImagingProperties properties) {
        return new ImageLimits(properties);
    }

    /** Whether a published copy carries the IPTC/PLUS "data mining prohibited" mark, as uploads are read for it. */
    public static boolean dataMiningProhibited(byte[] published) {
        return PhotoMetadata.read(published).dataMiningProhibited();
    }
}
