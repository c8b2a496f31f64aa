#!/usr/bin/env bash
# Builds libautosend (release) and installs it into PREFIX:
#   PREFIX/include/autosend.h, PREFIX/include/autosend_endpoints.h (included by autosend.h)
#   PREFIX/lib/libautosend.a, PREFIX/lib/libautosend.so (-> libautosend.so.0)
#   PREFIX/lib/pkgconfig/autosend.pc
# Usage: bindings-c/install.sh PREFIX   (respects CARGO_TARGET_DIR; set NO_BUILD=1 to skip cargo)
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
if [ "${NO_BUILD:-0}" != 1 ]; then
    (cd "$root" && cargo build --release -p autosend-c)
fi
# The system libraries a static link needs (Libs.private).
native="$(cd "$root" && cargo rustc --release -p autosend-c --lib --crate-type staticlib -- --print native-static-libs 2>&1 \
    | sed -n 's/.*native-static-libs: //p' | tail -n1)"
[ -n "$native" ] || native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
rel="$target/release"
install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 0644 "$here/include/autosend.h" "$prefix/include/autosend.h"
install -m 0644 "$here/include/autosend_endpoints.h" "$prefix/include/autosend_endpoints.h"
install -m 0644 "$rel/libautosend.a" "$prefix/lib/libautosend.a"
install -m 0755 "$rel/libautosend.so" "$prefix/lib/libautosend.so.0"
ln -sf libautosend.so.0 "$prefix/lib/libautosend.so"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_LIBS@|$native|" \
    "$here/autosend.pc.in" > "$prefix/lib/pkgconfig/autosend.pc"
echo "installed libautosend $version into $prefix"
