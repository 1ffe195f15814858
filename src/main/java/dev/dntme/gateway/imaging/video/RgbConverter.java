package dev.dntme.gateway.imaging.video;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteOrder;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts between FFmpeg frames and TYPE_INT_RGB pictures through BGR0, whose bytes are exactly a little-endian
 * {@code 0x00RRGGBB} int. YUV is read with the matrix the stream declares (BT.601 when it declares none) and written
 * as BT.601 limited range, which the encoders tag, so a round trip keeps its colours.
 */
final class RgbConverter implements AutoCloseable {

    private SwsContext context;
    private BytePointer rgb;
    private IntPointer rgbStride;
    private PointerPointer<BytePointer> rgbPlanes;
    private long rgbSize;

    RgbConverter() {
        Ffmpeg.load();
    }

    BufferedImage toRgb(AVFrame frame) {
        int w = frame.width();
        int h = frame.height();
        ensureBuffer(w, h);
        context = swscale.sws_getCachedContext(context, w, h, frame.format(), w, h, avutil.AV_PIX_FMT_BGR0,
                swscale.SWS_BICUBIC | swscale.SWS_ACCURATE_RND | swscale.SWS_FULL_CHR_H_INT, null, null, (DoublePointer) null);
        if (context == null) {
            throw new IllegalStateException("no conversion from pixel format " + frame.format());
        }
        int matrix = switch (frame.colorspace()) {
            case avutil.AVCOL_SPC_BT709 -> swscale.SWS_CS_ITU709;
            case avutil.AVCOL_SPC_BT2020_NCL, avutil.AVCOL_SPC_BT2020_CL -> swscale.SWS_CS_BT2020;
            default -> swscale.SWS_CS_ITU601;
        };
        int fullRange = frame.color_range() == avutil.AVCOL_RANGE_JPEG ? 1 : 0;
        swscale.sws_setColorspaceDetails(context, swscale.sws_getCoefficients(matrix), fullRange,
                swscale.sws_getCoefficients(swscale.SWS_CS_ITU601), 1, 0, 1 << 16, 1 << 16);
        swscale.sws_scale(context, frame.data(), frame.linesize(), 0, h, rgbPlanes, rgbStride);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        rgb.position(0).limit(rgbSize).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(pixels);
        return image;
    }

    /** Fills {@code yuv} (allocated, its format and size set) from the picture. */
    void toFrame(BufferedImage picture, AVFrame yuv) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        ensureBuffer(w, h);
        int[] pixels = ((DataBufferInt) rgbPicture(picture).getRaster().getDataBuffer()).getData();
        rgb.position(0).limit(rgbSize).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(pixels);
        context = swscale.sws_getCachedContext(context, w, h, avutil.AV_PIX_FMT_BGR0, yuv.width(), yuv.height(),
                yuv.format(), swscale.SWS_BICUBIC | swscale.SWS_ACCURATE_RND, null, null, (DoublePointer) null);
        if (context == null) {
            throw new IllegalStateException("no conversion to pixel format " + yuv.format());
        }
        swscale.sws_setColorspaceDetails(context, swscale.sws_getCoefficients(swscale.SWS_CS_ITU601), 1,
                swscale.sws_getCoefficients(swscale.SWS_CS_ITU601), 0, 0, 1 << 16, 1 << 16);
        Ffmpeg.checked(avutil.av_frame_make_writable(yuv), "frame not writable");
        swscale.sws_scale(context, rgbPlanes, rgbStride, 0, h, yuv.data(), yuv.linesize());
    }

    static BufferedImage rgbPicture(BufferedImage picture) {
        if (picture.getType() == BufferedImage.TYPE_INT_RGB) {
            return picture;
        }
        BufferedImage rgb = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(picture, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private void ensureBuffer(int w, int h) {
        long size = 4L * w * h;
        if (rgb != null && rgbSize == size && rgbStride.get(0) == 4 * w) {
            return;
        }
        freeBuffer();
        rgbSize = size;
        rgb = new BytePointer(avutil.av_malloc(size)).capacity(size);
        rgbStride = new IntPointer(4).put(0, 4 * w);
        rgbPlanes = new PointerPointer<BytePointer>(4).put(0, rgb);
    }

    private void freeBuffer() {
        if (rgb != null) {
            avutil.av_free(rgb.position(0));
            rgbStride.close();
            rgbPlanes.close();
            rgb = null;
        }
    }

    @Override
    public void close() {
        freeBuffer();
        if (context != null) {
            swscale.sws_freeContext(context);
            context = null;
        }
    }
}
