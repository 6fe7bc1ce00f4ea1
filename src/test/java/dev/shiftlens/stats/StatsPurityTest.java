package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The statistics package stays pure: it may use only the JDK and Commons Math 3, and of the JDK not
 * JDBC ({@code java.sql}), so that nothing in it can reach a database, the network or Vert.x.
 */
class StatsPurityTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/shiftlens/stats");
  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+(\\.\\*)?)\\s*;", Pattern.MULTILINE);
  /** A qualified type name written out in code, like {@code io.vertx.core.Future}. */
  private static final Pattern QUALIFIED = Pattern.compile("\\b((?:[a-z_][a-z0-9_]*\\.)+)[A-Z]");

  @Test
  void theStatisticsPackageImportsOnlyTheJdkAndCommonsMath() throws IOException {
    List<String> offences = new ArrayList<>();
    List<Path> files = sources();
    assertTrue(files.size() > 1, "no sources found under " + SOURCES.toAbsolutePath());
    assertTrue(files.stream().anyMatch(f -> f.endsWith("package-info.java")), "package-info.java is missing");
    for (Path file : files) {
      Matcher m = IMPORT.matcher(Files.readString(file));
      while (m.find()) {
        if (!allowed(m.group(2))) {
          offences.add(file.getFileName() + ": import " + m.group(2));
        }
      }
    }
    assertTrue(offences.isEmpty(), String.join("\n", offences));
  }

  @Test
  void theStatisticsPackageNamesNoOtherPackageInItsCode() throws IOException {
    List<String> offences = new ArrayList<>();
    for (Path file : sources()) {
      String code = withoutCommentsAndStrings(Files.readString(file));
      Matcher m = QUALIFIED.matcher(code);
      while (m.find()) {
        String name = m.group(1);
        if (!allowed(name) && !name.equals("dev.shiftlens.stats.")) {
          offences.add(file.getFileName() + ": " + name);
        }
      }
    }
    assertTrue(offences.isEmpty(), String.join("\n", offences));
  }

  @Test
  void theCheckRejectsJdbcVertxAndJackson() {
    assertTrue(allowed("java.util.Arrays"));
    assertTrue(allowed("org.apache.commons.math3.special.Beta"));
    assertTrue(!allowed("java.sql.Connection"));
    assertTrue(!allowed("io.vertx.core.Future"));
    assertTrue(!allowed("com.fasterxml.jackson.databind.ObjectMapper"));
    assertTrue(!allowed("javax.sql.DataSource"));
    assertTrue(!allowed("dev.shiftlens.platform.Config"));
  }

  private static boolean allowed(String name) {
    return name.startsWith("java.") && !name.startsWith("java.sql.") || name.startsWith("org.apache.commons.math3.");
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** The source with comments, string and character literals blanked, so that prose cannot trip the check. */
  private static String withoutCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("//", i)) {
        i = s.indexOf('\n', i);
        if (i < 0) {
          break;
        }
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
        out.append(' ');
      } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
        char quote = s.charAt(i++);
        while (i < s.length() && s.charAt(i) != quote) {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(quote).append(quote);
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }
}
