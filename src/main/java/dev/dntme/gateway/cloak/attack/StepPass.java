package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * What one step computed, for the loss terms: the faces still being pushed, every member's embeddings
 * {@code [faces, samples, d]} (and feature map where a term asked for one), each face's perturbed region.
 */
record StepPass(NDManager manager, Photo photo, List<Integer> faces, int samples, Map<Member, NDList> outputs,
        NDArray[] deltas) {

    /** Whether {@code member} took part in this step (steps may take the ensemble's members in turn). */
    boolean has(Member member) {
        return outputs.containsKey(member);
    }

    NDArray embeddings(Member member) {
        NDArray e = outputs.get(member).get(0);
        return e.reshape(faces.size(), samples, e.getShape().get(1));
    }

    NDArray features(Member member) {
        return outputs.get(member).get(1);
    }

    /** Face {@code f}'s perturbed region minus its clean one, with the graph; null for a face not stepped. */
    NDArray delta(int f) {
        return deltas[f];
    }
}
