package dev.dntme.gateway.imaging.video;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Lets FFmpeg read an upload from the heap: no temp file holds the original, and no protocol or URL is ever opened.
 * The callbacks are shared (JavaCPP allows only a few callback thunks), so each input is found by the id its opaque
 * pointer carries.
 */
final class MemoryInput implements AutoCloseable {

    private static final int BUFFER_SIZE = 32 * 1024;
    private static final int EINVAL = -22;
    private static final Map<Long, MemoryInput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final Read READ = new Read();
    private static final Seek SEEK = new Seek();

    private final byte[] data;
    private final long id = IDS.incrementAndGet();
    private final LongPointer opaque;
    private final AVIOContext context;
    private int position;

    MemoryInput(byte[] data) {
        Ffmpeg.load();
        this.data = data;
        this.opaque = new LongPointer(1).put(id);
        BytePointer buffer = new BytePointer(avutil.av_malloc(BUFFER_SIZE));
        OPEN.put(id, this);
        this.context = avformat.avio_alloc_context(buffer, BUFFER_SIZE, 0, opaque, READ, null, SEEK);
        if (context == null) {
            avutil.av_free(buffer);
            OPEN.remove(id);
            opaque.close();
            throw new OutOfMemoryError("avio_alloc_context");
        }
    }

    AVIOContext context() {
        return context;
    }

    @Override
    public void close() {
        OPEN.remove(id);
        // FFmpeg may have replaced the buffer it was given: free the one the context holds now.
        avutil.av_free(context.buffer());
        context.buffer(null);
        avformat.avio_context_free(context);
        opaque.close();
    }

    private int read(BytePointer buffer, int size) {
        int n = Math.min(size, data.length - position);
        if (n <= 0) {
            return avutil.AVERROR_EOF;
        }
        buffer.position(0).put(data, position, n);
        position += n;
        return n;
    }

    private long seek(long offset, int whence) {
        if ((whence & AVSEEK_SIZE) != 0) {
            return data.length;
        }
        long target = switch (whence & ~AVSEEK_FORCE) {
            case 0 -> offset;
            case 1 -> position + offset;
            case 2 -> data.length + offset;
            default -> -1;
        };
        if (target < 0 || target > data.length) {
            return EINVAL;
        }
        position = (int) target;
        return target;
    }

    private static MemoryInput of(Pointer opaque) {
        return OPEN.get(new LongPointer(opaque).get());
    }

    private static final class Read extends Read_packet_Pointer_BytePointer_int {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            try {
                MemoryInput input = of(opaque);
                return input == null ? avutil.AVERROR_EOF : input.read(buffer, size);
            } catch (RuntimeException e) {
                return avutil.AVERROR_EOF;
            }
        }
    }

    private static final class Seek extends Seek_Pointer_long_int {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            try {
                MemoryInput input = of(opaque);
                return input == null ? EINVAL : input.seek(offset, whence);
            } catch (RuntimeException e) {
                return EINVAL;
            }
        }
    }
}
