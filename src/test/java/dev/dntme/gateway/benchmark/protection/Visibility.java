package dev.dntme.gateway.benchmark.protection;

import dev.dntme.gateway.cloak.attack.Ssim;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * How visible the published change is on the face (issue 19): the face region is the service's own detection
 * box (the receipt's, the face nearest the image centre) enlarged by 20% of its width and height on each side and
 * clipped to the image; on it, face SSIM (the service's {@link Ssim}) and the butteraugli distance (Debian's
 * {@code /usr/bin/butteraugli}, both crops written as PNG to a temporary folder), published vs original.
 */
public final class Visibility {

    /** Face share added on each side of the detected box. */
    public static final double MARGIN = 0.20;

    public static final Path BUTTERAUGLI = Path.of("/usr/bin/butteraugli");

    /**
     * One published face.
     *
     * @param region      the measured region (enlarged box, clipped), original-image pixels
     * @param ssim        face SSIM on it, published vs original
     * @param butteraugli butteraugli distance of the two crops; NaN when not measured
     */
    public record Face(Rectangle region, double ssim, double butteraugli) {
    }

    private Visibility() {
    }

    /** The box grown by {@code margin} of its width (left, right) and height (top, bottom), clipped to the image. */
    public static Rectangle enlarge(Rectangle box, double margin, int width, int height) {
        int x0 = (int) Math.floor(box.x - margin * box.width), y0 = (int) Math.floor(box.y - margin * box.height);
        int x1 = (int) Math.ceil(box.x + box.width + margin * box.width), y1 = (int) Math.ceil(box.y + box.height + margin * box.height);
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        x1 = Math.min(width, x1);
        y1 = Math.min(height, y1);
        return new Rectangle(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
    }

    /** Of several boxes, the one whose centre is nearest the image centre (the labelled face of a benchmark photo). */
    public static Rectangle nearestCentre(List<Rectangle> boxes, int width, int height) {
        return boxes.stream().min(Comparator.comparingDouble(b -> Math.hypot(b.getCenterX() - width / 2.0, b.getCenterY() - height / 2.0)))
                .orElse(null);
    }

    /** A copy of the region as 8-bit RGB. */
    public static BufferedImage crop(BufferedImage image, Rectangle r) {
        BufferedImage out = new BufferedImage(r.width, r.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, r.width, r.height, r.x, r.y, r.x + r.width, r.y + r.height, null);
        g.dispose();
        return out;
    }

    /** Measures one face; {@code butteraugli} null = that column is not measured (NaN). */
    public static Face measure(BufferedImage original, BufferedImage published, Rectangle box, Butteraugli butteraugli) {
        Rectangle region = enlarge(box, MARGIN, original.getWidth(), original.getHeight());
        double ssim = Ssim.of(original, published, region);
        double b = butteraugli == null ? Double.NaN : butteraugli.distance(crop(original, region), crop(published, region));
        return new Face(region, ssim, b);
    }

    /** The amplified difference of two same-size crops: grey {@code 128 + 8 |d|} (d the largest channel difference), capped at 255. */
    public static BufferedImage amplifiedDifference(BufferedImage a, BufferedImage b) {
        BufferedImage out = new BufferedImage(a.getWidth(), a.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                int d = Math.max(Math.abs(((p >> 16) & 255) - ((q >> 16) & 255)),
                        Math.max(Math.abs(((p >> 8) & 255) - ((q >> 8) & 255)), Math.abs((p & 255) - (q & 255))));
                int g = Math.min(255, 128 + 8 * d);
                out.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        return out;
    }

    /**
     * Per probe one row: original crop | published crop | amplified difference at 1:1, then the same three at 2x
     * (nearest neighbour). {@code faces} holds {original crop, published crop} pairs.
     */
    public static BufferedImage sideBySide(List<BufferedImage[]> faces, List<String> captions) {
        int gap = 6, caption = 14;
        int width = 0, height = gap;
        for (BufferedImage[] f : faces) {
            int w = f[0].getWidth(), h = f[0].getHeight();
            width = Math.max(width, gap + 3 * (w + gap) + gap + 3 * (2 * w + gap));
            height += caption + 2 * h + gap;
        }
        BufferedImage out = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int y = gap;
        for (int i = 0; i < faces.size(); i++) {
            BufferedImage[] f = faces.get(i);
            BufferedImage[] three = {f[0], f[1], amplifiedDifference(f[0], f[1])};
            int w = f[0].getWidth(), h = f[0].getHeight();
            g.setColor(Color.BLACK);
            g.drawString((i < captions.size() ? captions.get(i) : "") + "  original | published | |d|x8+128  (1:1, then 2x)", gap, y + caption - 3);
            int x = gap, top = y + caption;
            for (BufferedImage im : three) {
                g.drawImage(im, x, top, null);
                x += w + gap;
            }
            x += gap;
            for (BufferedImage im : three) {
                g.drawImage(im, x, top, 2 * w, 2 * h, null);
                x += 2 * w + gap;
            }
            y = top + 2 * h + gap;
        }
        g.dispose();
        return out;
    }

    /** Debian's butteraugli (the 2017 Google version): {@code butteraugli A.png B.png} prints one distance. */
    public static final class Butteraugli {

        private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
        private final Path binary;
        private final Path dir;

        private Butteraugli(Path binary) {
            this.binary = binary;
            try {
                this.dir = Files.createTempDirectory("butteraugli");
                this.dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The installed binary, or null when {@code binary} is not an executable file. */
        public static Butteraugli installed(Path binary) {
            return Files.isExecutable(binary) ? new Butteraugli(binary) : null;
        }

        public double distance(BufferedImage a, BufferedImage b) {
            Path pa = dir.resolve("a.png"), pb = dir.resolve("b.png");
            try {
                ImageIO.write(a, "png", pa.toFile());
                ImageIO.write(b, "png", pb.toFile());
                Process p = new ProcessBuilder(binary.toString(), pa.toString(), pb.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("butteraugli failed: " + out.trim());
                }
                return parse(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                pa.toFile().delete();
                pb.toFile().delete();
            }
        }

        static double parse(String output) {
            Matcher m = NUMBER.matcher(output.trim());
            if (!m.find()) {
                throw new IllegalStateException("butteraugli printed no number: " + output.trim());
            }
            return Double.parseDouble(m.group());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s", binary);
        }
    }
}
