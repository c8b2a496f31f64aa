#!/usr/bin/env bash
# Builds the autosend-sdk wheel in a fresh venv, installs it, and runs mypy + pytest
# (conformance vectors, end-to-end against the local HTTPS sandbox, threads, bad input).
# Respects CARGO_TARGET_DIR. Exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TARGET_DIR="$TARGET"
VENV="${AUTOSEND_PY_VENV:-$HERE/.venv}"

echo "== build + install the wheel into $VENV"
bash "$HERE/build.sh"

echo "== cargo build -p autosend-sandbox"
(cd "$ROOT" && cargo build --quiet -p autosend-sandbox)
SANDBOX_BIN="$TARGET/debug/autosend-sandbox"
test -x "$SANDBOX_BIN"

cd "$HERE"
echo "== mypy --strict (installed package stubs + examples)"
PKG_DIR="$("$VENV/bin/python" -c 'import autosend, os; print(os.path.dirname(autosend.__file__))')"
case "$PKG_DIR" in
    "$VENV"/*) ;;
    *) echo "autosend imported from $PKG_DIR, not from the installed wheel" >&2; exit 1 ;;
esac
"$VENV/bin/python" -m mypy --strict --no-incremental --cache-dir /dev/null -p autosend
"$VENV/bin/python" -m mypy --strict --no-incremental --cache-dir /dev/null examples/typed.py examples/send.py examples/quickstart.py

echo "== stubtest: _native.pyi against the compiled module"
"$VENV/bin/python" -m mypy.stubtest --mypy-config-file /dev/null autosend._native

echo "== pytest"
AUTOSEND_SANDBOX_BIN="$SANDBOX_BIN" AUTOSEND_REQUIRE_SANDBOX=1 \
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
