#!/usr/bin/env bash
# On-demand benchmark of the shared budget (issue 11):
#   1. time per budget decision, process-local vs Redis on loopback (transport/examples/bench_budget.rs)
#   2. the 8-process, four-language makespan against a --time-scale 10 sandbox, with Redis and
#      without it (today's behaviour: separate budgets, 429s) — tests/multiprocess/run.sh
# Usage: bash bench/redis.sh   (MP_BUILD=1 to build the packages first)
set -uo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$ROOT"
command -v redis-server >/dev/null || apt_ensure redis-server || exit 1
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
rp=$!
trap 'kill $rp 2>/dev/null' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
say "time per decision"
AUTOSEND_BENCH_REDIS_URL="redis://127.0.0.1:$port/0" \
  cargo run -q -p autosend-http --example bench_budget  # debug build: Redis time is I/O
say "8 processes, 200 mails, with Redis"
bash tests/multiprocess/run.sh
say "8 processes, 200 mails, without Redis (separate budgets)"
MP_BUILD=0 bash tests/multiprocess/run.sh --no-redis
