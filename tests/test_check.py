"""`:check`: backprop's gradients against central finite differences."""

import math

from valorrepl.engine import Valor
from valorrepl.explain import check_gradients, recompute
from valorrepl.i18n import set_language

WRONG_NODE = ("a = 2\nb = -3\nc = 10\n"
              "d = Valor(a.data * b.data, (a, b), '*', local_grads=(1.0, 1.0))\n"  # should be (b, a)
              "e = d + c")


def test_every_operation_agrees_with_finite_differences():
    x, y = Valor(0.7, label="x"), Valor(1.3, label="y")
    z = ((x * y + x / y - y ** 2).exp().log() + x.tanh() * y.sigmoid() - (-x).relu()
         + (x + 2.0).relu() * y ** x)
    result = check_gradients(z, inner=True)
    assert result.ok and result.failures == [] and result.local_failures == []
    assert len(result.checks) == len(result.graph.nodes) - 1       # every node but the root
    assert result.largest.error < 1e-7


def test_recompute_runs_valors_own_operations():
    assert recompute("*", [2.0, -3.0]) == -6.0
    assert recompute("**2", [3.0]) == 9.0
    assert recompute("sigmoid", [-1000.0]) == 0.0           # the stable form: no overflow
    try:
        recompute("mystery", [1.0])
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown operation must not be guessed")


def test_check_passes_on_the_course_graphs(run):
    run("x1 = 60\nx2 = 24\nw1 = 10\nw2 = 5\nw3 = 2\nb = 7\ny = ((x1*w1 + x2*w2) + b) * w3")
    out = run(":check y --inner")
    assert "Every gradient agrees within 1e-05 (10 checked)." in out
    assert "Largest relative error: " in out
    run("m = MLP(3, [3, 2, 1], seed=1)\ndata = course_data()\n"
        "loss = sse([m(x) for x in data.xs], data.ys)")
    assert "Every gradient agrees" in run(":check loss")
    assert run.outcome.ok


def test_a_wrong_local_derivative_fails_visibly(run):
    run(WRONG_NODE)
    out = run(":check e")
    assert "Largest relative error: 1.3 at a" in out
    assert "2 of 3 gradients disagree by more than 1e-05" in out
    table = next(r for r in run.replies if r.kind == "table" and "de/d node" in r.text)
    rows = {row[0]: row[1:] for row in table.data.rows}
    assert sorted(rows) == ["a", "b"] and rows["a"][0] == rows["b"][0] == "WRONG"
    (_s1, backprop_a, numeric_a, _e1), (_s2, backprop_b, numeric_b, _e2) = rows["a"], rows["b"]
    assert backprop_a == backprop_b == 1.0                               # what the wrong node sends
    assert math.isclose(numeric_a, -3.0, rel_tol=1e-6) and math.isclose(numeric_b, 2.0, rel_tol=1e-6)
    local = next(r for r in run.replies if r.kind == "table" and "likely cause" in r.text)
    assert [row[:3] for row in local.data.rows] == [["d", "a", "*"], ["d", "b", "*"]]
    assert run.kinds()[-1] == "warning"
    assert ":grad e --explain" in run.replies[-1].text


def test_check_leaves_the_learners_values_alone(run):
    run(WRONG_NODE)
    run(":grad e")
    namespace = run.session.namespace
    before = [(n.data, n.grad) for n in namespace["e"].topological_order()]
    run(":check e --inner --all")
    assert [(n.data, n.grad) for n in namespace["e"].topological_order()] == before


def test_all_lists_every_node(run):
    run("a = 2\nb = -3\nc = a * b")
    out = run(":check c --all")
    assert "ok" in out and "WRONG" not in out and "Every gradient agrees within 1e-05 (2 checked)" in out


def test_an_operation_known_only_by_its_numbers_is_skipped_with_a_warning(run):
    run("a = 2\nb = 3\nm = Valor(7.0, (a, b), 'mystery')\ne = m * a")
    out = run(":check e")
    assert "Not checked: m (mystery)" in out and "gradients skipped through them: 2" in out
    assert "Nothing could be checked in the graph of e." in out
    run("f = m * 2 + a")      # a also reaches f around the unknown node: still not checked through it
    assert "Not checked: m (mystery)" in run(":check f")


def test_tolerance_must_be_positive(run):
    run("a = 2")
    assert run(":check a --tol 0").startswith("--tol and --h must be positive numbers")
    assert run.kinds()[-1] == "error"


def test_a_tight_tolerance_shows_the_finite_difference_error(run):
    run("x = 0.3\ny = (x * 3).sigmoid().tanh()")
    assert "2 of 2 gradients disagree by more than 1e-30" in run(":check y --tol 1e-30")


def test_portuguese_check(run):
    run(WRONG_NODE)
    set_language("pt")
    try:
        out = run(":check e")
        assert "ERRADO" in out and "Maior erro relativo" in out and "a causa provável" in out
        run("f = a * b")
        assert "Todos os gradientes concordam dentro de 1e-05 (2 verificados)" in run(":verificar f")
    finally:
        set_language("en")
