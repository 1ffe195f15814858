package dev.dntme.gateway.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The embedded S3 server brings an XML data format onto the classpath; without this, a browser's
 * Accept header could get our API answering in XML. The API speaks JSON (and problem+json) only.
 */
@Configuration(proxyBeanMethods = false)
class JsonOnlyWebConfig implements WebMvcConfigurer {

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.configureMessageConvertersList(converters -> converters.removeIf(
                converter -> converter.getSupportedMediaTypes().stream()
                        .anyMatch(type -> type.getSubtype().endsWith("xml"))));
    }
}
