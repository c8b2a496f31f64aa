#!/usr/bin/env bash
# The main job: start the local AutoSend sandbox (HTTPS, real auth rules and limits), send a
# mail from Rust, Node (WebAssembly), Python and C through the SDK, and show what arrived.
# Installs what it needs on a fresh machine. Builds go to target/; logs to target/demo-logs/.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
logs="$CARGO_TARGET_DIR/demo-logs"
mkdir -p "$logs"

step() { # step NAME LOGFILE COMMAND...: runs quietly, shows the log on failure
  local name="$1" log="$logs/$2"
  shift 2
  printf '   %-44s' "$name"
  if "$@" >"$log" 2>&1; then
    echo "done"
  else
    echo "FAILED (log: $log)"
    tail -n 40 "$log" >&2
    return 1
  fi
}

say "building (first run: several minutes; later runs: seconds)"
apt_ensure pkg-config gcc curl ca-certificates
step "sandbox" sandbox.log cargo build -p autosend-sandbox
# -p autosend too: the package selection of scripts/test.sh's rust suite, whose build this then
# reuses (one crate more on a fresh clone, zerocopy-derive; 24 recompiled crates less in CI).
step "Rust example" rust.log cargo build -p autosend -p autosend-http --example send
step "npm package (WebAssembly)" wasm.log bash bindings-wasm/build.sh
step "Python wheel (venv)" python.log bash bindings-python/build.sh
prefix="$CARGO_TARGET_DIR/demo-prefix"
step "C library (install + pkg-config)" c.log bash bindings-c/install.sh "$prefix"
cbin="$CARGO_TARGET_DIR/demo-send-c"
step "C example" c-example.log bash -c "cc -Wall -Wextra -o '$cbin' examples/c/send.c \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags --libs autosend) -Wl,-rpath,'$prefix/lib'"

say "starting the sandbox"
start_sandbox
trap stop_sandbox EXIT
echo "   API    $SANDBOX_URL"
echo "   inbox  $SANDBOX_INBOX"
echo "   CA     $SANDBOX_CA"

export AUTOSEND_API_KEY="$SANDBOX_KEY" AUTOSEND_BASE_URL="$SANDBOX_URL"
export AUTOSEND_CA_FILE="$SANDBOX_CA" NODE_EXTRA_CA_CERTS="$SANDBOX_CA"

say "sending one mail from each language (four processes, one key: a 429 from the sandbox is waited out and retried)"
"$CARGO_TARGET_DIR/debug/examples/send"
node bindings-wasm/examples/send.mjs
bindings-python/.venv/bin/python bindings-python/examples/send.py
"$cbin"

say "what arrived at the sandbox"
python3 - "$SANDBOX_ADMIN" "$SANDBOX_CA" <<'PY'
import json, ssl, sys, urllib.request
admin, ca = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
msgs = json.load(urllib.request.urlopen(admin + "/_sandbox/messages", context=ctx))
stats = json.load(urllib.request.urlopen(admin + "/_sandbox/stats", context=ctx))
print(f"   {'sent by (User-Agent)':<44} {'to':<26} subject")
for m in msgs:
    to = m["to"]["email"] if isinstance(m.get("to"), dict) else str(m.get("to"))
    print(f"   {m.get('userAgent', '?')[:44]:<44} {to:<26} {m.get('subject')}")
print(f"\n   {len(msgs)} mails received; processed: {json.dumps(stats.get('processed'))}; "
      f"rejected: {json.dumps(stats.get('rejected'))}")
def sdk(ua):  # "autosend/0.1.0 python/0.1.0" -> "python"
    parts = ua.split()
    return parts[1].split("/")[0].split("-")[0] if len(parts) > 1 else "?"
seen = {sdk(m.get("userAgent", "")) for m in msgs}
missing = {"rust", "js", "python", "c"} - seen
if missing:
    print(f"   missing mail from: {', '.join(sorted(missing))}")
    sys.exit(1)
PY

say "the API request log (every request above, per key, against the 2/s and 50/min limits)"
python3 - "$SANDBOX_ADMIN" "$SANDBOX_CA" <<'PY'
import collections, json, ssl, sys, urllib.request
admin, ca = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
log = json.load(urllib.request.urlopen(admin + "/_sandbox/requests", context=ctx))
by_key = collections.defaultdict(list)
for r in log["requests"]:
    by_key[r.get("keyFingerprint") or "(no key)"].append(r)
for key, rs in by_key.items():
    refused = sum(1 for r in rs if r["status"] == 429)
    verdict = "rate-limit clean" if refused == 0 else f"{refused} refused with 429"
    print(f"   key {key}: {len(rs)} request(s), {verdict}")
PY

echo
echo "   Open the inbox (rendered mail, live): $SANDBOX_INBOX"
echo "   Open the API request log (timeline per key): ${SANDBOX_ADMIN}/requests"
echo "   (certificate: $SANDBOX_CA)"
if [ -t 0 ] && [ -z "${AUTOSEND_DEMO_NO_WAIT:-}" ] && [ -z "${CI:-}" ]; then
  read -r -p "   Press Enter to stop the sandbox. " _
fi
