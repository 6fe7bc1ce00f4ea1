package dev.shiftlens.platform;

/** Starts the HTTP server (work in progress). */
public final class Server {
  private Server() {}

  public static void main(String[] args) {
    throw new UnsupportedOperationException("serve is not built yet");
  }
}
