#!/usr/bin/env python3
"""Instructions per Node send over the network, counted by callgrind (bench/NOTES.md, "fifth round").

Starts the release sandbox (limits off), runs each command twice under
`valgrind --tool=callgrind --smc-check=all node --single-threaded`: with 0 and with N timed sends
after W warm-up sends. (second - first) / N is the cost of calls W+1 .. W+N, the harness's
window, without the load noise that process CPU time carries on a shared machine (repeat runs
agree to within 1.5-3 %). With --categories, each label's per-send count is split by what ran
(V8's compilers, GC, generated code, builtins, ...) and compared with the first label.

  python3 bench/node_cg.py [--n 400] [--warmup 50] [--categories] LABEL=COMMAND ...

COMMAND is run by bash from the repository root with {url} {key} {n} {w} filled in and
NODE_EXTRA_CA_CERTS set; its first `node ` is replaced by the valgrind invocation, e.g.
  fetch='node bench/drivers/node.mjs fetch seq {url} {key} {n} {w}'
  sdk='node bench/drivers/node.mjs sdk seq {url} {key} {n} {w}'
  signal='node bench/drivers/node_fetch_ab.mjs signal {url} {key} {n} {w}'
Each run takes ~1 min per 450 sends. BENCH_SANDBOX picks the sandbox binary (default
target/release/autosend-sandbox).

--whole counts whole processes instead (start-up to exit, ~15 s each), each command --repeat
times (median), as a ratio to the first label: the start-up row's instructions, e.g.
  python3 bench/node_cg.py --whole \
    fetch='node bench/drivers/node.mjs fetch startup {url} {key} 1' \
    sdk='node bench/drivers/node.mjs sdk startup {url} {key} 1'
"""
import argparse
import collections
import json
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CATEGORIES = [
    ("compile (TurboFan, Liftoff)", r"compiler::|Liftoff|wasm::.*(Compil|Turbo)"),
    ("GC", r"Scaven|Marking|MarkCompact|Heap::|Sweeper|Evacuat|GCTracer|heap::|Ephemeron|WeakCell|JSFinalizationRegistry"),
    ("parse, bytecode", r"Parser|Scanner|Preparse|interpreter::|BytecodeGenerator|AstNode"),
    ("V8 builtins", r"Builtins_"),
    ("libc", r"libc\.so"),
    ("V8 runtime, other", r"v8::internal::"),
    ("generated code (JS, wasm)", r"^\?\?\?:(0x|\?\?\?)"),
]


def categories(path):
    out = subprocess.run(["callgrind_annotate", "--threshold=100", path], capture_output=True, text=True).stdout
    c = collections.Counter()
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(.*)", line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        fn = m.group(2)
        name = next((k for k, rx in CATEGORIES if re.search(rx, fn)), "other (node, OpenSSL, libuv)")
        c[name] += int(m.group(1).replace(",", ""))
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--categories", action="store_true")
    ap.add_argument("--whole", action="store_true", help="whole processes, ratio to the first label")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command with --whole (median)")
    ap.add_argument("specs", nargs="+", metavar="LABEL=COMMAND")
    a = ap.parse_args()
    specs = [s.split("=", 1) for s in a.specs]
    sandbox = os.environ.get("BENCH_SANDBOX", os.path.join(ROOT, "target", "release", "autosend-sandbox"))
    sb = subprocess.Popen([sandbox, "--port", "0", "--lazy-jwks", "--rate-per-second", "100000",
                           "--rate-per-minute", "1000000"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    tmp = tempfile.mkdtemp(prefix="node_cg.")
    try:
        info = json.loads(sb.stdout.readline())
        url, key = info["url"], info["keys"]["project"][0]["key"]
        env = dict(os.environ, NODE_EXTRA_CA_CERTS=info["ca_cert"])

        def run(label, cmd, n):
            out_file = os.path.join(tmp, f"{len(os.listdir(tmp))}.cg")
            vg = f"valgrind --tool=callgrind --callgrind-out-file={out_file} --smc-check=all node --single-threaded "
            full = cmd.format(url=url, key=key, n=n, w=a.warmup).replace("node ", vg, 1)
            p = subprocess.run(["bash", "-c", full], capture_output=True, text=True, env=env, cwd=ROOT, timeout=3600)
            m = re.search(r"Collected : (\d+)", p.stderr)
            if p.returncode != 0 or not m:
                raise SystemExit(f"{label}: failed ({p.returncode}): {p.stderr[-1500:]}")
            return int(m.group(1)), out_file

        if a.whole:
            first = None
            for label, cmd in specs:
                counts = []
                for _ in range(a.repeat):
                    i, f = run(label, cmd, 1)
                    os.remove(f)
                    counts.append(i)
                med = sorted(counts)[len(counts) // 2]
                first = first or med
                print(f"{label:24s} whole process: {med / 1e6:8.1f} M instr. (runs {', '.join(f'{c / 1e6:.1f}' for c in counts)})"
                      f"   {med / first:.3f}x", flush=True)
            return
        base = None
        for label, cmd in specs:
            (i0, f0), (i1, f1) = run(label, cmd, 0), run(label, cmd, a.n)
            print(f"{label:24s} start + {a.warmup} sends: {i0 / 1e6:8.1f} M instr.   per send "
                  f"(sends {a.warmup + 1}-{a.warmup + a.n}): {(i1 - i0) / a.n / 1e3:8.1f} k", flush=True)
            if a.categories:
                c0, c1 = categories(f0), categories(f1)
                per = {k: (c1[k] - c0[k]) / a.n / 1e3 for k in set(c0) | set(c1)}
                if base is None:
                    base = (label, per)
                for k in sorted(per, key=lambda k: -per[k]):
                    d = per[k] - base[1].get(k, 0.0)
                    print(f"    {k:30s} {per[k]:8.1f} k" + (f"   ({d:+8.1f} k vs {base[0]})" if base[0] != label else ""))
            for f in (f0, f1):
                os.remove(f)
    finally:
        sb.kill()


if __name__ == "__main__":
    main()
