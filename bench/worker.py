"""One measurement in a fresh process: `python -m bench.worker WORKLOAD ENGINE [ARG]` prints JSON.

A fresh process per measurement keeps the engines apart: one engine's garbage, imports or
warm caches never bill another (micrograd's reference cycles wait for the collector, and
`import torch` alone adds ~150,000 objects for the collector to walk).
"""

import gc
import json
import sys
import time

from . import engines


def w1(engine, steps, gc_setting):
    weights, data = engines.w1_setup()
    cls = {c.name: c for c in engines.W1_ENGINES}[engine]
    model = cls(weights, data)
    if gc_setting == "off":
        gc.disable()
    if gc_setting == "library":          # valorrepl's engine used as a library, collector as Python sets it
        model.as_in_valorrepl = False
    losses = [model.step(0)]            # the first step warms caches and is not timed
    times = []
    for k in range(1, steps + 1):
        start = time.perf_counter()
        losses.append(model.step(k))
        times.append(time.perf_counter() - start)
    return {"times": times, "losses": losses}


def w2(engine, n):
    run = {"valorrepl": engines.w2_valorrepl, "micrograd": engines.w2_micrograd,
           "torch op by op": engines.w2_torch}[engine]
    run(10)                              # warms up (PyTorch sets itself up on its first operations)
    start = time.perf_counter()
    try:
        grad = run(n)
    except RecursionError:
        return {"error": "RecursionError", "seconds": time.perf_counter() - start}
    return {"seconds": time.perf_counter() - start, "grad": grad}


def w2_limit(engine):
    """The longest chain micrograd backpropagates with the default recursion limit (bisection)."""
    low, high = 1, 4096
    while low + 1 < high:
        middle = (low + high) // 2
        if "error" in w2(engine, middle):
            high = middle
        else:
            low = middle
    return {"longest": low, "fails_at": high, "recursion_limit": sys.getrecursionlimit()}


def number_type(engine):
    if engine == "valorrepl":
        return engines.Valor
    if engine == "micrograd":
        return engines.micrograd()[0].Value
    torch = engines.torch()
    return lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)


def w3(engine, pairs):
    build, backward = engines.w3_build_and_backward(number_type(engine), pairs)
    nodes = engines.wide_nodes(pairs)
    return {"nodes": nodes, "build": build, "backward": backward}


def w4(engine, pairs):
    return {"bytes_per_node": engines.bytes_per_node(number_type(engine), pairs)}


def w6(graph, fmt):
    """`:draw` of a loss graph, timed from the command to the finished drawing or picture."""
    import tempfile

    from valorrepl.session import Session

    session = Session(load_plugins=False)
    sink = []
    if graph == "course":
        session.run(":train --epochs 20", sink.append)     # MLP(3, [3, 2, 1]) on the 4 samples
        name = "loss"
    else:
        weights, data = engines.w1_setup()
        model = engines.ValorreplW1(weights, data).model
        session.namespace["w1_loss"] = engines.scalar_loss(model, data.xs, data.ys, engines.Valor)
        name = "w1_loss"
    nodes = len(session.namespace[name].topological_order())
    with tempfile.TemporaryDirectory() as folder:
        command = f":draw {name}" + (f" -o {folder}/graph.{fmt}" if fmt != "text" else "")
        sink.clear()
        start = time.perf_counter()
        outcome = session.run(command, sink.append)
        seconds = time.perf_counter() - start
    notes = [r.text.splitlines()[0] for r in sink if r.kind in ("warning", "error") and r.text]
    return {"seconds": seconds, "nodes": nodes, "ok": outcome.ok, "notes": notes}


def main(argv):
    workload, engine, *rest = argv
    if workload == "w1":
        result = w1(engine, int(rest[0]), rest[1])
    elif workload == "w2":
        result = w2(engine, int(rest[0]))
    elif workload == "w2-limit":
        result = w2_limit(engine)
    elif workload == "w3":
        result = w3(engine, int(rest[0]))
    elif workload == "w4":
        result = w4(engine, int(rest[0]))
    elif workload == "w6":
        result = w6(engine, rest[0])
    else:
        raise SystemExit(f"unknown workload {workload}")
    result["gc_enabled"] = gc.isenabled()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
