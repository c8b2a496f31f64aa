#!/usr/bin/env bash
# A musl-linked CPython for testing the musllinux wheels (issue 15): no musl Python comes
# prebuilt from the registries this project uses, so this builds one from Debian's source
# package of CPython (the `python3.11` orig tarball, fetched by `apt-get source` through a
# private deb-src list: the machine's apt configuration is not touched) with Debian's
# `musl-tools` (`musl-gcc`), and zlib (Debian's `zlib` source, also `musl-gcc`, static) for
# zipfile/pip. Minimal: no ssl, hashlib's OpenSSL, sqlite, ctypes, readline, curses, tk, bz2,
# lzma, uuid, dbm, test modules (Modules/Setup.local's *disabled* list; configure cannot
# see the glibc -dev headers through musl-gcc anyway).
#
#   bash scripts/musl-python.sh          # prints the interpreter's path (builds it once)
#
# The result is cached under $CARGO_TARGET_DIR/musl-python/<cpython>-<zlib>-r<recipe>/ and
# reused while the source versions and this recipe stay the same; the scratch source trees
# are deleted. Checked before it is handed out: PT_INTERP is /lib/ld-musl-x86_64.so.1, no
# extension module links a glibc library, the modules pip and pytest need import.
# Build log: <cache>/build.log.
set -euo pipefail
source "$(dirname "$0")/common.sh"
recipe=1                     # bump when the build below changes (new cache key)
arch="$(uname -m)"
[ "$arch" = x86_64 ] || { echo "musl-python.sh: only x86_64 is built (host is $arch)" >&2; exit 1; }
base="$CARGO_TARGET_DIR/musl-python"
mkdir -p "$base"

# Debian's source packages through a private apt state (deb-src of the mirror in use).
aptdir="$base/apt"
apt_src() {
    local uri codename
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
    uri="$(grep -h -m1 -oE '^URIs: *[^ ]+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        head -1 | sed 's/^URIs: *//')"
    [ -n "$uri" ] || uri="$(grep -h -m1 -oE '^deb +[^ ]+/debian/? ' /etc/apt/sources.list 2>/dev/null |
        awk '{print $2}' || true)"
    [ -n "$uri" ] || uri="http://deb.debian.org/debian"
    mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
    echo "deb-src $uri $codename main" >"$aptdir/sources.list"
    APT_OPTS=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache" -o Debug::NoLocking=1
        -o APT::Sandbox::User=root -qq)
    # The index is refreshed once a day at most.
    if [ -z "$(find "$aptdir/lists" -maxdepth 1 -name '*Sources*' -mtime -1 2>/dev/null)" ]; then
        apt-get "${APT_OPTS[@]}" update >/dev/null
    fi
}
# Upstream version of a source package's orig tarball: 3.11.2 for 3.11.2-6+deb12u8.
src_version() {
    apt-cache "${APT_OPTS[@]}" showsrc "$1" | awk '/^Version:/{print $2}' | sort -V | tail -1 |
        sed -E 's/^[0-9]+://; s/-[^-]*$//; s/\.dfsg.*$//'
}

apt_ensure musl-tools make gcc
apt_src
pyver="$(src_version python3.11)"
zver="$(src_version zlib)"
prefix="$base/cpython-$pyver-zlib-$zver-r$recipe"
py="$prefix/bin/python3.11"

# 185 MB -> 72 MB: the static libpython (twice) only serves embedding; debug symbols go
# (`strip` keeps .dynsym, which extension modules resolve the C API against).
trim() {
    rm -f "$prefix"/lib/libpython3.11.a "$prefix"/lib/python3.11/config-3.11-*/libpython3.11.a
    strip "$py" "$prefix"/lib/python3.11/lib-dynload/*.so
}

if [ ! -x "$py" ] || [ ! -e "$prefix/.complete" ]; then
    t0=$SECONDS
    rm -rf "$prefix"
    mkdir -p "$prefix"
    log="$prefix/build.log"
    scratch="$(mktemp -d "$base/scratch.XXXXXX")"
    trap 'rm -rf "$scratch"' EXIT
    echo "musl-python.sh: building CPython $pyver + zlib $zver with musl-gcc (log: $log)" >&2
    (cd "$scratch" && apt-get "${APT_OPTS[@]}" source --download-only python3.11 zlib >>"$log" 2>&1)
    tar -C "$scratch" -xf "$scratch"/zlib_*.orig.tar.*
    tar -C "$scratch" -xf "$scratch"/python3.11_*.orig.tar.*
    zsrc="$(find "$scratch" -maxdepth 1 -type d -name 'zlib-*' | head -1)"
    pysrc="$(find "$scratch" -maxdepth 1 -type d -name 'Python-*' | head -1)"
    zlib="$scratch/zlib"
    (cd "$zsrc" && CC=musl-gcc CFLAGS="-O2 -fPIC" ./configure --static --prefix="$zlib" &&
        make -j2 libz.a && make install) >>"$log" 2>&1
    # Modules left out on purpose (setup.py honours Setup.local's *disabled* list).
    printf '%s\n' '*disabled*' _ctypes readline _curses _curses_panel _dbm _gdbm _tkinter \
        _sqlite3 _ssl _hashlib nis _uuid _bz2 _lzma _crypt >"$pysrc/Modules/Setup.local"
    # musl-gcc is gcc with musl's specs, so it answers `--print-multiarch` with glibc's triplet,
    # which configure refuses (its own probe says x86_64-linux-musl): a wrapper answers for it.
    printf '#!/bin/sh\ncase "$1" in -print-multiarch|--print-multiarch) echo %s-linux-musl; exit 0 ;; esac\nexec musl-gcc "$@"\n' \
        "$arch" >"$scratch/musl-cc"
    chmod +x "$scratch/musl-cc"
    (cd "$pysrc" && CC="$scratch/musl-cc" ./configure --prefix="$prefix" --without-ensurepip \
        --disable-test-modules --with-pkg-config=no \
        ZLIB_CFLAGS="-I$zlib/include" ZLIB_LIBS="-L$zlib/lib -lz" \
        CPPFLAGS="-I$zlib/include" LDFLAGS="-L$zlib/lib" &&
        make -j2 && make altinstall) >>"$log" 2>&1 ||
        { echo "musl-python.sh: build failed; last lines of $log:" >&2; tail -30 "$log" >&2; exit 1; }
    trim
    rm -rf "$scratch"
    trap - EXIT
    echo "built in $((SECONDS - t0)) s" >>"$log"
    touch "$prefix/.complete"
    echo "musl-python.sh: built in $((SECONDS - t0)) s" >&2
fi

# Checks: a musl interpreter (PT_INTERP), no glibc library in any extension module, and the
# modules pip and pytest need import.
interp="$(readelf -lW "$py" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
[ "$interp" = "/lib/ld-musl-$arch.so.1" ] ||
    { echo "musl-python.sh: $py has PT_INTERP '$interp', not /lib/ld-musl-$arch.so.1" >&2; exit 1; }
if readelf -dW "$py" "$prefix"/lib/python3.11/lib-dynload/*.so | grep -E 'NEEDED.*libc\.so\.6|GLIBC_' >&2; then
    echo "musl-python.sh: a glibc library is linked into the musl interpreter" >&2
    exit 1
fi
"$py" -c 'import zlib, zipfile, json, decimal, hashlib, socket, select, threading'
echo "$py"
