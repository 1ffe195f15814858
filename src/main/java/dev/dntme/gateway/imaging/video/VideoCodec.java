package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.springframework.stereotype.Component;

/**
 * MP4, MOV and WebM through FFmpeg: headers read from memory, frames decoded one at a time, the public copy encoded
 * as H.264 in MP4 (MP4 and MOV uploads) or VP9 in WebM with the audio copied through (docs/media.md).
 */
@Component
public class VideoCodec implements MediaCodec {

    private static final Pattern CLOCK = Pattern.compile("(\\d{1,6}):(\\d{2}):(\\d{2}(?:\\.\\d{1,9})?)");

    private final ImagingProperties.Media media;

    VideoCodec(ImagingProperties properties) {
        this.media = properties.media();
    }

    @Override
    public boolean reads(MediaFormat format) {
        return format.isVideo();
    }

    @Override
    public MediaHeader probe(byte[] bytes, MediaFormat format) {
        try (Demuxer demuxer = Demuxer.open(bytes, format)) {
            return header(demuxer, format);
        }
    }

    static MediaHeader header(Demuxer demuxer, MediaFormat format) {
        demuxer.videoDecoder(format);
        AudioTrack.requireCopyable(demuxer, format.publicFormat());
        AVStream video = demuxer.video();
        AVCodecParameters parameters = video.codecpar();
        int width = parameters.width();
        int height = parameters.height();
        if (width <= 0 || height <= 0) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The " + format.mediaType() + " declares no frame size");
        }
        if (demuxer.clockwiseRotation() % 180 != 0) {
            int turned = width;
            width = height;
            height = turned;
        }
        double fps = rate(video.avg_frame_rate());
        if (fps <= 0) {
            fps = rate(video.r_frame_rate());
        }
        if (fps <= 0 || !Double.isFinite(fps)) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The " + format.mediaType() + " declares no frame rate");
        }
        double seconds = videoSeconds(demuxer);
        long declared = video.nb_frames() > 0 ? video.nb_frames() : Math.round(seconds * fps);
        if (seconds <= 0 && video.nb_frames() > 0) {
            seconds = video.nb_frames() / fps;
        }
        int frames = (int) Math.min(Integer.MAX_VALUE, declared);
        long frameMillis = Math.max(1, Math.round(1000 / fps));
        return new MediaHeader(format, width, height, frames, Math.round(seconds * 1000), fps, frameMillis, frameMillis, 1,
                demuxer.audio() != null);
    }

    /**
     * The video stream's own length: MP4 has it per track; Matroska only per file (which an audio track can make
     * longer), so its per-track DURATION tag goes first there.
     */
    private static double videoSeconds(Demuxer demuxer) {
        AVStream video = demuxer.video();
        if (video.duration() != avutil.AV_NOPTS_VALUE && video.duration() > 0) {
            return Demuxer.seconds(video.duration(), video.time_base());
        }
        AVDictionaryEntry tag = avutil.av_dict_get(video.metadata(), "DURATION", null, 0);
        if (tag != null) {
            Matcher m = CLOCK.matcher(tag.value().getString());
            if (m.matches()) {
                return Integer.parseInt(m.group(1)) * 3600.0 + Integer.parseInt(m.group(2)) * 60.0
                        + Double.parseDouble(m.group(3));
            }
        }
        long total = demuxer.context().duration();
        return total > 0 ? total / (double) avutil.AV_TIME_BASE : 0;
    }

    private static double rate(AVRational rational) {
        return rational.den() == 0 ? 0 : avutil.av_q2d(rational);
    }

    @Override
    public FrameReader open(byte[] bytes, MediaHeader header) {
        return VideoFrameReader.open(bytes, header);
    }

    @Override
    public FrameWriter writer(byte[] original, MediaHeader header, boolean markDataMiningProhibited) {
        return VideoFrameWriter.create(original, header, media.videoBitrate());
    }
}
