package dev.dntme.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules query must be one the application
 * emits, and the outcome values they filter on must be the application's.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DashboardMetricsTest {

    /**
     * The application's metrics in Prometheus form: the contract between the app and ops. The app's own
     * metrics test asserts the same names on a live /actuator/prometheus scrape; change both together.
     */
    static final Set<String> APP_METRICS = dev.dntme.gateway.support.MetricsContract.APP_METRICS;

    /** Standard Micrometer families (JVM, process, Spring MVC) and Prometheus' own scrape health. */
    static final List<String> STANDARD_PREFIXES = List.of("jvm_", "process_", "http_server_requests_seconds_");
    static final Set<String> PROMETHEUS_METRICS = Set.of("up");

    /** Values of the outcome tag on dntme_uploads_total. */
    static final Set<String> UPLOAD_OUTCOMES = Set.of(
            "published-clean", "published-cloaked", "rejected", "failed-closed", "failed");

    /** Values of the outcome tag, per metric that has one. */
    static final Map<String, Set<String>> OUTCOMES = Map.of(
            "dntme_uploads_total", UPLOAD_OUTCOMES,
            "dntme_media_jobs_total", Set.of("published", "rejected", "retried", "cancelled"),
            "dntme_webhook_deliveries_total", Set.of("delivered", "retried", "gave-up"));

    static final Path DASHBOARD = Path.of("ops/grafana/dashboards/dntme-gateway.json");
    static final Path ALERTS = Path.of("ops/prometheus/alerts.yml");

    @Test
    void the_extractor_finds_metric_names_and_skips_functions_labels_and_ranges() {
        String expr = "histogram_quantile(0.95, sum by (instance, le) (rate(dntme_cloak_face_duration_seconds_bucket"
                + "{instance=~\"$instance\", outcome=\"x_total\"}[$__rate_interval]))) / on (instance) group_left"
                + " (up) max without (pod) (dntme_cloak_queue_capacity > 0) and bool up offset 5m";

        assertThat(metricNames(expr)).containsExactlyInAnyOrder(
                "dntme_cloak_face_duration_seconds_bucket", "dntme_cloak_queue_capacity", "up");
    }

    @Test
    void every_metric_the_dashboard_queries_is_one_the_application_emits() {
        Set<String> used = metricNames(dashboardQueries());

        assertThat(used).hasSizeGreaterThan(10);
        assertThat(used).allSatisfy(name -> assertThat(emitted(name)).as("%s is emitted by the application", name).isTrue());
    }

    @Test
    void every_metric_the_alert_rules_query_is_one_the_application_emits() {
        Set<String> used = metricNames(alertExpressions().values());

        assertThat(used).isNotEmpty();
        assertThat(used).allSatisfy(name -> assertThat(emitted(name)).as("%s is emitted by the application", name).isTrue());
    }

    @Test
    void the_dashboard_shows_latency_quantiles_queue_outcomes_faces_bytes_warm_up_and_republish() {
        List<String> queries = dashboardQueries();
        Set<String> used = metricNames(queries);

        assertThat(used).contains(
                "dntme_cloak_image_duration_seconds_bucket", "dntme_cloak_face_duration_seconds_bucket",
                "dntme_cloak_queue_wait_seconds_bucket", "dntme_cloak_queue_size", "dntme_cloak_queue_capacity",
                "dntme_uploads_total", "dntme_faces_per_image_count", "dntme_bytes_in_total", "dntme_bytes_out_total",
                "dntme_cloak_ready", "dntme_republish_pending", "dntme_republish_done_total");
        for (String histogram : List.of("dntme_cloak_image_duration_seconds", "dntme_cloak_face_duration_seconds",
                "dntme_cloak_queue_wait_seconds")) {
            for (String q : List.of("0.5", "0.95", "0.99")) {
                assertThat(queries).as("p%s of %s", q, histogram)
                        .anySatisfy(e -> assertThat(e).contains("histogram_quantile(" + q + ",", histogram + "_bucket"));
            }
        }
        assertThat(queries).anySatisfy(e -> assertThat(e).contains("sum by (outcome)", "dntme_uploads_total"));
    }

    @Test
    void the_alert_rules_cover_latency_failed_closed_rate_queue_saturation_and_readiness() {
        Map<String, String> alerts = alertExpressions();

        assertThat(alerts.get("DntmeCloakFaceLatencyHigh"))
                .contains("histogram_quantile(0.95", "dntme_cloak_face_duration_seconds_bucket").contains("> 2");
        assertThat(alerts.get("DntmeFailedClosedRateHigh"))
                .contains("outcome=\"failed-closed\"", "outcome=~\"published-cloaked|failed-closed\"", "> 0.05");
        assertThat(alerts.get("DntmeCloakQueueSaturated"))
                .contains("dntme_cloak_queue_size / (dntme_cloak_queue_capacity > 0)", "> 0.8");
        assertThat(alerts.get("DntmeCloakNotReady")).contains("dntme_cloak_ready", "== 0");
        assertThat(alerts.get("DntmeGatewayDown")).contains("up{", "== 0");
    }

    @Test
    void every_outcome_the_dashboard_and_alerts_filter_on_is_one_the_application_reports() {
        List<String> exprs = new ArrayList<>(dashboardQueries());
        exprs.addAll(alertExpressions().values());
        Map<String, Set<String>> outcomes = new java.util.TreeMap<>();
        Matcher selector = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}").matcher(String.join("\n", exprs));
        while (selector.find()) {
            Matcher m = Pattern.compile("outcome\\s*=~?\\s*\"([^\"]*)\"").matcher(selector.group(2));
            while (m.find()) {
                outcomes.computeIfAbsent(selector.group(1), k -> new TreeSet<>()).addAll(List.of(m.group(1).split("\\|")));
            }
        }

        assertThat(outcomes.get("dntme_uploads_total")).contains("failed-closed", "published-cloaked");
        assertThat(outcomes.get("dntme_media_jobs_total")).contains("published", "rejected");
        assertThat(outcomes.get("dntme_webhook_deliveries_total")).contains("gave-up");
        outcomes.forEach((metric, values) -> assertThat(OUTCOMES.get(metric)).as("outcomes of %s", metric)
                .isNotNull().containsAll(values));
    }

    @Test
    void the_dashboard_shows_media_jobs_and_webhooks() {
        List<String> queries = dashboardQueries();

        assertThat(metricNames(queries)).contains("dntme_media_jobs_queued", "dntme_media_jobs_oldest_age_seconds",
                "dntme_media_jobs_total", "dntme_media_frames_per_job_bucket", "dntme_media_frame_duration_seconds_bucket",
                "dntme_webhook_pending", "dntme_webhook_deliveries_total");
        for (String q : List.of("0.5", "0.95")) {
            assertThat(queries).anySatisfy(e -> assertThat(e)
                    .contains("histogram_quantile(" + q + ",", "dntme_media_frames_per_job_bucket"));
            assertThat(queries).anySatisfy(e -> assertThat(e)
                    .contains("histogram_quantile(" + q + ",", "by (le, phase)", "dntme_media_frame_duration_seconds_bucket"));
        }
        assertThat(queries).anySatisfy(e -> assertThat(e).contains("sum by (outcome)", "dntme_media_jobs_total"));
        assertThat(queries).anySatisfy(e -> assertThat(e).contains("sum by (outcome)", "dntme_webhook_deliveries_total"));
    }

    @Test
    void the_alert_rules_cover_stuck_media_jobs_rejections_and_webhooks_giving_up() {
        Map<String, String> alerts = alertExpressions();

        assertThat(alerts.get("DntmeMediaJobStuck")).contains("dntme_media_jobs_oldest_age_seconds", "> 900");
        assertThat(alerts.get("DntmeMediaRejectedRateHigh")).contains("outcome=\"rejected\"", "dntme_media_jobs_total");
        assertThat(alerts.get("DntmeWebhookDeliveriesGivingUp"))
                .contains("dntme_webhook_deliveries_total{outcome=\"gave-up\"}", "> 0");
        assertThat(alerts.get("DntmeWebhookBacklog")).contains("dntme_webhook_pending");
    }

    @Test
    void the_dashboard_queries_the_provisioned_prometheus_datasource_and_has_unique_panel_ids() {
        JsonNode dashboard = dashboard();
        List<JsonNode> panels = new ArrayList<>();
        collectPanels(dashboard.get("panels"), panels);
        Set<Integer> ids = new TreeSet<>();

        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.get("id").asInt())).as("panel id %s is unique", panel.get("id")).isTrue();
            if (!"row".equals(panel.get("type").asString())) {
                assertThat(panel.at("/datasource/uid").asString()).isEqualTo("prometheus");
            }
        }
        assertThat(dashboard.get("uid").asString()).isEqualTo("dntme-gateway");
    }

    @Test
    void the_alert_rules_pass_their_promtool_unit_tests(@TempDir Path tmp) throws Exception {
        String promtool = promtool();

        Result result = run(tmp, promtool, "test", "rules", "alerts.test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void every_dashboard_query_parses_as_promql(@TempDir Path tmp) throws Exception {
        String promtool = promtool();
        List<String> queries = dashboardQueries().stream()
                .filter(q -> !q.startsWith("label_values("))
                .map(q -> q.replace("$__rate_interval", "5m").replace("$instance", ".*"))
                .toList();
        List<Map<String, String>> rules = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            rules.add(Map.of("record", "dashboard:query" + i, "expr", queries.get(i)));
        }
        Path file = tmp.resolve("dashboard-rules.yml");
        Files.writeString(file, new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));

        Result result = run(tmp, promtool, "check", "rules", file.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    // --- PromQL metric names ------------------------------------------------------------------

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
            "inf", "nan");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

    static Set<String> metricNames(String expr) {
        Matcher lv = LABEL_VALUES.matcher(expr);
        if (lv.find()) {
            return Set.of(lv.group(1));
        }
        String s = STRING.matcher(expr).replaceAll(" ");
        s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = s.replaceAll("\\boffset\\s+\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group();
            boolean function = s.substring(m.end()).stripLeading().startsWith("(");
            boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            if (!function && !partOfNumber && !KEYWORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }

    static Set<String> metricNames(Iterable<String> exprs) {
        Set<String> names = new TreeSet<>();
        exprs.forEach(e -> names.addAll(metricNames(e)));
        return names;
    }

    static boolean emitted(String name) {
        return APP_METRICS.contains(name) || PROMETHEUS_METRICS.contains(name)
                || STANDARD_PREFIXES.stream().anyMatch(name::startsWith);
    }

    // --- sources ------------------------------------------------------------------------------

    static JsonNode dashboard() {
        return JsonMapper.builder().build().readTree(AppSettings.read(DASHBOARD));
    }

    static void collectPanels(JsonNode panels, List<JsonNode> into) {
        if (panels == null) {
            return;
        }
        for (JsonNode panel : panels) {
            into.add(panel);
            collectPanels(panel.get("panels"), into);
        }
    }

    /** Every PromQL text in the dashboard: panel targets and template-variable queries. */
    static List<String> dashboardQueries() {
        JsonNode dashboard = dashboard();
        List<JsonNode> panels = new ArrayList<>();
        collectPanels(dashboard.get("panels"), panels);
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : panels) {
            JsonNode targets = panel.get("targets");
            if (targets != null) {
                targets.forEach(t -> queries.add(t.get("expr").asString()));
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            JsonNode query = variable.get("query");
            if (query != null) {
                queries.add(query.isObject() ? query.get("query").asString() : query.asString());
            }
        }
        return queries;
    }

    /** alert name -> expr. */
    static Map<String, String> alertExpressions() {
        Map<String, Object> file = ComposeFileTest.yaml(ALERTS);
        Map<String, String> alerts = new java.util.LinkedHashMap<>();
        for (Object group : ComposeFileTest.list(file, "groups")) {
            for (Object rule : ComposeFileTest.list(ComposeFileTest.asMap(group), "rules")) {
                Map<String, Object> r = ComposeFileTest.asMap(rule);
                alerts.put(String.valueOf(r.get("alert")), String.valueOf(r.get("expr")).strip());
            }
        }
        return alerts;
    }

    // --- promtool (Prometheus' own checker), when installed ----------------------------------

    static String promtool() {
        String path = System.getenv().getOrDefault("PATH", "");
        Path found = Stream.of(path.split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst().orElse(null);
        Assumptions.assumeTrue(found != null, "promtool is not on the PATH (Debian: apt-get install prometheus)");
        return found.toString();
    }

    record Result(int exitCode, String output) {
    }

    static Result run(Path tmp, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(Path.of("ops/prometheus").toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
