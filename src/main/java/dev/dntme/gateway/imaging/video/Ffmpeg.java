package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Loads the FFmpeg natives once. JavaCPP unpacks them from the jar on the classpath into its cache directory (it never
 * downloads anything); when the home directory is read-only, as in the container, the cache moves to the temp dir
 * unless {@value #CACHE_DIR_PROPERTY} names one (docs/media.md). Public for the animated WebP writer, which encodes
 * its frames with FFmpeg's libwebp encoder.
 */
public final class Ffmpeg {

    static final String CACHE_DIR_PROPERTY = "org.bytedeco.javacpp.cachedir";
    /** AVERROR(EAGAIN) on Linux: the codec wants input first (or output to be taken). */
    static final int EAGAIN = -11;

    private static volatile boolean loaded;

    private Ffmpeg() {
    }

    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (Ffmpeg.class) {
            if (!loaded) {
                chooseCacheDir();
                // FFmpeg's log lines can quote stream metadata of the upload: none of them reaches our logs; every
                // failure comes back as a return code instead.
                avutil.av_log_set_level(avutil.AV_LOG_QUIET);
                loaded = true;
            }
        }
    }

    private static void chooseCacheDir() {
        if (System.getProperty(CACHE_DIR_PROPERTY) != null) {
            return;
        }
        Path home = Path.of(System.getProperty("user.home", "/"), ".javacpp", "cache");
        if (!writable(home)) {
            System.setProperty(CACHE_DIR_PROPERTY, Path.of(System.getProperty("java.io.tmpdir"), "javacpp-cache").toString());
        }
    }

    private static boolean writable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    static String describe(int code) {
        byte[] text = new byte[128];
        if (avutil.av_strerror(code, text, text.length) != 0) {
            return "error " + code;
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A failure of the upload's data. */
    static int corruptUnless(int code, String what) {
        if (code < 0) {
            throw new ApiException(Problem.CORRUPT_IMAGE, what + " (" + describe(code) + ")");
        }
        return code;
    }

    /** A failure of ours (encoder set-up, output): a 500, never blamed on the upload. */
    public static int checked(int code, String what) {
        if (code < 0) {
            throw new IllegalStateException(what + ": " + describe(code));
        }
        return code;
    }
}
