package dev.actuate.sim.render;

import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;

/**
 * Streams frames into an animated GIF with ImageIO's GIF writer, adding the graphic-control
 * extension (frame delay) and the NETSCAPE2.0 application extension (loop forever) that ImageIO
 * leaves out. Frames are written to the stream as they arrive, so an episode never sits in memory. It
 * writes to a stream, not a file: the caller makes the file appear atomically (the CLI hands it
 * {@code AtomicFiles}' stream, which this module cannot reach), so a failed recording leaves no file.
 *
 * <p>RGB frames are mapped onto a fixed palette (a 6x6x6 colour cube plus 40 greys) here, because
 * ImageIO's own per-frame palette search is about ten times slower than drawing the frame.
 */
public final class GifWriter implements AutoCloseable {
    private final int delayCentis;
    private final ImageWriter writer;
    private final ImageOutputStream stream;
    private int frames;
    private boolean closed;
    private BufferedImage indexed;

    private static final IndexColorModel PALETTE = palette();

    /** {@code delayMillis} is rounded to GIF's unit of 10 ms (minimum 20 ms, as browsers enforce). */
    public GifWriter(OutputStream out, int delayMillis) throws IOException {
        this.delayCentis = Math.max(2, Math.round(delayMillis / 10f));
        writer = ImageIO.getImageWritersByFormatName("gif").next();
        stream = ImageIO.createImageOutputStream(out);
        writer.setOutput(stream);
        writer.prepareWriteSequence(null);
    }

    public int frames() {
        return frames;
    }

    public void write(BufferedImage rgbOrIndexed) {
        BufferedImage frame = rgbOrIndexed.getType() == BufferedImage.TYPE_BYTE_INDEXED ? rgbOrIndexed : quantize(rgbOrIndexed);
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
            String format = meta.getNativeMetadataFormatName();
            IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
            IIOMetadataNode gce = child(root, "GraphicControlExtension");
            gce.setAttribute("disposalMethod", "none");
            gce.setAttribute("userInputFlag", "FALSE");
            gce.setAttribute("transparentColorFlag", "FALSE");
            gce.setAttribute("delayTime", Integer.toString(delayCentis));
            gce.setAttribute("transparentColorIndex", "0");
            if (frames == 0) {
                IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                app.setAttribute("applicationID", "NETSCAPE");
                app.setAttribute("authenticationCode", "2.0");
                app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 = forever
                child(root, "ApplicationExtensions").appendChild(app);
            }
            meta.setFromTree(format, root);
            writer.writeToSequence(new IIOImage(frame, null, meta), param);
            frames++;
        } catch (IOException e) {
            throw new UncheckedIOException("writing GIF frame " + frames, e);
        }
    }

    private BufferedImage quantize(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        if (indexed == null || indexed.getWidth() != w || indexed.getHeight() != h) {
            indexed = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
        }
        byte[] dst = ((DataBufferByte) indexed.getRaster().getDataBuffer()).getData();
        if (rgb.getType() == BufferedImage.TYPE_INT_RGB || rgb.getType() == BufferedImage.TYPE_INT_ARGB) {
            int[] src = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (byte) nearest(src[i]);
            }
            return indexed;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                dst[y * w + x] = (byte) nearest(row[x]);
            }
        }
        return indexed;
    }

    /** Index of the nearer of the closest cube colour and the closest grey. */
    static int nearest(int argb) {
        int r = (argb >> 16) & 0xff;
        int g = (argb >> 8) & 0xff;
        int b = argb & 0xff;
        int ri = (r * 5 + 127) / 255;
        int gi = (g * 5 + 127) / 255;
        int bi = (b * 5 + 127) / 255;
        int cube = ri * 36 + gi * 6 + bi;
        int dr = r - ri * 51;
        int dg = g - gi * 51;
        int db = b - bi * 51;
        int cubeErr = dr * dr + dg * dg + db * db;
        int mean = (r + g + b) / 3;
        int gi40 = (mean * 39 + 127) / 255;
        int grey = gi40 * 255 / 39;
        int er = r - grey;
        int eg = g - grey;
        int eb = b - grey;
        return er * er + eg * eg + eb * eb < cubeErr ? 216 + gi40 : cube;
    }

    private static IndexColorModel palette() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 216; i++) {
            r[i] = (byte) (i / 36 * 51);
            g[i] = (byte) (i / 6 % 6 * 51);
            b[i] = (byte) (i % 6 * 51);
        }
        for (int i = 0; i < 40; i++) {
            byte v = (byte) (i * 255 / 39);
            r[216 + i] = v;
            g[216 + i] = v;
            b[216 + i] = v;
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) n;
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    /**
     * Finishes the GIF and flushes it into the stream (which stays open); with no frames written it throws, so
     * an atomic writer around it leaves no file.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (frames > 0) {
                writer.endWriteSequence();
            }
            stream.close();
        } finally {
            writer.dispose();
        }
        if (frames == 0) {
            throw new IOException("no frames were written");
        }
    }

    /** Abandons the GIF: releases the writer without finishing the stream (the caller discards what it holds). */
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stream.close();
        } catch (IOException ignored) {
            // Abandoned either way.
        } finally {
            writer.dispose();
        }
    }
}
