package dev.shiftlens.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real store, so that a test can make the store unreachable ({@link #cut})
 * and reachable again ({@link #restore}) without stopping the store other tests use.
 */
public final class CuttableProxy implements AutoCloseable {
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;

  public CuttableProxy(String targetHost, int targetPort) {
    this.port = TestServer.freePort();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    restore();
  }

  public int port() {
    return port;
  }

  public synchronized void restore() {
    if (listener != null && !listener.isClosed()) return;
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      listener = s;
      Thread accept = new Thread(() -> acceptLoop(s), "proxy-accept");
      accept.setDaemon(true);
      accept.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Refuses new connections and breaks the open ones. */
  public synchronized void cut() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    sockets.clear();
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        synchronized (this) {
          if (s.isClosed()) { // cut while this connection was being accepted: it must not live on
            client.close();
            upstream.close();
            return;
          }
          sockets.add(client);
          sockets.add(upstream);
        }
        pipe(client.getInputStream(), upstream.getOutputStream(), upstream);
        pipe(upstream.getInputStream(), client.getOutputStream(), client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pipe(InputStream in, OutputStream out, Socket toClose) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // the other side went away
      }
      try {
        toClose.shutdownOutput();
      } catch (IOException ignored) {
        // already closed
      }
    }, "proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    cut();
  }
}
