package dev.dntme.gateway.imaging.media;

/**
 * One family of containers: reads headers without decoding, decodes frames, writes the public copy. Implementations
 * are Spring components; {@link MediaCodecs} picks one by format.
 */
public interface MediaCodec {

    boolean reads(MediaFormat format);

    /**
     * Reads the headers only (no frame is decoded) and returns what they declare, or null when the file holds one
     * frame only (a still: the still path handles it).
     *
     * @throws dev.dntme.gateway.system.ApiException corrupt-image for a truncated or inconsistent header
     */
    MediaHeader probe(byte[] bytes, MediaFormat format);

    /** Starts decoding; limits were checked on {@link #probe}'s header before this is called. */
    FrameReader open(byte[] bytes, MediaHeader header);

    /**
     * A writer for the public copy of {@code original} (whose header is {@code header}), in
     * {@code header.format().publicFormat()}.
     *
     * @param markDataMiningProhibited write the IPTC/PLUS "data mining prohibited" mark where the format has a place
     *                                 for it (flagged uploads), as stills do
     */
    FrameWriter writer(byte[] original, MediaHeader header, boolean markDataMiningProhibited);
}
