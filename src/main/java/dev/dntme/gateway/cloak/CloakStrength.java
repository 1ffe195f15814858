package dev.dntme.gateway.cloak;

/** Budget levels; their numbers live in {@code CloakProperties} and docs/cloak.md. */
public enum CloakStrength {
    LOW, MEDIUM, HIGH
}
