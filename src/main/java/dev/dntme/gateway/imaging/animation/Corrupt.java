package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;

/** The one way this package refuses broken input: a client error with a message that says where it broke. */
final class Corrupt {

    private Corrupt() {
    }

    static ApiException because(String detail) {
        return new ApiException(Problem.CORRUPT_IMAGE, detail);
    }
}
