package dev.dntme.gateway.benchmark.protection;

import java.awt.image.BufferedImage;

/**
 * One independent scraper: its own face detector, its own landmarks and alignment, its own recognition
 * network and distance. It embeds the LABELLED face of a photo (the one nearest the image centre), the way a
 * scraper that downloaded the photo would, from decoded pixels alone; it knows nothing of the cloak.
 *
 * <p>Implementations live next to the networks they wrap (see {@code dev.dntme.gateway.cloak.ProtectionScrapers});
 * this package only measures.
 */
public interface ScraperModel extends AutoCloseable {

    /** Short, stable name: the report's row label and the embedding cache's file name. */
    String name();

    /** The labelled face's embedding, or {@link Scraped#none()} when the scraper finds no face. */
    Scraped embed(BufferedImage image);

    /** Distance between two embeddings of this model: under its threshold means "same person". */
    double distance(float[] a, float[] b);

    @Override
    default void close() {
    }

    /**
     * What a scraper got from one photo.
     *
     * @param embedding null when no face was found
     * @param detector  which detector found the face (e.g. {@code tiny}, {@code ssd}); null when none did
     */
    record Scraped(float[] embedding, String detector) {

        public static Scraped none() {
            return new Scraped(null, null);
        }

        public boolean found() {
            return embedding != null;
        }
    }
}
