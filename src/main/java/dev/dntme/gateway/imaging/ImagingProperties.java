package dev.dntme.gateway.imaging;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every limit on untrusted image input, in one place ({@code DNTME_IMAGING_*}).
 *
 * @param maxBytes     largest accepted upload (413 above it); also the multipart limit
 * @param maxPixels    largest width*height, checked from the header before decoding (413 above it)
 * @param maxDimension largest width or height (422 above it)
 * @param jpegQuality  quality of published JPEGs, 0..1
 */
@Validated
@ConfigurationProperties(prefix = "dntme.imaging")
public record ImagingProperties(
        @DefaultValue("25MB") @NotNull DataSize maxBytes,
        @DefaultValue("50000000") @Min(1) @Max(500_000_000) long maxPixels,
        @DefaultValue("20000") @Min(16) @Max(65_535) int maxDimension,
        @DefaultValue("0.90") @DecimalMin("0.5") @DecimalMax("1.0") float jpegQuality) {
}
