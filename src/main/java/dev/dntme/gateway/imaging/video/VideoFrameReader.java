package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/** Decodes the video stream frame by frame into upright RGB pictures. One per job; not thread-safe. */
final class VideoFrameReader implements FrameReader {

    private final MediaHeader header;
    private final Demuxer demuxer;
    private final AVCodecContext decoder;
    private final AVPacket packet = avcodec.av_packet_alloc();
    private final AVFrame frame = avutil.av_frame_alloc();
    private final RgbConverter converter = new RgbConverter();
    private final int rotation;
    private final long maxFrames;
    private final long defaultDurationMicros;
    private boolean draining;
    private boolean finished;
    private int index;
    private long nextTimestamp;

    private VideoFrameReader(MediaHeader header, Demuxer demuxer, AVCodecContext decoder) {
        this.header = header;
        this.demuxer = demuxer;
        this.decoder = decoder;
        this.rotation = demuxer.clockwiseRotation();
        // a header that lies about its length must not buy unlimited decoding
        this.maxFrames = (long) Math.floor(header.frames() * 1.1) + 2;
        this.defaultDurationMicros = Math.round(1_000_000 / header.framesPerSecond());
    }

    static VideoFrameReader open(byte[] bytes, MediaHeader header) {
        Demuxer demuxer = Demuxer.open(bytes, header.format());
        AVCodecContext decoder = null;
        try {
            decoder = avcodec.avcodec_alloc_context3(demuxer.videoDecoder(header.format()));
            Ffmpeg.checked(avcodec.avcodec_parameters_to_context(decoder, demuxer.video().codecpar()), "decoder parameters");
            decoder.thread_count(2);
            decoder.pkt_timebase(demuxer.video().time_base());
            Ffmpeg.corruptUnless(avcodec.avcodec_open2(decoder, demuxer.videoDecoder(header.format()),
                    (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "The video's decoder refused its parameters");
            return new VideoFrameReader(header, demuxer, decoder);
        } catch (RuntimeException e) {
            if (decoder != null) {
                avcodec.avcodec_free_context(decoder);
            }
            demuxer.close();
            throw e;
        }
    }

    @Override
    public MediaHeader header() {
        return header;
    }

    @Override
    public MediaFrame next() {
        while (!finished) {
            int received = avcodec.avcodec_receive_frame(decoder, frame);
            if (received >= 0) {
                try {
                    return emit();
                } finally {
                    avutil.av_frame_unref(frame);
                }
            }
            if (received == avutil.AVERROR_EOF) {
                finished = true;
            } else if (received == Ffmpeg.EAGAIN) {
                feed();
            } else {
                Ffmpeg.corruptUnless(received, "A video frame could not be decoded");
            }
        }
        return null;
    }

    /** Sends the next video packet to the decoder, or the end of stream. */
    private void feed() {
        if (draining) {
            throw new IllegalStateException("decoder asked for input after the end of stream");
        }
        while (true) {
            int read = org.bytedeco.ffmpeg.global.avformat.av_read_frame(demuxer.context(), packet);
            if (read < 0) {
                // a cut file ends where its data ends; a broken one is corrupt
                if (read != avutil.AVERROR_EOF && read != avutil.AVERROR_INVALIDDATA) {
                    Ffmpeg.corruptUnless(read, "The video's data could not be read");
                }
                draining = true;
                Ffmpeg.corruptUnless(avcodec.avcodec_send_packet(decoder, null), "The video's last frames could not be decoded");
                return;
            }
            try {
                if (packet.stream_index() == demuxer.video().index()) {
                    int sent = avcodec.avcodec_send_packet(decoder, packet);
                    if (sent < 0 && sent != avutil.AVERROR_INVALIDDATA) {
                        Ffmpeg.corruptUnless(sent, "A video packet could not be decoded");
                    }
                    return;
                }
            } finally {
                avcodec.av_packet_unref(packet);
            }
        }
    }

    private MediaFrame emit() {
        if (index + 1 > maxFrames) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The " + header.format().mediaType() + " declares "
                    + header.frames() + " frames but holds more");
        }
        int width = rotation % 180 == 0 ? header.width() : header.height();
        int height = rotation % 180 == 0 ? header.height() : header.width();
        if (frame.width() != width || frame.height() != height) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The video changes its frame size from " + width + "x" + height
                    + " to " + frame.width() + "x" + frame.height());
        }
        BufferedImage picture = Rotation.turn(converter.toRgb(frame), rotation);
        long pts = frame.best_effort_timestamp();
        long timestamp = pts == avutil.AV_NOPTS_VALUE ? nextTimestamp
                : avutil.av_rescale_q(pts, demuxer.video().time_base(), VideoTime.MICROS) - demuxer.startMicros();
        long duration = frame.duration() > 0
                ? avutil.av_rescale_q(frame.duration(), demuxer.video().time_base(), VideoTime.MICROS)
                : defaultDurationMicros;
        nextTimestamp = timestamp + duration;
        return new MediaFrame(index++, picture, timestamp, duration);
    }

    @Override
    public void close() {
        converter.close();
        avutil.av_frame_free(frame);
        avcodec.av_packet_free(packet);
        avcodec.avcodec_free_context(decoder);
        demuxer.close();
    }
}
