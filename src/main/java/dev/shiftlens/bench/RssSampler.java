package dev.shiftlens.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples a process's resident memory from {@code /proc/PID/status} every 100 ms on a daemon
 * thread: the largest VmRSS seen while sampling, and the kernel's own high-water mark VmHWM.
 */
final class RssSampler implements AutoCloseable {
  private static final long PERIOD_MILLIS = 100;

  private final Path status;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakRssKb = -1;
  private volatile long hwmKb = -1;
  private volatile int samples;

  RssSampler(long pid) {
    status = Path.of("/proc", Long.toString(pid), "status");
    thread = new Thread(this::loop, "rss-sampler-" + pid);
    thread.setDaemon(true);
  }

  RssSampler start() {
    sample();
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      if (!sample()) {
        return; // the process is gone
      }
    }
  }

  private boolean sample() {
    String text;
    try {
      text = Files.readString(status, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return false;
    }
    long rss = field(text, "VmRSS:");
    long hwm = field(text, "VmHWM:");
    if (rss > peakRssKb) {
      peakRssKb = rss;
    }
    if (hwm > hwmKb) {
      hwmKb = hwm;
    }
    samples++;
    return true;
  }

  /** The number in a line such as {@code VmRSS:	  812345 kB}, or -1. */
  static long field(String status, String name) {
    int at = status.indexOf(name);
    if (at < 0) {
      return -1;
    }
    int end = status.indexOf('\n', at);
    String value = status.substring(at + name.length(), end < 0 ? status.length() : end);
    return Long.parseLong(value.replace("kB", "").strip());
  }

  /** Largest VmRSS sampled, in kB; -1 when nothing could be read. */
  long peakRssKb() {
    return peakRssKb;
  }

  /** VmHWM at the last sample (peak RSS since the process started), in kB; -1 when unknown. */
  long hwmKb() {
    return hwmKb;
  }

  int samples() {
    return samples;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
    sample();
  }
}
