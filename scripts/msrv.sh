#!/usr/bin/env bash
# The declared minimum Rust (workspace rust-version) against what the lockfile needs.
#   bash scripts/msrv.sh           # cheap (~1 s, in the lint suite): rust-version is >= the
#                                  # highest rust-version of every locked dependency (normal, dev
#                                  # and build) of autosend and autosend-http
#   bash scripts/msrv.sh --build   # on demand: installs that toolchain (rustup) and runs
#                                  # `cargo +X check --locked --all-targets` on both crates
#                                  # (a cold build of their dependencies in target/msrv)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
declared="$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)"
read -r needed who < <(cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
d = json.load(sys.stdin)
pkgs = {p["id"]: p for p in d["packages"]}
nodes = {n["id"]: n for n in d["resolve"]["nodes"]}
roots = [i for i in d["workspace_members"] if pkgs[i]["name"] in ("autosend", "autosend-http")]
ws = set(d["workspace_members"])
seen, todo = set(), list(roots)
while todo:
    i = todo.pop()
    if i in seen:
        continue
    seen.add(i)
    for dep in nodes[i]["deps"]:
        # Dev-dependencies only of the two crates themselves (tests of a dependency never build).
        if i in roots or any(k["kind"] != "dev" for k in dep["dep_kinds"]):
            # The sandbox is a dev-dependency of autosend-http: its tests need it.
            todo.append(dep["pkg"])
v = lambda s: tuple(int(x) for x in s.split("."))
best = max(((v(pkgs[i]["rust_version"]), pkgs[i]["name"] + "@" + pkgs[i]["version"])
            for i in seen - ws if pkgs[i].get("rust_version")), default=((0,), "-"))
print(".".join(map(str, best[0])), best[1])
')
norm() { printf '%s' "$1" | awk -F. '{printf "%d.%d\n", $1, $2}'; }
if [ "$(printf '%s\n%s\n' "$(norm "$needed")" "$(norm "$declared")" | sort -V | tail -n1)" != "$(norm "$declared")" ]; then
    echo "msrv: rust-version = \"$declared\" in Cargo.toml, but $who needs Rust $needed: raise rust-version" >&2
    exit 1
fi
echo "msrv: rust-version $declared; the lockfile needs $needed ($who)"
if [ "${1:-}" = "--build" ]; then
    rustup toolchain list | grep -q "^$declared" || rustup toolchain install "$declared" --profile minimal
    t0=$SECONDS
    CARGO_TARGET_DIR="$CARGO_TARGET_DIR/msrv" cargo "+$declared" check --locked --all-targets -p autosend -p autosend-http
    echo "msrv: cargo +$declared check passed in $((SECONDS - t0)) s"
fi
