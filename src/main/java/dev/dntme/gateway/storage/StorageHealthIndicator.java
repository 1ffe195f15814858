package dev.dntme.gateway.storage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Part of readiness: without both buckets no upload can succeed. */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {

    private final ObjectStore store;

    StorageHealthIndicator(ObjectStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        return store.reachable() ? Health.up().build() : Health.down().build();
    }
}
