package dev.dntme.gateway.imaging;

import java.util.Optional;

/** Accepted input formats, recognised by their magic bytes (never by the client's Content-Type). */
public enum ImageFormat {
    JPEG("image/jpeg", "jpeg"),
    PNG("image/png", "png"),
    WEBP("image/webp", "webp"),
    GIF("image/gif", "gif");

    private final String mediaType;
    private final String readerName;

    ImageFormat(String mediaType, String readerName) {
        this.mediaType = mediaType;
        this.readerName = readerName;
    }

    public String mediaType() {
        return mediaType;
    }

    String readerName() {
        return readerName;
    }

    /**
     * What the public copy is encoded as: JPEG stays JPEG and PNG stays PNG; WebP (no Java encoder,
     * almost always a lossy photo) becomes JPEG; a GIF's first frame becomes PNG (lossless, keeps
     * transparency).
     */
    public PublicFormat publicFormat() {
        return switch (this) {
            case JPEG, WEBP -> PublicFormat.JPEG;
            case PNG, GIF -> PublicFormat.PNG;
        };
    }

    static Optional<ImageFormat> sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return Optional.of(PNG);
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Optional.of(WEBP);
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
                && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return Optional.of(GIF);
        }
        return Optional.empty();
    }

    /** Formats the public bucket holds. */
    public enum PublicFormat {
        JPEG("image/jpeg", "jpg"),
        PNG("image/png", "png");

        private final String mediaType;
        private final String extension;

        PublicFormat(String mediaType, String extension) {
            this.mediaType = mediaType;
            this.extension = extension;
        }

        public String mediaType() {
            return mediaType;
        }

        public String extension() {
            return extension;
        }
    }
}
