package dev.dntme.gateway.support;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/**
 * Wide-gamut fixtures made on the spot, with no profile file to license: a Display P3 ICC profile built from the
 * JDK's own sRGB profile (Display P3 uses sRGB's transfer curve and D65 white; only the primaries differ, so only the
 * three colorant tags change), photos re-encoded into it with the profile embedded as phones write them, and a
 * "browser view" of a file: its pixel values through its embedded profile, else read as sRGB.
 */
public final class DisplayP3 {

    /** CIE 1931 xy of the Display P3 primaries (DCI-P3 primaries, D65 white), as in SMPTE EG 432-1. */
    public static final double[][] P3_PRIMARIES = {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}};
    public static final double[][] SRGB_PRIMARIES = {{0.640, 0.330}, {0.300, 0.600}, {0.150, 0.060}};
    static final double[] D65 = {0.3127, 0.3290};

    private static final ICC_Profile PROFILE = build();
    private static final ColorSpace SPACE = new ICC_ColorSpace(PROFILE);

    private DisplayP3() {
    }

    public static ICC_Profile profile() {
        return PROFILE;
    }

    /**
     * The D50-adapted colorants (ICC rXYZ, gXYZ, bXYZ) of an RGB space with D65 white: the columns of its RGB-to-XYZ
     * matrix, Bradford-adapted to the ICC profile connection space's D50 white, as every ICC v2/v4 matrix profile has them.
     */
    public static double[][] colorantsD50(double[][] primaries) {
        double[][] p = new double[3][3];
        for (int i = 0; i < 3; i++) {
            double x = primaries[i][0];
            double y = primaries[i][1];
            p[0][i] = x / y;
            p[1][i] = 1;
            p[2][i] = (1 - x - y) / y;
        }
        double[] white = {D65[0] / D65[1], 1, (1 - D65[0] - D65[1]) / D65[1]};
        double[] s = multiply(invert(p), white);
        double[][] m = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[r][c] = p[r][c] * s[c];
            }
        }
        double[][] bradford = {{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}};
        double[] d50 = {0.9642, 1.0, 0.8249};
        double[] coneSrc = multiply(bradford, white);
        double[] coneDst = multiply(bradford, d50);
        double[][] scale = new double[3][3];
        for (int i = 0; i < 3; i++) {
            scale[i][i] = coneDst[i] / coneSrc[i];
        }
        double[][] adapt = multiply(invert(bradford), multiply(scale, bradford));
        double[][] adapted = multiply(adapt, m);
        double[][] colorants = new double[3][3];
        for (int channel = 0; channel < 3; channel++) {
            for (int xyz = 0; xyz < 3; xyz++) {
                colorants[channel][xyz] = adapted[xyz][channel];
            }
        }
        return colorants;
    }

    /** The colorant of one channel (0 red, 1 green, 2 blue) as a profile stores it. */
    public static double[] colorant(ICC_Profile profile, int channel) {
        int[] tags = {ICC_Profile.icSigRedColorantTag, ICC_Profile.icSigGreenColorantTag, ICC_Profile.icSigBlueColorantTag};
        ByteBuffer tag = ByteBuffer.wrap(profile.getData(tags[channel]));
        return new double[] {tag.getInt(8) / 65536.0, tag.getInt(12) / 65536.0, tag.getInt(16) / 65536.0};
    }

    private static ICC_Profile build() {
        ICC_Profile p3 = ICC_Profile.getInstance(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
        double[][] colorants = colorantsD50(P3_PRIMARIES);
        int[] tags = {ICC_Profile.icSigRedColorantTag, ICC_Profile.icSigGreenColorantTag, ICC_Profile.icSigBlueColorantTag};
        for (int channel = 0; channel < 3; channel++) {
            ByteBuffer xyz = ByteBuffer.allocate(20);
            xyz.put("XYZ ".getBytes(StandardCharsets.US_ASCII)).putInt(0);
            for (double v : colorants[channel]) {
                xyz.putInt((int) Math.round(v * 65536));
            }
            p3.setData(tags[channel], xyz.array());
        }
        p3.setData(ICC_Profile.icSigProfileDescriptionTag, description("Display P3 (dntme test fixture)"));
        return ICC_Profile.getInstance(p3.getData());
    }

    /** An ICC v2 textDescriptionType with the ASCII part only. */
    private static byte[] description(String text) {
        byte[] ascii = (text + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer desc = ByteBuffer.allocate(12 + ascii.length + 4 + 4 + 2 + 1 + 67);
        desc.put("desc".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(ascii.length).put(ascii);
        return desc.array(); // Unicode and ScriptCode parts: all zero (absent)
    }

    /** The photo's appearance re-expressed in Display P3 pixel values (8-bit, what a P3 camera or phone stores). */
    public static BufferedImage toP3Values(BufferedImage srgb) {
        BufferedImage src = copy(srgb, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        new ColorConvertOp(ColorSpace.getInstance(ColorSpace.CS_sRGB), SPACE, null).filter(src.getRaster(), dst.getRaster());
        return dst;
    }

    /** A JPEG of a photo in Display P3, the profile in an APP2 ICC_PROFILE segment right after the JFIF APP0 one. */
    public static byte[] jpeg(BufferedImage srgb) {
        byte[] plain = TestImages.encode(toP3Values(srgb), "jpeg");
        byte[] icc = PROFILE.getData();
        int at = 2;
        if ((plain[3] & 0xFF) == 0xE0) {
            at = 4 + (((plain[4] & 0xFF) << 8) | (plain[5] & 0xFF));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, at);
        int length = 2 + 14 + icc.length;
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
        out.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 1});
        out.writeBytes(icc);
        out.write(plain, at, plain.length - at);
        return out.toByteArray();
    }

    /** A PNG of a photo in Display P3, the profile in an iCCP chunk right after IHDR (as iPhone screenshots have it). */
    public static byte[] png(BufferedImage srgb) {
        byte[] plain = TestImages.encode(toP3Values(srgb), "png");
        ByteArrayOutputStream iccp = new ByteArrayOutputStream();
        iccp.writeBytes("Display P3\0".getBytes(StandardCharsets.ISO_8859_1));
        iccp.write(0); // compression method: zlib
        try (DeflaterOutputStream z = new DeflaterOutputStream(iccp)) {
            z.write(PROFILE.getData());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, afterIhdr);
        TestImages.chunk(out, "iCCP", iccp.toByteArray());
        out.write(plain, afterIhdr, plain.length - afterIhdr);
        return out.toByteArray();
    }

    /**
     * What a colour-managed browser shows for a JPEG or PNG, as sRGB: the stored pixel values through the embedded ICC
     * profile, else taken as sRGB (the web's default). The values are read with the profile stripped, so that no
     * decoder's own colour handling can stand in for the browser's.
     */
    public static BufferedImage browserView(byte[] file) {
        Stripped stripped = isPng(file) ? strippedPng(file) : strippedJpeg(file);
        BufferedImage values;
        try {
            values = copy(ImageIO.read(new ByteArrayInputStream(stripped.bytes())), BufferedImage.TYPE_3BYTE_BGR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stripped.icc() == null) {
            return values;
        }
        BufferedImage shown = new BufferedImage(values.getWidth(), values.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        new ColorConvertOp(new ICC_ColorSpace(ICC_Profile.getInstance(stripped.icc())), ColorSpace.getInstance(ColorSpace.CS_sRGB),
                null).filter(values.getRaster(), shown.getRaster());
        return shown;
    }

    /** Whether a JPEG or PNG carries an ICC profile. */
    public static boolean hasIcc(byte[] file) {
        return (isPng(file) ? strippedPng(file) : strippedJpeg(file)).icc() != null;
    }

    /**
     * How far apart two sRGB images of the same size look: the mean CIE76 colour difference (ΔE*ab, D65) of their 8x8
     * block averages, so that a colour shift counts and JPEG's pixel-level noise mostly does not. About 1 is at the
     * edge of what an eye tells apart side by side; 2-4 is a visible cast.
     */
    public static double appearanceDeltaE(BufferedImage a, BufferedImage b) {
        return meanDeltaE(blocks(a), blocks(b));
    }

    private static BufferedImage blocks(BufferedImage image) {
        int size = 8;
        BufferedImage out = new BufferedImage(image.getWidth() / size, image.getHeight() / size, BufferedImage.TYPE_INT_RGB);
        for (int by = 0; by < out.getHeight(); by++) {
            for (int bx = 0; bx < out.getWidth(); bx++) {
                int[] sum = new int[3];
                for (int y = by * size; y < (by + 1) * size; y++) {
                    for (int x = bx * size; x < (bx + 1) * size; x++) {
                        int rgb = image.getRGB(x, y);
                        sum[0] += (rgb >> 16) & 0xFF;
                        sum[1] += (rgb >> 8) & 0xFF;
                        sum[2] += rgb & 0xFF;
                    }
                }
                int n = size * size;
                out.setRGB(bx, by, ((sum[0] + n / 2) / n) << 16 | ((sum[1] + n / 2) / n) << 8 | ((sum[2] + n / 2) / n));
            }
        }
        return out;
    }

    /** Mean CIE76 colour difference (ΔE*ab, D65) between two sRGB images of the same size. */
    public static double meanDeltaE(BufferedImage a, BufferedImage b) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                double[] la = lab(a.getRGB(x, y));
                double[] lb = lab(b.getRGB(x, y));
                sum += Math.sqrt(sq(la[0] - lb[0]) + sq(la[1] - lb[1]) + sq(la[2] - lb[2]));
                n++;
            }
        }
        return sum / n;
    }

    private static double[] lab(int rgb) {
        double r = linear((rgb >> 16) & 0xFF);
        double g = linear((rgb >> 8) & 0xFF);
        double b = linear(rgb & 0xFF);
        double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        double fx = f(x);
        double fy = f(y);
        double fz = f(z);
        return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }

    private static double linear(int v) {
        double c = v / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(double t) {
        return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    }

    private static double sq(double v) {
        return v * v;
    }

    private record Stripped(byte[] bytes, byte[] icc) {
    }

    private static boolean isPng(byte[] file) {
        return file.length > 8 && (file[0] & 0xFF) == 0x89 && file[1] == 'P' && file[2] == 'N' && file[3] == 'G';
    }

    private static Stripped strippedJpeg(byte[] jpeg) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        ByteArrayOutputStream icc = new ByteArrayOutputStream();
        kept.write(jpeg, 0, 2);
        int at = 2;
        while (at + 3 < jpeg.length) {
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xDA) {
                break;
            }
            int end = at + 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
            byte[] id = Arrays.copyOfRange(jpeg, at + 4, Math.min(end, at + 16));
            if (marker == 0xE2 && Arrays.equals(id, "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII))) {
                icc.write(jpeg, at + 18, end - (at + 18)); // chunks in file order; fixtures and encoders write them so
            } else {
                kept.write(jpeg, at, end - at);
            }
            at = end;
        }
        kept.write(jpeg, at, jpeg.length - at);
        return new Stripped(kept.toByteArray(), icc.size() == 0 ? null : icc.toByteArray());
    }

    private static Stripped strippedPng(byte[] png) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] icc = null;
        kept.write(png, 0, 8);
        int at = 8;
        while (at + 8 <= png.length) {
            int length = ByteBuffer.wrap(png, at, 4).getInt();
            String type = new String(png, at + 4, 4, StandardCharsets.US_ASCII);
            int end = at + 12 + length;
            if (type.equals("iCCP")) {
                int nul = at + 8;
                while (png[nul] != 0) {
                    nul++;
                }
                try {
                    icc = new java.util.zip.InflaterInputStream(new ByteArrayInputStream(png, nul + 2, at + 8 + length - (nul + 2)))
                            .readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                kept.write(png, at, end - at);
            }
            at = end;
        }
        return new Stripped(kept.toByteArray(), icc);
    }

    private static BufferedImage copy(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[3];
        for (int r = 0; r < 3; r++) {
            out[r] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
        }
        return out;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
            }
        }
        return out;
    }

    private static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] inv = new double[3][3];
        inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
        inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
        inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
        inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
        inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
        inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
        inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
        inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
        inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
        return inv;
    }
}
