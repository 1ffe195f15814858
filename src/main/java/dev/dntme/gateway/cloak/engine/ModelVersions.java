package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.TransferSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor;
import dev.dntme.gateway.cloak.recognition.Recognizers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code modelVersion} a level's copies are stamped with: what the admin re-cloak compares to find copies made by
 * another model set. It names everything that changes what a cloak protects against (the members, their weights, the
 * publish check, the optimiser options) and nothing that only changes its cost.
 *
 * <p>dlib alone and the older two-model ensembles keep their readable names, so copies made under them are not
 * re-cloaked for nothing. A model set is a short digest: the set's description with each member's weights (the
 * SHA-256 an ONNX member is loaded with; the face-api and human-models weights are pinned by their package version in
 * the prefix), so a platform's new ONNX file under an old name re-cloaks, and the catalog column never overflows.
 * The members' names are on the receipt.
 */
final class ModelVersions {

    /** face-api weights + algorithm revision; bump the suffix whenever the cloak's output changes. */
    static final String DLIB = "faceapi-1.7.15+pgd-v2";
    /** The same cloak measured at the face's own box only at the publish check ({@code redetect-on-publish=false}). */
    static final String DLIB_OWN_BOX = "faceapi-1.7.15+pgd-v1";
    /** Same, for the dlib + FaceRes ensemble ({@code dntme.cloak.ensemble=true}). */
    static final String FACERES_ENSEMBLE = "faceapi-1.7.15+faceres-hm3.0.4+pgd-ens-v1";
    /** Same, for the dlib + MobileFace ensemble ({@code dntme.cloak.transfer.ensemble-model=mobileface}). */
    static final String MOBILEFACE_ENSEMBLE = "faceapi-1.7.15+mobileface-hm3.0.4+pgd-ens-v1";
    /** A model set: this, then 16 hex digits of the digest, then the algorithm revision. */
    static final String SET_PREFIX = "set-";
    static final String SET_SUFFIX = "+pgd-ens-v2";

    private ModelVersions() {}

    static Map<CloakStrength, String> of(CloakProperties p) {
        Map<CloakStrength, String> versions = new EnumMap<>(CloakStrength.class);
        for (CloakStrength s : CloakStrength.values()) {
            versions.put(s, of(p, s));
        }
        return versions;
    }

    static String of(CloakProperties p, CloakStrength strength) {
        String transfer = p.transfer().equals(TransferSettings.defaults()) ? "" : "+transfer";
        if (p.ensemble()) {
            return (p.transfer().mobileFace() ? MOBILEFACE_ENSEMBLE : FACERES_ENSEMBLE) + transfer;
        }
        List<String> set = p.recognizers(strength);
        if (set.equals(List.of(Recognizers.DLIB))) {
            // v1 measured each face in its own box only; v2 also where the SSD and Tiny detectors re-find it
            return (p.redetectOnPublish() ? DLIB : DLIB_OWN_BOX) + transfer;
        }
        return SET_PREFIX + digest(description(p, set) + transfer).substring(0, 16) + SET_SUFFIX;
    }

    /** The readable description the digest is taken of (the version before it was bounded, plus the weights). */
    static String description(CloakProperties p, List<String> set) {
        String weights = p.recognizerWeights().isEmpty() ? "" : "+w" + new TreeMap<>(p.recognizerWeights());
        String check = p.redetectOnPublish() ? "" : "+own-box-check";
        String turns = p.othersPerStep() > 0 && p.othersPerStep() < set.size() - 1 ? "+k" + p.othersPerStep() : "";
        StringBuilder files = new StringBuilder();
        Recognizers registry = p.recognizerRegistry();
        for (String name : set) {
            RecognizerDescriptor d = registry.descriptor(name);
            if (d.format() == RecognizerDescriptor.Format.ONNX) {
                files.append('|').append(name).append('=').append(d.locationSha256().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return "faceapi-1.7.15+hm3.0.4+surrogates-1+ens[" + String.join(",", set) + "]+pgd-ens-v2" + turns + check + weights
                + files;
    }

    /**
     * One name for all the levels' versions together: the re-cloak job's id. Equal sets of versions give equal names.
     */
    static String ofAll(Map<CloakStrength, String> versions) {
        TreeSet<String> distinct = new TreeSet<>(versions.values());
        if (distinct.size() == 1) {
            return distinct.first();
        }
        return "levels-" + digest(String.join("|", distinct)).substring(0, 16);
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
