#!/usr/bin/env bash
# Mutation testing of the core crate (issue 17) with cargo-mutants: every mutant of a rule
# must make `cargo test -p autosend` fail. Configuration: .cargo/mutants.toml (the generated
# tables generated.rs / models.rs are excluded: generate.py --check and the vectors check them).
#
#   bash scripts/mutants.sh                      # full run, every core file (hours on 2 cores)
#   bash scripts/mutants.sh core/src/key.rs ...  # some files
#   bash scripts/mutants.sh --install            # only install cargo-mutants
#   bash scripts/mutants.sh --bounded            # the CI shard (scripts/test.sh mutants): the
#                                                # BOUNDED_FILTER mutants of BOUNDED_FILES, in place, reusing the
#                                                # rust suite's target; fails on any survivor
#   bash scripts/mutants.sh --quick core/src/x.rs ...  # some files, in place on the worktree's
#                                                # target, testing with the unit tests, the vectors,
#                                                # core/tests/rule_edges.rs and events.rs only (~40 s per
#                                                # mutant on a loaded 2-core machine; a lower bound
#                                                # of the full suite's count). Do not edit or build
#                                                # the core while it runs: it mutates the sources.
#                                                # More test targets: --test NAME; other options
#                                                # (--iterate, -F RE, -E RE) go to cargo mutants.
# Environment: MUTANTS_JOBS (default 1), MUTANTS_OUT (default $CARGO_TARGET_DIR/mutants).
# A full or per-file run prints the per-file table for docs/mutants.md
# (python3 tools/mutants/summary.py DIR... --before DIR... compares runs).
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

MUTANTS_VERSION=27.1.0
# The CI shard: rule-bearing functions whose every viable mutant is caught (docs/mutants.md);
# a survivor here fails the suite. Kept to ~7 mutants (~90 s of CPU on top of the rust suite).
BOUNDED_FILES=(core/src/key.rs)
BOUNDED_FILTER='ApiKey::redacted|for ApiKey|in ApiKey::parse'

if ! cargo mutants --version 2>/dev/null | grep -q "$MUTANTS_VERSION"; then
  # A debug build of the tool: it only drives cargo, and compiles in about half the time.
  # Its own target directory: the build must not hold the lock of the suites' target.
  CARGO_TARGET_DIR="$CARGO_TARGET_DIR/tools-build" cargo install --locked --debug "cargo-mutants@$MUTANTS_VERSION" || exit 1
fi
# scripts/test.sh installs the tool in the background while other suites run.
[ "${1:-}" = "--install" ] && exit 0

out="${MUTANTS_OUT:-$CARGO_TARGET_DIR/mutants}"
mkdir -p "$out"
common=(-p autosend --build-timeout 900 --minimum-test-timeout 60 --no-shuffle)
timeout=(--timeout 300) # a run's own --timeout (--quick … --timeout N) replaces it

if [ "${1:-}" = "--bounded" ]; then
  files=()
  for f in "${BOUNDED_FILES[@]}"; do files+=(-f "$f"); done
  # In place: the crate is already built by the rust suite (same profile, same target), so
  # only the mutated crate is rebuilt. Only core/tests/rule_edges.rs runs: it holds the
  # tests of these files (the unit tests and vectors would add ~40 s per mutant), without its
  # two 40 MB size tests (~6 s each; they test limits.rs and request.rs, not these files).
  # -C: the build step compiles only that test target too (without it, every test target of
  # the core is rebuilt for each mutant).
  cargo mutants "${common[@]}" ${timeout[@]+"${timeout[@]}"} --in-place --baseline skip "${files[@]}" \
    -F "$BOUNDED_FILTER" -o "$out/bounded" -C --test=rule_edges \
    -- -- --skip body_of_exactly_the_cap_is_sent --skip json_text_size_cap_at_and_past_its_edge
  rc=$?
  python3 tools/mutants/summary.py "$out/bounded"
  # cargo-mutants exits 2 for missed mutants, 3 for timeouts, 4 for a failing baseline.
  exit "$rc"
fi

if [ "${1:-}" = "--quick" ]; then
  shift
  # Files, plus: `--test NAME` adds core/tests/NAME.rs to the test set (a file whose own tests
  # live there, e.g. --test catalog for catalog.rs); any other option goes to cargo mutants
  # as is (`--iterate`, `-F REGEX`, `-E REGEX`, `--timeout 60`; an option's value is the
  # next argument when it does not start with `-` or end in `.rs`); after `--`, arguments
  # for the test binaries (`-- --skip NAME`: a "before" run without a new test).
  files=() tests=() opts=() testargs=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --) shift; testargs=("$@"); break ;;
      --test) tests+=(-C "--test=$2"); shift 2 ;;
      --test=*) tests+=(-C "$1"); shift ;;
      -*)
        opts+=("$1"); shift
        if [ $# -gt 0 ] && [[ "$1" != -* && "$1" != *.rs ]]; then opts+=("$1"); shift; fi ;;
      *) files+=(-f "$1"); shift ;;
    esac
  done
  # A --timeout given here replaces the default one (cargo mutants takes it once).
  case " ${opts[*]-} " in *" --timeout "* | *" --timeout="*) timeout=() ;; esac
  # The slow limiter simulation (~10 s) tests limiter.rs only: skipped for the other files.
  skip=(--skip limiter::tests::server_never_sees_more_than_the_limits)
  for f in "${files[@]}"; do case "$f" in *limiter.rs) skip=() ;; esac; done
  # core/tests/events.rs is in the set: it holds the tests of event.rs, config.rs's AppInfo /
  # User-Agent and client.rs's per-call options; measured: ~5 s of CPU (10 s wall at load 14)
  # more per mutant to build, 0.04 s to run.
  cargo mutants "${common[@]}" ${timeout[@]+"${timeout[@]}"} --in-place --baseline skip ${files[@]+"${files[@]}"} \
    ${opts[@]+"${opts[@]}"} -o "$out/quick" -C --lib -C --test=vectors -C --test=rule_edges \
    -C --test=events ${tests[@]+"${tests[@]}"} -- -- "${skip[@]}" ${testargs[@]+"${testargs[@]}"}
  rc=$?
  python3 tools/mutants/summary.py "$out/quick"
  exit "$rc"
fi

files=()
for f in "$@"; do files+=(-f "$f"); done
# A copy of the tree in a temporary directory, with its own target (debug info off: faster
# links), so the worktree stays usable while it runs.
CARGO_PROFILE_DEV_DEBUG=0 cargo mutants "${common[@]}" ${timeout[@]+"${timeout[@]}"} -j "${MUTANTS_JOBS:-1}" "${files[@]}" \
  -o "$out/full"
rc=$?
python3 tools/mutants/summary.py "$out/full"
exit "$rc"
