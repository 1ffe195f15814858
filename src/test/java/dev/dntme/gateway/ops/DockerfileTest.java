package dev.dntme.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Reads the Dockerfile's runtime stage (no Docker engine needed) and checks it against the application. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DockerfileTest {

    static final String DOCKERFILE = AppSettings.read(Path.of("Dockerfile")).replace("\\\n", " ");
    static final List<String> STAGES = List.of(DOCKERFILE.split("(?m)^(?=FROM )"));
    static final String BUILD = STAGES.stream().filter(s -> s.startsWith("FROM ") && s.contains(" AS build")).findFirst().orElseThrow();
    static final String RUNTIME = STAGES.get(STAGES.size() - 1);

    @Test
    void the_build_stage_packages_with_maven_and_extracts_the_djl_natives() {
        assertThat(DOCKERFILE).contains("ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17");
        assertThat(BUILD).contains("mvn -B -DskipTests package", "ops/docker/DjlWarmup.java", "-Dai.djl.offline=true");
        assertThat(Path.of("ops/docker/DjlWarmup.java")).exists();
    }

    @Test
    void the_runtime_stage_is_a_jre_17_running_the_jar_as_a_non_root_user() {
        assertThat(DOCKERFILE).contains("ARG RUNTIME_IMAGE=eclipse-temurin:17-jre");
        assertThat(RUNTIME).startsWith("FROM ${RUNTIME_IMAGE}");
        assertThat(RUNTIME).containsPattern("(?m)^USER dntme:dntme$").contains("useradd --system --uid ${APP_UID}");
        assertThat(RUNTIME).contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]", "EXPOSE 8080", "VOLUME [\"/data\"]");
        assertThat(RUNTIME).contains("HEALTHCHECK").contains("http://127.0.0.1:8080/actuator/health/liveness");
    }

    @Test
    void the_runtime_environment_names_only_application_settings_and_runtime_variables() {
        Map<String, String> env = runtimeEnv();

        assertThat(env).containsEntry("DNTME_DATA_DIR", "/data").containsEntry("DJL_OFFLINE", "true")
                .containsEntry("OMP_WAIT_POLICY", "PASSIVE");
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=").doesNotContain("ActiveProcessorCount");
        var known = AppSettings.environmentVariables();
        assertThat(env.keySet()).allSatisfy(name -> assertThat(known.contains(name) || AppSettings.RUNTIME_ENV.contains(name))
                .as("%s is read by the application or its runtime", name).isTrue());
    }

    @Test
    void the_natives_extracted_at_build_time_are_where_the_runtime_looks_for_them() {
        Map<String, String> env = runtimeEnv();
        String cache = env.get("ENGINE_CACHE_DIR");

        assertThat(env.get("DJL_CACHE_DIR")).isEqualTo(cache);
        assertThat(BUILD).contains("ENGINE_CACHE_DIR=" + cache).contains("find " + cache + "/pytorch -name 'libtorch.so'");
        // DJL extracts into an owner-only directory: the non-root runtime user must be able to read it.
        assertThat(BUILD).contains("chmod -R a+rX " + cache);
        assertThat(RUNTIME).contains("COPY --from=build " + cache + " " + cache);
    }

    static Map<String, String> runtimeEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher block = Pattern.compile("(?m)^ENV (.*)$").matcher(RUNTIME);
        Pattern pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)");
        while (block.find()) {
            Matcher m = pair.matcher(block.group(1));
            while (m.find()) {
                env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }
}
