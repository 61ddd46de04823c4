#!/usr/bin/env bash
# Installs Spark as an Iceberg peer for tests/interop_spark: pyspark from PyPI and, from Maven
# Central, the Iceberg Spark runtime and the SQLite JDBC driver (Spark opens floe's catalog
# file through Iceberg's JdbcCatalog). The jars go to FLOE_PEERS_DIR/jars (default
# ~/.cache/floe/test-peers/jars), never into the repository; each is checked against its
# pinned SHA-1. pyspark must match the runtime's Spark minor (4.1) and needs Java 17 or newer.
# Test tools only, never runtime dependencies of floe. Idempotent: quiet when satisfied.
set -euo pipefail
PY=${PYTHON:-python3}
PYSPARK_VERSION=4.1.4
ICEBERG_VERSION=1.11.0
SQLITE_JDBC_VERSION=3.54.1.0
MAVEN=https://repo1.maven.org/maven2
JARS=${FLOE_PEERS_DIR:-$HOME/.cache/floe/test-peers}/jars

java_major=$(java -XshowSettings:properties -version 2>&1 |
  sed -n 's/^ *java.specification.version = //p')
if [ -z "$java_major" ] || [ "${java_major%%.*}" -lt 17 ]; then
  echo "install-spark-peer: Spark $PYSPARK_VERSION needs Java 17 or newer" \
    "(found: ${java_major:-none})" >&2
  exit 1
fi

if ! $PY - "$PYSPARK_VERSION" <<'PYEOF' 2>/dev/null; then
import sys
from importlib.metadata import version
import pyarrow, pytest
assert version("pyspark") == sys.argv[1]
PYEOF
  echo "installing pyspark $PYSPARK_VERSION (Spark, an Iceberg test peer)"
  $PY -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    "pyspark==$PYSPARK_VERSION" "pyarrow>=17" "pytest>=7"
fi

# fetch GROUP_PATH ARTIFACT VERSION SHA1: one jar from Maven Central into $JARS.
fetch() {
  local file="$2-$3.jar"
  if [ -f "$JARS/$file" ] && echo "$4  $JARS/$file" | sha1sum -c --status; then
    return
  fi
  echo "downloading $file from Maven Central"
  mkdir -p "$JARS"
  local tmp
  tmp=$(mktemp "$JARS/.$file.XXXXXX")
  if ! curl -fsSL --retry 3 -o "$tmp" "$MAVEN/$1/$2/$3/$file"; then
    rm -f "$tmp"
    echo "install-spark-peer: cannot download $MAVEN/$1/$2/$3/$file" >&2
    exit 1
  fi
  if ! echo "$4  $tmp" | sha1sum -c --status; then
    rm -f "$tmp"
    echo "install-spark-peer: $file does not match its pinned SHA-1 $4" >&2
    exit 1
  fi
  chmod 644 "$tmp"
  mv "$tmp" "$JARS/$file"
}
fetch org/apache/iceberg iceberg-spark-runtime-4.1_2.13 "$ICEBERG_VERSION" \
  f9b1e4a18797c58ae406104ef5c75d1b64a373c5
fetch org/xerial sqlite-jdbc "$SQLITE_JDBC_VERSION" b74a59de3ae1dbab7c550fe7c46099980261a676
