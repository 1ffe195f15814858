package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.media.MediaFormat;
import java.awt.image.BufferedImage;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One frame as the published video shows it: encoded by the published codec at the published bitrate as an intra
 * frame, decoded back, handed over as an uncompressed BMP (which ImageIO reads; a PNG cost more than the codec).
 *
 * <p>One intra-only encoder and one decoder stay open per writer (opening libopenh264 or libvpx cost most of the
 * 320 ms a still took when each still had its own). Each still is a key frame of a stream whose every frame is a key
 * frame at the stream's per-frame budget (bitrate / frame rate): what each GOP of the real stream starts with, its
 * rate control warmed up on the frames before as the real encoder's is. The P frames between key frames are at least
 * as faithful, so measuring protection on this is on the cautious side. Because the rate control carries over, the
 * same picture can come back a quantiser step apart from one call to the next, as it would at another place in the
 * real stream.
 */
final class VideoStill implements AutoCloseable {

    private final MediaFormat published;
    private final int width;
    private final int height;
    private final AVCodecContext encoder;
    private final AVCodecContext decoder;
    private final AVFrame yuv = avutil.av_frame_alloc();
    private final AVFrame decoded = avutil.av_frame_alloc();
    private final AVPacket packet = avcodec.av_packet_alloc();
    private final RgbConverter converter = new RgbConverter();
    private long pts;
    private boolean closed;

    private VideoStill(MediaFormat published, int width, int height, AVCodecContext encoder, AVCodecContext decoder) {
        this.published = published;
        this.width = width;
        this.height = height;
        this.encoder = encoder;
        this.decoder = decoder;
        yuv.format(avutil.AV_PIX_FMT_YUV420P);
        yuv.width(width);
        yuv.height(height);
        Ffmpeg.checked(avutil.av_frame_get_buffer(yuv, 0), "frame buffer");
    }

    static VideoStill open(MediaFormat published, int width, int height, AVRational frameRate, int bitrate) {
        AVCodecContext encoder = VideoEncoders.open(published, width, height, frameRate, avutil.av_inv_q(frameRate),
                bitrate, false, true);
        AVCodecContext decoder = null;
        try {
            AVCodec codec = avcodec.avcodec_find_decoder_by_name(VideoEncoders.decoderName(published));
            decoder = avcodec.avcodec_alloc_context3(codec);
            // one thread and low delay: a frame in, the same frame out, no frame-threading queue in between
            decoder.thread_count(1);
            decoder.flags(decoder.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
            Ffmpeg.checked(avcodec.avcodec_open2(decoder, codec, (AVDictionary) null), "still decoder");
            return new VideoStill(published, width, height, encoder, decoder);
        } catch (RuntimeException e) {
            avcodec.avcodec_free_context(encoder);
            if (decoder != null) {
                avcodec.avcodec_free_context(decoder);
            }
            throw e;
        }
    }

    /** The picture through the encoder and back, as BMP bytes. */
    byte[] encode(BufferedImage picture) {
        if (picture.getWidth() != width || picture.getHeight() != height) {
            throw new IllegalArgumentException("a still of " + picture.getWidth() + "x" + picture.getHeight()
                    + " for a " + width + "x" + height + " video");
        }
        converter.toFrame(RgbConverter.rgbPicture(picture), yuv);
        yuv.pts(pts++);
        yuv.pict_type(avutil.AV_PICTURE_TYPE_I);
        Ffmpeg.checked(avcodec.avcodec_send_frame(encoder, yuv), "encoding the still");
        int received = avcodec.avcodec_receive_packet(encoder, packet);
        if (received == Ffmpeg.EAGAIN) {
            // both encoders run without look-ahead (no B frames, lag-in-frames 0), so this is a broken promise
            throw new IllegalStateException(VideoEncoders.encoderName(published) + " held a still frame back");
        }
        Ffmpeg.checked(received, "still encoder output");
        try {
            Ffmpeg.checked(avcodec.avcodec_send_packet(decoder, packet), "decoding the still");
        } finally {
            avcodec.av_packet_unref(packet);
        }
        Ffmpeg.checked(avcodec.avcodec_receive_frame(decoder, decoded), "still decoder output");
        try {
            return Bmp.encode(converter.toRgb(decoded));
        } finally {
            avutil.av_frame_unref(decoded);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        converter.close();
        avcodec.av_packet_free(packet);
        avutil.av_frame_free(decoded);
        avutil.av_frame_free(yuv);
        avcodec.avcodec_free_context(encoder);
        avcodec.avcodec_free_context(decoder);
    }
}
