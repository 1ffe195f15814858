package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Plays an APNG frame by frame: each frame becomes a standalone PNG (the file's IHDR with the frame's size, the
 * chunks that affect decoding, one IDAT of the frame's payloads) that ImageIO decodes, then the frame's blend and
 * dispose operations are applied on the canvas.
 */
final class ApngFrameReader implements FrameReader {

    private final byte[] bytes;
    private final MediaHeader header;
    private final ApngStructure structure;
    private final List<ApngStructure.Frame> frames = new ArrayList<>();
    private final Canvas canvas;
    private int index;
    private long timestamp;
    private Runnable pendingDisposal = () -> { };

    ApngFrameReader(byte[] bytes, MediaHeader header) {
        this.bytes = bytes;
        this.header = header;
        this.structure = ApngStructure.read(bytes, frames::add);
        this.canvas = new Canvas(structure.width, structure.height, structure.transparent);
    }

    @Override
    public MediaHeader header() {
        return header;
    }

    @Override
    public MediaFrame next() {
        if (index >= header.frames()) {
            if (frames.size() > header.frames()) {
                throw Corrupt.because("The APNG holds more frames than the " + header.frames() + " its header declares");
            }
            return null;
        }
        if (index >= frames.size()) {
            throw Corrupt.because("The APNG holds " + frames.size() + " frames where its header declares " + header.frames());
        }
        return Decoding.guarded("APNG frame " + (index + 1), this::decodeNext);
    }

    private MediaFrame decodeNext() {
        ApngStructure.Frame f = frames.get(index);
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(standalonePng(f)));
        } catch (IOException e) {
            throw Corrupt.because("Frame " + (index + 1) + " of the APNG could not be decoded");
        }
        if (image == null || image.getWidth() != f.width() || image.getHeight() != f.height()) {
            throw Corrupt.because("Frame " + (index + 1) + " of the APNG could not be decoded");
        }
        pendingDisposal.run();
        int x = f.x();
        int y = f.y();
        int w = f.width();
        int h = f.height();
        if (f.dispose() == ApngStructure.DISPOSE_PREVIOUS) {
            int[] saved = canvas.copy(x, y, w, h);
            pendingDisposal = () -> canvas.put(x, y, w, h, saved);
        } else if (f.dispose() == ApngStructure.DISPOSE_BACKGROUND) {
            pendingDisposal = () -> canvas.clear(x, y, w, h);
        } else {
            pendingDisposal = () -> { };
        }
        int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
        if (f.blend() == ApngStructure.BLEND_SOURCE) {
            canvas.put(x, y, w, h, pixels);
        } else {
            canvas.drawOver(x, y, w, h, pixels);
        }
        MediaFrame frame = new MediaFrame(index, canvas.snapshot(), timestamp, f.durationMicros());
        timestamp += f.durationMicros();
        index++;
        return frame;
    }

    /** The frame as a PNG of its own, as the APNG specification describes decoding it. */
    private byte[] standalonePng(ApngStructure.Frame f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Png.SIGNATURE);
        byte[] ihdr = java.util.Arrays.copyOfRange(bytes, structure.ihdrOffset, structure.ihdrOffset + 13);
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

    @Override
    public void close() {
        frames.clear();
    }
}
