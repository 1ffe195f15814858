package dev.dntme.gateway.imaging.media;

/**
 * Uploads with more than one frame: animations and videos. A GIF, PNG or WebP with a single frame is a still and
 * never gets here (the still path handles it, as before).
 */
public enum MediaFormat {
    GIF("image/gif", "gif", false),
    APNG("image/apng", "png", false),
    WEBP("image/webp", "webp", false),
    MP4("video/mp4", "mp4", true),
    WEBM("video/webm", "webm", true),
    /** QuickTime in, published as MP4 (same codecs, the web-safe container): see docs/media.md. */
    MOV("video/quicktime", "mov", true);

    private final String mediaType;
    private final String extension;
    private final boolean video;

    MediaFormat(String mediaType, String extension, boolean video) {
        this.mediaType = mediaType;
        this.extension = extension;
        this.video = video;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public boolean isVideo() {
        return video;
    }

    /** What the public copy is published as: the same family, except QuickTime, which becomes MP4. */
    public MediaFormat publicFormat() {
        return this == MOV ? MP4 : this;
    }
}
