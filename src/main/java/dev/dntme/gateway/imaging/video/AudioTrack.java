package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The upload's audio, copied packet for packet into the public copy: the payloads are not touched, only their
 * timestamps move with the container's start. Held in native memory until written (a minute of AAC is about 1 MB).
 */
final class AudioTrack implements AutoCloseable {

    /** What each published container takes as it is (docs/media.md). */
    private static final Map<MediaFormat, Set<Integer>> COPYABLE = Map.of(
            MediaFormat.MP4, Set.of(avcodec.AV_CODEC_ID_AAC, avcodec.AV_CODEC_ID_MP3),
            MediaFormat.WEBM, Set.of(avcodec.AV_CODEC_ID_OPUS, avcodec.AV_CODEC_ID_VORBIS));

    private final List<AVPacket> packets;
    private final AVRational inputBase;
    private final AVFormatContext output;
    private final AVStream out;
    private final long startMicros;
    private int next;

    private AudioTrack(List<AVPacket> packets, AVRational inputBase, AVFormatContext output, AVStream out,
            long startMicros) {
        this.packets = packets;
        this.output = output;
        this.inputBase = inputBase;
        this.out = out;
        this.startMicros = startMicros;
    }

    static boolean copyable(int codecId, MediaFormat published) {
        return COPYABLE.getOrDefault(published, Set.of()).contains(codecId);
    }

    /**
     * Refuses, from the headers, audio the published container cannot carry unchanged: the upload is answered 415
     * before anything is stored, rather than failing in its job after the frames were cloaked.
     */
    static void requireCopyable(Demuxer demuxer, MediaFormat published) {
        AVStream in = demuxer.audio();
        if (in == null) {
            return;
        }
        int codec = in.codecpar().codec_id();
        if (!copyable(codec, published)) {
            throw new ApiException(Problem.UNSUPPORTED_MEDIA_TYPE, "The video's audio ("
                    + avcodec.avcodec_get_name(codec).getString() + ") cannot be published in "
                    + published.mediaType() + "; use AAC or MP3 audio in MP4 and MOV, Opus or Vorbis in WebM");
        }
    }

    /** Reads every audio packet of the upload and adds the stream to {@code output} (before its header). */
    static AudioTrack of(Demuxer demuxer, AVFormatContext output, MediaFormat published) {
        requireCopyable(demuxer, published);
        AVStream in = demuxer.audio();
        List<AVPacket> packets = new ArrayList<>();
        AVPacket packet = avcodec.av_packet_alloc();
        try {
            while (avformat.av_read_frame(demuxer.context(), packet) >= 0) {
                if (packet.stream_index() == in.index()) {
                    packets.add(avcodec.av_packet_clone(packet));
                }
                avcodec.av_packet_unref(packet);
            }
        } finally {
            avcodec.av_packet_free(packet);
        }
        AVStream out = avformat.avformat_new_stream(output, null);
        Ffmpeg.checked(avcodec.avcodec_parameters_copy(out.codecpar(), in.codecpar()), "audio parameters");
        // let the muxer choose its own tag for the codec (a MOV tag need not be an MP4 one)
        out.codecpar().codec_tag(0);
        out.time_base(in.time_base());
        AVRational base = avutil.av_make_q(in.time_base().num(), in.time_base().den());
        return new AudioTrack(packets, base, output, out, demuxer.startMicros());
    }

    /** Writes the packets that start at or before {@code micros} (from the start of the published copy). */
    void writeUntil(long micros) {
        while (next < packets.size()) {
            AVPacket packet = packets.get(next);
            long start = packet.dts() != avutil.AV_NOPTS_VALUE ? packet.dts() : packet.pts();
            long at = avutil.av_rescale_q(start, inputBase, VideoTime.MICROS) - startMicros;
            if (at > micros) {
                return;
            }
            long shift = avutil.av_rescale_q(startMicros, VideoTime.MICROS, inputBase);
            if (packet.pts() != avutil.AV_NOPTS_VALUE) {
                packet.pts(packet.pts() - shift);
            }
            if (packet.dts() != avutil.AV_NOPTS_VALUE) {
                packet.dts(packet.dts() - shift);
            }
            packet.stream_index(out.index());
            packet.pos(-1);
            avcodec.av_packet_rescale_ts(packet, inputBase, out.time_base());
            // the muxer takes the payload; the emptied packet is freed with the others
            Ffmpeg.checked(avformat.av_interleaved_write_frame(output, packet), "writing audio");
            next++;
        }
    }

    @Override
    public void close() {
        for (AVPacket packet : packets) {
            avcodec.av_packet_free(packet);
        }
        packets.clear();
    }
}
