package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decoder failures on untrusted frames are the client's bad input (400), never a 500, as for stills. */
final class Decoding {

    private static final Logger log = LoggerFactory.getLogger(Decoding.class);

    private Decoding() {
    }

    static <T> T guarded(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The " + what + " could not be decoded", e);
        } catch (OutOfMemoryError e) {
            // The media limits make this unreachable for honest files; a lying file must not kill the worker.
            log.warn("{} decoder ran out of memory; upload refused: {}", what, e.toString());
            throw new ApiException(Problem.IMAGE_TOO_LARGE, "The " + what + " needs more memory to decode than allowed");
        }
    }
}
