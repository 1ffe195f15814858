package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.TestPhotos;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Frames for test media, made from the face photos: pans, zooms and cuts, as a phone clip or a GIF would show them. */
final class MediaScenes {

    private MediaScenes() {}

    /**
     * {@code n} frames of a {@code width}x{@code height} window over {@code photo}: zooming in from the whole photo to
     * {@code 1 / zoomTo} of it while panning right, centred on the upper third (where portraits keep the face).
     */
    static List<BufferedImage> panAndZoom(String photo, int n, int width, int height, double zoomTo) {
        BufferedImage source = TestPhotos.read(photo);
        List<BufferedImage> frames = new ArrayList<>();
        double aspect = (double) width / height;
        double fullW = Math.min(source.getWidth(), source.getHeight() * aspect);
        for (int i = 0; i < n; i++) {
            double t = n == 1 ? 0 : (double) i / (n - 1);
            double w = fullW / (1 + (zoomTo - 1) * t);
            double h = w / aspect;
            double cx = source.getWidth() / 2.0 + (source.getWidth() - w) * 0.15 * (t - 0.5);
            double cy = Math.max(h / 2, Math.min(source.getHeight() - h / 2, source.getHeight() * 0.42));
            frames.add(crop(source, cx - w / 2, cy - h / 2, w, h, width, height));
        }
        return frames;
    }

    /** {@code first} then {@code second}, a hard cut between them. */
    static List<BufferedImage> cut(List<BufferedImage> first, List<BufferedImage> second) {
        List<BufferedImage> frames = new ArrayList<>(first);
        frames.addAll(second);
        return frames;
    }

    /**
     * Two people side by side, each in half of a {@code width}x{@code height} frame: {@code left} is there from the start
     * and leaves (a plain background) at {@code leaves}; {@code right} enters at {@code enters}.
     */
    static List<BufferedImage> enterAndLeave(String left, String right, int n, int width, int height, int enters, int leaves) {
        List<BufferedImage> a = panAndZoom(left, n, width / 2, height, 1.2);
        List<BufferedImage> b = panAndZoom(right, n, width / 2, height, 1.2);
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = frame.createGraphics();
            g.setColor(new java.awt.Color(96, 110, 120));
            g.fillRect(0, 0, width, height);
            if (i < leaves) {
                g.drawImage(a.get(i), 0, 0, null);
            }
            if (i >= enters) {
                g.drawImage(b.get(i), width / 2, 0, null);
            }
            g.dispose();
            frames.add(frame);
        }
        return frames;
    }

    private static BufferedImage crop(BufferedImage source, double x, double y, double w, double h, int width, int height) {
        BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        double sx = width / w;
        double sy = height / h;
        g.scale(sx, sy);
        g.translate(-x, -y);
        g.drawImage(source, 0, 0, null);
        g.dispose();
        return frame;
    }
}
