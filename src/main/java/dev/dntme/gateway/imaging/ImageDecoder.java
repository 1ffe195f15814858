package dev.dntme.gateway.imaging;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decodes untrusted uploads: format by magic bytes, limits checked on the header's dimensions before
 * any pixel is decoded, first frame only, orientation applied, metadata dropped. Any decoder failure is
 * the client's bad input (400/415), never a 500.
 *
 * <p>Colours come out in sRGB: an embedded ICC profile (a Display P3 photo's, say) is applied here, at decode, so
 * the cloak works on sRGB values and the public copy, which carries no profile, looks like the original everywhere.
 * The JPEG and WebP readers (TwelveMonkeys) convert to sRGB themselves; PNG's iCCP is applied by
 * {@link PngIccProfile}, which also says why the profile is converted rather than kept. GIF has no profile.
 */
@Component
public class ImageDecoder {

    static {
        // No temp files for untrusted input: streams stay in memory, bounded by the byte limit.
        ImageIO.setUseCache(false);
    }

    private static final Logger log = LoggerFactory.getLogger(ImageDecoder.class);

    private final ImageLimits limits;

    ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public DecodedImage decode(byte[] bytes) {
        limits.checkBytes(bytes.length);
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new ApiException(
                Problem.UNSUPPORTED_MEDIA_TYPE, "The file is not a JPEG, PNG, WebP or GIF image, an animated GIF, APNG or WebP, or an MP4, WebM or MOV video"));
        if (format == ImageFormat.JPEG && JpegScans.count(bytes) > JpegScans.MAX_SCANS) {
            throw new ApiException(Problem.CORRUPT_IMAGE,
                    "The JPEG has more than " + JpegScans.MAX_SCANS + " scans; it is refused rather than decoded");
        }
        if (format == ImageFormat.JPEG && JpegIccProfile.declaresMoreThanItCarries(bytes)) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The JPEG's ICC profile declares more bytes than it holds");
        }
        BufferedImage frame = readFirstFrame(bytes, format);
        PhotoMetadata metadata = PhotoMetadata.read(bytes);
        BufferedImage srgb = format == ImageFormat.PNG ? PngIccProfile.toSrgb(normalise(frame), bytes) : normalise(frame);
        BufferedImage upright = Orientation.apply(srgb, metadata.orientation());
        return new DecodedImage(upright, format, metadata.dataMiningProhibited());
    }

    private BufferedImage readFirstFrame(byte[] bytes, ImageFormat format) {
        ImageReader reader = null;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName());
            if (!readers.hasNext()) {
                throw new ApiException(Problem.UNSUPPORTED_MEDIA_TYPE, "No decoder for " + format.mediaType());
            }
            reader = readers.next();
            reader.setInput(in, true, true);
            // Header only: a 100 KB file can declare 60000x60000 pixels; refuse it before allocating.
            limits.checkDimensions(reader.getWidth(0), reader.getHeight(0));
            ImageReadParam param = reader.getDefaultReadParam();
            BufferedImage image = reader.read(0, param);
            if (image == null) {
                throw new ApiException(Problem.CORRUPT_IMAGE, "The image has no frames");
            }
            limits.checkDimensions(image.getWidth(), image.getHeight());
            return image;
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The " + format.mediaType() + " data could not be decoded");
        } catch (OutOfMemoryError e) {
            // Limits make this unreachable for honest files; a lying header must not kill the worker.
            log.warn("{} decoder ran out of memory; upload refused: {}", format.mediaType(), e.toString());
            throw new ApiException(Problem.IMAGE_TOO_LARGE, "The image needs more memory to decode than allowed");
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /** Any colour model (CMYK, 16-bit, grey, palette) becomes 8-bit sRGB, with alpha kept only if present. */
    private static BufferedImage normalise(BufferedImage source) {
        boolean alpha = source.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (source.getType() == type) {
            return source;
        }
        BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), type);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(source, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
