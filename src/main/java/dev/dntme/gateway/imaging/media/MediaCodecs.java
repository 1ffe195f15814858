package dev.dntme.gateway.imaging.media;

import dev.dntme.gateway.imaging.ImageLimits;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The door to animations and videos: recognises them by their magic bytes, reads their headers through the codec
 * of their family and checks every media limit on those headers before anything is decoded.
 */
@Component
public class MediaCodecs {

    private final List<MediaCodec> codecs;
    private final ImageLimits limits;

    @org.springframework.beans.factory.annotation.Autowired
    MediaCodecs(org.springframework.beans.factory.ObjectProvider<MediaCodec> codecs, ImageLimits limits) {
        this(codecs.orderedStream().toList(), limits);
    }

    public MediaCodecs(List<MediaCodec> codecs, ImageLimits limits) {
        this.codecs = List.copyOf(codecs);
        this.limits = limits;
    }

    /**
     * The header of an upload with more than one frame, its limits checked; empty for a still (including a GIF,
     * PNG or WebP of one frame) and for anything that is not media.
     */
    public Optional<MediaHeader> probe(byte[] bytes) {
        Optional<MediaFormat> format = sniff(bytes);
        if (format.isEmpty()) {
            return Optional.empty();
        }
        limits.checkBytes(bytes.length);
        MediaHeader header = codec(format.get()).probe(bytes, format.get());
        if (header == null) {
            return Optional.empty();
        }
        limits.checkMedia(header);
        return Optional.of(header);
    }

    /**
     * The header of a file this service wrote (a public copy being checked), without the upload limits: a published
     * clip may be larger in bytes than its upload was (it is encoded at the published bitrate).
     */
    public MediaHeader publishedHeader(byte[] published) {
        MediaFormat format = sniff(published).orElseThrow(() -> new IllegalStateException(
                "the published file is not an animation or video"));
        MediaHeader header = codec(format).probe(published, format);
        if (header == null) {
            throw new IllegalStateException("the published " + format.mediaType() + " reads back as a single frame");
        }
        return header;
    }

    public FrameReader open(byte[] bytes, MediaHeader header) {
        return codec(header.format()).open(bytes, header);
    }

    public FrameWriter writer(byte[] original, MediaHeader header, boolean markDataMiningProhibited) {
        return codec(header.format()).writer(original, header, markDataMiningProhibited);
    }

    private MediaCodec codec(MediaFormat format) {
        return codecs.stream().filter(c -> c.reads(format)).findFirst().orElseThrow(() -> new ApiException(
                Problem.UNSUPPORTED_MEDIA_TYPE, "No decoder for " + format.mediaType()));
    }

    /**
     * Which family the magic bytes say, for files that may hold more than one frame. A PNG is an APNG candidate only
     * with an {@code acTL} chunk before its image data, a WebP only with the VP8X animation flag; the codec's probe
     * decides whether there is more than one frame.
     */
    static Optional<MediaFormat> sniff(byte[] b) {
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9')
                && b[5] == 'a') {
            return Optional.of(MediaFormat.GIF);
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && hasPngChunkBeforeData(b, "acTL")) {
            return Optional.of(MediaFormat.APNG);
        }
        if (b.length >= 21 && ascii(b, 0, 4).equals("RIFF") && ascii(b, 8, 4).equals("WEBP") && ascii(b, 12, 4).equals("VP8X")
                && (b[20] & 0x02) != 0) {
            return Optional.of(MediaFormat.WEBP);
        }
        if (b.length >= 12 && ascii(b, 4, 4).equals("ftyp")) {
            return Optional.of(ascii(b, 8, 4).equals("qt  ") ? MediaFormat.MOV : MediaFormat.MP4);
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0x1A && (b[1] & 0xFF) == 0x45 && (b[2] & 0xFF) == 0xDF && (b[3] & 0xFF) == 0xA3) {
            return Optional.of(MediaFormat.WEBM);
        }
        return Optional.empty();
    }

    private static boolean hasPngChunkBeforeData(byte[] b, String type) {
        int at = 8;
        while (at + 8 <= b.length) {
            long length = ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
            String chunk = ascii(b, at + 4, 4);
            if (chunk.equals(type)) {
                return true;
            }
            if (chunk.equals("IDAT") || chunk.equals("IEND") || length > b.length) {
                return false;
            }
            at += 12 + (int) length;
        }
        return false;
    }

    private static String ascii(byte[] b, int from, int length) {
        return new String(b, from, length, StandardCharsets.ISO_8859_1);
    }
}
