package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;

/** Encoded bytes bound for the public bucket; {@code receipt} is null for unflagged copies. */
record PublicCopy(byte[] bytes, PublicFormat format, int faces, ProtectionReceipt receipt) {}
