#!/usr/bin/env bash
# The publishable crates (autosend, autosend-http) package cleanly: metadata complete, the path
# dependency has a version, the vectors travel with autosend. Cheap (no compile; ~2 s, lint
# suite). `cargo publish --dry-run` (compiles both from the packages): scripts/package.sh --all.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
for c in autosend autosend-http; do
    cargo metadata --format-version 1 --no-deps --locked | python3 -c '
import json, sys
name = sys.argv[1]
p = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == name)
missing = [k for k in ("description", "license", "repository", "homepage", "readme", "rust_version", "documentation")
           if not p.get(k)] + [k for k in ("keywords", "categories") if not p.get(k)]
if missing:
    sys.exit(f"check-crates: {name}: Cargo.toml lacks {missing}")
' "$c"
done
cargo package --locked --allow-dirty --no-verify -p autosend -p autosend-http >/dev/null 2>"$CARGO_TARGET_DIR/check-crates.log" \
    || { cat "$CARGO_TARGET_DIR/check-crates.log" >&2; exit 1; }
list="$(cargo package --list --allow-dirty -p autosend)"
for f in tests/vectors/pending.json README.md LICENSE-MIT LICENSE-APACHE; do
    grep -qx "$f" <<<"$list" || { echo "check-crates: the autosend crate does not carry $f" >&2; exit 1; }
done
echo "check-crates: autosend and autosend-http package ($(ls -s --block-size=K "$CARGO_TARGET_DIR"/package/autosend-0*.crate "$CARGO_TARGET_DIR"/package/autosend-http-0*.crate | awk '{n=split($2, a, "/"); printf "%s %s; ", a[n], $1}'))"
# The project's URL has one home: `repository` in the workspace Cargo.toml (the crates inherit
# it, bindings-wasm/build.sh writes it into package.json). The wheel's [project.urls] are
# checked against it here (maturin takes them from pyproject.toml).
python3 - "$ROOT/Cargo.toml" "$ROOT/bindings-python/pyproject.toml" "$ROOT/bindings-wasm/pkg-src/package.json" <<'PY'
import json, sys, tomllib
cargo, pyproject, npm = sys.argv[1:]
repo = tomllib.load(open(cargo, "rb"))["workspace"]["package"]["repository"].rstrip("/")
urls = tomllib.load(open(pyproject, "rb"))["project"]["urls"]
bad = {k: v for k, v in urls.items() if v != repo and not v.startswith(repo + "/")}
if bad:
    sys.exit(f"check-crates: pyproject.toml [project.urls] {bad} do not start with the workspace repository {repo}")
own = [k for k in ("repository", "homepage", "bugs") if k in json.load(open(npm))]
if own:
    sys.exit(f"check-crates: bindings-wasm/pkg-src/package.json sets {own}: build.sh derives them from the workspace repository")
print(f"check-crates: project URL {repo} (Cargo workspace) used by the crates, the wheel and the npm package")
PY
