package dev.dntme.gateway.support;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Records every URL connection the JVM opens (Java's HTTP stacks ask the default ProxySelector first), for tests
 * that prove the application opens no outbound connection. Install it before the application context starts.
 */
public final class UrlConnectionRecorder {

    private UrlConnectionRecorder() {}

    /** Adds every URI a connection is opened to to {@code into}; returns the selector it replaced. */
    public static ProxySelector install(List<URI> into) {
        ProxySelector previous = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                into.add(uri);
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        });
        return previous;
    }
}
