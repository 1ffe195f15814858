package dev.dntme.gateway.support;

import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

@TestConfiguration
public class TemporaryEngineDown {
    @Bean
    CloakEngine engineDown() {
        return new CloakEngine() {
            public dev.dntme.gateway.cloak.CloakedImage cloak(java.awt.image.BufferedImage i,
                    dev.dntme.gateway.cloak.CloakStrength s, ImageEncoder e) {
                throw new CloakUnavailableException("down");
            }
            public boolean isReady() { return false; }
            public String modelVersion() { return "none"; }
        };
    }
}
