package dev.dntme.gateway.benchmark.protection;

import dev.dntme.gateway.benchmark.protection.ScraperModel.Scraped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Clean embeddings of one model on disk ({@code <dir>/<model>.tsv}), keyed by the photo's SHA-1, so repeated
 * runs skip the clean photos. A line: {@code sha1 <TAB> file <TAB> detector|- <TAB> v1,v2,...|-}. Delete the
 * folder after changing a scraper (its detector, alignment or network): the key does not see code.
 */
public final class EmbeddingCache {

    private final Path file;
    private final Map<String, Scraped> entries = new HashMap<>();

    public EmbeddingCache(Path dir, String model) {
        this.file = dir.resolve(model.replaceAll("[^A-Za-z0-9._-]", "_") + ".tsv");
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t");
                    if (f.length == 4) {
                        entries.put(f[0], new Scraped(f[3].equals("-") ? null : floats(f[3]), f[2].equals("-") ? null : f[2]));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Scraped get(String sha1) {
        return entries.get(sha1);
    }

    public void put(String sha1, String name, Scraped scraped) {
        entries.put(sha1, scraped);
        StringBuilder line = new StringBuilder(sha1).append('\t').append(name.replace('\t', ' ')).append('\t')
                .append(scraped.detector() == null ? "-" : scraped.detector()).append('\t');
        if (scraped.embedding() == null) {
            line.append('-');
        } else {
            float[] e = scraped.embedding();
            for (int i = 0; i < e.length; i++) {
                line.append(i == 0 ? "" : ",").append(Float.toString(e[i]));
            }
        }
        try {
            Files.writeString(file, line.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] floats(String csv) {
        String[] parts = csv.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i].trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
