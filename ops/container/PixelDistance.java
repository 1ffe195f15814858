import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * Part of ops/container/smoke.sh (run with `java PixelDistance.java ORIGINAL UNFLAGGED FLAGGED x,y,w,h`):
 * is the flagged public copy measurably changed in the face, where the unflagged one is not?
 *
 * <p>Both public copies are the same photo through the same encoder; they differ only by the cloak. So
 * the mean absolute difference between them (8-bit levels, RGB) must be clearly larger inside the
 * receipt's face box than outside it, and the flagged copy must be further from the original in the face
 * than the unflagged one is. Exit 1 otherwise.
 */
public class PixelDistance {

    static final double MIN_FACE_LEVELS = 0.5;   // cloak eps is a few levels; JPEG alone moves the copies apart by ~0
    static final double MIN_INSIDE_OVER_OUTSIDE = 3.0;

    public static void main(String[] args) throws Exception {
        BufferedImage original = ImageIO.read(new File(args[0]));
        BufferedImage clean = ImageIO.read(new File(args[1]));
        BufferedImage flagged = ImageIO.read(new File(args[2]));
        String[] box = args[3].split(",");
        int x = Integer.parseInt(box[0]), y = Integer.parseInt(box[1]);
        int w = Integer.parseInt(box[2]), h = Integer.parseInt(box[3]);
        if (clean.getWidth() != flagged.getWidth() || clean.getHeight() != flagged.getHeight()
                || original.getWidth() != flagged.getWidth() || original.getHeight() != flagged.getHeight()) {
            fail("sizes differ: original %dx%d, unflagged %dx%d, flagged %dx%d", original.getWidth(), original.getHeight(),
                    clean.getWidth(), clean.getHeight(), flagged.getWidth(), flagged.getHeight());
        }
        double[] between = distance(clean, flagged, x, y, w, h);
        double[] cleanToOriginal = distance(original, clean, x, y, w, h);
        double[] flaggedToOriginal = distance(original, flagged, x, y, w, h);
        System.out.printf("  mean |difference| in 8-bit levels, face box %s (inside / outside):%n", args[3]);
        System.out.printf("    flagged vs unflagged public copy  %.2f / %.2f%n", between[0], between[1]);
        System.out.printf("    unflagged copy vs original        %.2f / %.2f%n", cleanToOriginal[0], cleanToOriginal[1]);
        System.out.printf("    flagged copy vs original          %.2f / %.2f%n", flaggedToOriginal[0], flaggedToOriginal[1]);
        if (between[0] < MIN_FACE_LEVELS) {
            fail("the face of the flagged copy differs from the unflagged copy by %.2f levels (< %.1f): not cloaked",
                    between[0], MIN_FACE_LEVELS);
        }
        if (between[0] < MIN_INSIDE_OVER_OUTSIDE * between[1]) {
            fail("the flagged copy is changed as much outside the face (%.2f) as inside it (%.2f)", between[1], between[0]);
        }
        if (flaggedToOriginal[0] <= cleanToOriginal[0]) {
            fail("the flagged face is no further from the original (%.2f) than the unflagged one (%.2f)",
                    flaggedToOriginal[0], cleanToOriginal[0]);
        }
    }

    /** Mean absolute RGB difference inside and outside the box. */
    static double[] distance(BufferedImage a, BufferedImage b, int x, int y, int w, int h) {
        double inside = 0, outside = 0;
        long nIn = 0, nOut = 0;
        for (int j = 0; j < a.getHeight(); j++) {
            for (int i = 0; i < a.getWidth(); i++) {
                int p = a.getRGB(i, j), q = b.getRGB(i, j);
                int d = Math.abs((p >> 16 & 255) - (q >> 16 & 255)) + Math.abs((p >> 8 & 255) - (q >> 8 & 255))
                        + Math.abs((p & 255) - (q & 255));
                if (i >= x && i < x + w && j >= y && j < y + h) {
                    inside += d;
                    nIn++;
                } else {
                    outside += d;
                    nOut++;
                }
            }
        }
        return new double[] {inside / Math.max(1, nIn) / 3, outside / Math.max(1, nOut) / 3};
    }

    static void fail(String format, Object... args) {
        System.err.println("  FAILED: " + String.format(format, args));
        System.exit(1);
    }
}
