"""`:grad --explain` and `--step`: backpropagation told step by step, with the course's numbers."""

import re

import pytest

from valorrepl.engine import Valor
from valorrepl.explain import explain_backprop, local_formula, number
from valorrepl.graph import walk
from valorrepl.i18n import set_language
from valorrepl.nn import MLP

FIRST_GRAPH = "a = 2\nb = -3\nc = 10\ne = a*b + c"
CHAIN = "x1 = 60\nx2 = 24\nw1 = 10\nw2 = 5\nw3 = 2\nb = 7\ny = ((x1*w1 + x2*w2) + b) * w3"
MULTI_USE = "a = -2\nb = 3\ne = (a + b) + (a * b)"


def named(backprop, name):
    return next(node for node, n in backprop.graph.names.items() if n == name)


def test_first_graph_steps_as_data():
    a, b, c = Valor(2, label="a"), Valor(-3, label="b"), Valor(10, label="c")
    e = a * b + c
    backprop = explain_backprop(e)
    assert [step.node for step in backprop.steps] == [e, e.parents[0]]
    product = backprop.steps[1]
    assert product.upstream == 1.0
    share_a, share_b = product.shares
    assert (share_a.parent, share_a.formula, share_a.local, share_a.product) == (a, ("d(a*b)/da", "b"), -3.0, -3.0)
    assert (share_b.parent, share_b.formula, share_b.local, share_b.product) == (b, ("d(a*b)/db", "a"), 2.0, 2.0)
    assert (backprop.gradients[a], backprop.gradients[b], backprop.gradients[c]) == (-3.0, 2.0, 1.0)
    assert a.grad == 0.0   # explaining touches no gradient


def test_explain_shows_formula_numbers_and_the_same_table(run):
    run(FIRST_GRAPH)
    table = run(":grad e")
    out = run(":grad e --explain")
    assert "Step 2 of 2: (*)1 = a * b" in out
    assert "d(a*b)/da = b = -3.0" in out and "d(a*b)/db = a = 2.0" in out
    assert "gradient from above: de/d(*)1 = 1.0" in out
    assert "chain rule: -3.0 × 1.0 = -3.0, added to a.grad → -3.0" in out
    assert out.endswith(table)                      # the default table, same numbers, at the end
    assert run(":grad e") == table                  # and --explain left them as they were
    styled = [r for r in run.replies if r.data is not None and hasattr(r.data, "fragments")]
    assert ("grad.negative", "-3.0") in styled[-2].data.fragments


def test_chain_rule_on_the_course_chain(run):
    run(CHAIN)
    out = run(":grad y --explain")
    # dy/dw1 = x1 · w3 = 60 · 2: the local derivative 60 times the 2 arriving from above
    assert "d(x1*w1)/dw1 = x1 = 60.0" in out
    assert "chain rule: 60.0 × 2.0 = 120.0, added to w1.grad → 120.0" in out
    assert "  w1: dy/dw1 = 120.0" in out
    assert run.session.namespace["w1"].grad == 120.0
    assert run.session.namespace["w3"].grad == 727.0


def test_a_node_used_twice_shows_the_sum(run):
    run(MULTI_USE)
    out = run(":grad e --explain")
    # a gets 1.0 through a + b and 3.0 (= b) through a * b, in the order backprop meets them
    sum_a = r"(1\.0 \+ 3\.0|3\.0 \+ 1\.0)"
    assert re.search(rf"added to a\.grad → {sum_a} = 4\.0  \(a is used more than once", out)
    assert re.search(rf"  a: de/da = {sum_a} = 4\.0", out)
    assert re.search(r"  b: de/db = (1\.0 \+ \(-2\.0\)|\(-2\.0\) \+ 1\.0) = -1\.0", out)
    assert run.session.namespace["a"].grad == 4.0


def test_an_inner_node_used_twice_sums_what_arrives():
    x = Valor(3.0, label="x")
    s = x * x
    s.label = "s"
    out = s + s
    backprop = explain_backprop(out)
    step = next(st for st in backprop.steps if st.node is s)
    assert step.received == (1.0, 1.0) and step.upstream == 2.0
    assert backprop.gradients[x] == 12.0


def test_explain_matches_backward_to_the_last_bit():
    model = MLP(3, [3, 2, 1], seed=3)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0]]
    loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, [1.0, 0.0, 0.2])), Valor(0.0))
    backprop = explain_backprop(loss)
    loss.zero_grad()
    loss.backward()
    assert all(backprop.gradients[node] == node.grad for node in backprop.graph.nodes)


@pytest.mark.parametrize("make, position, expected", [
    (lambda a, b: a + b, 1, ("d(a+b)/db", "")),
    (lambda a, b: a - b, 1, ("d(a-b)/db", "")),
    (lambda a, b: a * b, 0, ("d(a*b)/da", "b")),
    (lambda a, b: a / b, 1, ("d(a/b)/db", "-a/b²")),
    (lambda a, b: a ** b, 1, ("d(a**b)/db", "a**b·ln(a)")),
    (lambda a, b: a ** 2, 0, ("d(a**2)/da", "2·a")),
    (lambda a, b: a ** 3, 0, ("d(a**3)/da", "3·a**2")),
    (lambda a, b: a ** -1, 0, ("d(a**(-1))/da", "-1·a**(-2)")),
    (lambda a, b: a.exp(), 0, ("d(exp(a))/da", "exp(a)")),
    (lambda a, b: a.log(), 0, ("d(log(a))/da", "1/a")),
    (lambda a, b: a.tanh(), 0, ("d(tanh(a))/da", "1 - tanh(a)²")),
    (lambda a, b: a.sigmoid(), 0, ("d(σ(a))/da", "σ(a)·(1 - σ(a))")),
    (lambda a, b: -a, 0, ("d(-a)/da", "")),
    (lambda a, b: Valor(1.0, (a, b), "mix", local_grads=(0.5, 0.5)), 0, ("d(mix(a, b))/da", "")),
])
def test_local_formulas(make, position, expected):
    a, b = Valor(2.0, label="a"), Valor(3.0, label="b")
    node = make(a, b)
    assert local_formula(node, position, walk(node).names) == expected


def test_numbers_read_plainly():
    assert [number(x) for x in (-3.0, 120.0, 0.25, 1.5e-7, float("inf"))] == \
        ["-3.0", "120.0", "0.25", "1.5e-07", "inf"]


def test_a_leaf_alone_and_a_long_graph(run):
    run("a = 2")
    assert "a: da/da = 1.0" in run(":grad a --explain")
    run("z = a\nfor i in range(60):\n    z = z * 1.01")
    out = run(":grad z --explain --limit 5")
    assert "Step 5 of 60" in out and "Step 6 of" not in out and "and 55 more nodes" in out
    assert "and 56 more leaves" in out                  # a and sixty 1.01s: 5 shown


def test_step_walks_one_node_per_enter(run):
    session = run.session
    run(MULTI_USE)
    first = run(":grad e --step")
    assert "Step 1 of 3: e = (+)1 + (*)1" in first and "Enter (or :next): next step" in first
    assert session.pending is not None
    assert session.namespace["a"].grad == 0.0            # nothing has reached the leaves yet
    second = run("")
    assert "Step 2 of 3: " in second
    assert session.namespace["a"].grad in (1.0, 3.0)     # the drawing fills in as we go
    third = run("")
    assert "Step 3 of 3" in third and " = 4.0  (a is used more than once" in third
    last = run("")
    assert "Leaves, where backprop ends" in last and "Gradients of e" in last
    assert session.pending is None and run("") == ""
    assert (session.namespace["a"].grad, session.namespace["b"].grad) == (4.0, -1.0)


def test_each_step_shows_the_drawing_with_the_node_marked(run):
    import inspect
    from valorrepl import draw
    run(FIRST_GRAPH)
    run(":grad e --step")
    replies = run.replies[-4:]
    drawing = replies[-2].text
    assert "(*)1 = a * b" in drawing and "data" in drawing
    if "highlight" in inspect.signature(draw.text_drawing).parameters:
        assert draw.text_drawing(run.session.namespace["e"], width=run.session.width,
                                 highlight=run.session.namespace["e"]) == drawing


def test_any_other_input_stops_stepping_and_completes_the_gradients(run):
    session = run.session
    run(MULTI_USE)
    run(":grad e --step")
    assert run("a.grad") == "4.0"
    assert session.pending is None and run("") == ""


def test_portuguese_explanation(run):
    run(FIRST_GRAPH)
    set_language("pt")
    try:
        out = run(":grad e --explain")
        assert "Passo 2 de 2" in out and "derivada local d(a*b)/da = b = -3.0" in out
        assert "regra da cadeia: -3.0 × 1.0 = -3.0, somado a a.grad → -3.0" in out
        assert "Folhas, onde o backprop termina" in out
        assert "Enter (ou :proximo): próximo passo" in run(":grad e --step")
    finally:
        set_language("en")


def test_enter_steps_in_the_real_repl(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import sys
    child = pexpect.spawn(sys.executable, ["-m", "valorrepl", "--lang", "en"], encoding="utf-8",
                          timeout=30, dimensions=(40, 100),
                          env={"TERM": "dumb", "PATH": "/usr/bin:/bin", "VALORREPL_HOME": str(tmp_path),
                               "VALORREPL_DISABLE_PLUGIN_AUTOLOAD": "1", "NO_COLOR": "1"})
    try:
        child.expect(">>> ")
        for line in MULTI_USE.splitlines() + [":grad e --step"]:
            child.sendline(line)
            child.expect(">>> ")
        assert "Step 1 of 3" in child.before and "Enter (or :next): next step" in child.before
        for expected in ("Step 2 of 3", "Step 3 of 3", "Leaves, where backprop ends"):
            child.sendline("")
            child.expect(">>> ")
            assert expected in child.before
        child.sendline("a.grad")
        child.expect(">>> ")
        assert "4.0" in child.before
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def test_next_continues_stepping_where_no_empty_input_arrives(run):
    run("a = 2\nb = -3\nc = a * b")
    assert "Step 1 of" in run(":grad c --step")
    assert run.session.pending is not None
    assert "dc/da = -3.0" in run(":next")
    assert run.session.pending is None and run.session.namespace["a"].grad == -3.0
