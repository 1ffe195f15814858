package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import dev.dntme.gateway.benchmark.protection.Visibility;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.imaging.DecodedImage;
import dev.dntme.gateway.imaging.ImageDecoder;
import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;
import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.PublicEncoder;
import dev.dntme.gateway.imaging.ServiceImaging;
import dev.dntme.gateway.support.TestImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The side-by-side example of what each level does to a face, as the console and README show it: one committed
 * portrait (src/test/resources/faces, provenance there) published at LOW, MEDIUM and HIGH through the service's real
 * publish path: the face region (box + 20%) of the original and of each published copy, and its forehead and eyes
 * enlarged {@value #ZOOM}x (nearest neighbour, so the cloak's texture is seen, not smoothed away).
 *
 * <pre>
 * mvn -B -o -q -Pbenchmark test -Dtest=LevelExamples [-Dexample.photo=people/kit_harington/kit_harington-1.jpg]
 * </pre>
 * Any cloak setting as {@code -Ddntme.cloak.<setting>=v}. Writes target/levels.png; copy it to src/main/resources/static/console/levels.png and docs/levels.png when the
 * levels change. Prints each face's distance and SSIM from the receipts.
 */
@Tag("benchmark")
class LevelExamples {

    private static final int ZOOM = 2;

    @Test
    void writesTheSideBySidePictureOfTheLevels() throws Exception {
        String photo = System.getProperty("example.photo", "people/kit_harington/kit_harington-1.jpg");
        java.util.Map<String, String> settings = new java.util.HashMap<>(
                SystemPropertyBinding.collect("dntme.cloak", System.getProperties()));
        settings.putIfAbsent("dntme.cloak.workers", "1");
        CloakProperties properties = SystemPropertyBinding.bind("dntme.cloak", CloakProperties.class, settings);
        ImagingProperties imaging = SystemPropertyBinding.bindSystemProperties("dntme.imaging", ImagingProperties.class);
        ImageDecoder decoder = ServiceImaging.decoder(imaging);
        PublicEncoder encoder = ServiceImaging.encoder(imaging);
        DjlCloakEngine engine = new DjlCloakEngine(properties);
        try {
            if (!engine.awaitReady(300_000)) {
                throw new IllegalStateException("cloak engine not ready");
            }
            DecodedImage image = decoder.decode(TestImages.photo(photo));
            PublicFormat format = image.format().publicFormat();
            List<BufferedImage> crops = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            Rectangle region = null;
            for (CloakStrength level : CloakStrength.values()) {
                CloakedImage cloaked = engine.cloak(image.rgb(), level,
                        pixels -> encoder.encode(image.withOriginalAlpha(pixels), format, true));
                ProtectionReceipt.Face face = cloaked.receipt().faces().get(0);
                if (region == null) {
                    // the face region the benchmark judges visibility on: the box + 20% each side
                    region = Visibility.enlarge(new Rectangle(face.x(), face.y(), face.width(), face.height()), Visibility.MARGIN,
                            image.rgb().getWidth(), image.rgb().getHeight());
                    crops.add(Visibility.crop(image.rgb(), region));
                    labels.add("original, as uploaded");
                }
                crops.add(Visibility.crop(CloakOptimizer.decode(cloaked.encoded()), region));
                labels.add(String.format(Locale.ROOT, "%s (%s), dlib distance %.2f, face SSIM %.3f", level,
                        String.join(" + ", cloaked.receipt().models()), face.embeddingDistance(), face.ssim()));
                System.out.println(labels.get(labels.size() - 1));
            }
            Files.createDirectories(Path.of("target"));
            ImageIO.write(tile(crops, labels), "png", Path.of("target/levels.png").toFile());
            System.out.println("wrote target/levels.png");
        } finally {
            engine.destroy();
        }
    }

    /**
     * One column per copy: two label lines, the whole face region scaled to the column, then the forehead and eyes (the
     * smooth skin where a cloak shows first) at {@value #ZOOM}x nearest neighbour, so its texture is seen, not smoothed.
     */
    private static BufferedImage tile(List<BufferedImage> crops, List<String> labels) {
        int column = 300;
        int w = crops.get(0).getWidth();
        int h = crops.get(0).getHeight();
        int faceHeight = (int) Math.round((double) h * column / w);
        // the region's central third across, its upper part: forehead and eyes (the region is the face box + 20%)
        int zw = column / ZOOM;
        int zh = Math.min(h / 3, zw * 3 / 4);
        int zx = (w - zw) / 2;
        int zy = (int) Math.round(h * 0.12);
        int gap = 10;
        int label = 32;
        BufferedImage out = new BufferedImage(crops.size() * (column + gap) + gap, label + faceHeight + gap + zh * ZOOM + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < crops.size(); i++) {
            int x = gap + i * (column + gap);
            String[] text = labels.get(i).split(", ", 2);
            g.setColor(Color.BLACK);
            g.drawString(text[0], x, 13);
            if (text.length > 1) {
                g.drawString(text[1], x, 27);
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(crops.get(i), x, label, column, faceHeight, null);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(crops.get(i), x, label + faceHeight + gap, x + zw * ZOOM, label + faceHeight + gap + zh * ZOOM,
                    zx, zy, zx + zw, zy + zh, null);
        }
        g.dispose();
        return out;
    }
}
