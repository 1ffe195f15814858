package dev.dntme.gateway.cloak;

/** The cloak models are not loaded (still warming up, or failed to load): flagged uploads must wait. */
public class CloakUnavailableException extends RuntimeException {
    public CloakUnavailableException(String message) {
        super(message);
    }

    public CloakUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
