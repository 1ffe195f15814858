package dev.dntme.gateway.benchmark.protection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The labelled photos a protection benchmark runs on, read from a folder that is never part of the repository.
 *
 * <p>Either a benchmark set with {@code manifest.csv} ({@code file,person,...}) and {@code pairs.csv}
 * ({@code file_x,file_y,decision} with {@code Yes}/{@code No}), paths relative to the folder (../shared/faces-lfw);
 * or a plain {@code <person>/*.jpg} folder (src/test/resources/faces/people), whose labelled pairs are every
 * same-person and every different-person pair.
 *
 * <p>Each person's photos are sorted by file name; the first is the probe (the photo that gets cloaked and
 * published), the others stay clean.
 */
public final class ProtectionSet {

    /** One labelled pair, file paths relative to the set's folder. */
    public record Pair(String x, String y, boolean same) {
    }

    private final Path root;
    private final Map<String, List<String>> photos; // person -> sorted relative files
    private final List<Pair> labelled;
    private final String pairSource;
    private final int peopleInFolder;

    private ProtectionSet(Path root, Map<String, List<String>> photos, List<Pair> labelled, String pairSource, int peopleInFolder) {
        this.root = root;
        this.photos = photos;
        this.labelled = labelled;
        this.pairSource = pairSource;
        this.peopleInFolder = peopleInFolder;
    }

    /**
     * @param people 0 or less: everyone; otherwise a fixed random subset of that many people (people with at
     *               least two photos only), drawn with {@code seed} from the names in sorted order
     */
    public static ProtectionSet read(Path root, int people, long seed) {
        Map<String, List<String>> all = Files.isRegularFile(root.resolve("manifest.csv")) ? fromManifest(root) : fromFolders(root);
        all.values().removeIf(files -> files.size() < 2); // a person with one photo has no pair to protect
        List<String> names = new ArrayList<>(all.keySet());
        if (people > 0 && people < names.size()) {
            Collections.shuffle(names, new Random(seed));
            names = names.subList(0, people);
        }
        Map<String, List<String>> chosen = new TreeMap<>();
        names.forEach(n -> chosen.put(n, all.get(n)));
        Set<String> files = new TreeSet<>();
        chosen.values().forEach(files::addAll);
        List<Pair> pairs;
        String source;
        if (Files.isRegularFile(root.resolve("pairs.csv"))) {
            pairs = new ArrayList<>();
            for (Pair p : readPairs(root.resolve("pairs.csv"))) {
                if (files.contains(p.x()) && files.contains(p.y())) {
                    pairs.add(p);
                }
            }
            source = "pairs.csv";
        } else {
            pairs = allPairs(chosen);
            source = "every pair of the folder";
        }
        return new ProtectionSet(root, chosen, List.copyOf(pairs), source, all.size());
    }

    /** The set's folder. */
    public Path root() {
        return root;
    }

    public Path path(String file) {
        return root.resolve(file);
    }

    /** People in the run, sorted. */
    public List<String> people() {
        return List.copyOf(photos.keySet());
    }

    /** People with two or more photos in the folder (before any subset). */
    public int peopleInFolder() {
        return peopleInFolder;
    }

    /** A person's photos, sorted. */
    public List<String> photos(String person) {
        return photos.get(person);
    }

    /** Every photo of the run, sorted by person then file. */
    public List<String> allPhotos() {
        List<String> out = new ArrayList<>();
        photos.values().forEach(out::addAll);
        return out;
    }

    /** The photo of {@code person} that is cloaked: the first in sorted order. */
    public String probe(String person) {
        return photos.get(person).get(0);
    }

    /** The person's photos that stay clean. */
    public List<String> others(String person) {
        List<String> p = photos.get(person);
        return p.subList(1, p.size());
    }

    /** Same-person pairs the benchmark protects: (probe, other clean photo), summed over people. */
    public int protectedPairs() {
        return photos.values().stream().mapToInt(p -> p.size() - 1).sum();
    }

    /** The labelled pairs among the run's photos (pairs.csv restricted to the chosen people, or every pair). */
    public List<Pair> labelledPairs() {
        return labelled;
    }

    /**
     * The pairs the equal-error thresholds are computed on: the labelled pairs; when a subset of people leaves
     * fewer labelled different-person pairs than same-person pairs (pairs.csv's different pairs are spread over
     * all 500 people, so 20 people keep only a handful), every different-person pair of the subset instead.
     */
    public List<Pair> thresholdPairs() {
        long same = labelled.stream().filter(Pair::same).count();
        long different = labelled.size() - same;
        if (different >= same) {
            return labelled;
        }
        List<Pair> out = new ArrayList<>(labelled.stream().filter(Pair::same).toList());
        out.addAll(allPairs(photos).stream().filter(p -> !p.same()).toList());
        return out;
    }

    /** Where the threshold pairs come from, for the report. */
    public String thresholdPairSource() {
        return thresholdPairs() == labelled ? pairSource : pairSource + " (same) + every different-person pair of the subset";
    }

    static List<Pair> allPairs(Map<String, List<String>> photos) {
        List<String[]> flat = new ArrayList<>();
        photos.forEach((person, files) -> files.forEach(f -> flat.add(new String[] {person, f})));
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < flat.size(); i++) {
            for (int j = i + 1; j < flat.size(); j++) {
                out.add(new Pair(flat.get(i)[1], flat.get(j)[1], flat.get(i)[0].equals(flat.get(j)[0])));
            }
        }
        return out;
    }

    private static Map<String, List<String>> fromManifest(Path root) {
        Map<String, List<String>> byPerson = new TreeMap<>();
        List<String[]> rows = csv(root.resolve("manifest.csv"));
        String[] header = rows.get(0);
        int file = column(header, "file"), person = column(header, "person");
        for (String[] row : rows.subList(1, rows.size())) {
            byPerson.computeIfAbsent(row[person], k -> new ArrayList<>()).add(row[file]);
        }
        byPerson.values().forEach(Collections::sort);
        return byPerson;
    }

    private static Map<String, List<String>> fromFolders(Path root) {
        Map<String, List<String>> byPerson = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    List<String> images = files.filter(ProtectionSet::isImage).map(f -> root.relativize(f).toString().replace('\\', '/'))
                            .sorted().toList();
                    if (!images.isEmpty()) {
                        byPerson.put(dir.getFileName().toString(), new ArrayList<>(images));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byPerson;
    }

    private static List<Pair> readPairs(Path csv) {
        List<String[]> rows = csv(csv);
        String[] header = rows.get(0);
        int x = column(header, "file_x"), y = column(header, "file_y"), decision = column(header, "decision");
        List<Pair> out = new ArrayList<>();
        for (String[] row : rows.subList(1, rows.size())) {
            String d = row[decision].trim().toLowerCase(Locale.ROOT);
            if (!d.equals("yes") && !d.equals("no")) {
                throw new IllegalArgumentException(csv + ": decision must be Yes or No, got " + row[decision]);
            }
            out.add(new Pair(row[x], row[y], d.equals("yes")));
        }
        return out;
    }

    /** Comma-separated rows without quoting (file names of these sets have no commas). */
    private static List<String[]> csv(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int column(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name + " in " + String.join(",", header));
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }
}
