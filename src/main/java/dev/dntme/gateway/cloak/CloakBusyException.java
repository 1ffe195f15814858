package dev.dntme.gateway.cloak;

/**
 * Back-pressure: the cloak queue is full. The service answers 429 with Retry-After instead of queueing
 * without bound; nothing was stored or published.
 */
public class CloakBusyException extends CloakUnavailableException {
    public CloakBusyException(String message) {
        super(message);
    }
}
