package dev.dntme.gateway.cloak.engine;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Hides a face no cloak could protect: its box, grown by a margin so that the jaw and forehead go too, together with
 * everything its recognition chip reads (on a detection the landmarks fit badly the chip reaches far beyond the box,
 * and hiding the box alone would change little of what a recogniser sees), is replaced by a coarse mosaic (about {@link #BLOCKS_ACROSS} blocks across the face: too few for a detector or a recogniser to find
 * eyes, nose and mouth) or, where even the mosaic still links, by one flat colour. The result is checked like any
 * cloak (DjlCloakEngine fails closed when it does not clear the bar), and the receipt names the face as obscured.
 */
final class Obscurer {

    /** Mosaic blocks across the face box: 6 leaves a face-coloured blob without features. */
    static final int BLOCKS_ACROSS = 6;
    /** A flat fill still counts as flat after lossy encoding when no channel varies more than this inside it. */
    static final int FLAT_TOLERANCE = 24;
    /** Pixels at a flat area's edge that lossy encoding may blend with its surroundings. */
    static final int FLAT_EDGE = 4;
    /** The box grows by this share of its size on every side. */
    static final double MARGIN = 0.2;

    enum Mode {
        MOSAIC, FLAT
    }

    private Obscurer() {}

    /** The area to obscure for a face: its grown box and its chip's footprint, within the image. */
    static Rectangle area(Rectangle box, java.awt.geom.AffineTransform chipToImage, int width, int height) {
        Rectangle chip = dev.dntme.gateway.cloak.face.FaceAligner.chipBoundsInImage(chipToImage, width, height).getBounds();
        return grown(box, width, height).union(chip).intersection(new Rectangle(0, 0, width, height));
    }

    /**
     * A copy of {@code image} with every area obscured; the mosaic's block follows the face's box, so that a face
     * whose chip reaches far still loses its features in blocks of a sixth of the face.
     *
     * @param boxes the faces' boxes, in the order of {@code areas}
     */
    static BufferedImage obscure(BufferedImage image, List<Rectangle> boxes, List<Rectangle> areas, Mode mode) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < boxes.size(); i++) {
            Rectangle box = boxes.get(i);
            Rectangle area = areas.get(i);
            if (area.isEmpty()) {
                continue;
            }
            int block = mode == Mode.FLAT ? Math.max(area.width, area.height)
                    : Math.max(2, (int) Math.ceil(Math.max(box.width, box.height) / (double) BLOCKS_ACROSS));
            for (int by = area.y; by < area.y + area.height; by += block) {
                for (int bx = area.x; bx < area.x + area.width; bx += block) {
                    fillWithMean(rgb, w, bx, by, Math.min(block, area.x + area.width - bx), Math.min(block, area.y + area.height - by));
                }
            }
        }
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    /** The area {@link #obscure} changes for a face box. */
    static Rectangle grown(Rectangle box, int width, int height) {
        int mx = (int) Math.ceil(box.width * MARGIN);
        int my = (int) Math.ceil(box.height * MARGIN);
        return new Rectangle(box.x - mx, box.y - my, box.width + 2 * mx, box.height + 2 * my).intersection(new Rectangle(0, 0, width, height));
    }

    /**
     * Whether {@code area} of published pixels is one flat colour (away from its edges): then nothing of the face that was
     * there is left for a recogniser, whatever a distance measured on a chip that reaches outside the image says (a
     * face cut by the frame's edge: most of its chip is padding, as close to its original's as ever).
     */
    static boolean isFlat(BufferedImage published, Rectangle area) {
        Rectangle inner = new Rectangle(area.x + FLAT_EDGE, area.y + FLAT_EDGE, area.width - 2 * FLAT_EDGE, area.height - 2 * FLAT_EDGE)
                .intersection(new Rectangle(0, 0, published.getWidth(), published.getHeight()));
        if (inner.isEmpty()) {
            return true;
        }
        int[] rgb = published.getRGB(inner.x, inner.y, inner.width, inner.height, null, 0, inner.width);
        int[] min = {255, 255, 255};
        int[] max = {0, 0, 0};
        for (int p : rgb) {
            for (int c = 0; c < 3; c++) {
                int v = (p >> (16 - 8 * c)) & 0xFF;
                min[c] = Math.min(min[c], v);
                max[c] = Math.max(max[c], v);
            }
        }
        return max[0] - min[0] <= FLAT_TOLERANCE && max[1] - min[1] <= FLAT_TOLERANCE && max[2] - min[2] <= FLAT_TOLERANCE;
    }

    private static void fillWithMean(int[] rgb, int stride, int x0, int y0, int bw, int bh) {
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = y0; y < y0 + bh; y++) {
            for (int x = x0; x < x0 + bw; x++) {
                int p = rgb[y * stride + x];
                r += (p >> 16) & 0xFF;
                g += (p >> 8) & 0xFF;
                b += p & 0xFF;
            }
        }
        int n = bw * bh;
        int mean = (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
        for (int y = y0; y < y0 + bh; y++) {
            java.util.Arrays.fill(rgb, y * stride + x0, y * stride + x0 + bw, mean);
        }
    }
}
