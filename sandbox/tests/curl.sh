#!/usr/bin/env bash
# Curl-level test of a few auth rules, with the system curl trusting the generated CA
# explicitly (--cacert). Usage: bash sandbox/tests/curl.sh [path/to/autosend-sandbox]
set -u
here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/../../target}"
bin="${1:-${SANDBOX_BIN:-$target/debug/autosend-sandbox}}"
[ -x "$bin" ] || { echo "sandbox binary not found: $bin (build it with cargo build -p autosend-sandbox)"; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Fixed keys via a config file, CA at a known path: only the ports come from the JSON line.
cat > "$work/cfg.json" <<'JSON'
{"projects": [{"id": "aaaaaaaaaaaaaaaaaaaaaaaa", "keys": ["AS_curlProjectOne"]},
              {"id": "bbbbbbbbbbbbbbbbbbbbbbbb", "keys": ["AS_curlProjectTwo"]}],
 "account_keys": ["ASA_curlAccount"], "rate_per_second": 1000, "rate_per_minute": 100000}
JSON
"$bin" --config "$work/cfg.json" --ca-out "$work/ca.pem" --http-port 0 > "$work/start.json" &
pid=$!
for _ in $(seq 100); do [ -s "$work/start.json" ] && break; sleep 0.05; done
line="$(head -n1 "$work/start.json")"
port="$(printf '%s' "$line" | grep -o '"port":[0-9]*' | head -n1 | cut -d: -f2)"
http_port="$(printf '%s' "$line" | grep -o '"http_port":[0-9]*' | cut -d: -f2)"
[ -n "$port" ] || { echo "no start line: $line"; exit 1; }
base="https://127.0.0.1:$port/v1"
mail='{"to":{"email":"a@example.com"},"from":{"email":"b@example.com"},"subject":"curl","text":"hi"}'

pass=0; fail=0
expect() { # name, expected status, expected body substring, curl args...
  local name="$1" want="$2" needle="$3"; shift 3
  local out status body
  out="$(curl -sS --max-time 10 -o "$work/body" -w '%{http_code}' "$@" 2>&1)"
  status="$out"; body="$(cat "$work/body" 2>/dev/null)"
  if [ "$status" = "$want" ] && [[ "$body" == *"$needle"* ]]; then
    pass=$((pass+1)); echo "ok - $name"
  else
    fail=$((fail+1)); echo "not ok - $name: status $status, body $body"
  fi
}
C=(--cacert "$work/ca.pem")
J=(-H 'content-type: application/json')

expect "no key -> 401" 401 '{"error":{"code":"UNAUTHORIZED","message":"Unauthorized","status":401},"success":false}' \
  "${C[@]}" "${J[@]}" -d "$mail" "$base/mails/send"
expect "unknown key -> 401" 401 '"UNAUTHORIZED"' "${C[@]}" "${J[@]}" -H 'Authorization: Bearer AS_nope' -d "$mail" "$base/mails/send"
expect "Basic scheme -> 401" 401 '"UNAUTHORIZED"' "${C[@]}" "${J[@]}" -H 'Authorization: Basic AS_curlProjectOne' -d "$mail" "$base/mails/send"
expect "account key without x-project-id -> 403" 403 '"INSUFFICIENT_PERMISSIONS"' \
  "${C[@]}" "${J[@]}" -H 'Authorization: Bearer ASA_curlAccount' -d "$mail" "$base/mails/send"
expect "project key with another project's id -> 403" 403 '"INSUFFICIENT_PERMISSIONS"' \
  "${C[@]}" "${J[@]}" -H 'Authorization: Bearer AS_curlProjectOne' -H 'x-project-id: bbbbbbbbbbbbbbbbbbbbbbbb' -d "$mail" "$base/mails/send"
expect "project key on /account/projects -> 403" 403 '"INSUFFICIENT_PERMISSIONS"' \
  "${C[@]}" -H 'Authorization: Bearer AS_curlProjectOne' "$base/account/projects"
expect "account key creates a project without x-project-id" 200 '"success":true' \
  "${C[@]}" "${J[@]}" -H 'Authorization: Bearer ASA_curlAccount' -d '{"name":"From curl"}' "$base/account/projects"
expect "project key sends" 200 '"message":"Email queued successfully."' \
  "${C[@]}" "${J[@]}" -H 'Authorization: Bearer AS_curlProjectOne' -d "$mail" "$base/mails/send"
expect "plain HTTP port -> 403 HTTPS_REQUIRED" 403 '"HTTPS_REQUIRED"' \
  "${J[@]}" -H 'Authorization: Bearer AS_curlProjectOne' -d "$mail" "http://127.0.0.1:$http_port/v1/mails/send"

# Headers on an API response.
hdrs="$(curl -sS -D - -o /dev/null "${C[@]}" -H 'Authorization: Bearer AS_curlProjectOne' "$base/mails/aaaaaaaaaaaaaaaaaaaaaaaa/status")"
for h in x-request-id x-ratelimit-limit x-ratelimit-remaining x-ratelimit-reset date; do
  if grep -qi "^$h:" <<<"$hdrs"; then pass=$((pass+1)); echo "ok - header $h"; else fail=$((fail+1)); echo "not ok - header $h missing"; fi
done

# Without --cacert the system trust store must reject the sandbox certificate.
if curl -sS --max-time 10 -o /dev/null "$base/mails/send" 2>/dev/null; then
  fail=$((fail+1)); echo "not ok - untrusted CA was accepted"
else
  pass=$((pass+1)); echo "ok - curl without --cacert refuses the certificate"
fi

# Exactly one mail was processed, and the key is redacted in the inspection API.
stats="$(curl -sS "${C[@]}" "https://127.0.0.1:$port/_sandbox/stats")"
if [[ "$stats" == *'"emails.send":1'* ]]; then pass=$((pass+1)); echo "ok - exactly one send processed"; else fail=$((fail+1)); echo "not ok - stats $stats"; fi
msgs="$(curl -sS "${C[@]}" "https://127.0.0.1:$port/_sandbox/messages")"
if [[ "$msgs" != *AS_curlProjectOne* && "$msgs" == *'Bearer AS_…tOne'* ]]; then pass=$((pass+1)); echo "ok - key redacted in inspection"; else fail=$((fail+1)); echo "not ok - redaction: $msgs"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
