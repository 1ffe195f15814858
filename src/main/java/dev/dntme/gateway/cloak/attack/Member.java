package dev.dntme.gateway.cloak.attack;

import dev.dntme.gateway.cloak.recognition.Recognizer;

/**
 * A recogniser in the cloak's loss.
 *
 * @param weight how much its identity term counts (its distance is divided by its own threshold first, so
 *               that no recogniser dominates by the scale of its metric)
 * @param target a face keeps getting steps, within the rounds, until its published distance for this
 *               recogniser reaches this; the first member's target comes from the strength's budget instead,
 *               and only the first member's distance decides whether a face may be published (fail closed)
 */
public record Member(Recognizer recognizer, double weight, double target) {}
