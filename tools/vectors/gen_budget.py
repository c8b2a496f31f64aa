#!/usr/bin/env python3
"""Generate the vectors of the shared rate-limit budget on Redis (issue 11), written from the
budget model (docs/decisions.md "Shared budget on Redis", ARCHITECTURE.md), not from the code:

- tests/vectors/budget_reply.json (kind `budget_reply`): how a reply of the store's scripts is
  read — `[1, id]` is a grant, `[0, ms]` a wait, `1` an acknowledgement, anything else a
  `budget_store` error (the caller then falls back or raises). Run by Rust, Node, Python and C.
- tests/vectors/redis/budget_script.json: the scripts' decisions, run against a real Redis by
  the Rust tests (transport/tests/redis_budget.rs). Times are real (Redis TIME), so waits are
  ranges; windows are short so the sequences take well under a second each.
"""
import json
import os

from common import OUT, write

GO = {"go": True}


DOC = ("budget model: a reply of the store's scripts is [1, id] (grant), [0, ms > 0] (wait) or 1 "
       "(acknowledged); anything else is budget_store")


def reply(name, op, value, expect):
    return {"name": "budget_reply_" + name, "kind": "budget_reply", "doc": DOC, "op": op, "reply": value,
            "expect": expect}


REPLIES = [
    reply("grant", "acquire", [1, "1764547200123:00000000000000ab"], {"go": "1764547200123:00000000000000ab"}),
    reply("wait", "acquire", [0, 950], {"wait": 950}),
    reply("wait_as_text", "acquire", [0, "40"], {"wait": 40}),
    reply("wait_one_ms", "acquire", [0, 1], {"wait": 1}),
    reply("wait_zero_is_garbage", "acquire", [0, 0], {"error": "budget_store"}),
    reply("wait_negative", "acquire", [0, -5], {"error": "budget_store"}),
    reply("wait_absurd", "acquire", [0, 10_000_000_000], {"error": "budget_store"}),
    reply("nil", "acquire", None, {"error": "budget_store"}),
    reply("status_text", "acquire", "OK", {"error": "budget_store"}),
    reply("one_item", "acquire", [1], {"error": "budget_store"}),
    reply("three_items", "acquire", [1, "1:a", 3], {"error": "budget_store"}),
    reply("unknown_status", "acquire", [2, 10], {"error": "budget_store"}),
    reply("grant_id_number", "acquire", [1, 17], {"error": "budget_store"}),
    reply("grant_id_empty", "acquire", [1, ""], {"error": "budget_store"}),
    reply("grant_id_with_space", "acquire", [1, "1 2"], {"error": "budget_store"}),
    reply("grant_id_too_long", "acquire", [1, "a" * 65], {"error": "budget_store"}),
    reply("settle_ack", "settle", 1, {"ok": True}),
    reply("refund_ack", "refund", 1, {"ok": True}),
    reply("block_ack", "block", 1, {"ok": True}),
    reply("ack_as_text", "settle", "1", {"ok": True}),
    reply("ack_zero", "settle", 0, {"error": "budget_store"}),
    reply("ack_array", "block", [1], {"error": "budget_store"}),
    reply("ack_nil", "refund", None, {"error": "budget_store"}),
]

# Windows: 2 per 200 ms and 4 per 1000 ms; guard 5 ms (REDIS_GUARD_MS). `in_flight_ms` is
# the in-flight arrival bound given to acquire.
W = {"per_second": 2, "second_ms": 200, "per_minute": 4, "minute_ms": 1000}
GUARD = 5


def script(name, doc, steps, windows=W):
    return {"name": "budget_script_" + name, "kind": "budget_script", "doc": doc,
            "windows": windows, "in_flight_ms": 5000, "steps": steps}


def acq(expect, lo=None, hi=None):
    if expect == "go":
        return {"op": "acquire", "expect": "go"}
    return {"op": "acquire", "expect": "wait", "wait_min": lo, "wait_max": hi}


SCRIPTS = [
    script("first_grants_go", "an empty budget grants up to the short window's limit at once",
           [acq("go"), acq("go")]),
    script("in_flight_blocks_a_full_window",
           "two grants in flight fill the 2-per-200 ms window; the next one waits at least the "
           "window plus guard (an in-flight request may still arrive from now on)",
           [acq("go"), acq("go"), acq("wait", 200 + GUARD - 20, 200 + GUARD)]),
    script("settled_frees_after_window",
           "settled grants free their slot one window (plus guard) after the settle",
           [acq("go"), acq("go"), {"op": "settle", "grant": 0}, {"op": "settle", "grant": 1},
            acq("wait", 150, 200 + GUARD), {"op": "sleep", "ms": 230}, acq("go")]),
    script("refund_gives_the_slot_back",
           "a refunded grant (429 or nothing sent) does not consume the budget",
           [acq("go"), acq("go"), {"op": "refund", "grant": 1}, acq("go")]),
    script("long_window_counts",
           "4 per 1000 ms: after 4 settled grants spread over two short windows the fifth waits "
           "for the first to leave the long window",
           [acq("go"), acq("go"), {"op": "settle", "grant": 0}, {"op": "settle", "grant": 1},
            {"op": "sleep", "ms": 230}, acq("go"), acq("go"),
            {"op": "settle", "grant": 2}, {"op": "settle", "grant": 3},
            {"op": "sleep", "ms": 230}, acq("wait", 1000 + GUARD - 230 * 2 - 60, 1000 + GUARD - 230 * 2)]),
    script("block_stops_everyone",
           "server feedback blocks the key for its wait, whatever the windows say",
           [{"op": "block", "wait_ms": 300}, acq("wait", 240, 300), {"op": "sleep", "ms": 310},
            acq("go")]),
    script("block_only_extends",
           "a shorter block does not shorten a longer one",
           [{"op": "block", "wait_ms": 400}, {"op": "block", "wait_ms": 50}, acq("wait", 330, 400)]),
    script("key_expires",
           "nothing grows without bound: the key expires once no record constrains anything",
           [acq("go"), {"op": "settle", "grant": 0},
            {"op": "ttl", "min_ms": 1000, "max_ms": 1000 + GUARD + 1000}]),
    script("settle_of_unknown_grant_is_harmless",
           "settling or refunding a grant that is gone (expired, already refunded) changes nothing",
           [acq("go"), {"op": "refund", "grant": 0}, {"op": "settle", "grant": 0}, acq("go"), acq("go"),
            acq("wait", 150, 200 + GUARD)]),
]


def main():
    write("budget_reply.json",
          "Reading the replies of the shared budget's Redis scripts (issue 11): go, wait, ack, "
          "or a budget_store error.",
          ["docs/decisions.md: Shared budget on Redis", "ARCHITECTURE.md: core/src/budget_redis.rs"],
          REPLIES)
    names = [v["name"] for v in SCRIPTS]
    assert len(set(names)) == len(names)
    path = os.path.join(OUT, "redis", "budget_script.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"description": "Decisions of the shared budget's Lua scripts against a real Redis "
                                  "(run by transport/tests/redis_budget.rs). Waits are ranges: Redis "
                                  "TIME is real time. Guard 5 ms.",
                   "vectors": SCRIPTS}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%-20s %4d vectors" % ("redis/budget_script.json", len(SCRIPTS)))


if __name__ == "__main__":
    main()
