package dev.dntme.gateway.system;

/**
 * A failure with a public meaning. The message is shown to the client as the problem's
 * {@code detail}, so it must never carry secrets, paths or user data beyond what the client sent.
 */
public class ApiException extends RuntimeException {

    private final Problem problem;
    private final Integer retryAfterSeconds;

    public ApiException(Problem problem, String detail) {
        this(problem, detail, null, null);
    }

    public ApiException(Problem problem, String detail, Throwable cause) {
        this(problem, detail, null, cause);
    }

    public ApiException(Problem problem, String detail, Integer retryAfterSeconds, Throwable cause) {
        super(detail, cause);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Problem problem() {
        return problem;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
