#!/usr/bin/env bash
# Installs the Python peers floe's interop tests and benchmarks compare against (pyarrow,
# DuckDB) and pytest, from PyPI. They are test tools, never runtime dependencies of floe.
# Idempotent: quiet when already satisfied.
set -euo pipefail
PY=${PYTHON:-python3}
if $PY - <<'PYEOF' 2>/dev/null; then
import duckdb, numpy, pyarrow, pytest
assert duckdb.__version__ == "1.5.5"
PYEOF
  exit 0
fi
echo "installing Python test peers (pyarrow, duckdb, pytest)"
$PY -m pip install -q --disable-pip-version-check --root-user-action=ignore \
  "duckdb==1.5.5" "pyarrow>=17" "numpy" "pytest>=7"
