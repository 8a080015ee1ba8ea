"""Drawing graphs: the text drawing, DOT and real `dot` pictures, summaries of big graphs, the
graph told in sentences, and `:draw` in the session."""

import os
import re
import subprocess
import sys
import textwrap

import pytest

from valorrepl import MLP, Valor, data, draw, train
from valorrepl.graph import parameter_position, walk
from valorrepl.i18n import set_language
from valorrepl.session import Image, Styled

SPECIAL = 'a<|>{x} "q" \\ \n end'


def small_graph():
    a, b = Valor(2.0, label="a"), Valor(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    e = d * c      # c is used twice: drawn once, then referred to
    e.label = "e"
    e.backward()
    return e


def chain(n):
    x = Valor(1.0, label="x")
    for _ in range(n):
        x = x * 1.0001 + 0.0001
    x.label = "y"
    return x


def course_loss():
    samples = data.course()
    model = MLP(3, [3, 2, 1], seed=1)
    loss = train.sse([model(x) for x in samples.xs], samples.ys)
    loss.label = "loss"
    loss.backward()
    return loss


def moons_loss():
    """micrograd's demo shape: 2-16-16-1 over 100 two-moons points, hinge loss plus L2."""
    samples = data.moons(100)
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1)
    loss = train.hinge([model(x) for x in samples.xs], samples.ys)
    loss = loss + 1e-4 * sum((p * p for p in model.parameters()), Valor(0.0))
    loss.label = "loss"
    loss.backward()
    return loss


# ---- the text drawing ----

def test_text_drawing_shows_every_node_with_data_and_signed_grad():
    text = draw.text_drawing(small_graph())
    lines = text.splitlines()
    assert lines[0].split() == ["data", "grad"]
    assert re.search(r"^e = d \* c\s+24\.0000\s+\+1\.0000$", lines[1])
    assert re.search(r"c = a \* b\s+-6\.0000\s+-10\.0000$", text, re.M)   # de/dc = d + c = -10
    assert re.search(r"── a\s+2\.0000\s+\+24\.0000 !$", text, re.M)
    assert re.search(r"── b\s+-3\.0000\s+-20\.0000 !$", text, re.M)
    assert "c ↑" in text and "↑ = drawn above" in text
    assert text.count("c = a * b") == 1                                  # shared node drawn once


def test_text_drawing_fits_the_width():
    for width in (80, 40, 30):
        text = draw.text_drawing(small_graph(), width=width)
        assert max(len(line) for line in text.splitlines()) <= width, width
    deep = chain(300)
    deep.backward()
    text = draw.text_drawing(deep, width=60, full=True)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "┄" in text                       # the deepest prefixes are cut on the left
    assert len(text.splitlines()) > 900      # every node is there


def test_highlight_marks_the_node():
    e = small_graph()
    c = e.parents[1]
    lines = draw.text_drawing(e, highlight=c).splitlines()
    marked = [line for line in lines if line.startswith("▶")]
    assert marked and all("c" in line for line in marked)
    assert any("c = a * b" in line for line in marked)
    assert all(line.startswith(("  ", "▶ ")) for line in lines[:-1])


def test_styled_drawing_colours_gradients_but_the_text_says_it_all():
    e = small_graph()
    fragments = draw.styled_drawing(e, width=80)
    assert "".join(text for _style, text in fragments) == draw.text_drawing(e, width=80)
    styles = {text.strip(): style for style, text in fragments if style.startswith("grad.")}
    assert styles["-20.0000"] == "grad.negative" and styles["+24.0000"] == "grad.positive"
    assert styles["!"] == "grad.large"
    zero = Valor(1.0, label="z") * 2
    assert ("grad.zero", "0.0000") in draw.styled_drawing(zero)
    assert "run :grad first" in draw.text_drawing(zero)


def test_graph_walks_and_drawings_need_no_recursion():
    deep = chain(25_000)   # 100,001 nodes, far past Python's recursion limit
    deep.backward()
    graph = walk(deep)
    assert draw.needs_summary(graph)
    assert "the nodes nearest the result" in draw.text_drawing(graph)
    assert draw.dot_source(graph).count("->") < 100
    assert draw.describe(graph).startswith("The graph of y has 100,001 nodes")


def test_same_labels_get_distinct_names_and_labels_stay_on_one_line():
    a, b = Valor(1.0, label="x"), Valor(2.0, label="x\nnew")
    c = a + b + Valor(3.0, label="x")
    names = walk(c).names
    assert sorted(names[n] for n in walk(c).leaves) == ["x", "x#2", "x\\nnew"]
    assert "\n" not in "".join(names.values())


# ---- DOT ----

def test_dot_source_is_the_course_drawing_and_deterministic():
    e = small_graph()
    source = draw.dot_source(e)
    assert "\trankdir=LR\n" in source
    assert 'label="{ c | data -6.0000 | grad -10.0000 }"' in source
    assert re.search(r'n\d+_op \[label="\*" .*shape=ellipse', source)
    assert source == draw.dot_source(small_graph())
    # and in another process (no ids, no set order, no hash seed in it)
    script = textwrap.dedent("""
        import sys; sys.path.insert(0, %r)
        from test_draw import small_graph
        from valorrepl.draw import dot_source
        sys.stdout.write(dot_source(small_graph()))
    """) % os.path.dirname(__file__)
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONHASHSEED": "123"})
    assert other.returncode == 0, other.stderr
    assert other.stdout == source


def test_dot_colours_gradients_by_sign_and_size():
    source = draw.dot_source(small_graph())
    fills = {name: colour for name, colour in re.findall(r'label="\{ (\w*) \|.*?fillcolor="(#[0-9a-f]{6})"',
                                                         source)}
    red, blue = (lambda colour: int(colour[1:3], 16)), (lambda colour: int(colour[5:7], 16))
    assert blue(fills["a"]) > red(fills["a"])      # positive: blue
    assert red(fills["b"]) > blue(fills["b"])      # negative: orange
    assert blue(fills["c"]) > blue(fills["b"])     # -10 is paler than -20
    thick = [name for name in fills if re.search(r'label="\{ ' + name + ' .*penwidth=2', source)]
    assert sorted(thick) == ["a", "b"]             # the largest


@pytest.mark.dot
def test_a_real_svg_shows_labels_data_and_grad(tmp_path):
    svg = draw.render(draw.dot_source(small_graph()), "svg").decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    for text in (">e<", ">c<", ">a<", "data 24.0000", "data &#45;6.0000", "grad &#45;20.0000", "grad +24.0000"):
        assert text in svg, text


@pytest.mark.dot
def test_special_characters_do_not_break_the_drawing():
    a = Valor(2.0, label=SPECIAL)
    b = Valor(3.0, label="}{|")
    c = a * b
    c.label = '"\\'
    c.backward()
    for source in (draw.dot_source(c), draw.dot_source(c, full=True)):
        svg = draw.render(source, "svg").decode()
        assert "a&lt;|&gt;{x} &quot;q&quot; \\" in svg
        assert "}{|" in svg and "&quot;\\" in svg and "grad +3.0000" in svg
    assert "\n" not in draw.text_drawing(c).splitlines()[1]
    assert len(draw.text_drawing(c).splitlines()) == 4 + 1   # titles, 3 nodes, legend


# ---- big graphs ----

def test_parameters_are_labelled_by_layer_neuron_and_input():
    model = MLP(3, [3, 2, 1], seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels[:4] == ["w[0,0,0]", "w[0,0,1]", "w[0,0,2]", "b[0,0]"]
    assert labels[-1] == "b[2,0]" and len(set(labels)) == 23
    assert parameter_position("w[1,2,0]") == ("w", (1, 2, 0))
    assert parameter_position("b") == ("b", ())
    assert parameter_position("weight") is None


def test_the_course_loss_is_drawn_one_box_per_neuron():
    graph = walk(course_loss())
    assert draw.needs_summary(graph)
    summary = graph.summary()
    assert summary.by == "neuron"
    neurons = [box.key for box in summary.boxes if box.kind == "neuron"]
    assert neurons == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)]
    counts = {(summary.boxes[a].key, summary.boxes[b].key): n for (a, b), n in summary.edges.items()}
    assert counts[((0, 1), (1, 0))] == 4          # one value per sample
    text = draw.text_drawing(graph)
    assert "236 nodes, summarised in" in text and "neuron [1,0] · sigmoid · 3 weights + bias" in text
    assert "← neuron [1,0] ×4, neuron [1,1] ×4" in text


@pytest.mark.dot
def test_big_loss_graphs_are_summarised_and_dot_draws_them(run, session, tmp_path):
    session.namespace["course_loss"] = course_loss()
    session.namespace["moons_loss"] = moons_loss()
    for name, by in (("course_loss", "one box per neuron"), ("moons_loss", "one box per layer")):
        out = tmp_path / f"{name}.svg"
        text = run(f":draw {name} -o {out}")
        assert run.outcome.ok and by in text, text
        assert "warning" not in run.kinds()
        svg = out.read_text()
        assert "<svg" in svg and ("neuron [0,0]" in svg or "layer 0" in svg)
        image = run.replies[-1].data
        assert isinstance(image, Image) and image.description.startswith(f"The graph of loss has")


@pytest.mark.dot
def test_dot_past_its_time_gives_one_line_and_the_text_drawing(run, session):
    session.namespace["loss"] = moons_loss()
    run(":draw loss --full --format svg --timeout 0.05")
    [warning] = [r for r in run.replies if r.kind == "warning"]
    assert "dot took longer than 0.05 s" in warning.text and "\n" not in warning.text
    assert "summarised in" in run.replies[-1].text       # the (summarised) text drawing follows
    assert isinstance(run.replies[-1].data, Styled)


def test_without_dot_a_clear_message_and_the_text_drawing(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))           # a PATH where there is no dot
    run("a = 2\nb = -3\nc = a * b")
    run(":grad c")
    text = run(":draw c --format png")
    assert run.outcome.ok
    warning = next(r for r in run.replies if r.kind == "warning")
    assert "not installed" in warning.text and "apt-get install graphviz" in warning.text
    assert "c = a * b" in text and "-6.0000" in text


def test_without_dot_the_real_program_still_draws_text(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path), "VALORREPL_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "valorrepl"], input="a = 2\nb = a * a\n:draw b -f svg\n",
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0
    assert "apt-get install graphviz" in done.stderr + done.stdout
    assert "b = a * a" in done.stdout


# ---- the sentences ----

def test_describe_tells_every_node():
    e = small_graph()
    graph = walk(e)
    text = draw.describe(e)
    lines = text.splitlines()
    assert lines[0] == "The graph of e has 5 nodes."
    assert len(lines) == 1 + len(graph.nodes)
    for node in graph.nodes:
        assert any(line.startswith(graph.names[node] + " ") for line in lines[1:]), graph.names[node]
    assert "e is d times c, which is 24, with gradient 1." in lines
    assert "c is a times b, which is -6, with gradient -10." in lines
    assert "a is 2, with gradient 24." in lines


def test_describe_summarises_big_graphs_and_full_tells_all():
    loss = course_loss()
    short = draw.describe(loss)
    assert "told here in" in short and "neuron [2,0]" in short and "w[" in short
    assert len(draw.describe(loss, full=True).splitlines()) == 1 + len(walk(loss).nodes)


def test_portuguese(run):
    set_language("pt")
    try:
        run("a = 2\nb = -3\nc = a * b")
        run(":grad c")
        text = run(":draw c --describe")
        assert "O grafo de c tem 3 nós." in text
        assert "c é a vezes b, que vale -6, com gradiente 1." in text
        assert "a vale 2, com gradiente -3." in text
        assert "nós, resumidos em" in draw.text_drawing(course_loss())
        assert "neurônio [0,0]" in draw.describe(course_loss())
        assert "0,5" in draw.spoken(0.5)
    finally:
        set_language("en")


# ---- :draw ----

def test_draw_formats_by_option_and_by_suffix(run, tmp_path):
    run("a = 2\nb = -3\nc = a * b")
    assert run(":draw c --format dot").startswith('digraph c {')
    run(f":draw c -o {tmp_path / 'c.dot'}")
    assert (tmp_path / "c.dot").read_text() == draw.dot_source(run.session.namespace["c"])
    run(f":draw c -o {tmp_path / 'c.txt'}")
    assert "c = a * b" in (tmp_path / "c.txt").read_text()
    assert "cannot tell the format" in run(f":draw c -o {tmp_path / 'c.jpeg'}")
    assert not run.outcome.ok


@pytest.mark.dot
def test_a_picture_without_o_is_saved_and_the_reply_says_where(run, tmp_path):
    run("a = 2\nb = -3\nc = a * b")
    text = run(":draw c --format svg")
    image = run.replies[-1].data
    assert image.path.endswith(os.path.join("pictures", "c.svg")) and os.path.exists(image.path)
    assert image.path in text and "c = a * b" in text          # the drawing for a plain terminal
    assert image.description.startswith("The graph of c has 3 nodes.")


@pytest.mark.dot
def test_open_uses_the_system_viewer_or_says_there_is_none(run, tmp_path, monkeypatch):
    run("a = 2\nb = a * a")
    monkeypatch.setenv("PATH", os.pathsep.join([str(tmp_path), "/usr/bin", "/bin"]))
    if sys.platform.startswith("linux"):
        if not any(os.path.exists(os.path.join(d, "xdg-open")) for d in ("/usr/bin", "/bin")):
            assert "No picture viewer found" in run(":draw b --open")
        # a viewer of our own: xdg-open that notes what it was asked to open
        opened = tmp_path / "opened.txt"
        viewer = tmp_path / "xdg-open"
        viewer.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
        viewer.chmod(0o755)
        text = run(":draw b --open")
        assert "Opened it in the picture viewer." in text
        image = run.replies[-1].data
        for _ in range(100):
            if opened.exists() and opened.read_text().strip():
                break
            import time
            time.sleep(0.05)
        assert opened.read_text().strip() == image.path


def test_ascii_only_keeps_the_layout_for_terminals_without_utf8():
    for root in (small_graph(), course_loss()):
        fancy, plain = draw.text_drawing(root), draw.text_drawing(root, ascii_only=True)
        assert plain.isascii() and [len(line) for line in plain.splitlines()] == \
            [len(line) for line in fancy.splitlines()]
    assert "|-- d = c + a" in draw.text_drawing(small_graph(), ascii_only=True)


def test_draw_accepts_the_learners_own_valor_class(run):
    run(":auto off")
    run('''class MiniValor:
    def __init__(self, data, progenitor=(), operador_mae="", rotulo=""):
        self.data, self.progenitor, self.operador_mae, self.rotulo = data, progenitor, operador_mae, rotulo
    def __add__(self, other):
        return MiniValor(self.data + other.data, (self, other), "+")
    def __mul__(self, other):
        return MiniValor(self.data * other.data, (self, other), "*")''')
    run("a = MiniValor(2, rotulo='a')\nb = MiniValor(-3, rotulo='b')\nc = MiniValor(10, rotulo='c')\ne = a*b + c")
    out = run(":draw e")
    assert "a" in out and "b" in out and "-6" in out and "4" in out
    assert "is a MiniValor" not in out
    assert "not a Valor" in run(":draw 3")
