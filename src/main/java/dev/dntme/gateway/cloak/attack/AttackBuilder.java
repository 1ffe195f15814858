package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.face.FaceDetector;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Composes an optimiser: the recognisers in its loss (the first one decides failing closed), the optional
 * terms, and how steps are spent. One identity term per recogniser: the squared distance when it is alone (the
 * plain cloak), each distance over its own threshold in an ensemble.
 */
public final class AttackBuilder {

    private final NDManager manager;
    private final ChipExtractor extractor;
    private final Realigner realigner;
    private final Eot eot;
    private AttackOptions options;
    private final List<Member> members = new ArrayList<>();
    private final List<LossTerm> extras = new ArrayList<>();

    public AttackBuilder(NDManager manager, ChipExtractor extractor, Realigner realigner, Eot eot, AttackOptions options) {
        this.manager = manager;
        this.extractor = extractor;
        this.realigner = realigner;
        this.eot = eot;
        this.options = options;
    }

    /** A recogniser in the loss; see {@link Member}. */
    public AttackBuilder member(Recognizer recognizer, double weight, double target) {
        members.add(new Member(recognizer, weight, target));
        return this;
    }

    /** A mid-level feature term of a member already added (relative L2 change of {@code node}'s map). */
    public AttackBuilder feature(Recognizer recognizer, String node, double weight) {
        if (weight > 0) {
            extras.add(new FeatureTerm(memberOf(recognizer), node, weight));
        }
        return this;
    }

    /** Another term (benchmarks measure terms the service has no setting for, e.g. a decoy pull, from the test tree). */
    AttackBuilder term(LossTerm term) {
        extras.add(term);
        return this;
    }

    /** The member leading the loss (a term computed on it). */
    Member leader() {
        return members.get(0);
    }

    /** The first-stage term: push the SSD's scores on each face down. */
    public AttackBuilder detector(FaceDetector detector, double weight) {
        if (weight > 0) {
            extras.add(new DetectorLoss(new DetectorTerm(detector), weight));
        }
        return this;
    }

    public AttackBuilder options(AttackOptions o) {
        this.options = o;
        return this;
    }

    public AttackOptions options() {
        return options;
    }

    public CloakOptimizer build() {
        if (members.isEmpty()) {
            throw new IllegalStateException("a cloak needs at least one recogniser in its loss");
        }
        List<LossTerm> terms = new ArrayList<>();
        for (Member m : members) {
            terms.add(members.size() == 1 ? IdentityTerm.squared(m) : IdentityTerm.overThreshold(m));
        }
        terms.addAll(extras);
        return new CloakOptimizer(members, terms, manager, extractor, realigner, eot, options);
    }

    private Member memberOf(Recognizer recognizer) {
        for (Member m : members) {
            if (m.recognizer() == recognizer) {
                return m;
            }
        }
        throw new IllegalArgumentException(recognizer.name() + " is not in the loss");
    }
}
