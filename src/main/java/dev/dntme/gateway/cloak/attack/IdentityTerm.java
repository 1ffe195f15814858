package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.Rows;

/**
 * Pushes one recogniser's embedding of every face away from its clean embedding. Alone, the squared distance
 * (the plain cloak's loss); in an ensemble, each member's distance over its own threshold, times its weight,
 * so that members with different metrics count alike.
 */
final class IdentityTerm implements LossTerm {

    private final Member member;
    private final boolean squared;

    private IdentityTerm(Member member, boolean squared) {
        this.member = member;
        this.squared = squared;
    }

    static IdentityTerm squared(Member member) {
        return new IdentityTerm(member, true);
    }

    static IdentityTerm overThreshold(Member member) {
        return new IdentityTerm(member, false);
    }

    @Override
    public NDArray loss(StepPass pass) {
        if (!pass.has(member)) {
            return null;
        }
        NDArray emb = pass.embeddings(member);
        float[][] clean = pass.photo().clean(member);
        int d = clean[0].length;
        NDArray e0 = pass.manager().create(Rows.stack(clean, pass.faces()), new Shape(pass.faces().size(), 1, d));
        if (squared) {
            // ascent on the squared distance == descent on its negative
            return emb.sub(e0).square().sum().div(-pass.samples());
        }
        // 1e-8 keeps sqrt's gradient finite at 0
        NDArray distance = emb.sub(e0).square().sum(new int[] {2}).add(1e-8f).sqrt()
                .div((float) member.recognizer().threshold());
        if (member.weight() != 1.0) {
            distance = distance.mul((float) member.weight());
        }
        return distance.sum().div(-pass.samples());
    }
}
