package dev.dntme.gateway.imaging;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import org.springframework.stereotype.Component;

/** The one checker for untrusted image input; every check runs before a pixel is decoded. */
@Component
public class ImageLimits {

    private final ImagingProperties properties;

    ImageLimits(ImagingProperties properties) {
        this.properties = properties;
    }

    public void checkBytes(long size) {
        if (size == 0) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The file is empty");
        }
        if (size > properties.maxBytes().toBytes()) {
            throw new ApiException(Problem.PAYLOAD_TOO_LARGE,
                    "The file has " + size + " bytes; the limit is " + properties.maxBytes().toBytes());
        }
    }

    void checkDimensions(int width, int height) {
        if (width < 1 || height < 1 || width > properties.maxDimension() || height > properties.maxDimension()) {
            throw new ApiException(Problem.IMAGE_DIMENSIONS, "The image is " + width + "x" + height
                    + "; each side must be between 1 and " + properties.maxDimension() + " pixels");
        }
        if ((long) width * height > properties.maxPixels()) {
            throw new ApiException(Problem.IMAGE_TOO_LARGE, "The image has " + ((long) width * height)
                    + " pixels; the limit is " + properties.maxPixels());
        }
    }

    public long maxBytes() {
        return properties.maxBytes().toBytes();
    }
}
