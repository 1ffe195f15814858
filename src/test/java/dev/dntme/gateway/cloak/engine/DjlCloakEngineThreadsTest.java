package dev.dntme.gateway.cloak.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DjlCloakEngineThreadsTest {

    @Test
    void aLonePhotoGetsEveryCoreItIsAllowed() {
        assertEquals(2, DjlCloakEngine.threadsPerPhoto(2, 1, 2));
        assertEquals(4, DjlCloakEngine.threadsPerPhoto(8, 1, 4));
    }

    @Test
    void photosInFlightTogetherSplitTheCoresInsteadOfOversubscribingThem() {
        assertEquals(1, DjlCloakEngine.threadsPerPhoto(2, 2, 2));
        assertEquals(2, DjlCloakEngine.threadsPerPhoto(4, 2, 4));
    }

    @Test
    void aPhotoAlwaysGetsAtLeastOneThreadAndNeverMoreThanConfigured() {
        assertEquals(1, DjlCloakEngine.threadsPerPhoto(2, 5, 2));
        assertEquals(1, DjlCloakEngine.threadsPerPhoto(1, 1, 16));
    }
}
