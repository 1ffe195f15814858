package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.ProtectionReceipt;

/**
 * A finished public copy of an animation or a video.
 *
 * @param bytes     the file to publish
 * @param mediaType its Content-Type
 * @param extension its file name extension (public key suffix)
 * @param frames    frames written
 * @param faces     most faces found in one frame (0 for unflagged media)
 * @param receipt   measured on the decoded published file (null for unflagged media)
 */
record RenderedMedia(byte[] bytes, String mediaType, String extension, int frames, int faces, ProtectionReceipt receipt) {
}
