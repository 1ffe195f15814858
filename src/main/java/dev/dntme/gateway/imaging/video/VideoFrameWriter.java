package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Writes the public copy: the cloaked frames re-encoded, the upload's audio packets copied unchanged (re-encoded only
 * when the published container cannot hold its codec), nothing else of the upload: no container or stream metadata,
 * no encoder tag (bit-exact mode), no display matrix (the frames are already upright). One per job.
 */
final class VideoFrameWriter implements FrameWriter {

    private final MediaHeader header;
    private final MediaFormat published;
    private final int bitrate;
    private final AVRational frameRate;
    private final Path file;
    private final AVFormatContext output;
    private final AVCodecContext encoder;
    private final AVStream videoOut;
    private final AudioTrack audio;
    private final AVFrame yuv = avutil.av_frame_alloc();
    private final AVPacket packet = avcodec.av_packet_alloc();
    private final RgbConverter converter = new RgbConverter();
    /** Opened on the first still: writers of unflagged uploads never need one. */
    private VideoStill still;
    private long lastPts = Long.MIN_VALUE;
    private boolean closed;

    private VideoFrameWriter(MediaHeader header, int bitrate, AVRational frameRate, Path file, AVFormatContext output,
            AVCodecContext encoder, AVStream videoOut, AudioTrack audio) {
        this.header = header;
        this.published = header.format().publicFormat();
        this.bitrate = bitrate;
        this.frameRate = frameRate;
        this.file = file;
        this.output = output;
        this.encoder = encoder;
        this.videoOut = videoOut;
        this.audio = audio;
        yuv.format(avutil.AV_PIX_FMT_YUV420P);
        yuv.width(header.width());
        yuv.height(header.height());
        Ffmpeg.checked(avutil.av_frame_get_buffer(yuv, 0), "frame buffer");
    }

    static VideoFrameWriter create(byte[] original, MediaHeader header, int bitrate) {
        MediaFormat published = header.format().publicFormat();
        Path file = null;
        AVFormatContext output = new AVFormatContext(null);
        AVCodecContext encoder = null;
        AudioTrack audio = null;
        try (Demuxer demuxer = Demuxer.open(original, header.format())) {
            file = Files.createTempFile("dntme-public-", "." + published.extension());
            // the file's name lets the MP4 muxer reopen it to move the index to the front
            Ffmpeg.checked(avformat.avformat_alloc_output_context2(output, null, published.extension(), file.toString()), "muxer");
            // no "encoder" tag, no muxing-app string, no creation time: nothing identifies the upload or our build
            Ffmpeg.checked(avutil.av_opt_set(output, "fflags", "+bitexact", 0), "bitexact");
            // copied: the stream's own struct goes with the demuxer
            AVRational declared = demuxer.video().avg_frame_rate();
            AVRational frameRate = declared.num() > 0 && declared.den() > 0 ? avutil.av_make_q(declared.num(), declared.den())
                    : avutil.av_d2q(header.framesPerSecond(), 100_000);
            AVRational input = demuxer.video().time_base();
            AVRational timeBase = published == MediaFormat.WEBM ? VideoTime.MILLIS : avutil.av_make_q(input.num(), input.den());
            boolean globalHeader = (output.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0;
            encoder = VideoEncoders.open(published, header.width(), header.height(), frameRate, timeBase, bitrate,
                    globalHeader, false);
            AVStream videoOut = avformat.avformat_new_stream(output, null);
            Ffmpeg.checked(avcodec.avcodec_parameters_from_context(videoOut.codecpar(), encoder), "stream parameters");
            videoOut.time_base(encoder.time_base());
            videoOut.avg_frame_rate(frameRate);
            if (demuxer.audio() != null) {
                audio = AudioTrack.of(demuxer, output, published);
            }
            AVIOContext pb = new AVIOContext(null);
            Ffmpeg.checked(avformat.avio_open(pb, file.toString(), avformat.AVIO_FLAG_WRITE), "output file");
            output.pb(pb);
            AVDictionary options = new AVDictionary(null);
            try {
                if (published == MediaFormat.MP4) {
                    // the index first, so that browsers start playing before the whole file has arrived
                    avutil.av_dict_set(options, "movflags", "+faststart", 0);
                }
                Ffmpeg.checked(avformat.avformat_write_header(output, options), "container header");
            } finally {
                avutil.av_dict_free(options);
            }
            return new VideoFrameWriter(header, bitrate, frameRate, file, output, encoder, videoOut, audio);
        } catch (IOException e) {
            release(file, output, encoder, audio);
            throw new UncheckedIOException("temp file for the public copy", e);
        } catch (RuntimeException e) {
            release(file, output, encoder, audio);
            throw e;
        }
    }

    /** The still has its own encoder context; libavcodec contexts are independent of each other. */
    @Override
    public boolean stillsWhileWriting() {
        return true;
    }

    @Override
    public byte[] encodeStill(BufferedImage frame) {
        if (still == null) {
            still = VideoStill.open(published, header.width(), header.height(), frameRate, bitrate);
        }
        return still.encode(frame);
    }

    @Override
    public void write(MediaFrame frame) {
        BufferedImage pixels = frame.pixels();
        if (pixels.getWidth() != header.width() || pixels.getHeight() != header.height()) {
            throw new IllegalArgumentException("frame " + frame.index() + " is " + pixels.getWidth() + "x"
                    + pixels.getHeight() + ", the video " + header.width() + "x" + header.height());
        }
        converter.toFrame(pixels, yuv);
        long pts = avutil.av_rescale_q(frame.timestampMicros(), VideoTime.MICROS, encoder.time_base());
        pts = Math.max(pts, lastPts == Long.MIN_VALUE ? pts : lastPts + 1);
        lastPts = pts;
        yuv.pts(pts);
        yuv.duration(avutil.av_rescale_q(frame.durationMicros(), VideoTime.MICROS, encoder.time_base()));
        Ffmpeg.checked(avcodec.avcodec_send_frame(encoder, yuv), "encoding frame " + frame.index());
        drainEncoder();
    }

    private void drainEncoder() {
        while (true) {
            int received = avcodec.avcodec_receive_packet(encoder, packet);
            if (received == Ffmpeg.EAGAIN || received == avutil.AVERROR_EOF) {
                return;
            }
            Ffmpeg.checked(received, "encoder output");
            long micros = avutil.av_rescale_q(packet.dts() == avutil.AV_NOPTS_VALUE ? packet.pts() : packet.dts(),
                    encoder.time_base(), VideoTime.MICROS);
            if (audio != null) {
                audio.writeUntil(micros);
            }
            packet.stream_index(videoOut.index());
            avcodec.av_packet_rescale_ts(packet, encoder.time_base(), videoOut.time_base());
            Ffmpeg.checked(avformat.av_interleaved_write_frame(output, packet), "writing video");
        }
    }

    @Override
    public byte[] finish() {
        try {
            Ffmpeg.checked(avcodec.avcodec_send_frame(encoder, null), "flushing the encoder");
            drainEncoder();
            if (audio != null) {
                audio.writeUntil(Long.MAX_VALUE);
            }
            Ffmpeg.checked(avformat.av_write_trailer(output), "container trailer");
            avformat.avio_closep(output.pb());
            output.pb(null);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the public copy", e);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (still != null) {
            still.close();
        }
        converter.close();
        avutil.av_frame_free(yuv);
        avcodec.av_packet_free(packet);
        release(file, output, encoder, audio);
    }

    private static void release(Path file, AVFormatContext output, AVCodecContext encoder, AudioTrack audio) {
        if (audio != null) {
            audio.close();
        }
        if (encoder != null) {
            avcodec.avcodec_free_context(encoder);
        }
        if (output != null && !output.isNull()) {
            if (output.pb() != null && !output.pb().isNull()) {
                avformat.avio_closep(output.pb());
            }
            avformat.avformat_free_context(output);
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the temp dir is cleaned anyway; nothing of the upload is in this file but cloaked frames
            }
        }
    }
}
