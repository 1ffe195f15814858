package dev.dntme.gateway.cloak;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * DJL reports usage to the EC2 metadata address (169.254.169.254) unless told it is offline. A privacy
 * service must open no connection but to its own S3 and database, so this runs before any bean (and so
 * before DJL is touched) on every start of the application, whether through {@code main} or a test.
 */
class DjlOfflineMode implements EnvironmentPostProcessor {

    static final String PROPERTY = "ai.djl.offline";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        System.setProperty(PROPERTY, "true");
    }
}
