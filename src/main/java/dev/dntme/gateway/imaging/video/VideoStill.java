package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.media.MediaFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One frame as the published video shows it: encoded alone as a key frame by the same encoder at the same bitrate,
 * decoded back, handed over as PNG. A key frame at the stream's per-second budget is what every GOP starts with; the
 * P frames between are at least as faithful, so the cloak measuring on this is on the cautious side.
 */
final class VideoStill {

    private VideoStill() {
    }

    static byte[] encode(BufferedImage picture, MediaFormat published, AVRational frameRate, int bitrate) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        AVCodecContext encoder = VideoEncoders.open(published, width, height, frameRate, avutil.av_inv_q(frameRate),
                bitrate, false, true);
        AVCodecContext decoder = null;
        AVFrame yuv = avutil.av_frame_alloc();
        AVFrame decoded = avutil.av_frame_alloc();
        AVPacket packet = avcodec.av_packet_alloc();
        try (RgbConverter converter = new RgbConverter()) {
            var codec = avcodec.avcodec_find_decoder_by_name(VideoEncoders.decoderName(published));
            decoder = avcodec.avcodec_alloc_context3(codec);
            Ffmpeg.checked(avcodec.avcodec_open2(decoder, codec, (AVDictionary) null), "still decoder");
            yuv.format(avutil.AV_PIX_FMT_YUV420P);
            yuv.width(width);
            yuv.height(height);
            Ffmpeg.checked(avutil.av_frame_get_buffer(yuv, 0), "frame buffer");
            converter.toFrame(RgbConverter.rgbPicture(picture), yuv);
            yuv.pts(0);
            yuv.pict_type(avutil.AV_PICTURE_TYPE_I);
            Ffmpeg.checked(avcodec.avcodec_send_frame(encoder, yuv), "encoding the still");
            Ffmpeg.checked(avcodec.avcodec_send_frame(encoder, null), "flushing the still");
            BufferedImage result = null;
            while (result == null && avcodec.avcodec_receive_packet(encoder, packet) >= 0) {
                Ffmpeg.checked(avcodec.avcodec_send_packet(decoder, packet), "decoding the still");
                avcodec.av_packet_unref(packet);
                Ffmpeg.checked(avcodec.avcodec_send_packet(decoder, null), "flushing the still decoder");
                if (avcodec.avcodec_receive_frame(decoder, decoded) >= 0) {
                    result = converter.toRgb(decoded);
                }
            }
            if (result == null) {
                throw new IllegalStateException("the encoder gave no frame for the still");
            }
            return png(result);
        } finally {
            avcodec.av_packet_free(packet);
            avutil.av_frame_free(decoded);
            avutil.av_frame_free(yuv);
            avcodec.avcodec_free_context(encoder);
            if (decoder != null) {
                avcodec.avcodec_free_context(decoder);
            }
        }
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
