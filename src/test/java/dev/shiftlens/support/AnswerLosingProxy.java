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
 * A TCP relay in front of a real server that, while {@link #loseAnswers} is on, delivers requests
 * whole but closes the connection at the first byte of the answer: the server did the work, and its
 * client never hears so (as when a server dies after committing and before answering).
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
        relay(client, server, false);
        relay(server, client, true);
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection end
      }
    }
  }

  private void relay(Socket from, Socket to, boolean answers) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int pass = n;
          if (answers && lose.get()) {
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
