package dev.shiftlens.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used, from {@code /proc/PID/stat} (user plus system, in clock ticks of
 * 1/100 s). CPU seconds per million rows say where the work goes even when the machine is noisy.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Seconds of CPU used so far by {@code pid}, or -1 when it cannot be read. */
  static double seconds(long pid) {
    if (pid <= 0) return -1;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command name: state is field 3 of the file, utime 14 and stime 15.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The pid of the first process whose command line contains {@code needle}, or -1. */
  static long find(String needle) {
    try (var procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              return new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ').contains(needle);
            } catch (IOException e) {
              return false;
            }
          })
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .min().orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }
}
