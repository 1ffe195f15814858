package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.video.Ffmpeg;
import java.awt.image.BufferedImage;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Lossy still WebPs through FFmpeg's {@code libwebp} encoder, one open encoder per writer with the same settings for
 * every frame: quality {@value #QUALITY}, method 4, alpha (lossless, as libwebp codes it) only when the animation
 * has transparency. The input is packed ARGB ({@code AV_PIX_FMT_RGB32}: Java's {@code 0xAARRGGBB} int in native
 * order), which libwebp converts to YUV itself. Each packet is a complete still WebP file; libwebp is deterministic,
 * so the same pixels always give the same bytes.
 */
final class WebpEncoder implements AutoCloseable {

    static final int QUALITY = 90;
    private static final int METHOD = 4;

    private final int width;
    private final int height;
    private final boolean alpha;
    private final AVCodecContext context;
    private final AVFrame frame;
    private final AVPacket packet;
    private final int[] row;
    private long pts;

    WebpEncoder(int width, int height, boolean alpha) {
        Ffmpeg.load();
        this.width = width;
        this.height = height;
        this.alpha = alpha;
        AVCodec codec = avcodec.avcodec_find_encoder_by_name("libwebp");
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no libwebp encoder");
        }
        AVCodecContext opened = avcodec.avcodec_alloc_context3(codec);
        AVFrame allocated = avutil.av_frame_alloc();
        AVDictionary options = new AVDictionary(null);
        try {
            opened.width(width);
            opened.height(height);
            opened.pix_fmt(avutil.AV_PIX_FMT_RGB32());
            opened.time_base(avutil.av_make_q(1, 1000));
            // both the private option and global_quality say 90, whichever the wrapper's version prefers
            opened.global_quality(QUALITY * avutil.FF_QP2LAMBDA);
            opened.compression_level(METHOD);
            avutil.av_dict_set(options, "quality", Integer.toString(QUALITY), 0);
            avutil.av_dict_set(options, "lossless", "0", 0);
            Ffmpeg.checked(avcodec.avcodec_open2(opened, codec, options), "opening libwebp");
            allocated.format(avutil.AV_PIX_FMT_RGB32());
            allocated.width(width);
            allocated.height(height);
            Ffmpeg.checked(avutil.av_frame_get_buffer(allocated, 0), "WebP frame buffer");
        } catch (RuntimeException e) {
            avcodec.avcodec_free_context(opened);
            avutil.av_frame_free(allocated);
            throw e;
        } finally {
            avutil.av_dict_free(options);
        }
        this.context = opened;
        this.frame = allocated;
        this.packet = avcodec.av_packet_alloc();
        this.row = new int[width];
    }

    /** The picture (the canvas's size) as a complete still WebP file. */
    byte[] encode(BufferedImage picture) {
        if (picture.getWidth() != width || picture.getHeight() != height) {
            throw new IllegalArgumentException("a frame of " + picture.getWidth() + "x" + picture.getHeight()
                    + " does not fill the " + width + "x" + height + " canvas");
        }
        Ffmpeg.checked(avutil.av_frame_make_writable(frame), "WebP frame not writable");
        int stride = frame.linesize(0) / 4;
        IntPointer pixels = new IntPointer(frame.data(0));
        for (int y = 0; y < height; y++) {
            picture.getRGB(0, y, width, 1, row, 0, width);
            if (!alpha) {
                // an opaque animation stays opaque whatever the frame's type says: no ALPH chunk is written
                for (int x = 0; x < width; x++) {
                    row[x] |= 0xFF000000;
                }
            }
            pixels.position((long) y * stride).put(row, 0, width);
        }
        frame.pts(pts++);
        Ffmpeg.checked(avcodec.avcodec_send_frame(context, frame), "encoding a WebP frame");
        try {
            Ffmpeg.checked(avcodec.avcodec_receive_packet(context, packet), "WebP encoder output");
            byte[] still = new byte[packet.size()];
            new BytePointer(packet.data()).get(still);
            return still;
        } finally {
            avcodec.av_packet_unref(packet);
        }
    }

    @Override
    public void close() {
        avcodec.av_packet_free(packet);
        avutil.av_frame_free(frame);
        avcodec.avcodec_free_context(context);
    }
}
