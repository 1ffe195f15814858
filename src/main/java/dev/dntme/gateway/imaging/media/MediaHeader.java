package dev.dntme.gateway.imaging.media;

/**
 * What an animation's or a video's headers declare, read without decoding a frame. Every limit on media is
 * checked against this before decoding starts.
 *
 * @param format          the container
 * @param width           canvas (animation) or frame (video) width in pixels, after rotation
 * @param height          canvas or frame height in pixels, after rotation
 * @param frames          frames the headers declare (counted from the frame headers for animations; for video the
 *                        container's count, or duration x frame rate when it has none)
 * @param durationMillis  total play time of one loop
 * @param framesPerSecond video: the nominal frame rate; animations: frames / duration (0 when the duration is 0)
 * @param minFrameMillis  shortest frame display time declared (animations; video: 1000 / fps)
 * @param maxFrameMillis  longest frame display time declared
 * @param loopCount       animations: 0 = forever, n = play n times; video: 1
 * @param audio           a video with an audio stream (passed through unchanged)
 */
public record MediaHeader(MediaFormat format, int width, int height, int frames, long durationMillis,
        double framesPerSecond, long minFrameMillis, long maxFrameMillis, int loopCount, boolean audio) {

    public long pixelsPerFrame() {
        return (long) width * height;
    }
}
