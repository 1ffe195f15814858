package dev.dntme.gateway.cloak;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: a replica whose cloak models are not loaded and warm would answer every flagged
 * upload with 503, so the load balancer should not send it traffic. Liveness ignores it.
 */
@Component("cloak")
class CloakHealthIndicator implements HealthIndicator {

    private final CloakEngine engine;

    CloakHealthIndicator(CloakEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        return (engine.isReady() ? Health.up() : Health.outOfService())
                .withDetail("modelVersion", engine.modelVersion()).build();
    }
}
