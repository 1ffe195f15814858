package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaHeader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plays an APNG frame by frame: each frame becomes a standalone PNG (the file's IHDR with the frame's size, the
 * chunks that affect decoding, one IDAT of the frame's payloads), then the frame's blend and dispose operations are
 * applied on the canvas.
 */
final class ApngFrameReader extends StillFramesReader<ApngStructure.Frame> {

    private final byte[] bytes;
    private final ApngStructure structure;

    private ApngFrameReader(byte[] bytes, MediaHeader header, ApngStructure structure, List<ApngStructure.Frame> frames) {
        super("APNG", header, frames, structure.outline.canvas());
        this.bytes = bytes;
        this.structure = structure;
    }

    static ApngFrameReader of(byte[] bytes, MediaHeader header) {
        List<ApngStructure.Frame> frames = new ArrayList<>();
        ApngStructure structure = ApngStructure.read(bytes, frames::add);
        return new ApngFrameReader(bytes, header, structure, frames);
    }

    @Override
    boolean blendsOver(ApngStructure.Frame f) {
        return f.blend() != ApngStructure.BLEND_SOURCE;
    }

    @Override
    Runnable disposal(ApngStructure.Frame f, Canvas canvas) {
        int x = f.x();
        int y = f.y();
        int w = f.width();
        int h = f.height();
        if (f.dispose() == ApngStructure.DISPOSE_PREVIOUS) {
            int[] saved = canvas.copy(x, y, w, h);
            return () -> canvas.put(x, y, w, h, saved);
        }
        if (f.dispose() == ApngStructure.DISPOSE_BACKGROUND) {
            return () -> canvas.clear(x, y, w, h);
        }
        return () -> { };
    }

    /** The frame as a PNG of its own, as the APNG specification describes decoding it. */
    @Override
    byte[] still(ApngStructure.Frame f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Png.SIGNATURE);
        byte[] ihdr = Arrays.copyOfRange(bytes, structure.ihdrOffset, structure.ihdrOffset + 13);
        ihdr[0] = (byte) (f.width() >>> 24);
        ihdr[1] = (byte) (f.width() >>> 16);
        ihdr[2] = (byte) (f.width() >>> 8);
        ihdr[3] = (byte) f.width();
        ihdr[4] = (byte) (f.height() >>> 24);
        ihdr[5] = (byte) (f.height() >>> 16);
        ihdr[6] = (byte) (f.height() >>> 8);
        ihdr[7] = (byte) f.height();
        Png.chunk(out, "IHDR", ihdr);
        for (int[] chunk : structure.decodingChunks) {
            out.write(bytes, chunk[0], chunk[1]);
        }
        int length = 0;
        for (int[] part : f.data()) {
            length = Math.addExact(length, part[1]);
        }
        byte[] idat = new byte[length];
        int at = 0;
        for (int[] part : f.data()) {
            System.arraycopy(bytes, part[0], idat, at, part[1]);
            at += part[1];
        }
        Png.chunk(out, "IDAT", idat);
        Png.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }
}
