package dev.dntme.gateway.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * The environment variables the application reads, derived from the application itself: every
 * {@code @ConfigurationProperties} record under {@code dev.dntme.gateway} (relaxed binding:
 * {@code dntme.s3.public-base-url} is {@code DNTME_S3_PUBLIC_BASE_URL}) and every {@code ${VAR}}
 * placeholder in application.yml. A setting added to the application becomes known here without
 * touching the ops tests; a variable the application does not read never does.
 */
final class AppSettings {

    /** Read by the runtime around the application (JVM, DJL, OpenMP), not by Spring. */
    static final Set<String> RUNTIME_ENV = Set.of(
            "JAVA_TOOL_OPTIONS", "DJL_OFFLINE", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "OMP_WAIT_POLICY");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    private AppSettings() {
    }

    /** Every environment variable that binds to an application setting. */
    static Set<String> environmentVariables() {
        Set<String> names = new TreeSet<>();
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.dntme.gateway")) {
            Class<?> type = load(candidate.getBeanClassName());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            collect(prefix, type, names);
        }
        names.addAll(placeholders(Path.of("src/main/resources/application.yml")));
        return names;
    }

    static Set<String> placeholders(Path file) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(read(file));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** {@code dntme.s3} + {@code publicBaseUrl} = {@code DNTME_S3_PUBLIC_BASE_URL}; nested records recurse. */
    private static void collect(String prefix, Class<?> type, Set<String> names) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type + " is not a record: extend AppSettings to read it");
        }
        for (RecordComponent component : type.getRecordComponents()) {
            String property = prefix + "." + component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            Class<?> componentType = component.getType();
            if (componentType.isRecord() && componentType.getName().startsWith("dev.dntme.gateway.")) {
                collect(property, componentType, names);
            } else {
                names.add(property.replace('.', '_').replace('-', '_').toUpperCase());
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
