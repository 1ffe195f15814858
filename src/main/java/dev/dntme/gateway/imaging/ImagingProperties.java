package dev.dntme.gateway.imaging;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
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
 * @param media        limits on animations and videos, checked on their headers before a frame is decoded
 */
@Validated
@ConfigurationProperties(prefix = "dntme.imaging")
public record ImagingProperties(
        @DefaultValue("25MB") @NotNull DataSize maxBytes,
        @DefaultValue("50000000") @Min(1) @Max(500_000_000) long maxPixels,
        @DefaultValue("20000") @Min(16) @Max(65_535) int maxDimension,
        @DefaultValue("0.90") @DecimalMin("0.5") @DecimalMax("1.0") float jpegQuality,
        @DefaultValue @NotNull @Valid Media media) {

    /**
     * Every limit on multi-frame uploads ({@code DNTME_IMAGING_MEDIA_*}).
     *
     * @param maxFrames          most frames an animation or video may declare (a GIF of thousands of 1x1 frames is refused)
     * @param maxDuration        longest play time of one loop
     * @param maxFrameRate       highest frame rate (video nominal rate; animations frames / duration)
     * @param maxFramePixels     largest width*height of one frame (canvas)
     * @param maxPixelsPerSecond largest width*height*frame rate: what decoding and cloaking cost per second of play
     * @param maxTotalPixels     largest width*height*frames: what the whole job decodes
     * @param maxFrameDelay      longest time one animation frame may be shown
     * @param videoBitrate       bits per second of published video (H.264 / VP9)
     */
    public record Media(
            @DefaultValue("1800") @Min(2) @Max(100_000) int maxFrames,
            @DefaultValue("60s") @NotNull Duration maxDuration,
            @DefaultValue("60") @DecimalMin("1") @DecimalMax("240") double maxFrameRate,
            @DefaultValue("8294400") @Min(1) @Max(100_000_000) long maxFramePixels,
            @DefaultValue("124416000") @Min(1) long maxPixelsPerSecond,
            @DefaultValue("4000000000") @Min(1) long maxTotalPixels,
            @DefaultValue("60s") @NotNull Duration maxFrameDelay,
            @DefaultValue("4000000") @Min(100_000) @Max(100_000_000) int videoBitrate) {

        /** The defaults above, for code that builds settings without binding them (tests, benchmarks). */
        public static Media defaults() {
            return new Media(1800, Duration.ofSeconds(60), 60, 8_294_400, 124_416_000, 4_000_000_000L, Duration.ofSeconds(60),
                    4_000_000);
        }
    }
}
