package dev.dntme.gateway.imaging;

import com.adobe.internal.xmp.XMPException;
import com.adobe.internal.xmp.XMPMeta;
import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.xmp.XmpDirectory;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.io.ByteArrayInputStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two facts the service reads from an upload's metadata before discarding all of it: the EXIF
 * orientation and the IPTC 2023 Data Mining property. Unreadable metadata is treated as absent — it
 * never fails an upload, since the pixels are what gets published. The reader only sees what
 * {@link MetadataSegments} lets through, so a compressed chunk or a lying length cannot exhaust the heap.
 */
record PhotoMetadata(int orientation, boolean dataMiningProhibited) {

    static final String PLUS_NAMESPACE = "http://ns.useplus.org/ldf/xmp/1.0/";
    static final String DATA_MINING = "DataMining";

    private static final Logger log = LoggerFactory.getLogger(PhotoMetadata.class);
    private static final PhotoMetadata NONE = new PhotoMetadata(1, false);

    static PhotoMetadata read(byte[] bytes) {
        Metadata metadata;
        try {
            byte[] readable = MetadataSegments.forMetadataReader(bytes);
            metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(readable), readable.length);
        } catch (Exception | StackOverflowError e) {
            log.debug("metadata unreadable, ignored: {}", e.toString());
            return NONE;
        } catch (OutOfMemoryError e) {
            // Not "absent": the photo's own DataMining flag might be in there, so fail closed (nothing stored yet).
            log.warn("metadata reader ran out of memory; upload refused: {}", e.toString());
            throw new ApiException(Problem.CORRUPT_IMAGE, "The image's metadata could not be read within memory limits");
        }
        return new PhotoMetadata(orientation(metadata), dataMiningProhibited(metadata));
    }

    private static int orientation(Metadata metadata) {
        for (ExifIFD0Directory dir : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            Integer value = dir.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
            if (value != null && value >= 1 && value <= 8) {
                return value;
            }
        }
        return 1;
    }

    /** True for any {@code DMI-PROHIBITED*} value of the PLUS vocabulary, as URI or bare code. */
    private static boolean dataMiningProhibited(Metadata metadata) {
        for (XmpDirectory dir : metadata.getDirectoriesOfType(XmpDirectory.class)) {
            XMPMeta xmp = dir.getXMPMeta();
            if (xmp == null) {
                continue;
            }
            try {
                String value = xmp.getPropertyString(PLUS_NAMESPACE, DATA_MINING);
                if (value != null && value.toUpperCase(Locale.ROOT).contains("DMI-PROHIBITED")) {
                    return true;
                }
            } catch (XMPException e) {
                log.debug("XMP DataMining unreadable, ignored: {}", e.toString());
            }
        }
        return false;
    }
}
