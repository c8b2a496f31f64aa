#!/usr/bin/env bash
# Builds the autosend-sdk abi3 wheel for manylinux2014 x86_64 (glibc >= 2.17: linked by zig,
# maturin --zig; stripped) and installs it into bindings-python/.venv (created if missing;
# pytest and mypy come from PyPI, maturin and zig from scripts/pkg-tools.sh). Respects
# CARGO_TARGET_DIR. AUTOSEND_PY_NATIVE_LINK=1 builds for this machine's glibc instead (no zig).
# The other platforms' wheels and the sdist: scripts/package.sh --all.
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
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pytest mypy "jwcrypto>=1.5,<2" "uvloop>=0.19,<1"
# shellcheck source=../scripts/pkg-tools.sh
source "$ROOT/scripts/pkg-tools.sh"

WHEELS="$CARGO_TARGET_DIR/wheels"
mkdir -p "$WHEELS"
rm -f "$WHEELS"/autosend_sdk-*.whl
if [ "${AUTOSEND_PY_NATIVE_LINK:-0}" = 1 ]; then
    (cd "$HERE" && maturin build --quiet --release --strip --out "$WHEELS")
else
    (cd "$HERE" && maturin build --quiet --release --strip --zig --compatibility manylinux2014 \
        --target x86_64-unknown-linux-gnu --out "$WHEELS")
fi
WHEEL="$(ls "$WHEELS"/autosend_sdk-*-abi3-*.whl | head -n1)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
echo "installed $WHEEL into $VENV"
