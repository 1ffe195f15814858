package dev.dntme.gateway.imaging;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Inflates a zlib stream from an untrusted file with a ceiling, so that a small chunk cannot expand into gigabytes. */
final class BoundedInflate {

    private BoundedInflate() {}

    /** The inflated bytes, or null when the stream is broken, truncated or inflates past {@code maxBytes}. */
    static byte[] inflate(byte[] deflated, int maxBytes) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null; // truncated or not a zlib stream
                }
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    return null;
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }
}
