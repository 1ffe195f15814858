package dev.dntme.gateway.cloak;

import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cloak settings for tests and benchmarks, bound and validated exactly as the application binds
 * {@code dntme.cloak.*} (relaxed names, defaults, validation): {@code CloakSettings.of("workers", "1")}.
 */
public final class CloakSettings {

    private CloakSettings() {}

    /** Settings from key/value pairs, keys relative to {@code dntme.cloak.}. */
    public static CloakProperties of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return of(map);
    }

    public static CloakProperties of(Map<String, String> relative) {
        Map<String, String> full = new LinkedHashMap<>();
        relative.forEach((k, v) -> full.put("dntme.cloak." + k, v));
        return SystemPropertyBinding.bind("dntme.cloak", CloakProperties.class, full);
    }

    /** The cloak before issue 13: dlib alone, measured in the faces' own boxes; one worker on one thread. */
    public static Map<String, String> dlibAlone() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("workers", "1");
        m.put("intra-op-threads", "1");
        m.put("recognizers", "dlib");
        m.put("redetect-on-publish", "false");
        return m;
    }
}
