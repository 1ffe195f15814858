package dev.dntme.gateway.imaging.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;

import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;

/**
 * An opened upload: the container read from memory with its stream headers, the video stream chosen. Closing it frees
 * every native structure. One per job; not thread-safe.
 */
final class Demuxer implements AutoCloseable {

    /**
     * Video codecs we decode: what phones, cameras and browsers record. AV1 goes through libaom because FFmpeg's own
     * AV1 decoder needs a hardware accelerator; ProRes, DNxHD, MJPEG and the rest are refused as unsupported.
     */
    private static final Map<Integer, String> DECODERS = Map.of(AV_CODEC_ID_H264, "h264", AV_CODEC_ID_HEVC, "hevc",
            AV_CODEC_ID_VP8, "vp8", AV_CODEC_ID_VP9, "vp9", AV_CODEC_ID_AV1, "libaom-av1", AV_CODEC_ID_MPEG4, "mpeg4");

    /** The demuxers FFmpeg may pick; anything else it recognises (HLS, concat, images) fails to open. */
    private static final String DEMUXERS = "mov,matroska";

    private final MemoryInput input;
    private final AVFormatContext context;
    private final AVStream video;
    private final AVStream audio;

    private Demuxer(MemoryInput input, AVFormatContext context, AVStream video, AVStream audio) {
        this.input = input;
        this.context = context;
        this.video = video;
        this.audio = audio;
    }

    static Demuxer open(byte[] bytes, MediaFormat format) {
        MemoryInput input = new MemoryInput(bytes);
        AVFormatContext context = avformat.avformat_alloc_context();
        context.pb(input.context());
        AVDictionary options = new AVDictionary(null);
        try {
            avutil.av_dict_set(options, "format_whitelist", DEMUXERS, 0);
            // No nested file or URL may be opened (QuickTime references, playlists): no protocol is named "none".
            avutil.av_dict_set(options, "protocol_whitelist", "none", 0);
            int opened = avformat.avformat_open_input(context, (String) null, null, options);
            if (opened < 0) {
                // avformat_open_input frees the context when it fails
                input.close();
                throw new ApiException(Problem.CORRUPT_IMAGE, "The " + format.mediaType()
                        + " could not be read: its container headers are damaged or incomplete ("
                        + Ffmpeg.describe(opened) + ")");
            }
        } finally {
            avutil.av_dict_free(options);
        }
        Demuxer demuxer = null;
        try {
            checkFamily(context, format);
            Ffmpeg.corruptUnless(avformat.avformat_find_stream_info(context, (org.bytedeco.javacpp.PointerPointer<?>) null),
                    "The " + format.mediaType() + "'s stream headers could not be read");
            AVStream video = bestStream(context, avutil.AVMEDIA_TYPE_VIDEO);
            if (video == null) {
                throw new ApiException(Problem.CORRUPT_IMAGE, "The " + format.mediaType() + " holds no video stream");
            }
            demuxer = new Demuxer(input, context, video, bestStream(context, avutil.AVMEDIA_TYPE_AUDIO));
            return demuxer;
        } finally {
            if (demuxer == null) {
                avformat.avformat_close_input(context);
                input.close();
            }
        }
    }

    /** The magic bytes chose the family; FFmpeg must agree (a WebM magic must be Matroska, an ftyp box QuickTime). */
    private static void checkFamily(AVFormatContext context, MediaFormat format) {
        String name = context.iformat().name().getString();
        boolean matches = format == MediaFormat.WEBM ? name.startsWith("matroska") : name.startsWith("mov");
        if (!matches) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The file starts like " + format.mediaType()
                    + " but its container is not");
        }
    }

    private static AVStream bestStream(AVFormatContext context, int type) {
        int index = avformat.av_find_best_stream(context, type, -1, -1, (AVCodec) null, 0);
        if (index < 0) {
            return null;
        }
        AVStream stream = context.streams(index);
        // cover art is a one-picture "video" stream, not the video
        return (stream.disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC) != 0 ? null : stream;
    }

    /** The decoder for this video's codec, or unsupported-media-type. */
    AVCodec videoDecoder(MediaFormat format) {
        String name = DECODERS.get(video.codecpar().codec_id());
        AVCodec decoder = name == null ? null : avcodec.avcodec_find_decoder_by_name(name);
        if (decoder == null) {
            throw new ApiException(Problem.UNSUPPORTED_MEDIA_TYPE, "The " + format.mediaType() + "'s video codec ("
                    + avcodec.avcodec_get_name(video.codecpar().codec_id()).getString()
                    + ") is not accepted; use H.264, HEVC, VP8, VP9, AV1 or MPEG-4");
        }
        return decoder;
    }

    /** Degrees clockwise to turn decoded pictures so they stand as the display matrix says: 0, 90, 180 or 270. */
    int clockwiseRotation() {
        AVCodecParameters parameters = video.codecpar();
        AVPacketSideData matrix = avcodec.av_packet_side_data_get(parameters.coded_side_data(),
                parameters.nb_coded_side_data(), avcodec.AV_PKT_DATA_DISPLAYMATRIX);
        if (matrix == null || matrix.data() == null || matrix.size() < 36) {
            return 0;
        }
        double counterClockwise = avutil.av_display_rotation_get(new IntPointer(matrix.data()));
        if (Double.isNaN(counterClockwise)) {
            return 0;
        }
        long quarterTurns = Math.round(-counterClockwise / 90.0);
        return (int) Math.floorMod(quarterTurns * 90, 360);
    }

    AVFormatContext context() {
        return context;
    }

    AVStream video() {
        return video;
    }

    /** The audio stream, or null. */
    AVStream audio() {
        return audio;
    }

    /** Where the container's timeline starts, in microseconds (timestamps are published relative to it). */
    long startMicros() {
        long start = context.start_time();
        return start == avutil.AV_NOPTS_VALUE ? 0 : start;
    }

    static double seconds(long value, AVRational base) {
        return value * avutil.av_q2d(base);
    }

    @Override
    public void close() {
        avformat.avformat_close_input(context);
        input.close();
    }
}
