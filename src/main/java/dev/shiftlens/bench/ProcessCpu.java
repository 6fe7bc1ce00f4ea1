package dev.shiftlens.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

  /**
   * The pid of the process that listens on TCP {@code port} (from {@code /proc/net/tcp*} and the
   * processes' open sockets), or -1. Several ClickHouse servers may run on one machine, so the one a
   * benchmark talks to is found by its port, not by its name.
   */
  static long listening(int port) {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; the inode is field 10.
          if (f.length > 9 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) inodes.add(f[9]);
        }
      } catch (IOException | RuntimeException e) {
        // no such table (no IPv6): the other one may have it
      }
    }
    if (inodes.isEmpty()) return -1;
    try (var procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try (var fds = Files.list(p.resolve("fd"))) {
              return fds.anyMatch(fd -> {
                try {
                  String target = Files.readSymbolicLink(fd).toString();
                  return target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1));
                } catch (IOException | RuntimeException e) {
                  return false;
                }
              });
            } catch (IOException | RuntimeException e) {
              return false;
            }
          })
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .min().orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The ClickHouse server that answers on {@code httpUrl}'s port (8123 when it names none), or -1. */
  static long clickhouse(String httpUrl) {
    int port = java.net.URI.create(httpUrl.split(",")[0].strip()).getPort();
    return listening(port > 0 ? port : 8123);
  }
}
