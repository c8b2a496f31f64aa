"""Prints the drivers' JSON lines (stdin) as a table; argv[1] is the theoretical minimum in s."""

import json
import sys

ideal = float(sys.argv[1])
print(f"{'language':<8} {'accepted':>8} {'429s':>5} {'makespan':>10} {'ratio':>6}")
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    d = json.loads(line)
    print(f"{d['lang']:<8} {d['accepted']:>8} {d['r429']:>5} {d['makespan_s']:>9.1f}s {d['makespan_s'] / ideal:>6.3f}")
