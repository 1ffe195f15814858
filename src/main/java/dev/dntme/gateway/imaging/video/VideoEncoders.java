package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.media.MediaFormat;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The published video codecs: H.264 through libopenh264 for MP4 (the LGPL build has no x264) and VP9 through libvpx
 * for WebM, both yuv420p at the configured bitrate, tagged BT.601 limited range as {@link RgbConverter} writes it.
 */
final class VideoEncoders {

    private VideoEncoders() {
    }

    static String encoderName(MediaFormat published) {
        return published == MediaFormat.WEBM ? "libvpx-vp9" : "libopenh264";
    }

    static String decoderName(MediaFormat published) {
        return published == MediaFormat.WEBM ? "vp9" : "h264";
    }

    /**
     * An opened encoder.
     *
     * @param intraOnly every frame a key frame (the still that stands for one frame)
     */
    static AVCodecContext open(MediaFormat published, int width, int height, AVRational frameRate, AVRational timeBase,
            int bitrate, boolean globalHeader, boolean intraOnly) {
        Ffmpeg.load();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(encoderName(published));
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no " + encoderName(published) + " encoder");
        }
        AVCodecContext context = avcodec.avcodec_alloc_context3(codec);
        AVDictionary options = new AVDictionary(null);
        try {
            context.width(width);
            context.height(height);
            context.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
            context.time_base(timeBase);
            context.framerate(frameRate);
            context.bit_rate(bitrate);
            context.max_b_frames(0);
            double fps = avutil.av_q2d(frameRate);
            context.gop_size(intraOnly ? 1 : (int) Math.max(1, Math.round(fps * 2)));
            context.colorspace(avutil.AVCOL_SPC_SMPTE170M);
            context.color_primaries(avutil.AVCOL_PRI_SMPTE170M);
            context.color_trc(avutil.AVCOL_TRC_SMPTE170M);
            context.color_range(avutil.AVCOL_RANGE_MPEG);
            context.thread_count(2);
            context.flags(context.flags() | avcodec.AV_CODEC_FLAG_BITEXACT
                    | (globalHeader ? avcodec.AV_CODEC_FLAG_GLOBAL_HEADER : 0));
            if (published == MediaFormat.WEBM) {
                // Measured on 2 cores (docs/media.md): "good" quality at speed 5 is too slow for 720p; realtime at
                // speed 8 keeps VP9 within a few times H.264's cost.
                avutil.av_dict_set(options, "deadline", "realtime", 0);
                avutil.av_dict_set(options, "cpu-used", "8", 0);
                avutil.av_dict_set(options, "row-mt", "1", 0);
                avutil.av_dict_set(options, "lag-in-frames", "0", 0);
            } else {
                avutil.av_dict_set(options, "profile", "high", 0);
                avutil.av_dict_set(options, "allow_skip_frames", "0", 0);
            }
            Ffmpeg.checked(avcodec.avcodec_open2(context, codec, options), "opening " + encoderName(published));
            return context;
        } catch (RuntimeException e) {
            avcodec.avcodec_free_context(context);
            throw e;
        } finally {
            avutil.av_dict_free(options);
        }
    }
}
