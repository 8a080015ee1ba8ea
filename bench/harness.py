"""Running measurements interleaved (A B A B…) in fresh processes, and summarising them."""

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_worker(*args, timeout=600):
    """The JSON a `bench.worker` process prints, or {"error": …} when it fails or times out."""
    command = [sys.executable, "-m", "bench.worker", *map(str, args)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
        return {"error": last}
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleaved(engines, repeats, measure):
    """measure(engine) for each engine in turn, `repeats` rounds: {engine: [result per round]}."""
    results = {engine: [] for engine in engines}
    for _ in range(repeats):
        for engine in engines:
            results[engine].append(measure(engine))
    return results


def median(values):
    return statistics.median(values) if values else float("nan")


def pair_ratios(slow, fast):
    """slow[i] / fast[i] for each round: how many times faster `fast` was, round by round."""
    return [s / f for s, f in zip(slow, fast) if f > 0]


def environment():
    import gc
    threshold = ", ".join(map(str, gc.get_threshold()))
    load = f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""
    return (f"Python {platform.python_version()} ({platform.python_implementation()}) on "
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs{load} (other processes "
            f"on the machine make single numbers noisy: read the medians and ratios); "
            f"garbage collector on, thresholds ({threshold}), unless a row says otherwise")


def seconds(value):
    if value != value:  # nan
        return "–"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def table(header, rows):
    """A Markdown table (it reads well in a terminal too)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])
