package dev.shiftlens.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The SQL of the top-level {@code sql/} folder, shipped in the jar: named queries
 * ({@code sql/<store>/queries/<name>.sql}) and numbered migrations ({@code sql/<store>/NNN_name.sql}).
 * A query that does not exist fails the class that asks for it as it loads, that is at start-up.
 */
public final class SqlFiles {
  /** The name of each named query loaded so far, by its text: store errors are counted by query name. */
  private static final Map<String, String> NAMES = new ConcurrentHashMap<>();

  private SqlFiles() {}

  public static String postgres(String name) {
    return named(name, read("sql/postgres/queries/" + name + ".sql"));
  }

  public static String clickhouse(String name) {
    return named(name, read("sql/clickhouse/queries/" + name + ".sql"));
  }

  /** The name of a named query from its text, or {@code fallback} for SQL that is not one. */
  public static String nameOf(String sql, String fallback) {
    String name = sql == null ? null : NAMES.get(sql);
    return name == null ? fallback : name;
  }

  private static String named(String name, String sql) {
    NAMES.putIfAbsent(sql, name);
    return sql;
  }

  /** Migration file names of one store ({@code postgres} or {@code clickhouse}), in order. */
  public static List<String> migrations(String store) {
    String folder = "sql/" + store;
    URL url = SqlFiles.class.getClassLoader().getResource(folder);
    if (url == null) throw new IllegalStateException("no " + folder + " folder on the class path");
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return list(fs.getPath(folder));
      }
      return list(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String migration(String store, String fileName) {
    return read("sql/" + store + "/" + fileName);
  }

  private static List<String> list(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{3}_[a-z0-9_]+\\.sql"))
          .sorted()
          .toList();
    }
  }

  private static String read(String resource) {
    try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing SQL resource " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
