package dev.dntme.gateway.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutational fuzzer over valid JPEG, PNG, GIF and WebP seeds, and over animations and videos: byte flips, interesting values in
 * header fields, insertions, deletions, duplicated ranges, truncation and splicing between seeds. Every
 * mutant goes through the same oracle as the hostile corpus. Run longer with
 * {@code -Dfuzz.iterations=5000 -Dfuzz.seconds=1800}; replay a failure with the printed {@code -Dfuzz.seed}.
 */
class UploadFuzzTest extends HostileApp {

    private static final int[] INTERESTING = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 16384, 20001, 65535};

    @Test
    void mutatedImagesAreRefusedWithADocumentedProblemOrPublishedCleanNeverA500() throws IOException {
        fuzz("images", HostileCorpus.validSeeds(), HostileCorpus.SEED_NAMES, Integer.getInteger("fuzz.iterations", 300),
                Duration.ofSeconds(Long.getLong("fuzz.seconds", 60)));
    }

    /**
     * Animations and videos: a mutant is refused on its headers, or accepted (202) and followed to its job's end,
     * published clean or rejected with a documented problem, never a 500 and never a stuck job.
     */
    @Test
    void mutatedAnimationsAndVideosAreRefusedOrTheirJobEndsCleanlyNeverA500() throws IOException {
        fuzz("media", HostileCorpus.mediaSeeds(), HostileCorpus.MEDIA_SEED_NAMES,
                Integer.getInteger("fuzz.media.iterations", 60), Duration.ofSeconds(Long.getLong("fuzz.media.seconds", 45)));
    }

    private void fuzz(String kind, List<byte[]> seeds, String[] names, int iterations, Duration budget) throws IOException {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("UploadFuzzTest " + kind + ": -Dfuzz.seed=" + seed + " -Dfuzz.iterations=" + iterations);
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = System.nanoTime() + budget.toNanos();
        int done = 0;
        for (int i = 0; i < iterations && System.nanoTime() < deadline; i++, done++) {
            Random random = new Random(seed * 31 + i);
            int from = random.nextInt(seeds.size());
            byte[] mutant = mutate(seeds.get(from), seeds, random);
            HostileCase c = HostileCase.any("fuzz", "iteration " + i + " of seed " + seed + " from " + names[from], mutant);
            try {
                outcomes.merge(send(c), 1, Integer::sum);
            } catch (AssertionError | RuntimeException failure) {
                Path saved = Path.of("target", "fuzz-failures", kind + "-" + seed + "-" + i + ".bin");
                Files.createDirectories(saved.getParent());
                Files.write(saved, mutant);
                throw new AssertionError("fuzz failure; replay with -Dfuzz.seed=" + seed + " -Dfuzz.iterations="
                        + (i + 1) + "; input saved to " + saved, failure);
            }
        }
        System.out.println("UploadFuzzTest " + kind + ": " + done + " iterations, outcomes " + outcomes);
    }

    static byte[] mutate(byte[] seed, List<byte[]> seeds, Random random) {
        byte[] b = seed.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            b = switch (random.nextInt(8)) {
                case 0 -> flipBits(b, random);
                case 1 -> headerField(b, random);
                case 2 -> insert(b, random);
                case 3 -> delete(b, random);
                case 4 -> duplicate(b, random);
                case 5 -> Arrays.copyOf(b, 1 + random.nextInt(b.length));
                case 6 -> splice(b, seeds.get(random.nextInt(seeds.size())), random);
                default -> randomBytes(b, random);
            };
        }
        return b;
    }

    private static byte[] flipBits(byte[] b, Random random) {
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    /** An interesting 1-, 2- or 4-byte value, either endianness, in the first 64 bytes (where the headers are). */
    private static byte[] headerField(byte[] b, Random random) {
        int value = INTERESTING[random.nextInt(INTERESTING.length)];
        int width = new int[] {1, 2, 4}[random.nextInt(3)];
        int at = random.nextInt(Math.max(1, Math.min(64, b.length - width + 1)));
        boolean bigEndian = random.nextBoolean();
        for (int k = 0; k < width && at + k < b.length; k++) {
            int shift = 8 * (bigEndian ? width - 1 - k : k);
            b[at + k] = (byte) (value >>> shift);
        }
        return b;
    }

    private static byte[] insert(byte[] b, Random random) {
        byte[] extra = new byte[1 + random.nextInt(64)];
        random.nextBytes(extra);
        int at = random.nextInt(b.length + 1);
        return Seeds.concat(Arrays.copyOf(b, at), extra, Arrays.copyOfRange(b, at, b.length));
    }

    private static byte[] delete(byte[] b, Random random) {
        int at = random.nextInt(b.length);
        int length = 1 + random.nextInt(Math.min(64, b.length - at));
        return Seeds.concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + length, b.length));
    }

    private static byte[] duplicate(byte[] b, Random random) {
        int at = random.nextInt(b.length);
        int length = 1 + random.nextInt(Math.min(256, b.length - at));
        byte[] range = Arrays.copyOfRange(b, at, at + length);
        byte[] out = b;
        for (int copies = 1 + random.nextInt(16); copies > 0; copies--) {
            out = Seeds.concat(Arrays.copyOf(out, at), range, Arrays.copyOfRange(out, at, out.length));
        }
        return out;
    }

    /** The head of one image and the tail, or a middle chunk, of another. */
    private static byte[] splice(byte[] b, byte[] other, Random random) {
        int cut = random.nextInt(b.length);
        int from = random.nextInt(other.length);
        if (random.nextBoolean()) {
            return Seeds.concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
        }
        int length = 1 + random.nextInt(Math.min(512, other.length - from));
        return Seeds.concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, from + length),
                Arrays.copyOfRange(b, cut, b.length));
    }

    private static byte[] randomBytes(byte[] b, Random random) {
        int at = random.nextInt(b.length);
        int length = 1 + random.nextInt(Math.min(16, b.length - at));
        for (int i = 0; i < length; i++) {
            b[at + i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
