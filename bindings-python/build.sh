#!/usr/bin/env bash
# Builds the autosend-sdk abi3 wheel and installs it into bindings-python/.venv (created if
# missing; maturin, pytest and mypy come from PyPI). Respects CARGO_TARGET_DIR.
# Afterwards: bindings-python/.venv/bin/python bindings-python/examples/send.py
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${AUTOSEND_PY_VENV:-$HERE/.venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
        # Debian's own python3 ships venv/ensurepip separately (python3-venv).
        rm -rf "$VENV"
        ver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo -E"
        echo "build.sh: installing python3-venv (python$ver-venv) for $PY"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv "python$ver-venv" \
            || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
        "$PY" -m venv "$VENV"
    fi
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.5,<2" pytest mypy "jwcrypto>=1.5,<2"

WHEELS="$CARGO_TARGET_DIR/wheels"
mkdir -p "$WHEELS"
rm -f "$WHEELS"/autosend_sdk-*.whl
(cd "$HERE" && "$VENV/bin/maturin" build --quiet --release --out "$WHEELS")
WHEEL="$(ls "$WHEELS"/autosend_sdk-*-abi3-*.whl | head -n1)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
echo "installed $WHEEL into $VENV"
