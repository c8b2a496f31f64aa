"""README.md: the coverage table between `<!-- coverage:start -->` and `<!-- coverage:end -->`.

The rest of the README is hand-written; only that block is generated, so the table of what the
SDK reaches can never disagree with the description.
"""
import os
import re

import model

PATH = "README.md"
START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"


def _block(spec):
    ops = model.operations(spec)
    lines = [
        START,
        f"<!-- {model.HEADER} -->",
        "",
        "| area | endpoints | JS (`client.…`) | Python (`client.…`) | paged lists |",
        "|---|---|---|---|---|",
    ]
    for area, group in model.areas(ops):
        ns = sorted({o["namespace"] for o in group})
        js = ", ".join(f"`{n}`" for n in ns)
        py = ", ".join(f"`{model.snake(n)}`" for n in ns)
        paged = [o["name"] for o in group if o["pagination"]]
        lines.append(f"| {area} | {len(group)} | {js} | {py} | "
                     f"{', '.join(f'`{p}`' for p in paged) or '—'} |")
    lines += [
        f"| **all** | **{len(ops)}** | | | **{sum(1 for o in ops if o['pagination'])}** |",
        "",
        "Every endpoint is a typed method in Rust (`client.templates().create(&params)`), JS and "
        "Python, and callable from C by its id (`AUTOSEND_EP_TEMPLATES_CREATE`). Parameters, "
        "limits, scopes and retry classes per endpoint: [`docs/api.md`](docs/api.md).",
        END,
    ]
    return "\n".join(lines)


def outputs(spec):
    path = os.path.join(model.ROOT, PATH)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"{PATH} has no {START} … {END} block")
    return {PATH: pattern.sub(lambda _m: _block(spec), text, count=1)}
