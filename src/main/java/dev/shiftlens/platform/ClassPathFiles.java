package dev.shiftlens.platform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Files that ship in the jar and are served as they are (the API documentation, the dashboard, the
 * webjars they use), read once at start-up: a missing one fails start-up, not a later request.
 */
public final class ClassPathFiles {
  private ClassPathFiles() {}

  public static byte[] read(String name) {
    try (InputStream in = ClassPathFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("no " + name + " on the class path");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The folder of a webjar's files, {@code META-INF/resources/webjars/<artifact>/<version>/}, with the
   * version its Maven properties name, so that upgrading the webjar needs no change of code.
   */
  public static String webjar(String groupId, String artifactId) {
    String properties = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    Properties p = new Properties();
    try {
      p.load(new ByteArrayInputStream(read(properties)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version");
    if (version == null || version.isBlank()) throw new IllegalStateException(properties + " names no version");
    return "META-INF/resources/webjars/" + artifactId + "/" + version.strip() + "/";
  }
}
