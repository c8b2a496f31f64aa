#!/usr/bin/env bash
# Runs every test of the project, from a clean clone on a fresh machine: installs what it needs
# (Rust targets, wasm-bindgen-cli, cbindgen, a Python venv, npm packages, Debian packages).
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh rust wasm  # some suites (lint rust sandbox wasm python c docs demo fuzz multiprocess bench mutants)
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(lint rust sandbox wasm python c docs demo fuzz multiprocess bench mutants)

passed=0
failed=0
failed_names=()
log_dir="$CARGO_TARGET_DIR/test-logs"
mkdir -p "$log_dir"

run_suite() {
  local name="$1"
  shift
  say "suite $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "-- suite $name passed in $((SECONDS - t0)) s"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "-- suite $name FAILED after $((SECONDS - t0)) s"
  fi
}

suite_lint() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  cargo fmt --all -- --check &&
    bash scripts/msrv.sh &&
    bash scripts/check-crates.sh &&
    cargo clippy -p autosend -p autosend-http -p autosend-sandbox -p autosend-c --all-targets -- -D warnings &&
    cargo clippy -p autosend-python --all-targets -- -D warnings &&
    cargo clippy -p autosend-wasm -p autosend-wasm-webhook -p autosend-wasm-webhook-exports --target wasm32-unknown-unknown -- -D warnings &&
    RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p autosend -p autosend-http
}

suite_rust() {
  # The shared budget's tests start a redis-server of their own.
  command -v redis-server >/dev/null || apt_ensure redis-server || return 1
  # Core unit tests, all conformance vectors, fake-clock simulations, doc tests, and the
  # native transport end to end against an in-process sandbox.
  cargo test -p autosend -p autosend-http 2>&1 | tee "$log_dir/rust.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || return "$rc"
  # The README's Rust quickstart, against a fresh sandbox. `cargo test` above built it; the same
  # two packages here keep the features cargo unifies the same (the core's dev-dependencies turn
  # on serde/alloc, zerocopy/derive, bitflags/std, fastrand/std), so nothing is recompiled. With
  # `-p autosend-http` alone, 24 crates were (the sandbox, axum, reqwest, rsa, the core, the
  # transport...): ~90 s of this suite on a quiet machine, 223 s in a loaded run.
  cargo build -q -p autosend -p autosend-http --example quickstart || return 1
  (
    start_sandbox --rate-per-second 100000 --rate-per-minute 1000000 || exit 1
    trap stop_sandbox EXIT
    AUTOSEND_API_KEY="$SANDBOX_KEY" AUTOSEND_BASE_URL="$SANDBOX_URL" AUTOSEND_CA_FILE="$SANDBOX_CA" \
      "$CARGO_TARGET_DIR/debug/examples/quickstart"
  )
}

suite_sandbox() { bash sandbox/test.sh; }
suite_wasm() {
  # bindings-wasm/test.sh runs build.sh again: after the prebuild, cargo finds nothing to do.
  prebuild_wait wasm && bash bindings-wasm/test.sh && bash scripts/check-wasm-imports.sh &&
    bash scripts/check-wasm-imports.sh "$ROOT/bindings-wasm/pkg/esm/autosend_wasm_webhook_bg.wasm"
}
suite_python() {
  if prebuild_queued python; then
    prebuild_wait python && NO_BUILD=1 bash bindings-python/test.sh
  else
    bash bindings-python/test.sh
  fi
}
# bindings-c/test.sh runs install.sh again: after the prebuild, cargo finds nothing to do.
suite_c() { prebuild_wait c && bash bindings-c/test.sh; }
suite_docs() {
  python3 scripts/check-readme.py || return 1
  # Every typed surface, the core's catalog, the sandbox's route table, docs/api.md and the C
  # endpoint macros are generated from the API description (api/src): they must be current.
  python3 tools/codegen/generate.py --check || return 1
  # THIRD-PARTY-NOTICES.txt (shipped in the wheel, the C install and the npm package) follows Cargo.lock.
  python3 tools/licenses/notices.py --check || return 1
  python3 -m unittest discover -q -s tools/codegen/tests 2>&1 | tail -n 3
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  # The vectors are generated from tools/vectors/*.py: regenerate and require no change
  # (gen_pending.py last: it reads the others' output).
  (cd tools/vectors && python3 gen_keys_headers.py && python3 gen_endpoints.py &&
    python3 gen_runtime.py && python3 gen_webhooks.py && python3 gen_content.py &&
    python3 gen_audience.py && python3 gen_integrations.py && python3 gen_paging.py && python3 gen_jwe.py &&
    python3 gen_budget.py && python3 gen_events.py &&
    python3 gen_pending.py) >/dev/null || return 1
  git diff --exit-code --stat -- tests/vectors || { echo "tests/vectors is stale: commit the regenerated files"; return 1; }
  python3 tools/vectors/check.py | tail -n 1
}
suite_fuzz() {
  # Stable-Rust fuzzing of the core (core/tests/fuzz.rs): key parsing, base URLs, request
  # validation on arbitrary JSON for every endpoint id, the response path (error envelopes,
  # 2xx values, retry waits) and webhook verification; corpus in core/fuzz/corpus. Each
  # target mutates for AUTOSEND_FUZZ_SECS (default 12 s here, ~1 M inputs per target; more for
  # a longer run; 0 in the rust suite = corpus only).
  prebuild_wait fuzz || return 1
  AUTOSEND_FUZZ_SECS="${AUTOSEND_FUZZ_SECS:-12}" cargo test -q --release -p autosend --test fuzz -- --test-threads=2 --nocapture 2>&1 |
    grep -E 'fuzz [a-z_]+: |FAILED|panicked|test result'
  [ "${PIPESTATUS[0]}" -eq 0 ]
}

suite_multiprocess() {
  # Issue 11: 8 processes (2 Rust, 2 Node, 2 Python, 2 C) share one key through Redis against
  # a --time-scale 10 sandbox; then again with Redis killed halfway. Builds what is missing.
  MP_BUILD=1 AUTOSEND_C_PREFIX="$CARGO_TARGET_DIR/mp-prefix" bash tests/multiprocess/run.sh &&
    AUTOSEND_C_PREFIX="$CARGO_TARGET_DIR/mp-prefix" bash tests/multiprocess/run.sh --kill-redis
}
# Issue 13: the benchmark harness end to end with tiny counts (bench/run.sh --quick, < 30 s once
# the wasm, python and c suites have built their artefacts); the full run is bash bench/run.sh.
suite_bench() { bash bench/run.sh --quick; }
suite_demo() { AUTOSEND_DEMO_NO_WAIT=1 bash scripts/demo.sh; }
suite_mutants() {
  # Issue 17: a bounded mutation run of the core (scripts/mutants.sh --bounded: the files in
  # its BOUNDED_FILES, in place, on the rust suite's build); any surviving mutant fails it.
  # The full run is on demand: bash scripts/mutants.sh (results in docs/mutants.md).
  prebuild_wait mutants || return 1
  bash scripts/mutants.sh --bounded
}

# Prebuilds. Many suites spend most of their time waiting (the node and pytest end-to-end tests
# on the sandbox's real-time rate limits, the Rust suite's fault and Redis tests), while the
# wasm, python, c and fuzz suites start with a release build of several minutes of CPU. Those
# builds run, one after the other and niced, in one background job from the first suite after
# lint on (cargo-mutants, compiled from crates.io on a fresh machine, last): each suite then
# waits for its own build (and fails with its log if it failed); its own build command finds
# nothing left to do. They use other target directories than the suites before theirs
# (wasm32/wasm, x86_64-unknown-linux-gnu + release, c-zig, release, tools-build; those suites
# build debug), so those never wait on cargo's lock. The fuzz build shares release/ with the
# wheel's host crates: a wheel build in the demo suite waits for it if it is still running.
# What it takes off the suites (final9 run, main 3a27194, quiet machine): wasm's build (65 s),
# python's build.sh (~190 s with the venvs), c's release build (140 s), fuzz's (~80 s), when
# the waiting phases leave the CPU for them. Fresh clone on a machine loaded by other builds
# (load ~5): the wasm suite 190 s (73 s of CPU: it mostly waits), fuzz 37 s (was 119); python
# and c still waited 116 s and 134 s for theirs (the niced job got little CPU there).
prebuild_dir="$log_dir/prebuild"
prebuild_pid=""
prebuild_wasm() { bash bindings-wasm/build.sh; }
prebuild_python() { bash bindings-python/build.sh; }
prebuild_c() { bash bindings-c/install.sh "$prebuild_dir/c-prefix"; }
prebuild_fuzz() { cargo test --release -p autosend --test fuzz --no-run; }
prebuild_mutants() { bash scripts/mutants.sh --install; }

start_prebuilds() {
  [ -z "$prebuild_pid" ] || return 0
  rm -rf "$prebuild_dir"
  mkdir -p "$prebuild_dir"
  local steps=() s
  for s in wasm python c fuzz mutants; do
    [[ " ${suites[*]} " == *" $s "* ]] && steps+=("$s") && : >"$prebuild_dir/$s.queued"
  done
  [ ${#steps[@]} -gt 0 ] || return 0
  (
    # Ten steps nicer than the suites (the end-to-end tests keep their CPU).
    renice -n "$(($(nice) + 10 > 19 ? 19 : $(nice) + 10))" -p "$BASHPID" >/dev/null
    for s in "${steps[@]}"; do
      local t0=$SECONDS
      "prebuild_$s" >"$prebuild_dir/$s.log" 2>&1
      echo "$? $((SECONDS - t0))" >"$prebuild_dir/$s.rc.tmp"
      mv "$prebuild_dir/$s.rc.tmp" "$prebuild_dir/$s.rc"
    done
  ) &
  prebuild_pid=$!
  watch_prebuilds "$prebuild_pid" </dev/null >/dev/null 2>&1 &
}

# A run that ends early (Ctrl-C, a CI time-out's SIGTERM or SIGKILL) takes its background build
# job along, with the builds it started: a watcher ends the job's process tree once this
# script is gone (a trap could not: bash runs traps only after the suite command in the
# foreground has finished).
tree_pids() {
  local c
  echo "$1"
  command -v pgrep >/dev/null || return 0
  for c in $(pgrep -P "$1" 2>/dev/null); do tree_pids "$c"; done
}
watch_prebuilds() {
  local main=$$ job="$1"
  while kill -0 "$main" 2>/dev/null && kill -0 "$job" 2>/dev/null; do sleep 2; done
  kill -0 "$job" 2>/dev/null || return 0
  # shellcheck disable=SC2046 # one pid per word
  kill $(tree_pids "$job") 2>/dev/null || true
}

prebuild_queued() { [ -n "$prebuild_pid" ] && [ -e "$prebuild_dir/$1.queued" ]; }

# prebuild_wait STEP: returns at once when STEP was not prebuilt; else waits for it and fails
# (with its log) when it failed.
prebuild_wait() {
  local s="$1" t0=$SECONDS
  prebuild_queued "$s" || return 0
  until [ -e "$prebuild_dir/$s.rc" ]; do
    if ! kill -0 "$prebuild_pid" 2>/dev/null && [ ! -e "$prebuild_dir/$s.rc" ]; then
      echo "prebuild $s: the background job ended without a result"
      return 1
    fi
    sleep 1
  done
  local rc secs
  read -r rc secs <"$prebuild_dir/$s.rc"
  if [ "$rc" -ne 0 ]; then
    echo "prebuild $s FAILED (exit $rc; $prebuild_dir/$s.log):"
    tail -n 40 "$prebuild_dir/$s.log"
    return 1
  fi
  echo "prebuild $s: done in the background in $secs s (waited $((SECONDS - t0)) s)"
}

for s in "${suites[@]}"; do
  # lint first installs the toolchain's wasm32 target, which the wasm prebuild needs.
  [ "$s" != lint ] && start_prebuilds
  run_suite "$s" "suite_$s"
done
[ -z "$prebuild_pid" ] || wait "$prebuild_pid"

say "summary"
[ ${#failed_names[@]} -gt 0 ] && echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
