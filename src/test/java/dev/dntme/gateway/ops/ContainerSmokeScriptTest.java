package dev.dntme.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The container smoke test (ops/container/smoke.sh) itself needs root and buildah and runs in .ci/run,
 * not here. These checks keep its wiring honest: it builds the Dockerfile unchanged (it only fills the
 * Dockerfile's own base-image arguments), CI runs it after the test suite and skips it only when buildah
 * cannot run, and CI installs the tools the tests would otherwise skip without.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ContainerSmokeScriptTest {

    static final String SMOKE = AppSettings.read(Path.of("ops/container/smoke.sh"));
    static final String CI = AppSettings.read(Path.of(".ci/run"));

    @Test
    void the_smoke_test_passes_only_the_dockerfiles_base_image_arguments() {
        Set<String> buildArgs = names(Pattern.compile("--build-arg ([A-Z_]+)="), SMOKE);
        Set<String> fromArgs = names(Pattern.compile("(?m)^FROM \\$\\{([A-Z_]+)}"),
                AppSettings.read(Path.of("Dockerfile")));

        assertThat(fromArgs).containsExactly("MAVEN_IMAGE", "RUNTIME_IMAGE");
        assertThat(buildArgs).isEqualTo(fromArgs);
        assertThat(SMOKE).contains("-f \"$repo/Dockerfile\" \"$repo\"").doesNotContain("--volume", "--build-context", "--file=");
    }

    @Test
    void ci_runs_the_smoke_test_after_the_test_suite_and_skips_it_only_when_buildah_cannot_run() {
        int tests = CI.indexOf("\nmvn -B test\n");
        int smoke = CI.indexOf("bash ops/container/smoke.sh");
        assertThat(tests).isPositive();
        assertThat(smoke).isGreaterThan(tests);
        assertThat(CI).contains("\"$smoke_rc\" = 77", "exit \"$smoke_rc\"");
        // 77 is the smoke test's "cannot run here", and nothing else exits with it.
        assertThat(SMOKE).contains("skip() {", "exit 77");
        assertThat(SMOKE.split("skip \"", -1).length - 1).as("skip reasons").isLessThanOrEqualTo(3);
    }

    @Test
    void ci_installs_promtool_and_chromium_so_their_tests_do_not_skip() {
        assertThat(CI).contains("command -v promtool", "packages+=(prometheus)", "packages+=(chromium)",
                "packages+=(chromium-driver)");
    }

    @Test
    void the_scripts_parse() throws Exception {
        for (String script : new String[] {"ops/container/smoke.sh", "ops/container/standin-images.sh", ".ci/run"}) {
            Process bash = new ProcessBuilder("bash", "-n", script).redirectErrorStream(true).start();
            assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bash.exitValue()).as(script + ": " + new String(bash.getInputStream().readAllBytes())).isZero();
        }
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
