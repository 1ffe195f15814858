package dev.dntme.gateway.upload;

import dev.dntme.gateway.imaging.ImageLimits;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UploadConfig {

    /** The multipart limit is the image byte limit, so one setting governs both (plus room for the form fields). */
    @Bean
    MultipartConfigElement multipartConfig(ImageLimits limits) {
        long max = limits.maxBytes();
        return new MultipartConfigElement(null, max, max + 64 * 1024, 256 * 1024);
    }
}
