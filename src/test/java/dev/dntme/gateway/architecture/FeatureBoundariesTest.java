package dev.dntme.gateway.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The feature packages and who may use whom, checked on the sources (imports and fully qualified
 * names). A new dependency between features is a design decision: change the map here on purpose.
 */
class FeatureBoundariesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/dntme/gateway");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.dntme\\.gateway\\.([a-z]+)\\.");

    /** Feature → the features it may use. The cloak engine and imaging know nothing of uploads or users. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "system", Set.of("cloak"),   // maps the engine's fail-closed exceptions to problem types
            "cloak", Set.of(),
            "imaging", Set.of("system"),
            "storage", Set.of("system"),
            "consent", Set.of("system", "cloak"),
            "upload", Set.of("system", "cloak", "consent", "imaging", "storage"),
            "protection", Set.of("system", "cloak", "consent", "upload"),
            "console", Set.of());

    @Test
    void everyFeatureUsesOnlyTheFeaturesItIsAllowedTo() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the application class at the root
                }
                String feature = relative.getName(0).toString();
                assertThat(ALLOWED).as("unknown feature package %s: add it to the map", feature).containsKey(feature);
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(feature) && !ALLOWED.get(feature).contains(used)) {
                        violations.add(relative + " uses " + used);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void noTwoFeaturesDependOnEachOther() {
        ALLOWED.forEach((feature, uses) -> uses.forEach(used ->
                assertThat(ALLOWED.get(used)).as("%s <-> %s", feature, used).doesNotContain(feature)));
    }

    private static final Path CLOAK = MAIN.resolve("cloak");
    private static final Pattern CLOAK_REFERENCE = Pattern.compile("dev\\.dntme\\.gateway\\.cloak\\.([a-z]+)\\.");

    /**
     * Inside the cloak: sub-package → the sub-packages it may use ("" is the cloak's API package). Networks know no
     * faces or attacks; the attack knows recognisers, not how they are loaded; only the engine puts it all together.
     */
    private static final Map<String, Set<String>> CLOAK_ALLOWED = Map.of(
            "", Set.of("nets", "recognition"),   // the settings validate names against the registry
            "nets", Set.of(),
            "face", Set.of("nets"),
            "recognition", Set.of("face", "nets"),
            "attack", Set.of("", "face", "nets", "recognition"),
            "engine", Set.of("", "attack", "face", "nets", "recognition"));

    @Test
    void theCloaksSubPackagesUseOnlyTheirAllowedNeighbours() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CLOAK)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path relative = CLOAK.relativize(file);
                String sub = relative.getNameCount() < 2 ? "" : relative.getName(0).toString();
                assertThat(CLOAK_ALLOWED).as("unknown cloak sub-package %s: add it to the map", sub).containsKey(sub);
                String source = Files.readString(file);
                Matcher m = CLOAK_REFERENCE.matcher(source);
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(sub) && !CLOAK_ALLOWED.get(sub).contains(used)) {
                        violations.add(relative + " uses cloak." + used);
                    }
                }
                if (!sub.isEmpty() && !sub.equals("attack") && !sub.equals("engine")
                        && Pattern.compile("import dev\\.dntme\\.gateway\\.cloak\\.[A-Z]").matcher(source).find()) {
                    violations.add(relative + " uses the cloak's API package");
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void nothingOutsideTheCloakReachesPastItsApiPackage() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(CLOAK)).toList()) {
                Matcher m = CLOAK_REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    violations.add(MAIN.relativize(file) + " uses cloak." + m.group(1));
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
