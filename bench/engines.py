"""W1–W4: the same workloads for valorrepl, micrograd and PyTorch, one function per engine.

Every workload builds its own graph from plain numbers, so the engines never share objects.
"""

import contextlib
import gc
import random
import sys
import time
import tracemalloc

from valorrepl.data import moons
from valorrepl.engine import Valor, fewer_collections
from valorrepl.nn import MLP

SIZES = [16, 16, 1]        # MLP 2-16-16-1, the shape of micrograd's demo
ALPHA = 1e-4               # weight of the L2 penalty, as in micrograd's demo


def micrograd():
    from micrograd import engine, nn
    return engine, nn


def torch():
    import torch
    return torch


# ---- W1: one training step (forward + backward + update) -------------------------------------

def initial_weights(seed=1):
    """micrograd's MLP draws its weights from the global random module: seed it, then copy them."""
    _, nn = micrograd()
    random.seed(seed)
    model = nn.MLP(2, SIZES)
    return [p.data for p in model.parameters()]


def learning_rate(k, steps=100):
    return 1.0 - 0.9 * k / steps   # micrograd's demo schedule


def scalar_loss(model, xs, ys, number):
    """micrograd's demo loss, written once for every scalar engine: hinge on the scores + L2."""
    inputs = [[number(a) for a in row] for row in xs]
    scores = [model(x) for x in inputs]
    losses = [(1 + -y * score).relu() for y, score in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def scalar_step(model, data, number, k):
    """One step of micrograd's demo for a scalar engine: forward, zero grads, backward, SGD."""
    loss = scalar_loss(model, data.xs, data.ys, number)
    model.zero_grad()
    loss.backward()
    lr = learning_rate(k)
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


class ValorreplW1:
    name = "valorrepl"
    as_in_valorrepl = True   # run each step as valorrepl runs an input (engine.fewer_collections)

    def __init__(self, weights, data):
        self.model = MLP(2, SIZES, activation="relu", output_activation="linear", seed=0)
        for p, w in zip(self.model.parameters(), weights):
            p.data = w
        self.data = data

    def step(self, k):
        with fewer_collections() if self.as_in_valorrepl else contextlib.nullcontext():
            return scalar_step(self.model, self.data, Valor, k)


class MicrogradW1:
    name = "micrograd"

    def __init__(self, weights, data):
        engine, nn = micrograd()
        self.value = engine.Value
        self.model = nn.MLP(2, SIZES)
        for p, w in zip(self.model.parameters(), weights):
            p.data = w
        self.data = data

    def step(self, k):
        return scalar_step(self.model, self.data, self.value, k)


class TorchScalarMLP:
    """The same MLP as lists of 0-d tensors, one operation at a time, as micrograd's code reads."""

    def __init__(self, torch, weights):
        it = iter(weights)
        self.layers = []
        for n_in, n_out in zip([2] + SIZES, SIZES):
            layer = [([torch.tensor(next(it), dtype=torch.float64, requires_grad=True) for _ in range(n_in)],
                      torch.tensor(next(it), dtype=torch.float64, requires_grad=True))
                     for _ in range(n_out)]
            self.layers.append(layer)

    def __call__(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            outs = []
            for w, b in layer:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                outs.append(act.relu() if i != last else act)
            x = outs
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


class TorchOpsW1:
    name = "torch op by op"

    def __init__(self, weights, data):
        self.torch = torch()
        self.model = TorchScalarMLP(self.torch, weights)
        self.data = data

    def number(self, a):
        return self.torch.tensor(a, dtype=self.torch.float64)

    def step(self, k):
        loss = scalar_loss(self.model, self.data.xs, self.data.ys, self.number)
        for p in self.model.parameters():
            p.grad = None
        loss.backward()
        lr = learning_rate(k)
        with self.torch.no_grad():
            for p in self.model.parameters():
                p -= lr * p.grad
        return loss.item()


class TorchBatchW1:
    name = "torch whole batch"

    def __init__(self, weights, data):
        t = self.torch = torch()
        self.params = []
        it = iter(weights)
        for n_in, n_out in zip([2] + SIZES, SIZES):
            rows = [[next(it) for _ in range(n_in + 1)] for _ in range(n_out)]   # weights then bias
            w = t.tensor([r[:-1] for r in rows], dtype=t.float64, requires_grad=True)
            b = t.tensor([r[-1] for r in rows], dtype=t.float64, requires_grad=True)
            self.params += [w, b]
        self.x = t.tensor(data.xs, dtype=t.float64)
        self.y = t.tensor(data.ys, dtype=t.float64)

    def step(self, k):
        t = self.torch
        h = self.x
        pairs = list(zip(self.params[::2], self.params[1::2]))
        for i, (w, b) in enumerate(pairs):
            h = h @ w.T + b
            if i != len(pairs) - 1:
                h = h.relu()
        scores = h[:, 0]
        data_loss = (1 - self.y * scores).relu().mean()
        loss = data_loss + ALPHA * sum((p * p).sum() for p in self.params)
        for p in self.params:
            p.grad = None
        loss.backward()
        lr = learning_rate(k)
        with t.no_grad():
            for p in self.params:
                p -= lr * p.grad
        return loss.item()


W1_ENGINES = (ValorreplW1, MicrogradW1, TorchOpsW1, TorchBatchW1)


def w1_setup():
    return initial_weights(), moons(100, seed=0)


# ---- W2: depth, a chain x = x * 1.0001 + 0.0001 ------------------------------------------------

def chain(number, n):
    x = number(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    return x, y


def w2_valorrepl(n):
    with fewer_collections():   # as valorrepl runs an input
        x, y = chain(Valor, n)
        y.backward()
        return x.grad


def w2_micrograd(n):
    engine, _ = micrograd()
    x, y = chain(engine.Value, n)
    y.backward()
    return x.grad


def w2_torch(n):
    t = torch()
    x = t.tensor(1.0, dtype=t.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    y.backward()
    return x.grad.item()


# ---- W3: width, products of pairs summed as a balanced tree --------------------------------------

def wide_graph(number, pairs):
    """2·pairs leaves, pairs products, then pairwise sums: ≈ 4·pairs nodes, depth ≈ log2(pairs)."""
    rng = random.Random(0)
    leaves = [number(rng.uniform(-1, 1)) for _ in range(2 * pairs)]
    level = [leaves[2 * i] * leaves[2 * i + 1] for i in range(pairs)]
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return leaves, level[0]


def wide_nodes(pairs):
    return 2 * pairs + pairs + (pairs - 1)


def w3_build_and_backward(number, pairs):
    """(seconds to build, seconds to backpropagate) for one wide graph; valorrepl's as it runs
    an input (engine.fewer_collections)."""
    with fewer_collections() if number is Valor else contextlib.nullcontext():
        return _w3_build_and_backward(number, pairs)


def _w3_build_and_backward(number, pairs):
    start = time.perf_counter()
    leaves, out = wide_graph(number, pairs)
    built = time.perf_counter()
    out.backward()
    done = time.perf_counter()
    return built - start, done - built


# ---- W4: bytes per node -----------------------------------------------------------------------

def bytes_per_node(number, pairs):
    """tracemalloc's count of the bytes a wide graph holds (built, before backward), per node."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    graph = wide_graph(number, pairs)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del graph
    return (after - before) / wide_nodes(pairs)


def recursion_limit():
    return sys.getrecursionlimit()
