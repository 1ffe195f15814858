package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.benchmark.protection.ProtectionSet.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtectionSetTest {

    @TempDir
    Path dir;

    private void photo(String file) throws IOException {
        Path p = dir.resolve(file);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void aFolderOfPeopleGivesEverySamePersonAndEveryDifferentPersonPair() throws IOException {
        photo("ann/b.jpg");
        photo("ann/a.jpg");
        photo("bob/1.png");
        photo("bob/2.jpeg");
        photo("bob/3.jpg");
        photo("bob/notes.txt");
        photo("cid/only.jpg"); // one photo: nothing to protect, left out
        ProtectionSet set = ProtectionSet.read(dir, 0, 1);
        assertThat(set.people()).containsExactly("ann", "bob");
        assertThat(set.photos("ann")).containsExactly("ann/a.jpg", "ann/b.jpg");
        assertThat(set.probe("ann")).isEqualTo("ann/a.jpg");
        assertThat(set.others("bob")).containsExactly("bob/2.jpeg", "bob/3.jpg");
        assertThat(set.protectedPairs()).isEqualTo(1 + 2);
        List<Pair> pairs = set.labelledPairs();
        assertThat(pairs).hasSize(10); // 5 photos: C(5,2)
        assertThat(pairs.stream().filter(Pair::same)).hasSize(1 + 3);
        assertThat(pairs).contains(new Pair("ann/a.jpg", "bob/1.png", false), new Pair("bob/1.png", "bob/3.jpg", true));
        assertThat(set.thresholdPairs()).isEqualTo(pairs);
    }

    @Test
    void aBenchmarkSetReadsItsManifestAndLabelledPairs() throws IOException {
        Files.writeString(dir.resolve("manifest.csv"), """
                file,person,source_path
                A/A_0002.jpg,A,x
                A/A_0001.jpg,A,x
                B/B_0001.jpg,B,x
                B/B_0002.jpg,B,x
                """);
        Files.writeString(dir.resolve("pairs.csv"), """
                file_x,file_y,decision
                A/A_0001.jpg,A/A_0002.jpg,Yes
                B/B_0001.jpg,B/B_0002.jpg,Yes
                A/A_0001.jpg,B/B_0002.jpg,No
                A/A_0002.jpg,B/B_0001.jpg,No
                """);
        ProtectionSet set = ProtectionSet.read(dir, 0, 1);
        assertThat(set.probe("A")).isEqualTo("A/A_0001.jpg");
        assertThat(set.labelledPairs()).containsExactly(new Pair("A/A_0001.jpg", "A/A_0002.jpg", true),
                new Pair("B/B_0001.jpg", "B/B_0002.jpg", true), new Pair("A/A_0001.jpg", "B/B_0002.jpg", false),
                new Pair("A/A_0002.jpg", "B/B_0001.jpg", false));
        assertThat(set.thresholdPairSource()).isEqualTo("pairs.csv");
    }

    @Test
    void aSubsetOfPeopleIsFixedBySeedAndCompletesItsDifferentPersonPairsForTheThreshold() throws IOException {
        StringBuilder manifest = new StringBuilder("file,person\n");
        StringBuilder pairs = new StringBuilder("file_x,file_y,decision\n");
        for (int p = 0; p < 30; p++) {
            manifest.append("P").append(p).append("/1.jpg,P").append(p).append('\n');
            manifest.append("P").append(p).append("/2.jpg,P").append(p).append('\n');
            pairs.append("P").append(p).append("/1.jpg,P").append(p).append("/2.jpg,Yes\n");
            pairs.append("P").append(p).append("/1.jpg,P").append((p + 1) % 30).append("/2.jpg,No\n");
        }
        Files.writeString(dir.resolve("manifest.csv"), manifest);
        Files.writeString(dir.resolve("pairs.csv"), pairs);
        ProtectionSet a = ProtectionSet.read(dir, 5, 11);
        assertThat(a.people()).hasSize(5).isEqualTo(ProtectionSet.read(dir, 5, 11).people());
        assertThat(ProtectionSet.read(dir, 5, 12).people()).isNotEqualTo(a.people());
        assertThat(a.peopleInFolder()).isEqualTo(30);
        assertThat(a.labelledPairs()).allMatch(pr -> a.people().contains(pr.x().split("/")[0]) && a.people().contains(pr.y().split("/")[0]));
        // 5 same-person pairs, few labelled different ones left: the threshold sees every different pair of the 10 photos
        assertThat(a.thresholdPairs().stream().filter(Pair::same)).hasSize(5);
        assertThat(a.thresholdPairs().stream().filter(pr -> !pr.same())).hasSize(45 - 5);
        assertThat(a.thresholdPairSource()).contains("every different-person pair");
    }
}
