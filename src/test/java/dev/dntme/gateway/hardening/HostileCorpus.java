package dev.dntme.gateway.hardening;

import static dev.dntme.gateway.hardening.HostileCase.PUBLISHED;
import static dev.dntme.gateway.hardening.Seeds.ascii;
import static dev.dntme.gateway.hardening.Seeds.concat;

import dev.dntme.gateway.support.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The hostile-input corpus, generated (only three tiny WebP seeds are files). Every case goes through
 * {@code POST /v1/images}; see docs/hardening.md for what each category is about.
 */
final class HostileCorpus {

    /** The byte limit the test application runs with (dntme.imaging.max-bytes). */
    static final int MAX_BYTES = 2 * 1024 * 1024;
    static final long SEED = 0x5EED_0006L;

    static final String CORRUPT = "corrupt-image";
    static final String UNSUPPORTED = "unsupported-media-type";
    static final String TOO_MANY_PIXELS = "image-too-large";
    static final String DIMENSIONS = "image-dimensions";
    static final String TOO_MANY_BYTES = "payload-too-large";
    static final String MEDIA_LIMITS = "media-limits";

    private HostileCorpus() {
    }

    static List<HostileCase> cases() {
        List<HostileCase> all = new ArrayList<>();
        truncated(all);
        bitFlipped(all);
        tiny(all);
        declaredDimensions(all);
        bombs(all);
        colourModels(all);
        animated(all);
        polyglots(all);
        partTypes(all);
        oversized(all);
        exif(all);
        xmp(all);
        icc(all);
        video(all);
        return all;
    }

    static List<byte[]> validSeeds() {
        return List.of(Seeds.jpeg(), Seeds.png(), Seeds.gif(), Seeds.webpLossy(), Seeds.webpLossless(),
                Seeds.webpAlpha(), Seeds.progressiveJpeg(TestImages.gradient(64, 48)));
    }

    /** Valid animations and videos for the fuzzer: small, so that an accepted mutant's job ends quickly. */
    static List<byte[]> mediaSeeds() {
        return List.of(Seeds.animatedGif(4), Seeds.apng(3), Seeds.mp4(64, 48, 10, 0.5));
    }

    static final String[] MEDIA_SEED_NAMES = {"gif-4-frames", "apng-3-frames", "mp4-h264-5-frames"};

    static final String[] SEED_NAMES = {"jpeg+exif", "png", "gif", "webp-vp8", "webp-vp8l", "webp-vp8x-alpha",
        "progressive-jpeg"};

    private static void truncated(List<HostileCase> all) {
        List<byte[]> seeds = validSeeds();
        for (int s = 0; s < seeds.size(); s++) {
            byte[] seed = seeds.get(s);
            // Header boundaries first (inside magic, inside the first chunk/segment), then fractions.
            int[] cuts = {2, 4, 7, 11, 13, 16, 20, 26, 33, 40, 60, seed.length / 4, seed.length / 3, seed.length / 2,
                2 * seed.length / 3, 3 * seed.length / 4, 9 * seed.length / 10, seed.length - 12, seed.length - 2,
                seed.length - 1};
            for (int cut : Arrays.stream(cuts).distinct().filter(c -> c > 0 && c < seed.length).toArray()) {
                all.add(HostileCase.any("truncated", SEED_NAMES[s] + " cut at " + cut + "/" + seed.length,
                        Arrays.copyOf(seed, cut)));
            }
        }
    }

    private static void bitFlipped(List<HostileCase> all) {
        Random random = new Random(SEED);
        List<byte[]> seeds = validSeeds();
        for (int s = 0; s < seeds.size(); s++) {
            for (int i = 0; i < 5; i++) {
                byte[] flipped = seeds.get(s).clone();
                int flips = 1 + random.nextInt(1 + i * 4);
                for (int f = 0; f < flips; f++) {
                    int at = random.nextInt(flipped.length);
                    flipped[at] ^= (byte) (1 << random.nextInt(8));
                }
                all.add(HostileCase.any("bit-flipped", SEED_NAMES[s] + " with " + flips + " flipped bits #" + i, flipped));
            }
        }
    }

    private static void tiny(List<HostileCase> all) {
        all.add(HostileCase.expect("tiny", "zero bytes", new byte[0], CORRUPT));
        all.add(HostileCase.expect("tiny", "one byte 0xFF", new byte[] {(byte) 0xFF}, UNSUPPORTED));
        all.add(HostileCase.expect("tiny", "one byte 0x89", new byte[] {(byte) 0x89}, UNSUPPORTED));
        all.add(HostileCase.expect("tiny", "one zero byte", new byte[] {0}, UNSUPPORTED));
        all.add(HostileCase.expect("tiny", "JPEG magic only", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, CORRUPT));
        all.add(HostileCase.expect("tiny", "PNG signature only", Seeds.PNG_SIGNATURE, CORRUPT));
        all.add(HostileCase.expect("tiny", "GIF89a only", ascii("GIF89a"), CORRUPT));
        all.add(HostileCase.expect("tiny", "RIFF WEBP header only", ascii("RIFF\0\0\0\0WEBP"), CORRUPT));
        all.add(HostileCase.expect("tiny", "BMP magic", ascii("BM\u0036\0\0\0\0\0\0\0"), UNSUPPORTED));
        all.add(HostileCase.expect("tiny", "SVG", ascii("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), UNSUPPORTED));
    }

    private static void declaredDimensions(List<HostileCase> all) {
        String c = "declared-dimensions";
        int[][] pngDims = {{65535, 65535}, {20001, 1}, {1, 20001}, {0, 10}, {10, 0}, {Integer.MAX_VALUE, 1},
            {0x80000000, 0x80000000}, {8000, 8000}, {20000, 20000}, {7072, 7072}};
        for (int[] d : pngDims) {
            all.add(HostileCase.expect(c, "PNG IHDR " + Integer.toUnsignedString(d[0]) + "x" + Integer.toUnsignedString(d[1]),
                    TestImages.pngDeclaring(d[0], d[1]), DIMENSIONS, TOO_MANY_PIXELS, CORRUPT));
        }
        byte[] gif = Seeds.gif();
        all.add(HostileCase.expect(c, "GIF logical screen 65535x65535, frame 64x48",
                Seeds.withGifScreen(gif, 65535, 65535), PUBLISHED, DIMENSIONS, TOO_MANY_PIXELS, CORRUPT));
        all.add(HostileCase.expect(c, "GIF frame 65535x65535", Seeds.withGifFrame(gif, 0, 0, 65535, 65535),
                DIMENSIONS, TOO_MANY_PIXELS, CORRUPT));
        all.add(HostileCase.expect(c, "GIF frame 9000x9000 in a 64x48 screen",
                Seeds.withGifFrame(Seeds.withGifScreen(gif, 64, 48), 0, 0, 9000, 9000), TOO_MANY_PIXELS, CORRUPT));
        all.add(HostileCase.expect(c, "GIF frame 0x0", Seeds.withGifFrame(gif, 0, 0, 0, 0), DIMENSIONS, CORRUPT));
        all.add(HostileCase.any(c, "GIF frame at offset 65000,65000", Seeds.withGifFrame(gif, 65000, 65000, 64, 48)));
        byte[] jpeg = TestImages.jpeg(64, 48);
        int[][] jpegDims = {{65535, 65535}, {20001, 8}, {8000, 8000}, {0, 48}, {64, 0}};
        for (int[] d : jpegDims) {
            all.add(HostileCase.expect(c, "JPEG SOF " + d[0] + "x" + d[1], Seeds.withJpegDimensions(jpeg, d[0], d[1]),
                    DIMENSIONS, TOO_MANY_PIXELS, CORRUPT));
        }
        byte[] vp8 = Seeds.webpLossy();
        int at = Seeds.riffChunk(vp8, "VP8 ") + 8;
        byte[] bigVp8 = vp8.clone();
        bigVp8[at + 6] = (byte) 0xFF;
        bigVp8[at + 7] = 0x3F;
        bigVp8[at + 8] = (byte) 0xFF;
        bigVp8[at + 9] = 0x3F;
        all.add(HostileCase.expect(c, "WebP VP8 16383x16383", bigVp8, DIMENSIONS, TOO_MANY_PIXELS, CORRUPT));
        byte[] vp8l = Seeds.webpLossless();
        int l = Seeds.riffChunk(vp8l, "VP8L") + 8;
        byte[] bigVp8l = vp8l.clone();
        // 14 bits width-1, 14 bits height-1, little-endian bit order after the 0x2F signature
        int bits = 0x3FFF | (0x3FFF << 14) | (bigVp8l[l + 4] & 0xF0) << 24;
        ByteBuffer.wrap(bigVp8l, l + 1, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits);
        all.add(HostileCase.expect(c, "WebP VP8L 16384x16384", bigVp8l, DIMENSIONS, TOO_MANY_PIXELS, CORRUPT));
        byte[] vp8x = Seeds.webpAlpha();
        int x = Seeds.riffChunk(vp8x, "VP8X") + 8;
        byte[] bigCanvas = vp8x.clone();
        Arrays.fill(bigCanvas, x + 4, x + 10, (byte) 0xFF);
        all.add(HostileCase.expect(c, "WebP VP8X canvas 16777216x16777216", bigCanvas, PUBLISHED, DIMENSIONS,
                TOO_MANY_PIXELS, CORRUPT));
        byte[] zeroCanvas = vp8x.clone();
        Arrays.fill(zeroCanvas, x + 4, x + 10, (byte) 0);
        all.add(HostileCase.any(c, "WebP VP8X canvas 1x1 around a 32x32 frame", zeroCanvas));
    }

    private static void bombs(List<HostileCase> all) {
        String c = "decompression-bomb";
        all.add(HostileCase.expect(c, "PNG 20000x20000 IDAT of 1.2 GB zeros", Seeds.pngOfZeros(20000, 20000),
                TOO_MANY_PIXELS));
        all.add(HostileCase.expect(c, "PNG 7200x7200 IDAT of zeros (just over 50 MP)", Seeds.pngOfZeros(7200, 7200),
                TOO_MANY_PIXELS));
        all.add(HostileCase.expect(c, "PNG 2000x2000 IDAT of zeros (within limits)", Seeds.pngOfZeros(2000, 2000),
                PUBLISHED));
        byte[] zeros = Seeds.deflatedZeros(1_500_000_000L); // 1.5 GB inflated, ~1.4 MB deflated
        byte[] png = Seeds.png();
        all.add(HostileCase.expect(c, "PNG zTXt comment of 1.5 GB zeros",
                Seeds.pngWithChunk(png, "zTXt", concat(ascii("Comment\0\0"), zeros)), PUBLISHED));
        all.add(HostileCase.expect(c, "PNG compressed iTXt XMP of 1.5 GB zeros",
                Seeds.pngWithChunk(png, "iTXt", concat(ascii("XML:com.adobe.xmp\0\1\0\0\0"), zeros)), PUBLISHED));
        all.add(HostileCase.expect(c, "PNG iCCP profile of 1.5 GB zeros",
                Seeds.pngWithChunk(png, "iCCP", concat(ascii("icc\0\0"), zeros)), PUBLISHED, CORRUPT));
        all.add(HostileCase.expect(c, "palette PNG zTXt of 1.5 GB zeros",
                Seeds.pngWithChunk(Seeds.paletteWithTransparency(), "zTXt", concat(ascii("Comment\0\0"), zeros)),
                PUBLISHED));
        // A progressive JPEG is decoded once per scan: a 2000x2000 flat image repeats a 14-byte scan.
        byte[] progressive = Seeds.progressiveJpeg(Seeds.flat(2000, 2000));
        all.add(HostileCase.expect(c, "progressive JPEG 2000x2000 with 3000 repeated scans",
                Seeds.repeatedScans(progressive, 3000), CORRUPT));
        all.add(HostileCase.expect(c, "progressive JPEG 2000x2000 with 40 repeated scans",
                Seeds.repeatedScans(progressive, 40), PUBLISHED));
    }

    private static void colourModels(List<HostileCase> all) {
        String c = "colour-model";
        String[] names = {"8-bit grey", "16-bit grey", "1-bit", "8-bit palette", "RGBA", "ABGR", "BGR", "16-bit RGB",
            "16-bit RGBA"};
        List<byte[]> pngs = Seeds.pngColourModels();
        for (int i = 0; i < pngs.size(); i++) {
            all.add(HostileCase.expect(c, "PNG " + names[i], pngs.get(i), PUBLISHED).labelled("image/png"));
        }
        all.add(HostileCase.expect(c, "PNG 2-bit palette with tRNS", Seeds.paletteWithTransparency(), PUBLISHED));
        all.add(HostileCase.expect(c, "grey JPEG", Seeds.grayJpeg(), PUBLISHED));
        all.add(HostileCase.expect(c, "4-channel JPEG without Adobe marker", Seeds.fourChannelJpeg(null),
                PUBLISHED, CORRUPT));
        all.add(HostileCase.expect(c, "CMYK JPEG (Adobe APP14 transform 0)", Seeds.fourChannelJpeg(0), PUBLISHED));
        all.add(HostileCase.expect(c, "YCCK JPEG (Adobe APP14 transform 2)", Seeds.fourChannelJpeg(2), PUBLISHED));
        all.add(HostileCase.expect(c, "4-channel JPEG with bogus Adobe transform 7", Seeds.fourChannelJpeg(7),
                PUBLISHED, CORRUPT));
    }

    private static void animated(List<HostileCase> all) {
        String c = "animated";
        all.add(HostileCase.expect(c, "GIF with 500 frames", Seeds.animatedGif(500), PUBLISHED).labelled("image/gif"));
        all.add(HostileCase.expect(c, "GIF with 2 frames", Seeds.animatedGif(2), PUBLISHED));
        byte[] many = Seeds.animatedGif(500);
        all.add(HostileCase.any(c, "GIF with 500 frames cut in the middle", Arrays.copyOf(many, many.length / 2)));
        all.add(HostileCase.any(c, "GIF with 500 frames, no trailer", Arrays.copyOf(many, many.length - 1)));
        // Refused on the headers alone: not one of these frames is decoded.
        all.add(HostileCase.expect(c, "GIF with 5000 frames of 1x1", Seeds.tinyFrameGif(5000, 2), MEDIA_LIMITS));
        all.add(HostileCase.expect(c, "GIF frame shown for 655.35 s", Seeds.tinyFrameGif(2, 65535), MEDIA_LIMITS));
        all.add(HostileCase.expect(c, "APNG whose acTL declares 1000 frames for 3", Seeds.apng(1000), CORRUPT));
        byte[] apng = Seeds.apng(3);
        all.add(HostileCase.expect(c, "APNG cut inside its last frame", Arrays.copyOf(apng, apng.length - 40), CORRUPT));
        byte[] webp = Seeds.animatedWebp(3);
        all.add(HostileCase.expect(c, "animated WebP with a lying ANMF size",
                dev.dntme.gateway.imaging.animation.WebpAnimations.withLyingAnmfSize(webp, 40), CORRUPT)
                .labelled("image/webp"));
        all.add(HostileCase.expect(c, "animated WebP with 5000 frames of 2x2",
                dev.dntme.gateway.imaging.animation.WebpAnimations.tinyFrames(5000, 20), MEDIA_LIMITS));
    }

    private static void video(List<HostileCase> all) {
        String c = "video";
        byte[] clip = Seeds.mp4(160, 90, 10, 1);
        // JavaCV's recorder writes the index (moov) last: half the file has none
        all.add(HostileCase.expect(c, "MP4 cut in half", Arrays.copyOf(clip, clip.length / 2), CORRUPT)
                .labelled("video/mp4"));
        all.add(HostileCase.expect(c, "MP4 declaring 10 minutes (16x16, 1 fps)", Seeds.mp4(16, 16, 1, 600), MEDIA_LIMITS)
                .labelled("video/mp4"));
        all.add(HostileCase.expect(c, "MP4 at 240 fps", Seeds.mp4(64, 48, 240, 0.1), MEDIA_LIMITS)
                .labelled("video/mp4"));
        all.add(HostileCase.expect(c, "MP4 with 7680x4320 frames", Seeds.mp4Mpeg4(7680, 4320, 2), MEDIA_LIMITS)
                .labelled("video/mp4"));
    }

    private static void polyglots(List<HostileCase> all) {
        String c = "polyglot";
        // GIF/JavaScript: "GIF89a" parses as an identifier, the screen width as "/*", the comment closes later.
        byte[] gif = Seeds.gif();
        byte[] gifJs = gif.clone();
        gifJs[6] = '/';
        gifJs[7] = '*';
        gifJs = concat(gifJs, ascii("*/=1;alert(document.domain);//<script>"));
        all.add(HostileCase.expect(c, "GIF/JavaScript polyglot", gifJs, PUBLISHED, DIMENSIONS, TOO_MANY_PIXELS)
                .mustNotLeak("alert(document.domain)", "<script>"));
        byte[] zip = concat(ascii("PK\3\4\24\0\0\0\0\0"), new byte[20], ascii("evil.php<?php system($_GET['c']); ?>"),
                ascii("PK\5\6"), new byte[18]);
        all.add(HostileCase.expect(c, "JPEG with a ZIP appended", concat(Seeds.jpeg(), zip), PUBLISHED)
                .mustNotLeak("PK\3\4", "<?php"));
        all.add(HostileCase.expect(c, "PNG with trailing HTML",
                concat(Seeds.png(), ascii("<html><script>alert(1)</script></html>")), PUBLISHED).mustNotLeak("<script>"));
        all.add(HostileCase.expect(c, "JPEG with HTML in a COM segment",
                Seeds.insertSegment(Seeds.jpeg(), 0xFE, ascii("<html><body onload=alert(1)>")), PUBLISHED)
                .mustNotLeak("onload=alert"));
        all.add(HostileCase.expect(c, "HTML followed by a JPEG", concat(ascii("<html><img src=x onerror=alert(1)>"),
                Seeds.jpeg()), UNSUPPORTED));
        all.add(HostileCase.expect(c, "PDF header followed by a PNG", concat(ascii("%PDF-1.7\n"), Seeds.png()),
                UNSUPPORTED));
        all.add(HostileCase.expect(c, "PNG with a tEXt chunk of JavaScript",
                Seeds.pngWithChunk(Seeds.png(), "tEXt", ascii("Comment\0<script>alert(1)</script>")), PUBLISHED)
                .mustNotLeak("<script>"));
        all.add(HostileCase.expect(c, "WebP with a trailing ZIP", concat(Seeds.webpLossy(), zip), PUBLISHED)
                .mustNotLeak("PK\3\4"));
    }

    private static void partTypes(List<HostileCase> all) {
        String c = "part-content-type";
        all.add(HostileCase.expect(c, "JPEG bytes labelled image/png", Seeds.jpeg(), PUBLISHED).labelled("image/png"));
        all.add(HostileCase.expect(c, "PNG bytes labelled text/html", Seeds.png(), PUBLISHED).labelled("text/html"));
        all.add(HostileCase.expect(c, "GIF bytes labelled application/javascript", Seeds.gif(), PUBLISHED)
                .labelled("application/javascript"));
        all.add(HostileCase.expect(c, "WebP bytes labelled image/svg+xml", Seeds.webpLossless(), PUBLISHED)
                .labelled("image/svg+xml"));
        all.add(HostileCase.expect(c, "HTML labelled image/jpeg", ascii("<html><script>alert(1)</script></html>"),
                UNSUPPORTED));
        all.add(HostileCase.expect(c, "JPEG labelled with a garbage type", Seeds.jpeg(), PUBLISHED)
                .labelled("not a type;;;=\"\\"));
    }

    private static void oversized(List<HostileCase> all) {
        String c = "oversized";
        byte[] jpeg = Seeds.jpeg();
        all.add(HostileCase.expect(c, "3 MB: a JPEG padded with trailing bytes", padTo(jpeg, 3 * 1024 * 1024),
                TOO_MANY_BYTES));
        all.add(HostileCase.expect(c, "limit + 1 byte", padTo(jpeg, MAX_BYTES + 1), TOO_MANY_BYTES));
        all.add(HostileCase.expect(c, "exactly the limit: a JPEG with trailing bytes", padTo(jpeg, MAX_BYTES),
                PUBLISHED));
        all.add(HostileCase.expect(c, "3 MB of random bytes", new Random(SEED).ints(3 * 1024 * 1024)
                .collect(ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> a.writeBytes(b.toByteArray()))
                .toByteArray(), TOO_MANY_BYTES));
    }

    private static byte[] padTo(byte[] image, int size) {
        byte[] out = Arrays.copyOf(image, size);
        new Random(SEED).ints(size - image.length).forEach(new java.util.function.IntConsumer() {
            int at = image.length;

            @Override
            public void accept(int value) {
                out[at++] = (byte) value;
            }
        });
        return out;
    }

    // ---- EXIF ---------------------------------------------------------------------------------

    private static void exif(List<HostileCase> all) {
        String c = "exif";
        byte[] jpeg = TestImages.jpeg(64, 48);
        all.add(exifCase(c, "IFD0 with 65535 entries and no room for them", jpeg, tiff(t -> t.putShort((short) 0xFFFF))));
        all.add(exifCase(c, "entry with count 0x7FFFFFFF pointing past the end", jpeg, tiff(t -> {
            t.putShort((short) 1).putShort((short) 0x010F).putShort((short) 2).putInt(0x7FFFFFFF).putInt(0x7FFFFFF0);
            t.putInt(0);
        })));
        all.add(exifCase(c, "IFD0 whose next-IFD pointer is itself", jpeg, tiff(t -> {
            t.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6)
                    .putShort((short) 0);
            t.putInt(8);
        })));
        all.add(exifCase(c, "Exif sub-IFD pointing back at IFD0", jpeg, tiff(t -> {
            t.putShort((short) 1).putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(8);
            t.putInt(0);
        })));
        all.add(exifCase(c, "GPS IFD pointer to negative offset", jpeg, tiff(t -> {
            t.putShort((short) 1).putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(0xFFFFFFF0);
            t.putInt(0);
        })));
        for (int orientation : new int[] {0, 9, 65535}) {
            all.add(exifCase(c, "orientation " + orientation, jpeg, tiff(t -> {
                t.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1)
                        .putShort((short) orientation).putShort((short) 0);
                t.putInt(0);
            })));
        }
        all.add(exifCase(c, "orientation as a 4 GB ASCII string", jpeg, tiff(t -> {
            t.putShort((short) 1).putShort((short) 0x0112).putShort((short) 2).putInt(-1).putInt(26);
            t.putInt(0);
        })));
        all.add(exifCase(c, "thumbnail of 2 GB at offset 2 GB", jpeg, tiff(t -> {
            t.putShort((short) 0).putInt(14);
            t.putShort((short) 2).putShort((short) 0x0201).putShort((short) 4).putInt(1).putInt(0x7FFFFFF0)
                    .putShort((short) 0x0202).putShort((short) 4).putInt(1).putInt(0x7FFFFFF0);
            t.putInt(0);
        })));
        all.add(HostileCase.expect(c, "byte order XX", Seeds.insertSegment(jpeg, 0xE1,
                concat(ascii("Exif\0\0XX\0\u002A\0\0\0\u0008"), new byte[40])), PUBLISHED));
        byte[] random = new byte[65000];
        new Random(SEED).nextBytes(random);
        all.add(HostileCase.expect(c, "65 KB of random bytes after an Exif header",
                Seeds.insertSegment(jpeg, 0xE1, concat(ascii("Exif\0\0MM\0\u002A\0\0\0\u0008"), random)), PUBLISHED));
        byte[] many = jpeg;
        for (int i = 0; i < 200; i++) {
            many = Seeds.insertSegment(many, 0xE1, concat(ascii("Exif\0\0MM\0\u002A\0\0\0\u0008"), new byte[] {0, 0}));
        }
        all.add(HostileCase.expect(c, "200 Exif segments", many, PUBLISHED));
        byte[] png = Seeds.png();
        all.add(HostileCase.expect(c, "PNG eXIf chunk with a looping IFD", Seeds.pngWithChunk(png, "eXIf",
                tiffBody(t -> {
                    t.putShort((short) 1).putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(8);
                    t.putInt(8);
                })), PUBLISHED));
        byte[] webp = Seeds.webpLossy();
        byte[] vp8 = Seeds.chunkAt(webp, Seeds.riffChunk(webp, "VP8 "));
        byte[] vp8x = new byte[10];
        vp8x[0] = 0x08; // EXIF flag
        vp8x[4] = 63;
        vp8x[7] = 47;
        all.add(HostileCase.expect(c, "WebP EXIF chunk with 65535 entries", Seeds.webp(Seeds.riff("VP8X", vp8x), vp8,
                Seeds.riff("EXIF", tiffBody(t -> t.putShort((short) 0xFFFF)))), PUBLISHED));
    }

    interface TiffWriter {
        void write(ByteBuffer ifdAt8);
    }

    /** A big-endian TIFF body whose IFD0 starts at offset 8 and is written by {@code body}. */
    static byte[] tiffBody(TiffWriter body) {
        ByteBuffer t = ByteBuffer.allocate(256);
        t.put(ascii("MM")).putShort((short) 42).putInt(8);
        body.write(t);
        return Arrays.copyOf(t.array(), Math.max(t.position(), 32));
    }

    private static byte[] tiff(TiffWriter body) {
        return concat(ascii("Exif\0\0"), tiffBody(body));
    }

    private static HostileCase exifCase(String category, String name, byte[] jpeg, byte[] app1) {
        return HostileCase.expect(category, name, Seeds.insertSegment(jpeg, 0xE1, app1), PUBLISHED);
    }

    // ---- XMP ----------------------------------------------------------------------------------

    private static final String RDF_OPEN = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
            + "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" "
            + "xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\" xmlns:xmpNote=\"http://ns.adobe.com/xmp/note/\"";
    private static final String RDF_CLOSE = "</rdf:Description></rdf:RDF></x:xmpmeta>";

    private static byte[] jpegXmp(byte[] jpeg, String xmp) {
        return Seeds.insertSegment(jpeg, 0xE1, concat(ascii("http://ns.adobe.com/xap/1.0/\0"),
                xmp.getBytes(StandardCharsets.UTF_8)));
    }

    private static void xmp(List<HostileCase> all) {
        String c = "xmp";
        byte[] jpeg = TestImages.jpeg(64, 48);
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"");
            laughs.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        laughs.append("]>").append(RDF_OPEN).append("><plus:DataMining>&lol9;</plus:DataMining>").append(RDF_CLOSE);
        all.add(HostileCase.expect(c, "billion laughs in a JPEG's XMP", jpegXmp(jpeg, laughs.toString()), PUBLISHED));
        byte[] pngLaughs = Seeds.pngWithChunk(Seeds.png(), "iTXt", concat(ascii("XML:com.adobe.xmp\0\0\0\0\0"),
                laughs.toString().getBytes(StandardCharsets.UTF_8)));
        all.add(HostileCase.expect(c, "billion laughs in a PNG's XMP", pngLaughs, PUBLISHED));
        String quadratic = "<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY a \"" + "a".repeat(30000) + "\">]>" + RDF_OPEN
                + "><plus:DataMining>" + "&a;".repeat(5000) + "</plus:DataMining>" + RDF_CLOSE;
        all.add(HostileCase.expect(c, "quadratic blow-up entity in XMP", jpegXmp(jpeg, quadratic), PUBLISHED));
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + RDF_OPEN
                + "><plus:DataMining>&e;</plus:DataMining>" + RDF_CLOSE;
        all.add(HostileCase.expect(c, "external entity (XXE) in XMP", jpegXmp(jpeg, xxe), PUBLISHED)
                .mustNotLeak("root:"));
        String dtdDataMining = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY v \"DMI-PROHIBITED\">]>" + RDF_OPEN
                + "><plus:DataMining>&v;</plus:DataMining>" + RDF_CLOSE;
        all.add(HostileCase.expect(c, "DataMining spelled through an entity", jpegXmp(jpeg, dtdDataMining), PUBLISHED));
        all.add(HostileCase.expect(c, "deeply nested XMP (6000 levels)", jpegXmp(jpeg, RDF_OPEN + ">"
                + "<plus:X>".repeat(6000) + "</plus:X>".repeat(6000) + RDF_CLOSE), PUBLISHED));
        all.add(HostileCase.expect(c, "malformed XMP (unclosed elements)", jpegXmp(jpeg, RDF_OPEN + "><plus:DataMining>"
                + "<rdf:Bag><rdf:li>"), PUBLISHED));
        all.add(HostileCase.expect(c, "XMP of 64 KB whitespace padding", jpegXmp(jpeg, RDF_OPEN + "/>"
                + " ".repeat(64000) + "</rdf:RDF></x:xmpmeta>"), PUBLISHED));
        String guid = "0123456789ABCDEF0123456789ABCDEF";
        byte[] main = jpegXmp(jpeg, RDF_OPEN + " xmpNote:HasExtendedXMP=\"" + guid + "\"/></rdf:RDF></x:xmpmeta>");
        byte[] extension = concat(ascii("http://ns.adobe.com/xmp/extension/\0" + guid),
                new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 0, 0, 0, 0}, ascii(RDF_OPEN + ">"));
        all.add(HostileCase.expect(c, "extended XMP declaring 2 GB", insertAfterFirstSegment(main, extension),
                PUBLISHED));
        byte[] honest = concat(ascii("http://ns.adobe.com/xmp/extension/\0" + guid),
                ByteBuffer.allocate(8).putInt(200).putInt(0).array(), ascii(" ".repeat(200)));
        all.add(HostileCase.expect(c, "extended XMP of 200 bytes", insertAfterFirstSegment(main, honest), PUBLISHED));
        all.add(HostileCase.expect(c, "XMP with DataMining prohibited (flagged by the photo itself)",
                TestImages.withDataMining(jpeg, "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"), "cloak-unavailable"));
        all.add(HostileCase.expect(c, "flagged upload whose XMP is a billion laughs",
                jpegXmp(jpeg, laughs.toString()), "cloak-unavailable").withDntMeHeader());
        byte[] webp = Seeds.webpLossy();
        byte[] vp8 = Seeds.chunkAt(webp, Seeds.riffChunk(webp, "VP8 "));
        byte[] vp8x = new byte[10];
        vp8x[0] = 0x04; // XMP flag
        vp8x[4] = 63;
        vp8x[7] = 47;
        all.add(HostileCase.expect(c, "WebP XMP chunk with a billion laughs", Seeds.webp(Seeds.riff("VP8X", vp8x), vp8,
                Seeds.riff("XMP ", laughs.toString().getBytes(StandardCharsets.UTF_8))), PUBLISHED));
    }

    /** Puts {@code app1} after the first APP1 segment following SOI (so the extension follows the main XMP). */
    private static byte[] insertAfterFirstSegment(byte[] jpeg, byte[] app1) {
        int first = 2 + 2 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        return concat(Arrays.copyOf(jpeg, first), Seeds.segment(0xE1, app1),
                Arrays.copyOfRange(jpeg, first, jpeg.length));
    }

    // ---- ICC ----------------------------------------------------------------------------------

    private static void icc(List<HostileCase> all) {
        String c = "icc";
        byte[] jpeg = TestImages.jpeg(64, 48);
        byte[] garbage = new byte[600];
        new Random(SEED).nextBytes(garbage);
        all.add(HostileCase.expect(c, "JPEG ICC_PROFILE of random bytes",
                Seeds.insertSegment(jpeg, 0xE2, concat(ascii("ICC_PROFILE\0\1\1"), garbage)), PUBLISHED, CORRUPT));
        ByteBuffer header = ByteBuffer.allocate(132);
        header.putInt(0x7FFFFFFF).put(ascii("lcms")).putInt(0x04300000).put(ascii("mntrRGB XYZ "));
        header.position(36);
        header.put(ascii("acsp"));
        header.position(128);
        header.putInt(0x7FFFFFFF); // tag count
        all.add(HostileCase.expect(c, "JPEG ICC_PROFILE declaring 2 GB and 2^31 tags",
                Seeds.insertSegment(jpeg, 0xE2, concat(ascii("ICC_PROFILE\0\1\1"), header.array())), CORRUPT));
        all.add(HostileCase.expect(c, "JPEG ICC_PROFILE chunk 3 of 2 only",
                Seeds.insertSegment(jpeg, 0xE2, concat(ascii("ICC_PROFILE\0\3\2"), header.array())), PUBLISHED, CORRUPT));
        all.add(HostileCase.expect(c, "JPEG ICC_PROFILE chunk 0 of 0",
                Seeds.insertSegment(jpeg, 0xE2, concat(ascii("ICC_PROFILE\0\0\0"), garbage)), PUBLISHED, CORRUPT));
        all.add(HostileCase.expect(c, "PNG iCCP of deflated random bytes",
                Seeds.pngWithChunk(Seeds.png(), "iCCP", concat(ascii("icc\0\0"), Seeds.deflate(garbage))), PUBLISHED,
                CORRUPT));
        all.add(HostileCase.expect(c, "PNG iCCP with a truncated deflate stream",
                Seeds.pngWithChunk(Seeds.png(), "iCCP", concat(ascii("icc\0\0"),
                        Arrays.copyOf(Seeds.deflate(header.array()), 10))), PUBLISHED, CORRUPT));
        byte[] webp = Seeds.webpLossy();
        byte[] vp8 = Seeds.chunkAt(webp, Seeds.riffChunk(webp, "VP8 "));
        byte[] vp8x = new byte[10];
        vp8x[0] = 0x20; // ICC flag
        vp8x[4] = 63;
        vp8x[7] = 47;
        all.add(HostileCase.expect(c, "WebP ICCP of random bytes", Seeds.webp(Seeds.riff("VP8X", vp8x),
                Seeds.riff("ICCP", garbage), vp8), PUBLISHED, CORRUPT));
    }
}
