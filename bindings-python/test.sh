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
PY="${PYTHON:-python3}"

echo "== venv: $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.5,<2" pytest mypy

echo "== cargo build -p autosend-sandbox"
(cd "$ROOT" && cargo build --quiet -p autosend-sandbox)
SANDBOX_BIN="$TARGET/debug/autosend-sandbox"
test -x "$SANDBOX_BIN"

echo "== maturin build --release"
WHEELS="$TARGET/wheels"
rm -f "$WHEELS"/autosend_sdk-*.whl
(cd "$HERE" && "$VENV/bin/maturin" build --quiet --release --out "$WHEELS")
WHEEL="$(ls "$WHEELS"/autosend_sdk-*-abi3-*.whl | head -n1)"
echo "   $WHEEL"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

cd "$HERE"
echo "== mypy --strict (installed package stubs + examples)"
PKG_DIR="$("$VENV/bin/python" -c 'import autosend, os; print(os.path.dirname(autosend.__file__))')"
case "$PKG_DIR" in
    "$VENV"/*) ;;
    *) echo "autosend imported from $PKG_DIR, not from the installed wheel" >&2; exit 1 ;;
esac
"$VENV/bin/python" -m mypy --strict --no-incremental --cache-dir /dev/null -p autosend
"$VENV/bin/python" -m mypy --strict --no-incremental --cache-dir /dev/null examples/typed.py examples/send.py examples/quickstart.py

echo "== pytest"
AUTOSEND_SANDBOX_BIN="$SANDBOX_BIN" AUTOSEND_REQUIRE_SANDBOX=1 \
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
