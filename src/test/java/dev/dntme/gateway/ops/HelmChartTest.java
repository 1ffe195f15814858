package dev.dntme.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Lints and renders helm/dntme-gateway with Helm itself (helm-java: Helm's Go code as a native library). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HelmChartTest {

    static final Path CHART = Path.of("helm/dntme-gateway");

    @BeforeAll
    static void helm_loads_as_a_native_library() {
        try {
            Helm.version().call();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            Assumptions.abort("helm-java's native library does not load on this machine: " + e);
        }
    }

    @Test
    void lint_passes_with_no_errors_or_warnings() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    }

    @Test
    void the_deployment_probes_the_actuator_liveness_and_readiness_on_the_api_port() {
        Map<String, Object> container = container(render(t -> t));

        assertThat(get(container, "ports", 0, "containerPort")).isEqualTo(8080);
        assertThat(get(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            assertThat(get(container, probe, "httpGet", "port")).isEqualTo("http");
        }
    }

    @Test
    void the_deployment_requests_at_least_two_cpus_and_three_gibibytes_for_cpu_bound_cloaking() {
        Map<String, Object> container = container(render(t -> t));

        assertThat(cpuCores(get(container, "resources", "requests", "cpu"))).isGreaterThanOrEqualTo(2.0);
        assertThat(get(container, "resources", "requests", "memory")).isEqualTo("3Gi");
        assertThat(get(container, "resources", "limits", "memory")).isEqualTo("3Gi");
    }

    @Test
    void every_environment_variable_the_chart_sets_is_one_the_application_or_its_runtime_reads() {
        List<Map<String, Object>> manifests = render(t -> t
                .set("api.tokens", "token-aaaaaaaaaaaaaaaa")
                .set("s3.accessKey", "AKIA-test")
                .set("s3.secretKey", "secret-test")
                .set("s3.publicBaseUrl", "https://cdn.example.com/p")
                .set("postgresql.password", "pw"));
        Set<String> known = AppSettings.environmentVariables();

        List<String> names = new ArrayList<>();
        names.addAll(map(only(manifests, "ConfigMap"), "data").keySet());
        names.addAll(map(only(manifests, "Secret"), "stringData").keySet());
        Object env = container(manifests).get("env");
        if (env != null) {
            for (Object e : (List<?>) env) {
                names.add((String) ((Map<?, ?>) e).get("name"));
            }
        }

        assertThat(names).contains("DNTME_DATA_DIR", "DNTME_S3_ENDPOINT", "DNTME_S3_PUBLIC_READ", "DNTME_DB_URL",
                "DNTME_API_TOKENS", "DNTME_S3_ACCESS_KEY", "DNTME_S3_SECRET_KEY", "DNTME_DB_PASSWORD");
        assertThat(names).allSatisfy(name -> assertThat(known.contains(name) || AppSettings.RUNTIME_ENV.contains(name))
                .as("%s is neither an application setting %s nor a runtime variable", name, known)
                .isTrue());
    }

    @Test
    void the_pod_takes_its_environment_from_the_chart_configmap_and_secret() {
        List<Map<String, Object>> manifests = render(t -> t);
        List<?> envFrom = (List<?>) container(manifests).get("envFrom");

        assertThat(get(envFrom.get(0), "configMapRef", "name")).isEqualTo(get(only(manifests, "ConfigMap"), "metadata", "name"));
        assertThat(get(envFrom.get(1), "secretRef", "name")).isEqualTo(get(only(manifests, "Secret"), "metadata", "name"));
    }

    @Test
    void external_s3_and_postgresql_settings_given_with_set_land_in_the_configmap_and_secret() {
        List<Map<String, Object>> manifests = render(t -> t
                .set("s3.endpoint", "https://minio.storage.svc:9000")
                .set("s3.region", "eu-central-1")
                .set("s3.privateBucket", "acme-originals")
                .set("s3.publicBucket", "acme-cdn")
                .set("s3.publicBaseUrl", "https://cdn.acme.example")
                .set("s3.publicRead", "object-acl")
                .set("s3.accessKey", "acme-access")
                .set("s3.secretKey", "acme-secret")
                .set("postgresql.url", "jdbc:postgresql://pg.db.svc:5432/catalog")
                .set("postgresql.username", "catalog")
                .set("postgresql.password", "catalog-pw"));

        assertThat(map(only(manifests, "ConfigMap"), "data")).containsAllEntriesOf(Map.of(
                "DNTME_S3_ENDPOINT", "https://minio.storage.svc:9000",
                "DNTME_S3_REGION", "eu-central-1",
                "DNTME_S3_PRIVATE_BUCKET", "acme-originals",
                "DNTME_S3_PUBLIC_BUCKET", "acme-cdn",
                "DNTME_S3_PUBLIC_BASE_URL", "https://cdn.acme.example",
                "DNTME_S3_PUBLIC_READ", "object-acl",
                "DNTME_DB_URL", "jdbc:postgresql://pg.db.svc:5432/catalog",
                "DNTME_DATA_DIR", "/data"));
        assertThat(map(only(manifests, "Secret"), "stringData")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "DNTME_S3_ACCESS_KEY", "acme-access",
                "DNTME_S3_SECRET_KEY", "acme-secret",
                "DNTME_DB_USERNAME", "catalog",
                "DNTME_DB_PASSWORD", "catalog-pw"));
        assertThat(map(only(manifests, "ConfigMap"), "data")).doesNotContainKeys(
                "DNTME_S3_ACCESS_KEY", "DNTME_S3_SECRET_KEY", "DNTME_DB_PASSWORD", "DNTME_API_TOKENS");
    }

    @Test
    void an_existing_secret_replaces_the_chart_secret() {
        List<Map<String, Object>> manifests = render(t -> t.set("existingSecret", "dntme-credentials"));

        assertThat(kinds(manifests)).doesNotContain("Secret");
        List<?> envFrom = (List<?>) container(manifests).get("envFrom");
        assertThat(get(envFrom.get(1), "secretRef", "name")).isEqualTo("dntme-credentials");
    }

    @Test
    void the_container_runs_as_non_root_on_a_read_only_root_filesystem_with_writable_data_and_tmp() {
        List<Map<String, Object>> manifests = render(t -> t);
        Map<String, Object> pod = map(map(only(manifests, "Deployment"), "spec"), "template", "spec");
        Map<String, Object> container = container(manifests);

        assertThat(get(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat((Integer) get(pod, "securityContext", "runAsUser")).isPositive();
        assertThat(get(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(get(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(get(container, "securityContext", "capabilities", "drop")).isEqualTo(List.of("ALL"));

        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object m : (List<?>) container.get("volumeMounts")) {
            mounts.put((String) ((Map<?, ?>) m).get("mountPath"), (String) ((Map<?, ?>) m).get("name"));
        }
        assertThat(mounts).containsOnlyKeys("/data", "/tmp");
        for (Object v : (List<?>) pod.get("volumes")) {
            assertThat(((Map<?, ?>) v).containsKey("emptyDir")).as("volume %s is an emptyDir", v).isTrue();
        }
        assertThat(map(only(manifests, "ConfigMap"), "data")).containsEntry("DNTME_DATA_DIR", "/data");
    }

    @Test
    void a_cpu_based_autoscaler_and_a_disruption_budget_select_the_deployment() {
        List<Map<String, Object>> manifests = render(t -> t);
        Map<String, Object> deployment = only(manifests, "Deployment");
        Map<String, Object> hpa = only(manifests, "HorizontalPodAutoscaler");
        Map<String, Object> pdb = only(manifests, "PodDisruptionBudget");

        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(get(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(get(deployment, "metadata", "name"));
        assertThat(get(hpa, "spec", "metrics", 0, "resource", "name")).isEqualTo("cpu");
        assertThat((Integer) get(hpa, "spec", "minReplicas")).isGreaterThanOrEqualTo(2);
        assertThat(map(deployment, "spec")).as("the HPA owns the replica count").doesNotContainKey("replicas");

        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(get(pdb, "spec", "selector", "matchLabels")).isEqualTo(get(deployment, "spec", "selector", "matchLabels"));
        assertThat(map(deployment, "spec", "template", "metadata", "labels"))
                .containsAllEntriesOf(map(pdb, "spec", "selector", "matchLabels"));
    }

    @Test
    void the_service_monitor_is_off_by_default_and_scrapes_the_actuator_when_on() {
        assertThat(kinds(render(t -> t))).doesNotContain("ServiceMonitor");

        Map<String, Object> monitor = only(render(t -> t.set("serviceMonitor.enabled", "true")), "ServiceMonitor");
        assertThat(get(monitor, "spec", "endpoints", 0, "path")).isEqualTo("/actuator/prometheus");
        assertThat(get(monitor, "spec", "endpoints", 0, "port")).isEqualTo("http");
    }

    @Test
    void several_replicas_on_pod_local_storage_or_catalog_are_refused() {
        assertThatThrownBy(() -> render(t -> t.set("s3.endpoint", "")))
                .hasMessageContaining("s3.endpoint is empty");
        assertThatThrownBy(() -> render(t -> t.set("postgresql.url", "")))
                .hasMessageContaining("postgresql.url is empty");

        List<Map<String, Object>> single = render(t -> t
                .set("s3.endpoint", "").set("postgresql.url", "")
                .set("autoscaling.enabled", "false").set("replicaCount", "1"));
        assertThat(get(only(single, "Deployment"), "spec", "replicas")).isEqualTo(1);
        assertThat(map(only(single, "ConfigMap"), "data")).doesNotContainKeys("DNTME_S3_ENDPOINT", "DNTME_DB_URL");
    }

    // --- rendering and navigation -------------------------------------------------------------

    static List<Map<String, Object>> render(UnaryOperator<TemplateCommand> settings) {
        String out = settings.apply(new Helm(CHART).template().withName("dntme").withNamespace("photos")).call();
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) doc;
                manifests.add(m);
            }
        }
        return manifests;
    }

    static List<Object> kinds(List<Map<String, Object>> manifests) {
        return manifests.stream().map(m -> m.get("kind")).toList();
    }

    static Map<String, Object> only(List<Map<String, Object>> manifests, String kind) {
        List<Map<String, Object>> found = manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
        assertThat(found).as("exactly one %s in %s", kind, kinds(manifests)).hasSize(1);
        return found.get(0);
    }

    static Map<String, Object> container(List<Map<String, Object>> manifests) {
        List<?> containers = (List<?>) get(only(manifests, "Deployment"), "spec", "template", "spec", "containers");
        assertThat(containers).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) containers.get(0);
        return c;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, Object... path) {
        Object found = get(node, path);
        assertThat(found).as("a map at %s", List.of(path)).isInstanceOf(Map.class);
        return (Map<String, Object>) found;
    }

    static Object get(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (step instanceof Integer i) {
                assertThat(current).as("a list at %s", step).isInstanceOf(List.class);
                current = ((List<?>) current).get(i);
            } else {
                assertThat(current).as("a map at %s", step).isInstanceOf(Map.class);
                current = ((Map<?, ?>) current).get(step);
            }
        }
        return current;
    }

    /** Kubernetes CPU quantity: "2", 2, "1500m". */
    static double cpuCores(Object quantity) {
        String q = String.valueOf(quantity);
        return q.endsWith("m") ? Double.parseDouble(q.substring(0, q.length() - 1)) / 1000 : Double.parseDouble(q);
    }
}
