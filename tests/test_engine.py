import gc
import math
import weakref

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from valorrepl.engine import Valor

finite = st.floats(min_value=-3, max_value=3, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
positive = st.floats(min_value=0.1, max_value=3)

UNARY = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "square": lambda a: a ** 2,
    "cube": lambda a: a ** 3,
    "inverse": lambda a: a ** -1,
    "radd": lambda a: 2 + a,
    "rsub": lambda a: 2 - a,
    "rmul": lambda a: 3 * a,
    "rdiv": lambda a: 1 / a,
    "add_const": lambda a: a + 1,
    "sub_const": lambda a: a - 1,
    "div_const": lambda a: a / 4,
    "rpow": lambda a: 2 ** a,
}
POSITIVE_UNARY = {"log": lambda a: a.log(), "sqrt": lambda a: a ** 0.5}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "mixed": lambda a, b: (a * b + a / b - b).tanh() * a.exp(),
}


def central_difference(f, xs, i, h=1e-6):
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def check_gradients(f, *xs):
    leaves = [Valor(x) for x in xs]
    out = f(*leaves)
    out.backward()
    plain = lambda *values: f(*[Valor(v) for v in values]).data  # noqa: E731
    for i, leaf in enumerate(leaves):
        expected = central_difference(plain, xs, i)
        assert leaf.grad == pytest.approx(expected, rel=1e-4, abs=1e-5), (i, xs)


@pytest.mark.parametrize("name", UNARY)
@given(x=finite)
@settings(max_examples=40, deadline=None)
def test_unary_gradients_match_finite_differences(name, x):
    assume(not (name == "relu" and abs(x) < 1e-4))
    check_gradients(UNARY[name], x)


@pytest.mark.parametrize("name", POSITIVE_UNARY)
@given(x=positive)
@settings(max_examples=40, deadline=None)
def test_positive_unary_gradients(name, x):
    check_gradients(POSITIVE_UNARY[name], x)


@pytest.mark.parametrize("name", BINARY)
@given(x=finite, y=finite)
@settings(max_examples=40, deadline=None)
def test_binary_gradients_match_finite_differences(name, x, y):
    check_gradients(BINARY[name], x, y)


@given(a=positive, b=st.floats(min_value=-2, max_value=2))
@settings(max_examples=40, deadline=None)
def test_valor_exponent_gradient(a, b):
    check_gradients(lambda x, y: x ** y, a, b)


def test_course_first_graph():
    a, b, c = Valor(2.0, rotulo="a"), Valor(-3.0, label="b"), Valor(10.0, label="c")
    d = a * b
    e = d + c
    assert e.data == 4.0 and d.op == "*" and e.operador_mae == "+"
    assert e.progenitor == (d, c) and a.rotulo == "a"


def test_course_chain_rule_numbers():
    x1, x2, w1, w2, w3, b = (Valor(v) for v in (60, 24, 10, 5, 2, 7))
    y = ((x1 * w1 + x2 * w2) + b) * w3
    y.propagar_tudo()
    assert y.data == 1454.0
    assert (x1.grad, w1.grad, x2.grad, w2.grad, b.grad, w3.grad) == (20.0, 120.0, 10.0, 48.0, 2.0, 727.0)


def test_node_used_twice_sums_its_gradients():
    a, b = Valor(-2.0), Valor(3.0)
    e = (a + b) + (a * b)
    e.backward()
    assert a.grad == 4.0 and b.grad == -1.0
    x = Valor(3.0)
    (x + x).backward()
    assert x.grad == 2.0


def test_backward_twice_accumulates_leaves_only():
    x = Valor(3.0)
    y = x * x + 1
    y.backward()
    y.backward()
    assert x.grad == 12.0
    z = Valor(3.0)
    w = z * z * z
    w.propagar_tudo()
    w.propagar_tudo()
    assert z.grad == 54.0  # 27 per call, inner nodes never double-counted
    w.zero_grad()
    w.backward()
    assert z.grad == 27.0


def test_long_chain_needs_no_recursion():
    x = Valor(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0001 + 0.0001
    y.backward()
    assert math.isfinite(y.data) and x.grad == pytest.approx(1.0001 ** 100_000, rel=1e-9)


@pytest.mark.parametrize("make, error", [
    (lambda: Valor(1) / Valor(0), ZeroDivisionError),
    (lambda: 1 / Valor(0), ZeroDivisionError),
    (lambda: Valor(0) ** -1, ZeroDivisionError),
    (lambda: Valor(0).log(), ValueError),
    (lambda: Valor(-1).log(), ValueError),
    (lambda: Valor(-8) ** 0.5, ValueError),
    (lambda: Valor(-8) ** Valor(0.5), ValueError),
    (lambda: Valor(1000).exp(), OverflowError),
    (lambda: Valor(10.0) ** 400, OverflowError),
    (lambda: Valor("2"), TypeError),
])
def test_bad_values_raise_python_errors_with_one_line(make, error):
    with pytest.raises(error) as info:
        make()
    message = str(info.value)
    assert message and "\n" not in message and ("Valor" in message or "number" in message)


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e300, -1e300])
def test_sigmoid_and_tanh_never_overflow(x):
    for out in (Valor(x).sigmoid(), Valor(x).sig(), Valor(x).tanh()):
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(out.grad)


def test_data_and_grad_are_floats():
    a = Valor(2)
    b = a * 3
    b.backward()
    assert type(a.data) is float and type(a.grad) is float and type(b.data) is float
    assert Valor(-8) ** 2 is not None and type((Valor(-8) ** Valor(2)).data) is float


def test_repr_and_equality_by_identity():
    a = Valor(2.0, label="a")
    assert repr(a) == "Valor(data=2.0, label='a')"
    assert a != Valor(2.0, label="a") and len({a, a}) == 1
    assert a < 3 and a > Valor(1)


def test_graph_freed_without_the_cycle_collector():
    gc.disable()
    try:
        x = Valor(2.0)
        y = (x * x).exp() + x
        y.backward()
        ref = weakref.ref(y)
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_hand_built_nodes_as_the_course_writes_them():
    a, b = Valor(2.0, rotulo="a"), Valor(3.0, rotulo="b")
    c = Valor(a.data * b.data, progenitor=(a, b), operador_mae="*", rotulo="c")
    c.propagar_tudo()
    assert (a.grad, b.grad) == (3.0, 2.0)


def test_fewer_collections_restores_the_collector_even_after_an_error(session):
    from valorrepl.engine import fewer_collections
    before = gc.get_threshold()
    with pytest.raises(ZeroDivisionError):
        with fewer_collections():
            assert gc.get_threshold()[0] == 100_000
            1 / 0
    assert gc.get_threshold() == before
    session.run("x = [Valor(1.0) * 2 for _ in range(10)]")
    session.run("1 / 0")
    assert gc.get_threshold() == before
