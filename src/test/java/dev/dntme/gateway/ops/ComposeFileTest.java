package dev.dntme.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Reads docker-compose.yml and the Prometheus config it mounts, as data. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ComposeFileTest {

    static final Map<String, Object> COMPOSE = yaml(Path.of("docker-compose.yml"));
    static final Map<String, Object> GATEWAY = map(map(COMPOSE, "services"), "dntme-gateway");

    @Test
    void every_variable_given_to_the_service_is_one_the_application_reads() {
        Set<String> known = AppSettings.environmentVariables();
        Map<String, Object> env = map(GATEWAY, "environment");

        assertThat(env.keySet()).allSatisfy(name -> assertThat(known).as("%s is an application setting", name).contains(name));
    }

    @Test
    void the_service_uses_minio_with_bucket_policy_reads_and_postgresql_as_its_catalog() {
        Map<String, Object> env = map(GATEWAY, "environment");

        assertThat(env).containsEntry("DNTME_S3_ENDPOINT", "http://minio:9000")
                .containsEntry("DNTME_S3_PUBLIC_READ", "bucket-policy")
                .containsEntry("DNTME_S3_PUBLIC_BASE_URL", "http://localhost:9000/dntme-public")
                .containsEntry("DNTME_DB_URL", "jdbc:postgresql://postgres:5432/dntme")
                .containsEntry("DNTME_DB_USERNAME", "dntme")
                .containsEntry("DNTME_DATA_DIR", "/data")
                .containsKeys("DNTME_S3_ACCESS_KEY", "DNTME_S3_SECRET_KEY", "DNTME_DB_PASSWORD", "DNTME_API_TOKENS");
        // MinIO serves the public URL on the port published to the host.
        assertThat(list(map(map(COMPOSE, "services"), "minio"), "ports")).contains("9000:9000");
        // Credentials match the servers they log in to (same interpolated values).
        Map<String, Object> minio = map(map(map(COMPOSE, "services"), "minio"), "environment");
        assertThat(env.get("DNTME_S3_ACCESS_KEY")).isEqualTo(minio.get("MINIO_ROOT_USER"));
        assertThat(env.get("DNTME_S3_SECRET_KEY")).isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));
        Map<String, Object> postgres = map(map(map(COMPOSE, "services"), "postgres"), "environment");
        assertThat(postgres).containsEntry("POSTGRES_DB", "dntme").containsEntry("POSTGRES_USER", env.get("DNTME_DB_USERNAME"));
        assertThat(postgres.get("POSTGRES_PASSWORD")).isEqualTo(env.get("DNTME_DB_PASSWORD"));
        assertThat((String) map(map(COMPOSE, "services"), "postgres").get("image")).startsWith("postgres:15");
    }

    @Test
    void the_default_api_token_is_long_enough_for_the_application() {
        String token = String.valueOf(map(GATEWAY, "environment").get("DNTME_API_TOKENS"));
        String fallback = token.replaceAll("^\\$\\{[A-Z_]+:-(.*)}$", "$1");

        assertThat(fallback).isNotEqualTo(token).hasSizeGreaterThanOrEqualTo(16);
    }

    @Test
    void the_service_is_built_from_the_dockerfile_and_published_on_8080() {
        assertThat(GATEWAY.get("build")).isEqualTo(".");
        assertThat(list(GATEWAY, "ports")).containsExactly("8080:8080");
        assertThat(list(GATEWAY, "volumes")).anySatisfy(v -> assertThat((String) v).endsWith(":/data"));
        Map<String, Object> dependsOn = map(GATEWAY, "depends_on");
        assertThat(map(dependsOn, "postgres")).containsEntry("condition", "service_healthy");
        assertThat(map(dependsOn, "minio-init")).containsEntry("condition", "service_completed_successfully");
    }

    @Test
    void minio_init_creates_both_buckets_and_makes_only_the_public_one_anonymous() {
        Map<String, Object> init = map(map(COMPOSE, "services"), "minio-init");
        assertThat((String) init.get("image")).startsWith("minio/mc:");
        String script = String.join("\n", list(init, "command").stream().map(String::valueOf).toList());

        assertThat(script).contains("mc mb --ignore-existing local/dntme-private", "mc mb --ignore-existing local/dntme-public");
        List<String> anonymous = script.lines().map(String::strip).filter(l -> l.startsWith("mc anonymous set")).toList();
        assertThat(anonymous).containsExactlyInAnyOrder(
                "mc anonymous set none local/dntme-private",
                "mc anonymous set download local/dntme-public");
    }

    @Test
    void prometheus_scrapes_the_actuator_of_the_service_and_loads_the_alert_rules() {
        Map<String, Object> prometheusService = map(map(COMPOSE, "services"), "prometheus");
        assertThat(list(prometheusService, "volumes")).contains("./ops/prometheus:/etc/prometheus:ro");
        assertThat(list(prometheusService, "command")).contains("--config.file=/etc/prometheus/prometheus.yml");

        Map<String, Object> config = yaml(Path.of("ops/prometheus/prometheus.yml"));
        assertThat(list(config, "rule_files")).containsExactly("alerts.yml");
        Map<String, Object> job = list(config, "scrape_configs").stream()
                .map(ComposeFileTest::asMap)
                .filter(j -> "dntme-gateway".equals(j.get("job_name")))
                .findFirst().orElseThrow();
        assertThat(job).containsEntry("metrics_path", "/actuator/prometheus");
        assertThat(list(asMap(list(job, "static_configs").get(0)), "targets")).containsExactly("dntme-gateway:8080");
    }

    @Test
    void grafana_gets_the_provisioned_datasource_and_the_dashboard() {
        Map<String, Object> grafana = map(map(COMPOSE, "services"), "grafana");
        assertThat(list(grafana, "volumes")).contains(
                "./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./ops/grafana/dashboards:/var/lib/grafana/dashboards:ro");

        Map<String, Object> datasource = asMap(list(yaml(Path.of("ops/grafana/provisioning/datasources/prometheus.yml")), "datasources").get(0));
        assertThat(datasource).containsEntry("uid", "prometheus").containsEntry("url", "http://prometheus:9090");
        Map<String, Object> provider = asMap(list(yaml(Path.of("ops/grafana/provisioning/dashboards/dntme.yml")), "providers").get(0));
        assertThat(map(provider, "options")).containsEntry("path", "/var/lib/grafana/dashboards");
        assertThat(Path.of("ops/grafana/dashboards/dntme-gateway.json")).exists();
    }

    // --- YAML navigation ------------------------------------------------------------------------

    static Map<String, Object> yaml(Path file) {
        return asMap(new Yaml().load(AppSettings.read(file)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    static Map<String, Object> map(Map<String, Object> node, String key) {
        assertThat(node).containsKey(key);
        return asMap(node.get(key));
    }

    static List<Object> list(Map<String, Object> node, String key) {
        assertThat(node).containsKey(key);
        assertThat(node.get(key)).isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) node.get(key);
        return l;
    }
}
