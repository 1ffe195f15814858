package dev.dntme.gateway.cloak.nets;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SHA-256 every file of a model must have, by file name (as in the model folder's {@code SHA256SUMS}): a loader
 * hands each file's bytes to {@link #check} before it parses them, so weights that are not the ones a recogniser's
 * thresholds were measured on are refused rather than silently used. Keyed by name, not path, so that a model folder
 * can move (e.g. {@code dntme.cloak.model-location}) and keep its pins.
 *
 * @param owner  names the model in errors
 * @param sha256 file name to lower-case hex digest; empty for {@link #NONE}
 */
public record Pins(String owner, Map<String, String> sha256) {

    /** No check: the detectors' weights and the tests' sweeps over unpinned variants. */
    public static final Pins NONE = new Pins("unpinned", Map.of());

    public Pins {
        Map<String, String> lower = new TreeMap<>();
        sha256.forEach((file, hex) -> lower.put(file, hex.toLowerCase(Locale.ROOT)));
        sha256 = Map.copyOf(lower);
    }

    /** {@code bytes} if they are the pinned ones for {@code path}'s file name; else an error naming both digests. */
    public byte[] check(String path, byte[] bytes) {
        if (this == NONE) {
            return bytes;
        }
        String file = path.substring(path.lastIndexOf('/') + 1);
        String expected = sha256.get(file);
        if (expected == null) {
            throw new IllegalArgumentException(owner + ": " + path + " has no pinned SHA-256 (pinned: "
                    + new TreeMap<>(sha256).keySet() + "); refusing to load it");
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected.trim())) {
            throw new IllegalArgumentException("SHA-256 mismatch for " + path + " (" + owner + "): expected " + expected
                    + ", file has " + actual + "; refusing to load it");
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
