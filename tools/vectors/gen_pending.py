#!/usr/bin/env python3
"""Generate tests/vectors/pending.json: the shared skip list of vectors that do not pass yet.

Every runner (Rust, Node, Python, C) reads it, reports each listed vector as skipped by name
with its reason, and FAILS when a listed vector passes (so the list cannot rot). An entry may
name the `runners` it applies to (rust, node, python, c); without `runners` it applies to all.
Run after the other generators (it reads the vector files). The lead empties the rules below
once the generated core catalog is merged.
"""
import glob
import json
import os

from common import OUT

# (predicate on a vector, reason, runners or None = all)
RULES = [
    # Empty: every vector passes in every runner. Add (predicate, reason, runners) while a
    # change lands in pieces; a listed vector that passes fails the suite.
]


def main():
    pending = []
    for path in sorted(glob.glob(os.path.join(OUT, "*.json"))):
        if os.path.basename(path) == "pending.json":
            continue
        with open(path, encoding="utf-8") as f:
            for v in json.load(f)["vectors"]:
                for pred, reason, runners in RULES:
                    if pred(v):
                        e = {"name": v["name"], "reason": reason}
                        if runners:
                            e["runners"] = runners
                        pending.append(e)
                        break
    with open(os.path.join(OUT, "pending.json"), "w", encoding="utf-8") as f:
        json.dump({"description": "Vectors not passing yet, with the reason; runners skip them by name and fail "
                                  "when one passes (docs/contract.md: pending vectors).", "pending": pending},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%-20s %4d entries" % ("pending.json", len(pending)))


if __name__ == "__main__":
    main()
