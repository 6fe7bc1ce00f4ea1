package dev.shiftlens.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a ClickHouse server that, while {@link #loseAnswers} is on, delivers insert
 * requests whole but closes the connection at the first byte of their answer: the server did the work,
 * and its client never hears so (as when a server dies after committing and before answering). Other
 * requests (health checks, reads) are answered as usual.
 */
public final class AnswerLosingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final AtomicBoolean lose = new AtomicBoolean();
  private final AtomicInteger lost = new AtomicInteger();

  public AnswerLosingProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Thread accept = new Thread(this::acceptLoop, "answer-losing-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public void loseAnswers(boolean on) {
    lose.set(on);
  }

  /** How many answers were lost so far. */
  public int lost() {
    return lost.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(targetHost, targetPort);
        AtomicBoolean inserting = new AtomicBoolean();
        relay(client, server, false, inserting);
        relay(server, client, true, inserting);
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection end
      }
    }
  }

  /** {@code inserting}: whether the request last started on this connection is an insert (HTTP/1.1, one at a time). */
  private void relay(Socket from, Socket to, boolean answers, AtomicBoolean inserting) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int pass = n;
          if (!answers && startsRequest(buffer, n)) {
            inserting.set(new String(buffer, 0, Math.min(n, 4096), java.nio.charset.StandardCharsets.ISO_8859_1).contains("INSERT"));
          }
          if (answers && lose.get() && inserting.get()) {
            // An interim "100 Continue" goes through, or the client would never send its body.
            pass = interimLength(buffer, n);
            if (pass > 0) {
              out.write(buffer, 0, pass);
              out.flush();
            }
            if (pass < n) {
              lost.incrementAndGet();
              break;
            }
            continue;
          }
          out.write(buffer, 0, pass);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "answer-losing-relay");
    t.setDaemon(true);
    t.start();
  }

  private static boolean startsRequest(byte[] buffer, int n) {
    String start = new String(buffer, 0, Math.min(n, 8), java.nio.charset.StandardCharsets.ISO_8859_1);
    return start.startsWith("POST ") || start.startsWith("GET ");
  }

  /** The length of the "HTTP/1.1 100 ..." responses at the start of {@code buffer}, 0 if it starts otherwise. */
  private static int interimLength(byte[] buffer, int n) {
    String text = new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = 0;
    while (text.startsWith("HTTP/1.1 100", at)) {
      int end = text.indexOf("\r\n\r\n", at);
      if (end < 0) break;
      at = end + 4;
    }
    return at;
  }

    private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
