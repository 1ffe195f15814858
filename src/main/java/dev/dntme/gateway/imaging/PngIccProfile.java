package dev.dntme.gateway.imaging;

import com.twelvemonkeys.imageio.color.ColorProfiles;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PNG's embedded ICC profile (iCCP chunk) applied to its pixels, so that what the service cloaks and publishes is
 * sRGB, as the decoders already give it for JPEG and WebP (TwelveMonkeys converts their embedded profiles to sRGB).
 * The JDK's PNG reader ignores iCCP: a Display P3 PNG (every iPhone screenshot) was read as if its values were sRGB
 * and its public copy, which carries no profile, came out duller than the original.
 *
 * <p>Why convert rather than keep the profile in the public copy: the cloak perturbs pixel values, and its budget, its
 * SSIM floor and the recognisers it attacks all assume sRGB values; a copy without a profile shows the same in every
 * browser, viewer and social-media pipeline, managed or not; and re-embedding an uploaded profile would publish bytes
 * of the upload other than pixels (profile descriptions can name the device). The cost: colours outside sRGB's gamut
 * (the most saturated P3 reds and greens) are clipped to its edge.
 *
 * <p>A profile that is absent, unreadable, not RGB, sRGB itself, inflates to more than {@link #MAX_ICC_BYTES}, or
 * cannot be transformed with is ignored (the values are taken as sRGB, which is what browsers do with a profile they cannot use); it never fails an
 * upload.
 */
final class PngIccProfile {

    /** Display and camera RGB profiles are a few KB; a PNG's compressed profile is inflated up to this and no further. */
    static final int MAX_ICC_BYTES = 4 << 20;

    private static final Logger log = LoggerFactory.getLogger(PngIccProfile.class);
    private static final ICC_Profile SRGB = ICC_Profile.getInstance(ColorSpace.CS_sRGB);
    private static final int PNG_SIGNATURE_LENGTH = 8;

    private PngIccProfile() {
    }

    /** The image (TYPE_INT_RGB or TYPE_INT_ARGB, values as stored in the PNG) with its colours in sRGB. */
    static BufferedImage toSrgb(BufferedImage image, byte[] png) {
        Optional<ICC_Profile> profile = rgbProfile(png);
        if (profile.isEmpty()) {
            return image;
        }
        try {
            return convert(image, profile.get());
        } catch (RuntimeException e) { // a profile littleCMS accepts as a header but cannot transform with
            log.debug("PNG iCCP profile not applicable, ignored: {}", e.toString());
            return image;
        }
    }

    /** The iCCP profile when it is an RGB profile other than sRGB; else empty. */
    static Optional<ICC_Profile> rgbProfile(byte[] png) {
        byte[] compressed = iccpData(png);
        if (compressed == null) {
            return Optional.empty();
        }
        byte[] bytes = inflate(compressed);
        if (bytes == null) {
            log.debug("PNG iCCP profile not inflatable within {} bytes; ignored", MAX_ICC_BYTES);
            return Optional.empty();
        }
        try {
            ICC_Profile profile = ColorProfiles.createProfile(bytes);
            if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB || ColorProfiles.isCS_sRGB(profile)) {
                return Optional.empty();
            }
            return Optional.of(profile);
        } catch (RuntimeException e) {
            log.debug("PNG iCCP profile unreadable, ignored: {}", e.toString());
            return Optional.empty();
        }
    }

    /** The compressed profile of the iCCP chunk before the image data (keyword, NUL and method skipped); else null. */
    private static byte[] iccpData(byte[] png) {
        ByteBuffer in = ByteBuffer.wrap(png);
        int at = PNG_SIGNATURE_LENGTH;
        while (at + 12 <= png.length) {
            int length = in.getInt(at);
            if (length < 0 || length > png.length - at - 12) {
                return null;
            }
            String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IDAT") || type.equals("IEND")) {
                return null; // iCCP must precede the image data
            }
            if (type.equals("iCCP")) {
                int data = at + 8;
                int end = data + length;
                int nul = data;
                while (nul < end && png[nul] != 0) {
                    nul++;
                }
                int from = nul + 2; // NUL after the 1-79 byte name, compression method 0
                return from < end ? Arrays.copyOfRange(png, from, end) : null;
            }
            at += 12 + length;
        }
        return null;
    }

    private static byte[] inflate(byte[] deflated) {
        return BoundedInflate.inflate(deflated, MAX_ICC_BYTES);
    }

    /**
     * Converts the colour values through littleCMS (relative colorimetric, as browsers render images), on interleaved
     * bytes, which the JDK converts in one native pass; alpha is kept as it is.
     */
    private static BufferedImage convert(BufferedImage image, ICC_Profile profile) {
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage values = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage srgb = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        int[] row = new int[width];
        byte[] bgr = ((DataBufferByte) values.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int at = y * width * 3;
            for (int pixel : row) {
                bgr[at++] = (byte) pixel;
                bgr[at++] = (byte) (pixel >> 8);
                bgr[at++] = (byte) (pixel >> 16);
            }
        }
        new ColorConvertOp(new ICC_Profile[] {profile, SRGB}, null).filter(values.getRaster(), srgb.getRaster());
        BufferedImage out = new BufferedImage(width, height, image.getType());
        byte[] converted = ((DataBufferByte) srgb.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int at = y * width * 3;
            for (int x = 0; x < width; x++, at += 3) {
                row[x] = (row[x] & 0xFF000000) | ((converted[at + 2] & 0xFF) << 16) | ((converted[at + 1] & 0xFF) << 8)
                        | (converted[at] & 0xFF);
            }
            out.setRGB(0, y, width, 1, row, 0, width);
        }
        return out;
    }
}
