package dev.dntme.gateway.cloak.engine;

/**
 * A failure of the caller's own code run on a worker (a frame that would not decode, a sink that could not encode, a
 * job cancelled through its listener): carried back to the caller as it was, rather than turned into a cloak failure.
 */
final class CallerFailure extends RuntimeException {

    CallerFailure(RuntimeException cause) {
        super(cause);
    }

    @Override
    public synchronized RuntimeException getCause() {
        return (RuntimeException) super.getCause();
    }

    /** Runs the caller's code, marking what it throws as the caller's. */
    static <T> T caller(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new CallerFailure(e);
        }
    }

    static void caller(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            throw new CallerFailure(e);
        }
    }
}
