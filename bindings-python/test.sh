#!/usr/bin/env bash
# Builds the autosend-sdk wheel in a fresh venv, installs it, and runs mypy + pytest
# (conformance vectors, end-to-end against the local HTTPS sandbox, threads, bad input).
# Respects CARGO_TARGET_DIR; NO_BUILD=1 skips build.sh (the wheel built and installed by the
# last build.sh). Exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TARGET_DIR="$TARGET"
VENV="${AUTOSEND_PY_VENV:-$HERE/.venv}"

if [ "${NO_BUILD:-0}" = 1 ]; then
    # scripts/test.sh ran build.sh in the background while other suites ran (same tree).
    echo "== the wheel: built and installed into $VENV before (NO_BUILD=1)"
    ls "$TARGET"/wheels/autosend_sdk-*.whl >/dev/null
else
    echo "== build + install the wheel into $VENV"
    bash "$HERE/build.sh"
fi

# shellcheck source=../scripts/pkg-tools.sh
source "$ROOT/scripts/pkg-tools.sh"
echo "== wheel metadata and platform checks (twine, check-wheel-contents, abi3audit, auditwheel, ELF)"
bash "$HERE/check-wheel.sh" "$TARGET"/wheels/autosend_sdk-*.whl
echo "== sdist (maturin sdist, twine; the other platforms' wheels: scripts/package.sh --all)"
sdist="$(mktemp -d)"
(cd "$HERE" && maturin sdist --out "$sdist")
bash "$HERE/check-wheel.sh" "$sdist"/autosend_sdk-*.tar.gz
rm -rf "$sdist"

echo "== pyright --strict on the PyPI README's code blocks and the quickstart example"
pyr="$(mktemp -d)"
python3 - "$HERE/README.pypi.md" "$pyr" <<'PY'
import re, sys
blocks = re.findall(r"```python\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
assert blocks, "no python block in README.pypi.md"
# The quickstart block is examples/quickstart.py (which the tests run) without its docstring.
example = open(sys.argv[1].replace("README.pypi.md", "examples/quickstart.py"), encoding="utf-8").read()
example = example.split('"""', 2)[2].lstrip("\n")
assert example in blocks, "README.pypi.md's quickstart differs from examples/quickstart.py: copy the file"
for i, b in enumerate(blocks):
    open(f"{sys.argv[2]}/readme_{i}.py", "w", encoding="utf-8").write(b)
PY
cp "$HERE/examples/quickstart.py" "$pyr/"
printf '{"typeCheckingMode": "strict", "reportMissingModuleSource": false}\n' >"$pyr/pyrightconfig.json"
(cd "$pyr" && PYRIGHT_PYTHON_IGNORE_WARNINGS=1 "$PKG_VENV/bin/pyright" --pythonpath "$VENV/bin/python" .)
rm -rf "$pyr"

echo "== cargo build -p autosend-sandbox"
(cd "$ROOT" && cargo build --quiet -p autosend-sandbox)
SANDBOX_BIN="$TARGET/debug/autosend-sandbox"
test -x "$SANDBOX_BIN"

cd "$HERE"
echo "== mypy --strict (installed package stubs + examples)"
PKG_DIR="$("$VENV/bin/python" -c 'import autosend, os; print(os.path.dirname(autosend.__file__))')"
case "$PKG_DIR" in
    "$VENV"/*) ;;
    *) echo "autosend imported from $PKG_DIR, not from the installed wheel" >&2; exit 1 ;;
esac
"$VENV/bin/python" -m mypy --strict --no-incremental --cache-dir /dev/null -p autosend
"$VENV/bin/python" -m mypy --strict --no-incremental --cache-dir /dev/null examples/typed.py examples/send.py examples/quickstart.py

echo "== stubtest: _native.pyi against the compiled module"
"$VENV/bin/python" -m mypy.stubtest --mypy-config-file /dev/null autosend._native

echo "== pytest"
AUTOSEND_SANDBOX_BIN="$SANDBOX_BIN" AUTOSEND_REQUIRE_SANDBOX=1 \
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
