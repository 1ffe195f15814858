package dev.dntme.gateway.consent;

/** Whether an upload is flagged, and why. */
public record FlagDecision(boolean dntMe, FlagSource source) {}
