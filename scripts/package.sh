#!/usr/bin/env bash
# Builds and checks the release artifacts of autosend (issue 15):
#   bash scripts/package.sh          # sdist + manylinux2014 x86_64 wheel, checked; crates packaged
#   bash scripts/package.sh --all    # also manylinux2014 aarch64 and musllinux_1_2 x86_64 + aarch64
#                                    # wheels (each a cold cross build: minutes), and the crates
#                                    # verified by `cargo publish --dry-run` (compiles them)
#   bash scripts/package.sh --musl   # the default set plus the musllinux_1_2 x86_64 wheel, run on
#                                    # a musl CPython (scripts/musl-python.sh; built once, cached)
# Wheels are built by maturin with zig (ziglang from PyPI: scripts/pkg-tools.sh), stripped, and
# checked by bindings-python/check-wheel.sh (twine, check-wheel-contents, abi3audit, auditwheel).
# Every x86_64 wheel is installed into a fresh venv; the glibc one runs
# bindings-python/tests/smoke_wheel.py and the tests that need no sandbox, the aarch64 glibc one
# runs the smoke test and the transport-hook/input tests on Debian's arm64 CPython under
# qemu-user. The musl wheels are checked by auditwheel (musllinux_1_2), abi3audit, the ELF
# check of check-wheel.sh (libc.musl-<arch>.so.1 only, no glibc symbol version) and musl's own
# loader (Debian's musl; aarch64 under qemu) resolving every libc symbol of the extension; the
# x86_64 one is then installed (pip picks it by tag) and tested like the glibc one on a musl
# CPython built from Debian's source by scripts/musl-python.sh. What runs where:
# docs/packaging.md. Output: $CARGO_TARGET_DIR/dist.
# The C library: bindings-c/install.sh (glibc 2.17, zig); its checks run in bindings-c/test.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
all=0
musl=0
case "${1:-}" in
    --all) all=1 musl=1 ;;
    --musl) musl=1 ;;
    "") ;;
    *) echo "usage: bash scripts/package.sh [--all|--musl]" >&2; exit 2 ;;
esac
# shellcheck source=pkg-tools.sh
source "$ROOT/scripts/pkg-tools.sh"
dist="$CARGO_TARGET_DIR/dist"
rm -rf "$dist"
mkdir -p "$dist"

# name:rust-target:maturin-compatibility
builds=("x86_64-unknown-linux-gnu:manylinux2014")
[ "$musl" = 1 ] && builds+=("x86_64-unknown-linux-musl:musllinux_1_2")
if [ "$all" = 1 ]; then
    builds+=("aarch64-unknown-linux-gnu:manylinux2014" "aarch64-unknown-linux-musl:musllinux_1_2")
fi

say "sdist"
(cd bindings-python && maturin sdist --out "$dist")

# zig links a musl extension against `libc.so`; Alpine names its C library
# `libc.musl-<arch>.so.1` (musl's loader answers to both: any `libc.*` is itself), and
# auditwheel's musllinux_1_2 policy allows only that name. Rename the NEEDED entry (patchelf)
# and repack the wheel (`wheel pack` rewrites RECORD).
musl_soname() {
    local whl="$1" arch="$2" tmp so
    tmp="$(mktemp -d)"
    wheel unpack -d "$tmp" "$whl" >/dev/null
    for so in "$tmp"/*/autosend/*.so; do
        patchelf --replace-needed libc.so "libc.musl-$arch.so.1" "$so"
    done
    rm -f "$whl"
    wheel pack -d "$(dirname "$whl")" "$tmp"/autosend_sdk-* >/dev/null
    rm -rf "$tmp"
}

for b in "${builds[@]}"; do
    t="${b%%:*}"
    compat="${b#*:}"
    rustup target list --installed | grep -qx "$t" || rustup target add "$t"
    say "wheel $t ($compat)"
    t0=$SECONDS
    (cd bindings-python && maturin build --quiet --release --strip --zig --target "$t" \
        --compatibility "$compat" --out "$dist")
    case "$t" in
        *-musl) musl_soname "$(ls "$dist"/autosend_sdk-*-musllinux_1_2_"${t%%-*}".whl)" "${t%%-*}" ;;
    esac
    echo "-- $t: $((SECONDS - t0)) s"
done
say "wheel checks"
bash bindings-python/check-wheel.sh "$dist"/*.whl "$dist"/*.tar.gz

smoke="$ROOT/bindings-python/tests/smoke_wheel.py"
root="$CARGO_TARGET_DIR/arm64-root"
apt_need() {  # Debian packages: musl, qemu-user-static, mmdebstrap
    local missing=() p
    for p in "$@"; do
        case "$p" in
            musl) [ -x /lib/ld-musl-x86_64.so.1 ] || missing+=(musl) ;;
            qemu-user-static) command -v qemu-aarch64-static >/dev/null || missing+=("$p") ;;
            *) command -v "$p" >/dev/null || missing+=("$p") ;;
        esac
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -E"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
# Debian's arm64 CPython and musl, unpacked (~80 MB, once) for qemu-user.
arm64_root() {
    apt_need qemu-user-static mmdebstrap
    if [ ! -x "$root/usr/bin/python3.11" ] || [ ! -e "$root/lib/ld-musl-aarch64.so.1" ]; then
        rm -rf "$root"
        mmdebstrap --quiet --arch=arm64 --variant=extract \
            --include=python3.11-minimal,libpython3.11-stdlib,libgcc-s1,musl bookworm "$root" http://deb.debian.org/debian
    fi
}
# musl's dynamic loader in list mode (ldd) on the extension: it must load, and every symbol it
# cannot resolve must be one of the Python C API (the interpreter provides those); any libc
# symbol musl 1.2 lacks would show up here.
musl_load_check() {
    local whl="$1" arch="$2" tmp out bad
    tmp="$(mktemp -d)"
    python3 -m zipfile -e "$whl" "$tmp"
    if [ "$arch" = x86_64 ]; then
        apt_need musl
        out="$(/lib/ld-musl-x86_64.so.1 --list "$tmp"/autosend/*.so 2>&1 || true)"
    else
        arm64_root
        out="$(qemu-aarch64-static -L "$root" "$root/lib/ld-musl-aarch64.so.1" --list "$tmp"/autosend/*.so 2>&1 || true)"
    fi
    rm -rf "$tmp"
    bad="$(grep -v "^[[:space:]]" <<<"$out" | grep -v ': _\?Py[A-Za-z_0-9]*: symbol not found$' || true)"
    if [ -n "$bad" ] || ! grep -q "libc.musl-$arch.so.1 => " <<<"$out"; then
        echo "package.sh: musl's loader rejects $(basename "$whl"):" >&2
        echo "$out" | head -20 >&2
        exit 1
    fi
    echo "$(basename "$whl"): musl $arch loader resolves every libc symbol ($(grep -c 'symbol not found' <<<"$out") Python C API symbols left to the interpreter)"
}
# The musllinux x86_64 wheel on a real musl CPython (scripts/musl-python.sh: Debian's CPython
# source built with musl-gcc, cached in $CARGO_TARGET_DIR/musl-python; ~10 min the first time):
# a fresh venv (pip 22.3.1 from CPython's bundled wheel), pip picks the wheel by tag from
# $dist (which also holds the glibc wheels and the sdist), then the smoke test and the same
# pytest files as the glibc wheel. Test deps are pure Python: downloaded by the glibc pip
# for the musl platform, installed offline (the musl CPython has no ssl).
musl_wheel_tests() {
    local whl="$1" py v wh tag t0=$SECONDS
    say "musl CPython: $(basename "$whl")"
    py="$(bash "$ROOT/scripts/musl-python.sh")"
    echo "-- musl CPython ready: $((SECONDS - t0)) s ($py)"
    v="$(mktemp -d)"
    "$py" -m venv "$v"
    wh="$CARGO_TARGET_DIR/musl-python/wheelhouse"
    python3 -m pip download --quiet --disable-pip-version-check --dest "$wh" --only-binary=:all: \
        --platform musllinux_1_2_x86_64 --python-version 3.11 --implementation cp pytest
    "$v/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$wh" pytest
    "$v/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --only-binary=:all: \
        --find-links "$dist" autosend-sdk
    tag="$(sed -n 's/^Tag: //p' "$v"/lib/python3.11/site-packages/autosend_sdk-*.dist-info/WHEEL)"
    [ "$tag" = cp39-abi3-musllinux_1_2_x86_64 ] ||
        { echo "package.sh: pip on musl CPython installed the $tag wheel" >&2; exit 1; }
    echo "pip on musl CPython $("$v/bin/python" -c 'import platform; print(platform.python_version())') picked $tag from $dist"
    (cd /tmp && "$v/bin/python" "$smoke")
    (cd bindings-python && "$v/bin/python" -m pytest -q -p no:cacheprovider tests/test_vectors.py \
        tests/test_input.py tests/test_name_clash.py tests/test_surface.py tests/test_transport_hook.py)
    rm -rf "$v"
    echo "-- musl CPython venv, install and tests: $((SECONDS - t0)) s"
}
say "fresh-venv install of the x86_64 wheels"
for w in "$dist"/*x86_64*.whl; do
    case "$w" in
        *musllinux*)
            musl_load_check "$w" x86_64
            musl_wheel_tests "$w" ;;
        *)
            v="$(mktemp -d)"
            python3 -m venv "$v"
            "$v/bin/python" -m pip install --quiet --disable-pip-version-check "$w"
            "$v/bin/python" -m pip install --quiet --disable-pip-version-check pytest "jwcrypto>=1.5,<2"
            (cd /tmp && "$v/bin/python" "$smoke")
            # The tests that need no sandbox, run against the installed wheel.
            (cd bindings-python && "$v/bin/python" -m pytest -q -p no:cacheprovider tests/test_vectors.py \
                tests/test_input.py tests/test_name_clash.py tests/test_surface.py tests/test_transport_hook.py)
            rm -rf "$v" ;;
    esac
done

# aarch64 manylinux: imported and run by Debian's arm64 CPython under qemu-user (apt:
# qemu-user-static, mmdebstrap; the arm64 root is ~75 MB, built once in $CARGO_TARGET_DIR).
for w in "$dist"/*manylinux*aarch64*.whl; do
    [ -e "$w" ] || continue
    say "qemu-user: $(basename "$w") on arm64 CPython"
    arm64_root
    site="$(mktemp -d)"
    python3 -m zipfile -e "$w" "$site"
    # pytest is pure Python: pip puts it (and its deps) beside the wheel for the arm64 CPython.
    python3 -m pip install --quiet --disable-pip-version-check --target "$site" --python-version 3.11 \
        --only-binary=:all: --platform manylinux2014_aarch64 pytest
    run_arm64() { PYTHONPATH="$site" qemu-aarch64-static -L "$root" "$root/usr/bin/python3.11" "$@"; }
    (cd /tmp && run_arm64 "$smoke")
    # The transport-hook and input tests (no network; a subprocess would be an arm64 binary
    # without binfmt, so the example test is left out).
    (cd bindings-python && run_arm64 -m pytest -q -p no:cacheprovider tests/test_transport_hook.py \
        tests/test_input.py -k 'not test_example_runs_against_the_sandbox')
    rm -rf "$site"
done
for w in "$dist"/*musllinux*aarch64*.whl; do
    [ -e "$w" ] || continue
    say "qemu-user: musl's aarch64 loader on $(basename "$w")"
    musl_load_check "$w" aarch64
done

say "crates: cargo package (autosend, autosend-http)"
if [ "$all" = 1 ]; then
    cargo publish --dry-run --locked --allow-dirty -p autosend -p autosend-http
else
    # Packages both (local registry overlay for the path dependency) without compiling them.
    cargo package --locked --allow-dirty --no-verify -p autosend -p autosend-http
fi
cargo package --list --allow-dirty -p autosend | grep -q '^tests/vectors/pending.json$' \
    || { echo "package.sh: the autosend crate does not carry tests/vectors" >&2; exit 1; }

say "sizes"
ls -l "$dist"
