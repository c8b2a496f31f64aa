#!/usr/bin/env bash
# Checks the installed C library as a packager and a user see it (issue 15 item 4):
#   install_checks.sh PREFIX WORKDIR    (PREFIX: what install.sh installed; run by test.sh)
# The header is C89 (and C++), the .so is fully versioned, stripped, needs glibc <= 2.17 and
# puts no rpath into users' binaries, autosend.pc is relocatable, DESTDIR/LIBDIR are honoured,
# find_package(autosend) works from a moved install, docs and licences are installed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$1"
work="$2"
fail() { echo "install_checks: $*" >&2; exit 1; }
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$here/../Cargo.toml" | head -n1)"
lib="$prefix/lib"

echo "== header: C89, C99, C++ (-pedantic -Werror)"
cc -std=c89 -pedantic -Wall -Wextra -Werror -I"$prefix/include" -c "$here/tests/cmake-consumer/main.c" -o "$work/c89.o"
cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$prefix/include" -c "$here/tests/cmake-consumer/main.c" -o "$work/c99.o"
c++ -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$prefix/include" -c "$here/tests/cmake-consumer/main.c" -o "$work/cxx.o"

echo "== shared library: names, soname, stripped, glibc"
[ -f "$lib/libautosend.so.$version" ] && [ ! -L "$lib/libautosend.so.$version" ] || fail "libautosend.so.$version missing"
[ "$(readlink "$lib/libautosend.so.0")" = "libautosend.so.$version" ] || fail "libautosend.so.0 -> libautosend.so.$version expected"
[ "$(readlink "$lib/libautosend.so")" = "libautosend.so.0" ] || fail "libautosend.so -> libautosend.so.0 expected"
readelf -d "$lib/libautosend.so.$version" | grep -q 'SONAME.*\[libautosend.so.0\]' || fail "soname is not libautosend.so.0"
! readelf -S "$lib/libautosend.so.$version" | grep -q '\.symtab' || fail "libautosend.so is not stripped"
! readelf -d "$lib/libautosend.so.$version" | grep -qE 'RPATH|RUNPATH' || fail "libautosend.so has an rpath"
glibc="$(objdump -T "$lib/libautosend.so.$version" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1)"
echo "   newest glibc symbol: $glibc; size $(stat -c %s "$lib/libautosend.so.$version") bytes"
if [ "${AUTOSEND_C_NATIVE_LINK:-0}" != 1 ]; then
    [ "$(printf '%s\nGLIBC_2.17\n' "$glibc" | sort -V | tail -n1)" = GLIBC_2.17 ] || fail "needs $glibc (> 2.17)"
fi

echo "== autosend.pc: relocatable, no rpath"
pc="$lib/pkgconfig/autosend.pc"
! grep -q "$prefix" "$pc" || fail "autosend.pc contains the build prefix"
! grep -q rpath "$pc" || fail "autosend.pc adds an rpath"
[ "$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --modversion autosend)" = "$version" ] || fail "pkg-config --modversion"
for f in share/doc/autosend/c.md share/doc/autosend/LICENSE-MIT share/doc/autosend/LICENSE-APACHE \
    share/doc/autosend/THIRD-PARTY-NOTICES.txt lib/cmake/autosend/autosendConfig.cmake \
    lib/cmake/autosend/autosendConfigVersion.cmake; do
    [ -s "$prefix/$f" ] || fail "$f not installed"
done

echo "== DESTDIR + LIBDIR, then the tree moved elsewhere (pkg-config and CMake)"
stage="$work/stage"
NO_BUILD=1 DESTDIR="$stage" LIBDIR=lib/x86_64-linux-gnu bash "$here/install.sh" /opt/autosend >/dev/null
[ -f "$stage/opt/autosend/lib/x86_64-linux-gnu/libautosend.so.$version" ] || fail "DESTDIR/LIBDIR not honoured"
! grep -rq "$stage" "$stage/opt/autosend/lib/x86_64-linux-gnu/pkgconfig" "$stage/opt/autosend/lib/x86_64-linux-gnu/cmake" || fail "DESTDIR leaked into a file"
moved="$work/moved/somewhere"
mkdir -p "$(dirname "$moved")"
mv "$stage/opt/autosend" "$moved"
# shellcheck disable=SC2046
cc -std=c89 -pedantic -Wall -Werror "$here/tests/cmake-consumer/main.c" -o "$work/pc_consumer" \
    $(PKG_CONFIG_PATH="$moved/lib/x86_64-linux-gnu/pkgconfig" pkg-config --cflags --libs autosend)
! readelf -d "$work/pc_consumer" | grep -qE 'RPATH|RUNPATH' || fail "pkg-config flags put an rpath into the binary"
LD_LIBRARY_PATH="$moved/lib/x86_64-linux-gnu" "$work/pc_consumer"
if command -v cmake >/dev/null 2>&1; then
    cmake -S "$here/tests/cmake-consumer" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$moved" >"$work/cmake.log" 2>&1 \
        || { cat "$work/cmake.log" >&2; fail "cmake configure (find_package(autosend))"; }
    cmake --build "$work/cmake-build" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; fail "cmake build"; }
    "$work/cmake-build/consumer"
    "$work/cmake-build/consumer_static"
    # A too-new version request is refused.
    printf 'cmake_minimum_required(VERSION 3.10)\nproject(x C)\nfind_package(autosend 9.0 REQUIRED)\n' >"$work/CMakeLists.txt"
    if cmake -S "$work" -B "$work/cmake-build9" -DCMAKE_PREFIX_PATH="$moved" >/dev/null 2>&1; then
        fail "find_package(autosend 9.0) accepted version $version"
    fi
else
    fail "cmake not installed"
fi
echo "install_checks: ok"
