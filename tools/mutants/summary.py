#!/usr/bin/env python3
"""Per-file summary of one or more cargo-mutants runs (outcomes.json), for docs/mutants.md.

    python3 tools/mutants/summary.py OUT_DIR... [--before OUT_DIR...]

Prints a Markdown table (file, mutants, caught, missed, timeout, unviable, % of viable
caught; with --before, the earlier counts next to them) and the list of missed mutants.
A later run of the same mutant (same name) replaces an earlier one.
"""
import json
import sys
from collections import OrderedDict, defaultdict

KINDS = {"CaughtMutant": "caught", "MissedMutant": "missed", "Timeout": "timeout",
         "Unviable": "unviable"}


def load(dirs):
    by_name = OrderedDict()
    for d in dirs:
        with open(f"{d}/mutants.out/outcomes.json") as f:
            for o in json.load(f)["outcomes"]:
                m = o["scenario"]
                if not isinstance(m, dict) or "Mutant" not in m:
                    continue
                m = m["Mutant"]
                by_name[m["name"]] = (m["file"], KINDS.get(o["summary"], o["summary"]))
    per_file = defaultdict(lambda: defaultdict(int))
    missed = []
    for name, (file, kind) in by_name.items():
        per_file[file][kind] += 1
        per_file[file]["total"] += 1
        if kind in ("missed", "timeout"):
            missed.append(name)
    return per_file, missed


def pct(c):
    viable = c["total"] - c["unviable"]
    return f"{100 * c['caught'] / viable:.0f}%" if viable else "–"


def main(argv):
    before_dirs = []
    if "--before" in argv:
        i = argv.index("--before")
        argv, before_dirs = argv[:i], argv[i + 1:]
    after, missed = load(argv)
    before = load(before_dirs)[0] if before_dirs else {}
    head = "| file | mutants | caught | missed | timeout | unviable | caught of viable |"
    if before:
        head += " before: caught / missed / unviable |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    total = defaultdict(int)
    for file in sorted(after):
        c = after[file]
        for k in ("total", "caught", "missed", "timeout", "unviable"):
            total[k] += c[k]
        row = (f"| `{file}` | {c['total']} | {c['caught']} | {c['missed']} | {c['timeout']} "
               f"| {c['unviable']} | {pct(c)} |")
        if before:
            b = before.get(file)
            row += (f" {b['caught']} / {b['missed']} / {b['unviable']} ({pct(b)}) |" if b
                    else " not run |")
        print(row)
    print(f"| **all** | {total['total']} | {total['caught']} | {total['missed']} | "
          f"{total['timeout']} | {total['unviable']} | {pct(total)} |" + (" |" if before else ""))
    if missed:
        print("\nMissed (or timed out):\n")
        for m in missed:
            print(f"- `{m}`")


if __name__ == "__main__":
    main(sys.argv[1:])
