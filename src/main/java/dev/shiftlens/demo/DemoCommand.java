package dev.shiftlens.demo;

/** Generates the demo dataset and loads it over HTTP (work in progress). */
public final class DemoCommand {
  private DemoCommand() {}

  public static void main(String[] args) {
    throw new UnsupportedOperationException("demo is not built yet");
  }
}
