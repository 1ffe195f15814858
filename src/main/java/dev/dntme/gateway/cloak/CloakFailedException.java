package dev.dntme.gateway.cloak;

/** A face could not be protected within the budget, or the engine broke mid-way: nothing is published. */
public class CloakFailedException extends RuntimeException {
    public CloakFailedException(String message) {
        super(message);
    }

    public CloakFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
