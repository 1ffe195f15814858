package dev.dntme.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class GatewayApplication {

    public static void main(String[] args) {
        // DJL reports usage to a metadata endpoint unless told it is offline; a privacy service
        // must make no outbound connection, so this is set before anything can touch DJL.
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(GatewayApplication.class, args);
    }
}
