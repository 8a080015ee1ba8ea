"""Output that fits the screen and numbers that agree: big graphs in :grad and :check, numbers
too big for 4 decimals, tables as wide as the terminal, generated names, the end of :train."""

import math

from valorrepl.engine import Valor
from valorrepl.explain import check_gradients
from valorrepl.session import format_number, format_table

CHAIN = "d = Valor(1.0)\nfor i in range({n}): d = d * 1.0000001 + 0.0"


def table_of(run, title):
    return next(r for r in run.replies if r.kind == "table" and title in r.text)


# ---- big graphs ----

def test_grad_on_a_long_chain_shows_the_nodes_nearest_the_result_and_says_how_many_more(run):
    run(CHAIN.format(n=2000) + "\nw = Valor(0.5, label='w')\ne = d * w")
    out = run(":grad e")
    table = table_of(run, "Gradients of e")
    assert len(table.data.rows) <= 40 and len(out.splitlines()) < 50
    names = [row[0] for row in table.data.rows]
    assert names[0] == "e" and "w" in names and "d" in names        # result, labelled leaf, nearest
    assert "… 7963 more nodes; :grad e --all shows them all." in out
    run(":grad e --all")
    assert len(run.replies[-1].data.rows) == 8003


def test_check_on_a_long_chain_checks_a_sample_and_can_be_stopped(run):
    run(CHAIN.format(n=3000))
    out = run(":check d")
    assert "The graph is big: 83 of its 6001 nodes were checked" in out and ":check d --all" in out
    assert "Every gradient agrees within 1e-05 (83 checked)." in out
    assert run.session.commands.get("check").cancellable

    asked = []
    result = check_gradients(run.session.namespace["d"], limit=50,
                             should_stop=lambda: asked.append(1) or len(asked) > 3)
    assert result.stopped and len(result.checks) == 3


def test_check_choose_takes_labelled_leaves_then_spreads_evenly():
    x = Valor(2.0, label="x")
    y = x
    for _ in range(300):
        y = y * 1.01 + 1.0
    result = check_gradients(y, limit=10)
    checked = [c.node for c in result.checks]
    assert len(checked) == 10 and x in checked and result.candidates == 601
    assert result.ok


# ---- huge numbers, inf and nan ----

def test_numbers_in_tables_stay_short():
    assert format_number(2.5) == "2.5000" and format_number(0.0) == "0.0000"
    assert format_number(1e308) == "1e+308" and format_number(123456789012.0) == "1.235e+11"
    assert format_number(1.5e-7) == "1.5e-07" and format_number(-3e-9) == "-3e-09"
    assert (format_number(math.inf), format_number(-math.inf), format_number(math.nan)) == ("inf", "-inf", "nan")


def test_grad_and_check_of_an_overflowing_value(run):
    run("y = Valor(1e308)*10")
    out = run(":grad y")
    assert max(len(line) for line in out.splitlines()) < 50
    assert "inf" in out and "1e+308" in out
    out = run(":check y")
    assert "Cannot be checked, not finite (inf or nan): 1e+308, 10." in out
    assert "disagree" not in out and "nan" not in out.split("not finite")[0]


# ---- tables as wide as the terminal ----

def test_help_and_plugins_fit_80_columns_without_breaking_words(run):
    run.session.width = 80
    for command in (":help", ":plugins"):
        out = run(command)
        assert max(len(line) for line in out.splitlines()) <= 80, command
    help_table = table_of(run, "what it does")
    text = " ".join(help_table.text.split())
    for row in help_table.data.rows:
        assert row[2] in text           # every summary whole, its words only re-spaced


def test_a_long_text_column_wraps_with_a_hanging_indent_and_numbers_stay_whole():
    rows = [["a", 1234567.125, "one two three four five six seven eight nine ten"]]
    text = format_table(["name", "value", "note"], rows, width=40)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert "1234567.1250" in lines[2]
    column = lines[0].index("note")
    assert all(line[:column].strip() == "" and line[column] != " " for line in lines[3:])
    assert " ".join(text.split()).endswith("one two three four five six seven eight nine ten")


def test_draw_at_30_columns_keeps_words_whole(run):
    run.session.width = 30
    run("a = 2\nb = -3\nc = a*b+10")
    out = run(":draw c")
    assert max(len(line) for line in out.splitlines()) <= 30
    assert out.splitlines()[0].startswith("c = ") and "grad 0.0000" in out


# ---- names ----

def test_an_unlabelled_result_is_called_what_the_learner_typed(run):
    run("a = 2")
    out = run(":grad a*a+1")
    assert "Gradients of a*a+1 (d(a*a+1)/d node):" in out and "(+)1" not in out
    out = run(":grad a*a+1 --explain")
    assert "Backpropagation from a*a+1" in out and "d(a*a+1)/da" in out


def test_constants_keep_the_digits_that_tell_them_apart(run):
    run(CHAIN.format(n=2))
    run(":grad d")
    names = [row[0] for row in table_of(run, "Gradients").data.rows]
    assert "1.0000001" in names and "1" in names


# ---- the end of :train ----

def test_train_names_both_losses_and_backpropagates_the_final_one(run):
    out = run(":train --epochs 30")
    session = run.session
    loss, losses = session.namespace["loss"], session.namespace["losses"]
    assert f"Final loss {loss.data:.6f}" in out
    assert f"The last epoch began at loss {losses[-1]:.6f} (the last point of the curve); " \
           f"its update brought it to {loss.data:.6f}." in out
    weights = session.namespace["model"].parameters()
    assert loss.grad == 1.0 and any(w.grad != 0 for w in weights)
    before = [w.grad for w in weights]
    run(":grad loss")
    assert [w.grad for w in weights] == before       # the drawing and :grad agree


def test_a_constant_target_column_shows_predictions_the_loss_agrees_with(run, tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("x,y\n" + "".join(f"{i},1.0\n" for i in range(5)))
    out = run(f":train {path} --epochs 3 --loss sse")
    table = table_of(run, "Predictions beside targets")
    assert all(target == 1.0 for _prediction, target in table.data.rows)
    # the span of a constant column is taken as 1: the loss is Σ (prediction − target)²
    loss = sum((p - t) ** 2 for p, t in table.data.rows)
    assert math.isclose(loss, run.session.namespace["loss"].data, rel_tol=1e-9)
    assert "Final loss" in out
