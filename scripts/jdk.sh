# Sourced by the other scripts: picks the newest JDK >= 21 under /usr/lib/jvm (the machine's default
# java may be 17, which cannot build or run sidewatch) and exports JAVA_HOME and PATH.
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/javac" -version 2>&1 | grep -Eq 'javac (2[1-9]|[3-9][0-9])'; then
  best=""; best_major=0
  for dir in /usr/lib/jvm/*/; do
    [ -x "${dir}bin/javac" ] || continue
    major=$("${dir}bin/javac" -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p')
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=${dir%/}; best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "sidewatch: no JDK >= 21 under /usr/lib/jvm; install one (e.g. apt-get install openjdk-21-jdk-headless)" >&2
    return 1 2>/dev/null || exit 1
  fi
  export JAVA_HOME="$best"
fi
export PATH="$JAVA_HOME/bin:$PATH"
# JDK 25 warns about sun.misc.Unsafe use in Maven's Guava and protobuf; the flag only exists from JDK 23 on.
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
