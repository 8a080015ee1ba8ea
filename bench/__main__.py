"""`python -m bench`: workloads W1–W6 side by side, printed and written to bench/RESULTS.md.

Each measurement runs in a fresh process; engines take turns (A B A B…) for several rounds, and
the tables show medians and the median of the round-by-round ratios, beside the targets.
"""

import argparse
import datetime
import math
import sys
import time
from pathlib import Path

from . import startup
from .harness import ROOT, environment, interleaved, median, pair_ratios, run_worker, seconds, table

RESULTS = Path(__file__).with_name("RESULTS.md")
W1_ENGINES = ("valorrepl", "micrograd", "torch op by op", "torch whole batch")


class Report:
    """Collects the sections as Markdown and shows each one as soon as it is done."""

    def __init__(self):
        self.parts = []
        self.missed = []

    def add(self, text):
        self.parts.append(text)
        print(text + "\n", flush=True)

    def target(self, name, ratio, goal, wanted="at least"):
        met = ratio >= goal if wanted == "at least" else ratio <= goal
        if not met:
            self.missed.append(f"{name}: {ratio:.3f}× (target {wanted} {goal:g}×)")
        shown = math.floor(ratio * 100) / 100 if wanted == "at least" else math.ceil(ratio * 100) / 100
        return f"{shown:.2f}× ({wanted} {goal:g}×: {'met' if met else 'MISSED'})"


def w1(report, repeats, steps):
    def measure(engine, gc_setting="on"):
        result = run_worker("w1", engine, steps, gc_setting)
        if "error" in result:
            return {"time": math.nan, "losses": [], "error": result["error"]}
        return {"time": sum(result["times"]) / len(result["times"]), "losses": result["losses"]}

    runs = interleaved(W1_ENGINES, repeats, measure)
    off = interleaved(("valorrepl", "micrograd"), repeats, lambda engine: measure(engine, "off"))
    library = interleaved(("valorrepl", "micrograd"), repeats, lambda engine: measure(engine, "library"))
    times = {engine: [r["time"] for r in rounds] for engine, rounds in runs.items()}
    ours = times["valorrepl"]
    reference = runs["valorrepl"][0]["losses"]
    rows = []
    for engine in W1_ENGINES:
        losses = runs[engine][0]["losses"]
        gap = max((abs(a - b) for a, b in zip(losses, reference)), default=math.nan)
        ratio = median(pair_ratios(times[engine], ours)) if engine != "valorrepl" else 1.0
        rows.append([engine, seconds(median(times[engine])), f"{ratio:.2f}", f"{gap:.1e}"])
    for engine, rounds in off.items():
        t = [r["time"] for r in rounds]
        rows.append([f"{engine} (gc off)", seconds(median(t)),
                     f"{median(pair_ratios(t, [r['time'] for r in off['valorrepl']])):.2f}", ""])
    plain = [r["time"] for r in library["valorrepl"]]
    rows.append(["valorrepl as a library (collector every 700 objects)", seconds(median(plain)),
                 f"{median(pair_ratios([r['time'] for r in library['micrograd']], plain)):.2f}"
                 + " (micrograd ÷ this)", ""])
    agree = max(abs(a - b) for a, b in zip(runs["micrograd"][0]["losses"], reference))
    if agree > 1e-9:
        report.missed.append(f"W1: losses of valorrepl and micrograd differ by {agree:.1e} (> 1e-9)")
    vs_micrograd = report.target("W1 vs micrograd", median(pair_ratios(times["micrograd"], ours)), 6)
    vs_torch = report.target("W1 vs torch op by op", median(pair_ratios(times["torch op by op"], ours)), 4)
    report.add("## W1 — a training step (MLP 2-16-16-1, 100 moons, hinge + L2, SGD)\n\n"
               f"Time per step: {steps} steps after one untimed step, per fresh process; {repeats} rounds. "
               "valorrepl's row runs each step as valorrepl runs every input and every training: with "
               "the cycle collector running every 100,000 new objects instead of every 700 "
               "(`engine.fewer_collections`; Valor graphs make no cycles). The last row is the engine "
               "imported as a plain library, with Python's default collector.\n\n"
               + table(["engine", "median per step", "× valorrepl's time", "max |loss − valorrepl's|"], rows)
               + f"\n\nvalorrepl vs micrograd: {vs_micrograd}; vs torch op by op: {vs_torch}. "
               f"Losses of the first {len(reference)} steps agree to {agree:.1e} (required: 1e-9).")


def w2(report, repeats, sizes, torch_sizes):
    rows = []
    per_op = {}     # N → seconds per operation, for the sizes that ran
    for n in sizes:
        engines = ["valorrepl"] + (["torch op by op"] if n in torch_sizes else [])
        runs = interleaved(engines, repeats, lambda engine: run_worker("w2", engine, n))
        for engine in engines:
            results = runs[engine]
            failed = [r["error"] for r in results if "error" in r]
            t = median([r["seconds"] for r in results if "seconds" in r])
            rows.append([engine, f"{n:,}", failed[0] if failed else seconds(t),
                         "" if failed else f"{t / n * 1e6:.2f} µs"])
            if engine == "valorrepl" and not failed:
                per_op[n] = t / n
    limit = run_worker("w2-limit", "micrograd")
    rows.append(["micrograd", f"{limit['fails_at']:,}", "RecursionError", ""])
    # a chain of 1,000 takes a few milliseconds, fixed costs included: linearity is judged from 10,000 on
    base = 10_000 if 10_000 in sizes[:-1] else sizes[0]
    longest = sizes[-1]
    linear = per_op[longest] / per_op[base] if longest in per_op and base in per_op else math.nan
    works = len(per_op) == len(sizes)
    if not works:
        report.missed.append("W2: the longest chain failed")
    report.add("## W2 — depth: `x = x * 1.0001 + 0.0001`, N times, then backward\n\n"
               + table(["engine", "N", "median (build + backward)", "per operation"], rows)
               + f"\n\nvalorrepl's time per operation at N = {longest:,} is {linear:.2f}× that at "
               f"N = {base:,} (1 = perfectly linear). micrograd's recursive topological sort "
               f"works up to N = {limit['longest']:,} ({2 * limit['longest']:,} nodes deep) and raises "
               f"RecursionError at N = {limit['fails_at']:,} with the default recursion limit "
               f"({limit['recursion_limit']}); valorrepl needs no recursion: "
               f"{'met' if works else 'MISSED'}.")


def w3_w4(report, repeats, pairs):
    engines = ("valorrepl", "micrograd", "torch op by op")
    runs = interleaved(engines, repeats, lambda engine: run_worker("w3", engine, pairs))
    nodes = runs["valorrepl"][0]["nodes"]
    build = {e: [nodes / r["build"] for r in runs[e]] for e in engines}
    back = {e: [nodes / r["backward"] for r in runs[e]] for e in engines}
    rows = [[e, f"{median(build[e]):,.0f}", f"{median(back[e]):,.0f}"] for e in engines]
    build_ratio = median(pair_ratios(build["valorrepl"], build["micrograd"]))
    back_ratio = median(pair_ratios(back["valorrepl"], back["micrograd"]))
    report.add(f"## W3 — width: {nodes:,} nodes (products of pairs, summed as a balanced tree)\n\n"
               + table(["engine", "build: nodes/s", "backward: nodes/s"], rows)
               + f"\n\nvalorrepl vs micrograd — backward: {report.target('W3 backward', back_ratio, 1.3)}; "
               f"build: {report.target('W3 build', build_ratio, 4)}.")

    memory = {e: run_worker("w4", e, pairs)["bytes_per_node"] for e in ("valorrepl", "micrograd")}
    share = memory["valorrepl"] / memory["micrograd"]
    met = share <= 0.30
    if not met:
        report.missed.append(f"W4: {share:.0%} of micrograd's bytes per node (target at most 30 %)")
    report.add("## W4 — memory: bytes per node of the W3 graph, built (tracemalloc)\n\n"
               + table(["engine", "bytes per node"], [[e, f"{b:.0f}"] for e, b in memory.items()]
                       + [["torch op by op", "not comparable: tensors live in C memory tracemalloc cannot see"]])
               + f"\n\nvalorrepl uses {share:.0%} of micrograd's bytes per node (target at most 30 %: "
               f"{'met' if met else 'MISSED'}).")


def w5(report, repeats):
    import tempfile
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as again:
        returning = startup.returning_learner_home(again)
        runs = interleaved(("floor", "valorrepl", "returning"), repeats,
                           lambda which: startup.time_floor() if which == "floor" else
                           startup.time_to_prompt(first if which == "valorrepl" else returning))
    ratio = median(pair_ratios(runs["valorrepl"], runs["floor"]))
    again_ratio = median(pair_ratios(runs["returning"], runs["floor"]))
    imports = ", ".join(f"{name} {ms:.0f} ms" for ms, name in startup.slowest_imports(6))
    report.add("## W5 — start-up to the first prompt, in a pseudo-terminal\n\n"
               "A first start has an empty data folder; a returning learner's holds a history and a "
               "lesson in progress (the welcome line then offers to resume it).\n\n"
               + table(["what", "median"], [
                   ['floor: python -c "import prompt_toolkit, pygments"', seconds(median(runs["floor"]))],
                   ["valorrepl to its first prompt, first start", seconds(median(runs["valorrepl"]))],
                   ["valorrepl to its first prompt, returning learner", seconds(median(runs["returning"]))]])
               + f"\n\nvalorrepl / floor: {report.target('W5 start-up', ratio, 1.3, 'at most')}; "
               f"for a returning learner {again_ratio:.2f}×. "
               f"Costliest imports before the prompt: {imports}.")


def w6(report, repeats):
    rows = []
    for graph in ("course", "w1"):
        for fmt in ("text", "svg"):
            results = [run_worker("w6", graph, fmt, timeout=180) for _ in range(repeats)]
            done = [r for r in results if "seconds" in r]
            if not done:
                rows.append([graph, fmt, "–", results[0].get("error", "failed"), ""])
                report.missed.append(f"W6: :draw of the {graph} loss as {fmt} failed")
                continue
            t = median([r["seconds"] for r in done])
            if t > 2:
                report.missed.append(f"W6: :draw of the {graph} loss as {fmt} took {seconds(t)} (target 2 s)")
            notes = "; ".join(done[0]["notes"])
            rows.append([graph, fmt, f"{done[0]['nodes']:,}", seconds(t), notes[:90]])
    report.add("## W6 — `:draw`, from the command to the finished drawing or picture\n\n"
               "`course`: the loss of `:train` (MLP(3, [3, 2, 1]) over the 4 samples); `w1`: W1's loss. "
               "Target: every `:draw` within 2 s.\n\n"
               + table(["graph", "format", "nodes", "median", "notes"], rows))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds per workload (default 5)")
    parser.add_argument("--steps", type=int, default=3, help="timed W1 steps per process (default 3)")
    parser.add_argument("--only", default="W1,W2,W3,W4,W5,W6", help="workloads to run, e.g. W1,W5")
    parser.add_argument("--quick", action="store_true", help="small sizes and 2 rounds, to try the bench")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    options = parser.parse_args(argv)
    only = {name.strip().upper() for name in options.only.split(",")}
    repeats = 2 if options.quick else options.repeats
    sizes = (1_000, 10_000) if options.quick else (1_000, 10_000, 100_000, 1_000_000)
    pairs = 5_000 if options.quick else 50_000

    report = Report()
    started = time.perf_counter()
    report.add(f"# Benchmarks\n\n{environment()}. Run with `bash bench/run` "
               f"on {datetime.date.today().isoformat()}; wall-clock medians (time.perf_counter).")
    if "W1" in only:
        w1(report, repeats, options.steps)
    if "W2" in only:
        w2(report, max(1, repeats // 2), sizes, torch_sizes=sizes[:3])
    if "W3" in only or "W4" in only:
        w3_w4(report, repeats, pairs)
    if "W5" in only:
        w5(report, repeats * 2)
    if "W6" in only:
        w6(report, repeats)
    summary = ("Every target met." if not report.missed else
               "Targets missed:\n\n" + "\n".join(f"- {line}" for line in report.missed))
    report.add(f"## Summary\n\n{summary}\n\n(the whole run took {time.perf_counter() - started:.0f} s)")
    if not options.no_write:
        RESULTS.write_text("\n\n".join(report.parts) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
