package dev.dntme.gateway.hardening;

import java.util.Set;

/**
 * One hostile upload: the bytes, how the multipart part labels them, whether the request flags it, and
 * what the service must answer beyond the general oracle ({@link UploadOracle}).
 *
 * @param category     corpus category, for the count in docs/hardening.md
 * @param name         what the case is, read in test names
 * @param bytes        the file part's content
 * @param partType     the part's Content-Type (the service must ignore it)
 * @param flagged      sent with {@code DNT-ME: 1}: with the cloak models missing it must fail closed
 * @param expected     the only acceptable outcomes: problem slugs, and/or {@link #PUBLISHED}; empty = any safe outcome
 * @param mustNotLeak  byte strings that must not appear in a published copy (polyglot payloads)
 */
record HostileCase(String category, String name, byte[] bytes, String partType, boolean flagged,
        Set<String> expected, Set<String> mustNotLeak) {

    static final String PUBLISHED = "201";

    static HostileCase any(String category, String name, byte[] bytes) {
        return new HostileCase(category, name, bytes, "image/jpeg", false, Set.of(), Set.of());
    }

    static HostileCase expect(String category, String name, byte[] bytes, String... outcomes) {
        return new HostileCase(category, name, bytes, "image/jpeg", false, Set.of(outcomes), Set.of());
    }

    HostileCase labelled(String type) {
        return new HostileCase(category, name, bytes, type, flagged, expected, mustNotLeak);
    }

    HostileCase withDntMeHeader() {
        return new HostileCase(category, name, bytes, partType, true, expected, mustNotLeak);
    }

    HostileCase mustNotLeak(String... payloads) {
        return new HostileCase(category, name, bytes, partType, flagged, expected, Set.of(payloads));
    }

    @Override
    public String toString() {
        return category + ": " + name + " (" + bytes.length + " bytes" + (flagged ? ", flagged" : "") + ")";
    }
}
