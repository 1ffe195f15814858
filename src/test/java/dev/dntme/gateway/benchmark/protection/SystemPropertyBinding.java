package dev.dntme.gateway.benchmark.protection;

import jakarta.validation.Validation;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Binds a {@code @ConfigurationProperties} type the way the application does (relaxed names, defaults,
 * validation), from system properties: {@code -D<prefix>.x=v} as is, and {@code -Dbenchmark.<last part of
 * prefix>.x=v} as an alias (so {@code -Dbenchmark.cloak.medium.epsilon=8} sets {@code dntme.cloak.medium.epsilon}).
 * A benchmark so takes any setting the service has, including ones added later, without code.
 */
public final class SystemPropertyBinding {

    private SystemPropertyBinding() {
    }

    /** The properties under {@code prefix} (and its benchmark alias) in {@code source}, keyed by their full service name. */
    public static Map<String, String> collect(String prefix, Properties source) {
        String alias = "benchmark." + prefix.substring(prefix.lastIndexOf('.') + 1) + ".";
        Map<String, String> out = new TreeMap<>();
        for (String key : source.stringPropertyNames()) {
            if (key.startsWith(prefix + ".")) {
                out.put(key, source.getProperty(key));
            }
        }
        for (String key : source.stringPropertyNames()) { // the alias wins: it is the benchmark's own option
            if (key.startsWith(alias)) {
                out.put(prefix + "." + key.substring(alias.length()), source.getProperty(key));
            }
        }
        return out;
    }

    public static <T> T bind(String prefix, Class<T> type, Map<String, String> properties) {
        Binder binder = new Binder(new MapConfigurationPropertySource(properties));
        BindHandler validating = new ValidationBindHandler(
                new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator()));
        return binder.bindOrCreate(prefix, org.springframework.boot.context.properties.bind.Bindable.of(type), validating);
    }

    public static <T> T bindSystemProperties(String prefix, Class<T> type) {
        return bind(prefix, type, collect(prefix, System.getProperties()));
    }
}
