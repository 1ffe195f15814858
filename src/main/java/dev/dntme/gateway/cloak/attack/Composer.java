package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.nets.NnOps;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Puts the faces' perturbations into the photo, and reads published bytes back. */
final class Composer {

    private Composer() {}

    /** The image with every face's perturbation added (summed where regions overlap, still capped), rounded to 8 bits. */
    static BufferedImage compose(Photo photo) {
        BufferedImage image = photo.image();
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = NnOps.rgbPixels(image, 0, 0, width, height);
        Rectangle union = photo.region(0);
        for (int f = 0; f < photo.size(); f++) {
            union = union.union(photo.region(f));
        }
        float[] delta = new float[3 * union.width * union.height];
        int plane = union.width * union.height;
        // caps: a pixel's cap is the largest of its faces' upsampled caps (no face: nothing to add)
        float[] pixelCap = photo.caps == null ? null : new float[plane];
        try (NDManager pass = photo.manager().newSubManager()) {
            for (int f = 0; f < photo.size(); f++) {
                ChipWarp w = photo.primaryWarp(f);
                if (pixelCap != null) {
                    float[] pc = PerceptualBudget.pixelCaps(w, photo.caps[f]);
                    for (int y = 0; y < w.region.height; y++) {
                        for (int x = 0; x < w.region.width; x++) {
                            int u = (w.region.y + y - union.y) * union.width + w.region.x + x - union.x;
                            pixelCap[u] = Math.max(pixelCap[u], pc[y * w.region.width + x]);
                        }
                    }
                }
                float[] d = w.upsample(pass.create(photo.grids[f], new Shape(3, w.gridH, w.gridW)), pass).toFloatArray();
                int rp = w.region.width * w.region.height;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < w.region.height; y++) {
                        int uy = w.region.y + y - union.y;
                        for (int x = 0; x < w.region.width; x++) {
                            int ux = w.region.x + x - union.x;
                            delta[c * plane + uy * union.width + ux] += d[c * rp + y * w.region.width + x];
                        }
                    }
                }
            }
        }
        float eps = photo.eps();
        for (int i = 0; i < delta.length; i++) {
            if (!Float.isFinite(delta[i])) {
                throw new CloakFailedException("the perturbation is not finite");
            }
            float cap = pixelCap == null ? eps : pixelCap[i % plane];
            delta[i] = Math.max(-cap, Math.min(cap, delta[i])); // overlapping faces share one budget
        }
        for (int y = 0; y < union.height; y++) {
            for (int x = 0; x < union.width; x++) {
                int i = (union.y + y) * width + union.x + x;
                int p = rgb[i];
                int r = clampByte(((p >> 16) & 0xFF) + delta[y * union.width + x]);
                int g = clampByte(((p >> 8) & 0xFF) + delta[plane + y * union.width + x]);
                int b = clampByte((p & 0xFF) + delta[2 * plane + y * union.width + x]);
                rgb[i] = (r << 16) | (g << 8) | b;
            }
        }
        out.getRaster().setDataElements(0, 0, width, height, rgb);
        return out;
    }

    private static int clampByte(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    static BufferedImage decode(byte[] encoded) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
            if (img == null) {
                throw new CloakFailedException("the encoder's output cannot be decoded");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
