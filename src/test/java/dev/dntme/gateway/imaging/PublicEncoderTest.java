package dev.dntme.gateway.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;
import dev.dntme.gateway.support.TestImages;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class PublicEncoderTest {

    private final PublicEncoder encoder = new PublicEncoder(
            new ImagingProperties(DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f, ImagingProperties.Media.defaults()));

    @Test
    void aFlaggedJpegCarriesTheDataMiningProhibitedMarkAndStillDecodes() throws Exception {
        byte[] marked = encoder.encode(TestImages.gradient(40, 30), PublicFormat.JPEG, true);

        assertThat(PhotoMetadata.read(marked).dataMiningProhibited()).isTrue();
        assertThat(ImageIO.read(new ByteArrayInputStream(marked)).getWidth()).isEqualTo(40);
    }

    @Test
    void aFlaggedPngCarriesTheDataMiningProhibitedMarkAndStillDecodes() throws Exception {
        byte[] marked = encoder.encode(TestImages.gradient(40, 30), PublicFormat.PNG, true);

        assertThat(PhotoMetadata.read(marked).dataMiningProhibited()).isTrue();
        assertThat(ImageIO.read(new ByteArrayInputStream(marked)).getHeight()).isEqualTo(30);
    }

    @Test
    void anUnflaggedCopyCarriesNoMark() {
        assertThat(PhotoMetadata.read(encoder.encode(TestImages.gradient(40, 30), PublicFormat.JPEG, false))
                .dataMiningProhibited()).isFalse();
    }
}
