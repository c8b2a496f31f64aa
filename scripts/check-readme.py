#!/usr/bin/env python3
"""Docs are code: every fenced block in README.md that follows a `<!-- snippet: PATH -->`
marker must be exactly the file PATH (which the test suites run), the README must give exactly
two set-up commands, and .ci/run must call the test one. `--write` copies the files into the
README instead of checking."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text()
if "--write" in sys.argv:
    def fill(m):
        f = root / m.group(2)
        if not f.is_file():
            return m.group(0)
        return m.group(1) + f.read_text().strip() + "\n```"
    pattern = r"(<!-- snippet: (\S+) -->\s*```[a-z]*\n).*?```"
    readme = re.sub(pattern, fill, readme, flags=re.S)
    (root / "README.md").write_text(readme)
errors = []
count = 0
for m in re.finditer(r"<!-- snippet: (\S+) -->\s*```[a-z]*\n(.*?)```", readme, re.S):
    path, block = m.group(1), m.group(2)
    f = root / path
    if not f.is_file():
        errors.append(f"{path}: missing")
        continue
    if f.read_text().strip() != block.strip():
        errors.append(f"{path}: README block differs from the file (copy the file into the README)")
    count += 1

setup = re.search(r"<!-- setup -->\s*```sh\n(.*?)```", readme, re.S)
if not setup:
    errors.append("no <!-- setup --> block")
else:
    cmds = [l for l in setup.group(1).splitlines() if l.strip() and not l.strip().startswith("#")]
    if len(cmds) != 2:
        errors.append(f"the set-up block must have exactly two commands, has {len(cmds)}")
    ci = (root / ".ci/run").read_text()
    test_cmd = cmds[1].split("#")[0].strip() if len(cmds) == 2 else ""
    if test_cmd and test_cmd not in ci:
        errors.append(f".ci/run does not call the README's test command {test_cmd!r}")

for e in errors:
    print("README:", e)
print(f"readme: {count} snippets checked, {len(errors)} problems")
sys.exit(1 if errors or count < 4 else 0)
