package dev.dntme.gateway.system;

import dev.dntme.gateway.cloak.CloakBusyException;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into RFC 9457 problem+json with a stable {@code type} from {@link Problem}.
 * Spring's own MVC exceptions keep their status but get our type, so clients see one vocabulary.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        if (e.problem().status().is5xxServerError()) {
            // the one log line of a 5xx: its public detail and the cause behind it (the client sees only the detail)
            log.warn("{} answered {}: {}{}", e.problem().slug(), e.problem().status().value(), e.getMessage(),
                    e.getCause() == null ? "" : " (cause: " + e.getCause() + ")");
        }
        return problem(e.problem(), e.getMessage());
    }

    @ExceptionHandler(CloakBusyException.class)
    ResponseEntity<ProblemDetail> cloakBusy(CloakBusyException e) {
        return problem(Problem.CLOAK_BUSY, Problem.CLOAK_BUSY.title());
    }

    @ExceptionHandler(CloakUnavailableException.class)
    ResponseEntity<ProblemDetail> cloakUnavailable(CloakUnavailableException e) {
        return problem(Problem.CLOAK_UNAVAILABLE, Problem.CLOAK_UNAVAILABLE.title());
    }

    @ExceptionHandler(CloakFailedException.class)
    ResponseEntity<ProblemDetail> cloakFailed(CloakFailedException e) {
        log.warn("cloak failed, nothing published: {}", e.getMessage());
        return problem(Problem.CLOAK_FAILED, Problem.CLOAK_FAILED.title());
    }

    /**
     * The catalog unreachable (connection refused or cut, pool timeout, failover): the client may retry
     * with the same Idempotency-Key, so it is a retryable 503 like S3 being down, not a 500. Integrity
     * and SQL grammar errors stay 500: they are bugs.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            RecoverableDataAccessException.class})
    ResponseEntity<ProblemDetail> catalogUnavailable(DataAccessException e) {
        log.warn("catalog unavailable: {}", e.toString());
        return problem(Problem.STORAGE_UNAVAILABLE, "The catalog is unavailable; nothing was published");
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return problem(Problem.PAYLOAD_TOO_LARGE, "The upload exceeds the configured byte limit");
        }
        return problem(Problem.INVALID_REQUEST, "The multipart body could not be read");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return problem(Problem.INTERNAL, Problem.INTERNAL.title());
    }

    /** Spring's built-in MVC errors: keep their status and detail, give them our type. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (ex instanceof MaxUploadSizeExceededException) {
            return answer(Problem.PAYLOAD_TOO_LARGE, Problem.PAYLOAD_TOO_LARGE.status())
                    .body(detail(Problem.PAYLOAD_TOO_LARGE, "The upload exceeds the configured byte limit"));
        }
        Problem problem = forSpringError(ex, statusCode);
        ProblemDetail detail = body instanceof ProblemDetail pd ? pd : ProblemDetail.forStatus(statusCode);
        detail.setType(problem.type());
        detail.setTitle(problem.title());
        return answer(problem, statusCode).headers(headers).body(detail);
    }

    static Problem forSpringError(Exception ex, HttpStatusCode status) {
        if (ex instanceof MissingServletRequestPartException missing && "file".equals(missing.getRequestPartName())) {
            return Problem.MISSING_FILE;
        }
        return forStatus(status.value());
    }

    static Problem forStatus(int status) {
        return switch (status) {
            case 401 -> Problem.UNAUTHORIZED;
            case 403 -> Problem.FORBIDDEN;
            case 404 -> Problem.NOT_FOUND;
            case 405 -> Problem.METHOD_NOT_ALLOWED;
            case 406 -> Problem.NOT_ACCEPTABLE;
            case 413 -> Problem.PAYLOAD_TOO_LARGE;
            case 429 -> Problem.CLOAK_BUSY;
            case 415 -> Problem.UNSUPPORTED_REQUEST_TYPE;
            case 503 -> Problem.STORAGE_UNAVAILABLE;
            default -> status >= 500 ? Problem.INTERNAL : Problem.INVALID_REQUEST;
        };
    }

    static ProblemDetail detail(Problem problem, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(problem.status(), detail);
        body.setType(problem.type());
        body.setTitle(problem.title());
        return body;
    }

    static ResponseEntity<ProblemDetail> problem(Problem problem, String detail) {
        return answer(problem, problem.status()).body(detail(problem, detail));
    }

    /** Every problem answer starts here, so Retry-After is sent exactly for the problems that carry it. */
    static ResponseEntity.BodyBuilder answer(Problem problem, HttpStatusCode status) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        problem.retryAfterSeconds().ifPresent(seconds -> builder.header(HttpHeaders.RETRY_AFTER, Integer.toString(seconds)));
        return builder;
    }

    static URI typeOf(Problem problem) {
        return problem.type();
    }
}
