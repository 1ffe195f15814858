package dev.dntme.gateway.consent;

/** Published (synchronously, before the settings call answers) whenever a user's DNT-ME choice is saved. */
public record UserSettingChanged(String userId, boolean dntMe) {}
