package dev.dntme.gateway.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP forwarder on 127.0.0.1 in front of a real server (S3, PostgreSQL) that a test can break and
 * heal while the application keeps its configured endpoint:
 * <ul>
 *   <li>{@link Mode#PASS}: bytes flow both ways;</li>
 *   <li>{@link Mode#REFUSE}: the port stops listening (clients get "connection refused");</li>
 *   <li>{@link Mode#CLOSE}: connections are accepted and closed at once (clients read EOF / reset);</li>
 *   <li>{@link Mode#BLACK_HOLE}: connections are accepted and what clients send is swallowed, nothing
 *   ever comes back (clients wait for their own timeouts).</li>
 * </ul>
 * Switching away from PASS also cuts every live connection, as a crashed or partitioned server would.
 * A trip wire ({@link #cutWhenClientSends}) cuts the traffic the moment a client sends a given ASCII
 * marker (e.g. the request line {@code PUT /dntme-public/}) before that chunk reaches the server, then
 * switches to a given mode — a fault placed at an exact step of a protocol.
 */
final class FaultyProxy implements AutoCloseable {

    enum Mode { PASS, REFUSE, CLOSE, BLACK_HOLE }

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicReference<Trip> trip = new AtomicReference<>();
    private volatile Mode mode = Mode.PASS;
    private volatile ServerSocket listener;
    private volatile boolean closed;
    private volatile Runnable onTrip = () -> { };
    private volatile boolean tripHappened;

    private record Trip(byte[] marker, Mode then) {}

    FaultyProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        ServerSocket first = bind(0);
        this.port = first.getLocalPort();
        listen(first);
    }

    int port() {
        return port;
    }

    /** Connections accepted so far (in any mode). */
    int acceptedConnections() {
        return accepted.get();
    }

    synchronized void mode(Mode next) throws IOException {
        if (next == mode) {
            return;
        }
        Mode previous = mode;
        mode = next;
        if (next != Mode.PASS) {
            cutAll();
        }
        if (next == Mode.REFUSE) {
            listener.close();
        } else if (previous == Mode.REFUSE) {
            listen(bind(port));
        }
    }

    Mode mode() {
        return mode;
    }

    void heal() throws IOException {
        trip.set(null);
        tripHappened = false;
        mode(Mode.PASS);
    }

    /**
     * Arms a one-shot trip wire: when a client sends {@code marker}, run {@code alsoDo} and, unless
     * {@code then} is null (observe only), cut before the chunk is forwarded and switch to {@code then}.
     */
    void cutWhenClientSends(String marker, Mode then, Runnable alsoDo) {
        onTrip = alsoDo == null ? () -> { } : alsoDo;
        trip.set(new Trip(marker.getBytes(StandardCharsets.US_ASCII), then));
    }

    /** True once an armed trip wire has fired. */
    boolean tripped() {
        return tripHappened;
    }

    private ServerSocket bind(int onPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        return socket;
    }

    private void listen(ServerSocket socket) {
        listener = socket;
        Thread acceptor = new Thread(() -> acceptLoop(socket), "faulty-proxy-" + port + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!closed && !socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // listener closed (REFUSE or close())
            }
            accepted.incrementAndGet();
            switch (mode) {
                case PASS -> connect(client);
                case BLACK_HOLE -> swallow(client);
                default -> closeQuietly(client);
            }
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(target, 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        live.add(client);
        live.add(server);
        start("up", () -> pump(client, server, true));
        start("down", () -> pump(server, client, false));
    }

    private void swallow(Socket client) {
        live.add(client);
        start("hole", () -> {
            try (InputStream in = client.getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // cut
            } finally {
                live.remove(client);
            }
        });
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        byte[] buffer = new byte[16 * 1024];
        byte[] tail = new byte[0]; // end of the previous chunk, so a marker split over two reads is still seen
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (upstream) {
                    Trip armed = trip.get();
                    if (armed != null) {
                        byte[] window = new byte[tail.length + n];
                        System.arraycopy(tail, 0, window, 0, tail.length);
                        System.arraycopy(buffer, 0, window, tail.length, n);
                        if (indexOf(window, armed.marker()) >= 0 && trip.compareAndSet(armed, null)) {
                            tripHappened = true;
                            onTrip.run();
                            if (armed.then() != null) {
                                mode(armed.then());
                                cutAll();
                                return;
                            }
                        }
                        int keep = Math.min(window.length, armed.marker().length - 1);
                        tail = java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
                    }
                }
                if (mode != Mode.PASS) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the other side or a fault closed the connection
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            live.remove(from);
            live.remove(to);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void cutAll() {
        for (Socket socket : live) {
            closeQuietly(socket);
        }
        live.clear();
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, "faulty-proxy-" + port + "-" + name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // RST rather than FIN: the peer sees the connection broken, not finished
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cutAll();
        listener.close();
    }
}
