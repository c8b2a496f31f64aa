#!/usr/bin/env bash
# Builds libautosend (release, linked by zig against glibc 2.17 so it loads on any Linux with
# glibc >= 2.17: RHEL/CentOS 7+, Debian 8+, Ubuntu 14.04+, Amazon Linux 2) and installs it:
#   PREFIX/include/autosend.h, autosend_endpoints.h (included by autosend.h)
#   LIBDIR/libautosend.so.0.1.0 (stripped; soname libautosend.so.0), libautosend.so.0 and
#     libautosend.so symlinks, libautosend.a
#   LIBDIR/pkgconfig/autosend.pc              relocatable (${pcfiledir}), no rpath
#   LIBDIR/cmake/autosend/autosend{Config,ConfigVersion}.cmake   find_package(autosend)
#   PREFIX/share/doc/autosend/{c.md,LICENSE-MIT,LICENSE-APACHE,THIRD-PARTY-NOTICES.txt}
#
# Usage: bindings-c/install.sh [PREFIX]    (PREFIX default /usr/local)
# Environment:
#   DESTDIR     staging root: files go to $DESTDIR$PREFIX/... (packagers); nothing written
#               into the files depends on it
#   LIBDIR      library directory, absolute under PREFIX or relative to it (default lib;
#               e.g. lib64 or lib/x86_64-linux-gnu)
#   NO_BUILD=1  skip cargo (install what the last build left)
#   AUTOSEND_C_NATIVE_LINK=1  link with the system cc instead of zig (then the .so needs the
#               build machine's glibc)
# Respects CARGO_TARGET_DIR.
set -euo pipefail
if [ $# -gt 1 ]; then
    echo "usage: $0 [PREFIX]   (environment: DESTDIR, LIBDIR, NO_BUILD)" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
prefix="${1:-/usr/local}"
# A relative PREFIX means one below the current directory (the old behaviour of this script).
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
prefix="${prefix%/}"
libdir="${LIBDIR:-lib}"
case "$libdir" in
    /*) case "$libdir/" in "$prefix"/*) libdir="${libdir#"$prefix"/}" ;;
        *) echo "install.sh: LIBDIR ($libdir) must be inside PREFIX ($prefix)" >&2; exit 2 ;; esac ;;
esac
libdir="${libdir%/}"
dest="${DESTDIR:-}"
dest="${dest%/}"
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
export CARGO_TARGET_DIR="$target"
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
major="${version%%.*}"

host="$(rustc -vV | sed -n 's/^host: //p')"
if [ "${AUTOSEND_C_NATIVE_LINK:-0}" = 1 ] || [ "$host" != x86_64-unknown-linux-gnu ]; then
    build=(cargo)
    rel="$target/release"
else
    # cargo-zigbuild + zig from PyPI (scripts/pkg-tools.sh), in a target directory of its own:
    # the manylinux2014 wheel (maturin --zig) unifies other features and sets other compiler
    # variables, so in one shared directory each build recompiled ~75 crates of the other
    # (measured: the demo spent 4 min rebuilding after the python and c suites).
    # shellcheck source=../scripts/pkg-tools.sh
    source "$root/scripts/pkg-tools.sh"
    build=(cargo-zigbuild)
    zigtarget=(--target x86_64-unknown-linux-gnu.2.17)
    ctarget="$target/c-zig"
    rel="$ctarget/x86_64-unknown-linux-gnu/release"
fi
if [ "${NO_BUILD:-0}" != 1 ]; then
    (cd "$root" && CARGO_TARGET_DIR="${ctarget:-$target}" "${build[@]}" build --release -p autosend-c ${zigtarget[@]+"${zigtarget[@]}"})
fi
# The system libraries a static link needs (Libs.private). With zig the list is fixed (asking
# rustc for it, `--print native-static-libs`, would compile every dependency once more).
native=""
if [ "${build[0]}" = cargo ]; then
    native="$(cd "$root" && cargo rustc --release -p autosend-c --lib --crate-type staticlib -- \
        --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n1)"
fi
[ -n "$native" ] || native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

P="$dest$prefix"
L="$P/$libdir"
doc="$P/share/doc/autosend"
install -d "$P/include" "$L/pkgconfig" "$L/cmake/autosend" "$doc"
install -m 0644 "$here/include/autosend.h" "$P/include/autosend.h"
install -m 0644 "$here/include/autosend_endpoints.h" "$P/include/autosend_endpoints.h"
install -m 0644 "$rel/libautosend.a" "$L/libautosend.a"
install -m 0755 "$rel/libautosend.so" "$L/libautosend.so.$version"
strip --strip-unneeded "$L/libautosend.so.$version"
ln -sf "libautosend.so.$version" "$L/libautosend.so.$major"
ln -sf "libautosend.so.$major" "$L/libautosend.so"
install -m 0644 "$root/docs/c.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" \
    "$root/THIRD-PARTY-NOTICES.txt" "$doc/"

# pkg-config and CMake files find the prefix from where they are (relocatable).
up=""
IFS=/ read -r -a parts <<<"$libdir/pkgconfig"
for _ in "${parts[@]}"; do up="$up/.."; done
sed -e "s|@PREFIX@|\${pcfiledir}$up|" -e "s|@LIBDIR@|$libdir|" -e "s|@VERSION@|$version|" \
    -e "s|@NATIVE_LIBS@|$native|" "$here/autosend.pc.in" >"$L/pkgconfig/autosend.pc"
up=""
IFS=/ read -r -a parts <<<"$libdir/cmake/autosend"
for _ in "${parts[@]}"; do up="$up/.."; done
# CMake wants the link libraries of the static target without the -l prefix.
cmake_native="$(printf '%s\n' $native | sed -n 's/^-l//p' | grep -vx c | paste -sd ';')"
sed -e "s|@PREFIX_REL@|$up|" -e "s|@LIBDIR@|$libdir|" -e "s|@VERSION@|$version|" \
    -e "s|@SOVERSION@|$major|" -e "s|@NATIVE_LIBS@|$cmake_native|" \
    "$here/cmake/autosendConfig.cmake.in" >"$L/cmake/autosend/autosendConfig.cmake"
sed -e "s|@VERSION@|$version|" "$here/cmake/autosendConfigVersion.cmake.in" \
    >"$L/cmake/autosend/autosendConfigVersion.cmake"
echo "installed libautosend $version into $P (libdir $libdir)"
