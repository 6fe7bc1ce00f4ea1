# Sourced by the benchmark scripts, from the project root: the jar's path, a way to say things, and
# bench_prepare, which starts ClickHouse and PostgreSQL when they are down and builds the jar when it
# is missing or older than the sources.
JAR=target/shiftlens.jar

say() { printf 'bench: %s\n' "$*" >&2; }

bench_prepare() {
  scripts/services.sh up
  local sources=(pom.xml src)
  [ -d sql ] && sources+=(sql)
  if [ ! -f "$JAR" ] || [ -n "$(find "${sources[@]}" -newer "$JAR" -print -quit)" ]; then
    say "building $JAR"
    mvn -q -B package -DskipTests
  fi
  mkdir -p target
}
