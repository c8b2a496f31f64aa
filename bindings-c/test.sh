#!/usr/bin/env bash
# One command for the C library, from a clean clone on a fresh machine:
# installs what is missing (apt packages, cbindgen), builds libautosend (release), checks the
# header is fresh, installs into a temp prefix, builds examples and tests with pkg-config,
# starts the sandbox, runs the tests plain, under ASan+UBSan and under valgrind, and runs the
# examples. Exits non-zero on any failure. Respects CARGO_TARGET_DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
pkg-config --exists libcjson 2>/dev/null || missing+=(libcjson-dev)
pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac

"$here/check-header.sh"

work="$(mktemp -d)"
prefix="$work/prefix"
sandbox_pid=""
fast_pid=""
jwe_pid=""
slow_pid=""
cleanup() {
    if [ -n "$jwe_pid" ]; then kill "$jwe_pid" 2>/dev/null || true; fi
    if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; fi
    if [ -n "$fast_pid" ]; then kill "$fast_pid" 2>/dev/null || true; fi
    if [ -n "${mb_pid:-}" ]; then kill "$mb_pid" 2>/dev/null || true; fi
    if [ -n "$slow_pid" ]; then kill "$slow_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$here/install.sh" "$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# autosend.pc adds no rpath (a packaged library must not): the test binaries find the library
# through LD_LIBRARY_PATH, as a user's would through ld.so.conf.
export LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for f in include/autosend.h include/autosend_endpoints.h lib/libautosend.a lib/libautosend.so lib/pkgconfig/autosend.pc; do
    [ -e "$prefix/$f" ] || { echo "test.sh: $f not installed" >&2; exit 1; }
done

# Packaging: C89 header, versioned + stripped glibc-2.17 .so, relocatable .pc, DESTDIR/LIBDIR,
# find_package(autosend), docs and licences.
bash "$here/tests/install_checks.sh" "$prefix" "$work"

CFLAGS="-std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
bin="$work/bin"
mkdir -p "$bin"
# shellcheck disable=SC2046
{
    cc $CFLAGS "$here/tests/test_autosend.c" -o "$bin/test_autosend" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS $SAN "$here/tests/test_autosend.c" -o "$bin/test_autosend_asan" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS "$here/tests/test_endpoints.c" -o "$bin/test_endpoints" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS $SAN "$here/tests/test_endpoints.c" -o "$bin/test_endpoints_asan" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS -I"$here/tests" "$here/tests/test_smoke.c" -o "$bin/test_smoke" $(pkg-config --cflags --libs autosend libcjson libcurl)
    # Process-level reliability (SIGPIPE, fork, TLS stall, oversized answer): plain only.
    cc $CFLAGS "$here/tests/test_process.c" -o "$bin/test_process" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS $SAN -I"$here/tests" "$here/tests/test_smoke.c" -o "$bin/test_smoke_asan" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS "$here/tests/test_fault_matrix.c" -o "$bin/test_fault_matrix" $(pkg-config --cflags --libs autosend libcjson libcurl)
    cc $CFLAGS "$here/tests/test_webhook_delivery.c" -o "$bin/test_webhook_delivery" $(pkg-config --cflags --libs autosend libcjson)
    cc $CFLAGS "$root/examples/c/paging.c" -o "$bin/paging" $(pkg-config --cflags --libs autosend)
    # The endpoint macros are plain C89.
    printf '#include <autosend_endpoints.h>\nint main(void) { return sizeof(AUTOSEND_EP_INBOUND_ATTACHMENT) > 1 && AUTOSEND_EP_COUNT > 0 ? 0 : 1; }\n' >"$work/c89.c"
    cc -std=c89 -pedantic -Wall -Werror $(pkg-config --cflags autosend) "$work/c89.c" -o "$bin/c89" && "$bin/c89"
    cc $CFLAGS "$root/examples/c/send.c" -o "$bin/send" $(pkg-config --cflags --libs autosend)
    cc $CFLAGS "$root/examples/c/quickstart.c" -o "$bin/quickstart" $(pkg-config --cflags --libs autosend)
    cc $CFLAGS "$root/examples/c/curl_sansio.c" -o "$bin/curl_sansio" $(pkg-config --cflags --libs autosend libcurl)
    # Static linking works too.
    cc $CFLAGS "$root/examples/c/quickstart.c" -o "$bin/quickstart_static" $(pkg-config --cflags autosend) \
        "$prefix/lib/libautosend.a" $(pkg-config --static --libs-only-l autosend | sed 's/-lautosend//')
}

(cd "$root" && cargo build -q -p autosend-sandbox)
info="$work/sandbox.json"
"$target/debug/autosend-sandbox" --port 0 --lazy-jwks >"$info" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 100); do
    [ -s "$info" ] && break
    sleep 0.1
done
[ -s "$info" ] || { echo "test.sh: the sandbox did not start" >&2; cat "$work/sandbox.log" >&2; exit 1; }
# A second sandbox without rate limits for the smoke test (every endpoint, 1,001-recipient
# bulk): the first keeps the real 2/s, 50/min limits the other tests rely on.
python3 "$here/tests/gen_smoke_table.py" --check
fast="$work/fast.json"
"$target/debug/autosend-sandbox" --port 0 --lazy-jwks --rate-per-second 100000 --rate-per-minute 1000000 \
    >"$fast" 2>"$work/fast.log" &
fast_pid=$!
for _ in $(seq 1 100); do
    [ -s "$fast" ] && break
    sleep 0.1
done
[ -s "$fast" ] || { echo "test.sh: the fast sandbox did not start" >&2; cat "$work/fast.log" >&2; exit 1; }
export AUTOSEND_FAST_SANDBOX_INFO="$fast"
# A third one for payload encryption (JWE): two keys, the second active after 3 decryptions.
jwe="$work/jwe.json"
"$target/debug/autosend-sandbox" --port 0 --lazy-jwks --jwks-rotate-after 3 --rate-per-second 100000 \
    --rate-per-minute 1000000 >"$jwe" 2>"$work/jwe.log" &
jwe_pid=$!
for _ in $(seq 1 100); do
    [ -s "$jwe" ] && break
    sleep 0.1
done
[ -s "$jwe" ] || { echo "test.sh: the JWE sandbox did not start" >&2; cat "$work/jwe.log" >&2; exit 1; }
export AUTOSEND_JWE_SANDBOX_INFO="$jwe"

# A third at the real limits whose new connections take 200 ms to set up (issue 14 item 3).
slow="$work/slow.json"
"$target/debug/autosend-sandbox" --port 0 --lazy-jwks --new-connection-delay-ms 200 >"$slow" 2>"$work/slow.log" &
slow_pid=$!
for _ in $(seq 1 100); do
    [ -s "$slow" ] && break
    sleep 0.1
done
[ -s "$slow" ] || { echo "test.sh: the slow sandbox did not start" >&2; cat "$work/slow.log" >&2; exit 1; }
export AUTOSEND_SLOW_SANDBOX_INFO="$slow"
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$info" "$1"; }
export AUTOSEND_SANDBOX_INFO="$info"
export AUTOSEND_BASE_URL="$(jget 'd["url"]')"
export AUTOSEND_CA_FILE="$(jget 'd["ca_cert"]')"
export AUTOSEND_API_KEY="$(jget 'd["keys"]["project"][0]["key"]')"
unset AUTOSEND_ACCOUNT_API_KEY AUTOSEND_PROJECT_ID

status=0
echo "== examples"
"$bin/quickstart" || status=1
"$bin/quickstart_static" || status=1
"$bin/send" || status=1
"$bin/curl_sansio" || status=1
"$bin/paging" || status=1

echo "== tests (plain)"
"$bin/test_autosend" "$root/tests/vectors" || status=1
"$bin/test_endpoints" || status=1
"$bin/test_smoke" "$here/tests/smoke.json" || status=1
"$bin/test_process" || status=1
"$bin/test_webhook_delivery" || status=1

echo "== fault matrix (tests/faults/matrix.json; sandbox + misbehaving server)"
mb_info="$work/misbehave.json"
"$target/debug/autosend-misbehave" --max-seconds 900 >"$mb_info" 2>"$work/misbehave.log" &
mb_pid=$!
for _ in $(seq 1 100); do
    [ -s "$mb_info" ] && break
    sleep 0.1
done
python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ca_pem'], end='')" "$mb_info" >"$work/misbehave-ca.pem"
AUTOSEND_MISBEHAVE_INFO="$mb_info" AUTOSEND_MISBEHAVE_CA="$work/misbehave-ca.pem" \
    timeout 300 "$bin/test_fault_matrix" "$root/tests/faults/matrix.json" || status=1
kill "$mb_pid" 2>/dev/null || true
mb_pid=""

echo "== tests (ASan + UBSan)"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$bin/test_autosend_asan" "$root/tests/vectors" || status=1
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$bin/test_endpoints_asan" || status=1
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$bin/test_smoke_asan" "$here/tests/smoke.json" || status=1

echo "== tests (valgrind)"
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=1 --suppressions="$here/tests/valgrind.supp" \
    "$bin/test_autosend" "$root/tests/vectors" || status=1
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=1 --suppressions="$here/tests/valgrind.supp" \
    "$bin/test_endpoints" || status=1
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=1 --suppressions="$here/tests/valgrind.supp" \
    "$bin/test_smoke" "$here/tests/smoke.json" || status=1

if [ "$status" -ne 0 ]; then
    echo "test.sh: FAILED" >&2
else
    echo "test.sh: all C checks passed"
fi
exit "$status"
