package dev.dntme.gateway.upload;

/**
 * Told of an asynchronous job's end (published, or failed closed), inside the transaction that records it, so that
 * what it writes (a webhook delivery) commits with the state change or not at all.
 */
interface JobEndListener {

    void jobEnded(ImageView image);
}
