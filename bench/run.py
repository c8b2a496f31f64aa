"""Runs the side-by-side benchmarks (called by bench/run.sh, which builds and installs first).

Every language's SDK is measured in the same run as its raw client(s) and, for Node, the
official `autosendjs`, against one local sandbox with its limits off. Runs are interleaved
(A B C A B C ...) so load from other processes hits every client alike; figures are medians.
Writes results JSON (and, unless --quick, BENCHMARKS.md and the SVG charts via report.py).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import ssl
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def env_path(name):
    v = os.environ.get(name)
    if not v:
        sys.exit(f"run.py: {name} is not set (run bench/run.sh, which sets it)")
    return v


def start_sandbox(binary, *extra):
    p = subprocess.Popen([binary, "--port", "0", "--lazy-jwks", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    info = json.loads(p.stdout.readline())
    return p, info


CRASHES = []
# (admin URL, TLS context) of the sandbox: every measured process starts on its start state.
RESET = None


def reset_sandbox():
    """POST /_sandbox/reset: no stored mail, empty rate windows, so no client is measured on a
    sandbox that earlier runs filled (it kept every mail, ~11 KB each, and counted the second
    window by scanning the minute's requests: a send took 240 -> 411 us over 32,000 sends)."""
    if RESET is None:
        return
    url, ctx = RESET
    req = urllib.request.Request(url + "/_sandbox/reset", data=b"{}", method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
        r.read()


def run_json(cmd, env=None, timeout=600):
    reset_sandbox()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    elapsed = time.perf_counter() - t0
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 and not (out.returncode < 0 or out.returncode > 128) or not lines:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({out.returncode}): {out.stderr[-2000:]}")
    d = json.loads(lines[-1])
    if out.returncode != 0:
        # Measured, then killed by a signal on the way out: counted and reported, not hidden.
        d["crashed_at_exit"] = out.returncode
        CRASHES.append({"cmd": " ".join(os.path.basename(x) for x in cmd[:3]), "rc": out.returncode,
                        "stderr": out.stderr[-300:]})
        print(f"!! {' '.join(cmd[:3])} printed its result, then died at exit ({out.returncode})", flush=True)
    d["process_s"] = elapsed
    return d


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    cpu = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
    except OSError:
        pass
    ver = lambda c: subprocess.run(c, capture_output=True, text=True).stdout.strip().splitlines()[0]  # noqa: E731
    return {
        "cpu": cpu, "cores": os.cpu_count(), "mem_mb": mem, "os": platform.platform(),
        "node": ver(["node", "--version"]),
        "python": ver([os.environ["BENCH_PY"], "--version"]),
        "rustc": ver(["rustc", "--version"]),
        "curl": ver(["curl", "--version"]),
        "loadavg_start": os.getloadavg(),
    }


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="node,python,c,rust", help="comma-separated languages")
    a = ap.parse_args()
    q = a.quick
    n_seq, warm, runs = (10, 2, 1) if q else (400, 50, int(os.environ.get("BENCH_RUNS", "5")))
    n_par = 16 if q else 1000
    n_rss = 0 if q else 1000
    startup_runs = 1 if q else runs
    langs = a.only.split(",")

    sandbox_bin = env_path("BENCH_SANDBOX")
    py = env_path("BENCH_PY")
    c_bin = env_path("BENCH_C")
    rust_bin = env_path("BENCH_RUST")
    sb, info = start_sandbox(sandbox_bin, "--rate-per-second", "100000", "--rate-per-minute", "1000000")
    url, ca = info["url"], info["ca_cert"]
    key = info["keys"]["project"][0]["key"]
    global RESET
    RESET = (info["admin_url"], ssl.create_default_context(cafile=ca))
    node_env = dict(os.environ, NODE_EXTRA_CA_CERTS=ca)
    node = ["node", os.path.join(HERE, "drivers", "node.mjs")]
    pyd = [py, os.path.join(HERE, "drivers", "py.py")]

    # (lang, group, client) -> command prefix; a group's clients are compared with each other.
    def cmd(lang, client, scenario, n, w, inflight=16):
        if lang == "node":
            return node + [client, scenario, url, key, str(n), str(w), str(inflight)], node_env
        if lang == "python":
            return pyd + [client, scenario, url, ca, key, str(n), str(w), str(inflight)], None
        if lang == "c":
            return [c_bin, client, scenario, url, ca, key, str(n), str(w), str(inflight)], None
        return [rust_bin, client, scenario, url, ca, key, str(n), str(w), str(inflight)], None

    groups = {
        "node": {"seq": ["sdk", "fetch", "autosendjs"], "par": ["sdk", "fetch", "autosendjs"],
                 "startup": ["sdk", "fetch", "autosendjs"]},
        "python": {"seq": ["sdk", "requests", "httpx"], "par": ["sdk-async", "aiohttp", "httpx-async"],
                   "startup": ["sdk", "requests", "httpx"]},
        "c": {"seq": ["sdk", "curl"], "par": ["sdk", "curl"], "startup": ["sdk", "curl"]},
        "rust": {"seq": ["sdk", "reqwest"], "par": ["sdk-async", "reqwest-async"],
                 "startup": ["sdk", "reqwest"]},
    }
    results = {"quick": q, "machine": machine(), "params": {
        "seq_sends": n_seq, "warmup": warm, "runs": runs, "par_sends": n_par, "inflight": 16,
        "rss_sends": n_rss, "startup_runs": startup_runs}, "latency": {}, "throughput": {},
        "startup": {}, "rss": {}}
    try:
        for lang in langs:
            g = groups[lang]
            print(f"-- {lang}: {n_seq} sequential sends x {runs} runs", flush=True)
            raw = {c: [] for c in g["seq"]}
            for _ in range(runs):
                for c in g["seq"]:
                    raw[c].append(run_json(*cmd(lang, c, "seq", n_seq, warm)))
            results["latency"][lang] = {c: {
                "ms_per_send": 1000 * median_of(r, "wall_s") / n_seq,
                "cpu_ms_per_send": 1000 * median_of(r, "cpu_s") / n_seq,
                "runs_ms": [round(1000 * x["wall_s"] / n_seq, 4) for x in r],
                "runs_cpu_ms": [round(1000 * x["cpu_s"] / n_seq, 4) for x in r]} for c, r in raw.items()}
            seq_proc = {c: median_of(r, "process_s") for c, r in raw.items()}
            # The smoke (test command, 0 s more allowed) leaves out the native par runs.
            if "par" in g and not (q and lang in ("c", "rust")):
                print(f"-- {lang}: {n_par} sends, 16 in flight x {runs} runs", flush=True)
                raw = {c: [] for c in g["par"]}
                for _ in range(runs):
                    for c in g["par"]:
                        raw[c].append(run_json(*cmd(lang, c, "par", n_par, warm)))
                results["throughput"][lang] = {c: {
                    "req_per_s": n_par / median_of(r, "wall_s"),
                    "cpu_ms_per_send": 1000 * median_of(r, "cpu_s") / n_par,
                    "runs_req_per_s": [round(n_par / x["wall_s"], 1) for x in r]} for c, r in raw.items()}
            if q:  # the smoke takes the seq processes' lifetimes instead of separate runs
                results["startup"][lang] = {c: {"ms": 1000 * seq_proc[c]}
                                            for c in results["latency"][lang]}
                continue
            print(f"-- {lang}: start-up to first response x {startup_runs}", flush=True)
            raw = {c: [] for c in g["startup"]}
            for _ in range(startup_runs):
                for c in g["startup"]:
                    raw[c].append(run_json(*cmd(lang, c, "startup", 1, 0)))
            results["startup"][lang] = {c: {"ms": 1000 * median_of(r, "process_s")} for c, r in raw.items()}
            if n_rss:
                print(f"-- {lang}: RSS after {n_rss} sends", flush=True)
                results["rss"][lang] = {c: {"mb": run_json(*cmd(lang, c, "seq", n_rss, 0))["rss_mb"]}
                                        for c in g["seq"]}
    finally:
        sb.kill()
        sb.wait()
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["sizes"] = sizes()
    results["crashed_at_exit"] = CRASHES
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"-- wrote {a.out}")


def sizes():
    """Bytes a user downloads/installs: ours and the alternatives that are on disk."""
    out = {}

    def size(p):
        if os.path.isfile(p):
            return os.path.getsize(p)
        t = 0
        for d, _, fs in os.walk(p):
            t += sum(os.path.getsize(os.path.join(d, x)) for x in fs if not os.path.islink(os.path.join(d, x)))
        return t
    for name, var in [("npm autosend-sdk (unpacked)", "BENCH_PKG"), ("npm autosendjs (unpacked)", "BENCH_AUTOSENDJS"),
                      ("wheel autosend-sdk", "BENCH_WHEEL"), ("libautosend.so", "BENCH_LIB")]:
        p = os.environ.get(var)
        if p and os.path.exists(p):
            out[name] = size(p)
    wasm = os.path.join(os.environ.get("BENCH_PKG", ""), "esm", "autosend_wasm_bg.wasm")
    if os.path.isfile(wasm):
        import gzip
        with open(wasm, "rb") as f:
            out["autosend_wasm_bg.wasm (gzip -9)"] = len(gzip.compress(f.read(), 9))
    return out


if __name__ == "__main__":
    main()
