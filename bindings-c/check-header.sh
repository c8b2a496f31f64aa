#!/usr/bin/env bash
# Regenerates include/autosend.h with the pinned cbindgen and fails when the checked-in
# header differs (a stale header). `--write` updates the checked-in header instead.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CBINDGEN_VERSION=0.29.4
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cbindgen >/dev/null 2>&1 || [ "$(cbindgen --version | awk '{print $2}')" != "$CBINDGEN_VERSION" ]; then
    echo "check-header: installing cbindgen $CBINDGEN_VERSION" >&2
    cargo install --force --locked cbindgen --version "=$CBINDGEN_VERSION" >&2
fi
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
(cd "$here" && cbindgen --quiet --config cbindgen.toml --crate autosend-c --output "$tmp" .)
# Plain C89 (cbindgen writes `//` comments and trailing enum commas) + AUTOSEND_VERSION_* macros.
python3 "$here/tools/c89.py" "$tmp" "$here/../Cargo.toml"
if [ "${1:-}" = "--write" ]; then
    cp "$tmp" "$here/include/autosend.h"
    echo "check-header: wrote include/autosend.h"
    exit 0
fi
if ! diff -u "$here/include/autosend.h" "$tmp"; then
    echo "check-header: include/autosend.h is stale; run bindings-c/check-header.sh --write" >&2
    exit 1
fi
echo "check-header: include/autosend.h is up to date"
