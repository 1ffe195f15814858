package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.Rows;

/**
 * Fawkes' targeted mode: each face is also pulled toward another person's embedding, the pool member
 * farthest from its own that is not the same person (at least the recogniser's threshold away); with
 * nobody else in the pool the pull is constant (untargeted). Measured: it lands in the decoy's identity for
 * the recogniser it is computed with, and does not transfer (docs/benchmarks.md); benchmarks only, so it lives in
 * the test tree: {@code DecoyTerm.pull(builder, pool, weight)}.
 */
public final class DecoyTerm implements LossTerm {

    private final Member member;
    private final float[][] pool;
    private final double weight;
    private float[][] decoys;

    /** Adds a decoy pull of the builder's leading recogniser toward the farthest other person of {@code pool}. */
    public static AttackBuilder pull(AttackBuilder builder, float[][] pool, double weight) {
        return weight > 0 ? builder.term(new DecoyTerm(builder.leader(), pool, weight)) : builder;
    }

    DecoyTerm(Member member, float[][] pool, double weight) {
        this.member = member;
        this.pool = pool;
        this.weight = weight;
    }

    @Override
    public void start(Photo photo) {
        float[][] clean = photo.clean(member);
        decoys = new float[clean.length][];
        for (int f = 0; f < clean.length; f++) {
            double best = -1;
            for (float[] d : pool) {
                double dist = member.recognizer().distance(d, clean[f]);
                if (dist >= member.recognizer().threshold() && dist > best) {
                    best = dist;
                    decoys[f] = d;
                }
            }
            if (decoys[f] == null) {
                decoys[f] = clean[f];
            }
        }
    }

    @Override
    public NDArray loss(StepPass pass) {
        if (!pass.has(member)) {
            return null;
        }
        NDArray t0 = pass.manager().create(Rows.stack(decoys, pass.faces()),
                new Shape(pass.faces().size(), 1, decoys[0].length));
        return pass.embeddings(member).sub(t0).square().sum().mul((float) (weight / pass.samples()));
    }
}
