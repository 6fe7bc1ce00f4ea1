package dev.shiftlens.bench;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** A benchmark's command line and exit status, the same for every benchmark. */
final class BenchArgs {
  /** Takes one option and its value; throws {@link IllegalArgumentException} for one it does not know. */
  interface Option {
    void set(String option, String value);
  }

  private BenchArgs() {}

  /**
   * Parses the options, runs the benchmark and exits: 2 with the usage when an argument is bad, 1 when
   * a check failed, 0 otherwise. {@code name} starts the error line.
   */
  static void main(String name, String usage, Runnable parse, Callable<Boolean> run) throws Exception {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      System.err.println("usage: " + usage);
      System.exit(2);
    }
    System.exit(run.call() ? 0 : 1);
  }

  /** The {@code flags} stand alone and go to {@code flag}; every other option takes the next argument as its value. */
  static void parse(String[] args, Set<String> flags, Consumer<String> flag, Option option) {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (flags.contains(name)) {
        flag.accept(name);
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + name);
      option.set(name, args[++i]);
    }
  }
}
