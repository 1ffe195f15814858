package dev.dntme.gateway.system;

/**
 * A failure with a public meaning. The message is shown to the client as the problem's
 * {@code detail}, so it must never carry secrets, paths or user data beyond what the client sent.
 */
public class ApiException extends RuntimeException {

    private final Problem problem;

    public ApiException(Problem problem, String detail) {
        this(problem, detail, null);
    }

    public ApiException(Problem problem, String detail, Throwable cause) {
        super(detail, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
