package dev.dntme.gateway.cloak;

/** The encoded public copy and what was measured on it. */
public record CloakedImage(byte[] encoded, ProtectionReceipt receipt) {}
