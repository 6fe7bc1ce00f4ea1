package dev.shiftlens;

import java.util.Arrays;

/**
 * Command-line entry point: {@code serve} runs the server, {@code demo} loads the demo dataset, {@code import} loads a
 * file of contacts, events or sends through a running server.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "serve" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "serve" -> dev.shiftlens.platform.Server.main(rest);
      case "demo" -> dev.shiftlens.demo.DemoCommand.main(rest);
      case "import" -> dev.shiftlens.imports.ImportCommand.main(rest);
      default -> {
        System.err.println("usage: java -jar shiftlens.jar serve | demo [options] | import contacts|events|sends FILE [options]");
        System.exit(2);
      }
    }
  }
}
