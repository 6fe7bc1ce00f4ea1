package dev.shiftlens.platform;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods a router answers on a path, so that a request with another method is told 405 and
 * {@code Allow} rather than 404. Built once the routes are in place; immutable, read on the event loop.
 */
final class AllowedMethods {
  private record Entry(Pattern path, Set<HttpMethod> methods) {}

  private final List<Entry> entries;

  private AllowedMethods(List<Entry> entries) {
    this.entries = entries;
  }

  /** The routes of {@code router} that have both a plain path (with {@code :name} parameters) and methods. */
  static AllowedMethods of(Router router) {
    List<Entry> entries = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      // A route with path parameters counts as a regex route too; its getPath() still gives the template.
      if (route.getPath() == null || methods == null || methods.isEmpty()) continue;
      entries.add(new Entry(pattern(route.getPath()), Set.copyOf(methods)));
    }
    return new AllowedMethods(List.copyOf(entries));
  }

  /** The methods with a route for {@code path}, sorted by name, in a new set; empty when no route has the path. */
  Set<String> on(String path) {
    Set<String> out = new TreeSet<>();
    for (Entry e : entries) {
      if (e.path().matcher(path).matches()) e.methods().forEach(m -> out.add(m.name()));
    }
    return out;
  }

  private static Pattern pattern(String path) {
    String[] segments = path.split("/", -1);
    StringBuilder regex = new StringBuilder();
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      regex.append('/');
      if (segment.equals("*")) regex.append(".*");
      else if (segment.startsWith(":")) regex.append("[^/]+");
      else if (!segment.isEmpty()) regex.append(Pattern.quote(segment));
    }
    // Vert.x matches a plain path with or without a trailing slash.
    if (!path.endsWith("/")) regex.append("/?");
    return Pattern.compile(regex.toString());
  }
}
