"""The engine at scale: the same numbers as micrograd on the benchmark's training, a chain of a
million operations, and graphs freed by reference counting alone. Correctness only, no timings."""

import gc
import math
import random
import weakref

import pytest

from valorrepl.data import moons
from valorrepl.engine import Valor
from valorrepl.nn import MLP

micrograd = pytest.importorskip("micrograd.nn")
Value = pytest.importorskip("micrograd.engine").Value


def demo_loss(model, xs, ys, number):
    """micrograd's demo loss (hinge on the scores + L2), the same code for both engines."""
    inputs = [[number(a) for a in row] for row in xs]
    scores = [model(x) for x in inputs]
    losses = [(1 + -y * score).relu() for y, score in zip(ys, scores)]
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())


def twin_models():
    random.seed(1)                     # micrograd's MLP draws from the global random module
    theirs = micrograd.MLP(2, [16, 16, 1])
    ours = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=0)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = q.data
    return ours, theirs


def test_same_losses_and_gradients_as_micrograd_on_the_benchmark_training():
    data = moons(100, seed=0)
    ours, theirs = twin_models()
    for k in range(2):
        losses = []
        for model, number in ((ours, Valor), (theirs, Value)):
            loss = demo_loss(model, data.xs, data.ys, number)
            model.zero_grad()
            loss.backward()
            losses.append(loss.data)
        assert losses[0] == pytest.approx(losses[1], abs=1e-9)
        for p, q in zip(ours.parameters(), theirs.parameters()):
            assert p.grad == pytest.approx(q.grad, abs=1e-9)
        learning_rate = 1.0 - 0.9 * k / 100
        for model in (ours, theirs):
            for p in model.parameters():
                p.data -= learning_rate * p.grad


def test_a_chain_of_a_million_operations_backpropagates():
    n = 500_000                        # x * 1.0001 + 0.0001, twice per step: a million operations
    x = Valor(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** n, rel=1e-6)
    assert len(y.topological_order()) == 4 * n + 1     # x, and per step two constants and two results
    del y                              # freeing a million-deep chain must not overflow the C stack either


def test_a_graph_with_no_references_left_is_freed_without_the_collector():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = MLP(2, [4, 1], activation="relu", seed=0)
        loss = demo_loss(model, [[0.5, -1.0], [1.0, 2.0]], [1.0, -1.0], Valor)
        loss.backward()
        inner = weakref.ref(loss.parents[0])
        root = weakref.ref(loss)
        del loss
        assert root() is None and inner() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_sort_puts_every_node_after_its_parents_on_a_shared_graph():
    a, b = Valor(2.0), Valor(-3.0)
    c = a * b
    d = c + a
    e = (d * c).tanh() + (d + b)
    order = e.topological_order()
    position = {node: i for i, node in enumerate(order)}
    assert len(order) == len(set(order)) == 8 and order[-1] is e
    assert all(position[p] < position[n] for n in order for p in n.parents)
    e.backward()
    h = 1e-6
    f = lambda x, y: math.tanh((x * y + x) * (x * y)) + (x * y + x + y)  # noqa: E731
    assert a.grad == pytest.approx((f(2 + h, -3) - f(2 - h, -3)) / (2 * h), rel=1e-5)
