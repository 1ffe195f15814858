package dev.dntme.gateway.upload.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** A bad webhook setting stops start-up; no URL means webhooks are off. */
class WebhookPropertiesTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef"; // 32 bytes

    @Configuration
    @EnableConfigurationProperties(WebhookProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void withoutAUrlWebhooksAreOffAndNeedNoSecret() {
        runner.run(context -> {
            WebhookProperties p = context.getBean(WebhookProperties.class);
            assertThat(p.enabled()).isFalse();
            assertThat(p.maxAttempts()).isEqualTo(8);
            assertThat(p.initialBackoff()).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.maxBackoff()).isEqualTo(Duration.ofMinutes(10));
            assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(5));
        });
        runner.withPropertyValues("dntme.webhooks.url=").run(context ->
                assertThat(context.getBean(WebhookProperties.class).enabled()).isFalse());
    }

    @Test
    void aUrlWithAStrongEnoughSecretTurnsThemOn() {
        runner.withPropertyValues("dntme.webhooks.url=https://hooks.example.com/dntme", "dntme.webhooks.secret=" + SECRET)
                .run(context -> assertThat(context.getBean(WebhookProperties.class).enabled()).isTrue());
    }

    @Test
    void aUrlWithoutSecretOrWithAShortOneStopsStartUp() {
        runner.withPropertyValues("dntme.webhooks.url=https://hooks.example.com/dntme")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.webhooks.url=https://hooks.example.com/dntme",
                "dntme.webhooks.secret=" + SECRET.substring(1)).run(context -> assertThat(context).hasFailed());
    }

    @Test
    void badValuesStopStartUp() {
        String on = "dntme.webhooks.secret=" + SECRET;
        runner.withPropertyValues("dntme.webhooks.url=ftp://hooks.example.com/x", on).run(c -> assertThat(c).hasFailed());
        runner.withPropertyValues("dntme.webhooks.url=/relative", on).run(c -> assertThat(c).hasFailed());
        runner.withPropertyValues("dntme.webhooks.max-attempts=0").run(c -> assertThat(c).hasFailed());
        runner.withPropertyValues("dntme.webhooks.timeout=0s").run(c -> assertThat(c).hasFailed());
        runner.withPropertyValues("dntme.webhooks.initial-backoff=1m", "dntme.webhooks.max-backoff=10s")
                .run(c -> assertThat(c).hasFailed());
    }

    @Test
    void theSecretNeverAppearsInTheSettingsText() {
        var p = new WebhookProperties(java.net.URI.create("https://hooks.example.com/path?token=abc"), SECRET, 8,
                Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofDays(7));
        assertThat(p.toString()).doesNotContain(SECRET).doesNotContain("token=abc").contains("hooks.example.com");
    }
}
