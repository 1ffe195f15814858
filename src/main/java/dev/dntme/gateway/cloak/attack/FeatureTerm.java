package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.Rows;
import java.util.List;

/**
 * Pushes a mid-level feature map of one recogniser away from the clean face's map (relative L2 change):
 * mid-level features are said to transfer between networks better than embeddings (measured: they did not
 * here, docs/benchmarks.md, Transfer).
 */
final class FeatureTerm implements LossTerm {

    private final Member member;
    private final String node;
    private final double weight;
    private float[][] clean;

    FeatureTerm(Member member, String node, double weight) {
        this.member = member;
        this.node = node;
        this.weight = weight;
    }

    Member member() {
        return member;
    }

    String node() {
        return node;
    }

    @Override
    public void start(Photo photo) {
        clean = member.recognizer().features(node, photo.cleanChips(member.recognizer().crop()));
    }

    @Override
    public NDArray loss(StepPass pass) {
        if (!pass.has(member)) {
            return null;
        }
        NDArray change = relativeChange(pass.features(member), clean, pass.faces(), pass.samples(), pass.manager());
        return change.mul((float) weight).sum().div(-pass.samples());
    }

    /** {@code [faces, samples]} L2 change of a feature map relative to the clean map's norm. */
    static NDArray relativeChange(NDArray feature, float[][] clean, List<Integer> faces, int samples, NDManager pass) {
        int k = clean[0].length;
        float[] f0 = Rows.stack(clean, faces);
        float[] norms = new float[faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            float[] c = clean[faces.get(i)];
            double sq = 0;
            for (float v : c) {
                sq += v * v;
            }
            norms[i] = (float) Math.sqrt(sq + 1e-12);
        }
        NDArray feat = feature.reshape(faces.size(), samples, k);
        return feat.sub(pass.create(f0, new Shape(faces.size(), 1, k))).square().sum(new int[] {2})
                .add(1e-8f).sqrt().div(pass.create(norms, new Shape(faces.size(), 1)));
    }
}
