package dev.dntme.gateway.system;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Which catalog errors a retry can fix. An unreachable database (connection refused or cut, pool timeout, failover,
 * lock or query timeout) is answered 503 with Retry-After; a database that refuses the statement (a constraint, a value
 * too long, bad SQL) refuses it again on every retry, so it is a 500 with its cause in the log.
 */
public final class CatalogFailures {

    private CatalogFailures() {}

    public static boolean retryable(Throwable failure) {
        return failure instanceof DataAccessResourceFailureException || failure instanceof TransientDataAccessException
                || failure instanceof RecoverableDataAccessException;
    }
}
