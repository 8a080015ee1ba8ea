"""No input crashes valorrepl: generated lines (Python, :commands with options, huge and non-finite
numbers, deep graphs) through the session core and the printer, and the session still answers.
Then the command without a terminal and under a locale that is not UTF-8."""

import io
import os
import signal
import subprocess
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from valorrepl.repl.printer import Printer  # noqa: E402
from valorrepl.repl.style import make_style  # noqa: E402
from valorrepl.session import Outcome, Reply, Session  # noqa: E402

KINDS = {"text", "value", "stdout", "table", "image", "progress", "warning", "error"}
# options that reach outside the process (a picture viewer): not for generated input
OUTSIDE = {"--open"}

NAMES = st.sampled_from(["a", "b", "c", "x", "loss", "model", "losses", "zz", "Valor", "MLP"])
NUMBERS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["10**400", "-(10**400)", "1e308", "-1e308", "1e-320", "5e-324", "float('inf')",
                     "float('-inf')", "float('nan')", "2**1000", "0", "-0.0", "1e309"]),
)
METHODS = st.sampled_from(["exp()", "sig()", "sigmoid()", "tanh()", "relu()", "log()", "backward()",
                           "propagar_tudo()", "grad", "data", "label", "parents"])


def expressions():
    leaves = st.one_of(NAMES, NUMBERS, NUMBERS.map(lambda n: f"Valor({n})"))

    def grow(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(" ".join),
            st.tuples(children, st.sampled_from(["0", "2", "-1", "0.5", "3"]))
            .map(lambda t: f"({t[0]}) ** {t[1]}"),
            children.map(lambda c: f"-({c})"),
            st.tuples(children, METHODS).map(lambda t: f"({t[0]}).{t[1]}"),
            st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
            children.map(lambda c: f"abs({c})"),
        )

    return st.recursive(leaves, grow, max_leaves=8)


PYTHON = st.one_of(
    st.tuples(NAMES, expressions()).map(lambda t: f"{t[0]} = {t[1]}"),
    st.tuples(NAMES, st.sampled_from(["+=", "*=", "-="]), expressions()).map(" ".join),
    expressions(),
    st.text(alphabet="ab()[]{}:=+-*/.,'\"#\\ 0123456789eE_\t", max_size=30),
    st.sampled_from(["a\x00b", "x = '\udcff'", "\udcff", "def f(:", "class", "lambda: (", "'''", "ç = 2",
                     "print('a' * 3)", "1/0", "import math; math.exp(1000)", "a.grad = float('nan')",
                     "-" * 3000 + "1", "-" * 100000 + "1", "(" * 300 + ")" * 300, "[" * 100000]),
)

VALUES = st.sampled_from(["a", "c", "loss", "model", "zz", "0", "1", "2", "-1", "nan", "inf", "-inf", "1e400",
                          "3,2,1", "0,1", "1,", "text", "dot", "svg", "moons", "xor", "course", "circles",
                          "penguins", "on", "off", "all", "list", "x.csv", "out.txt", "'", '"', "--", "-",
                          "ç", "a b", "(", "1 +", "Valor(2)", "999999999999999999999"])


@st.composite
def commands(draw, session):
    cmd = draw(st.sampled_from(sorted(session.commands.names)))
    flags = [flag for flag in session.commands.names[cmd].option_flags() if flag not in OUTSIDE]
    words = draw(st.lists(st.one_of(VALUES, st.sampled_from(flags) if flags else VALUES), max_size=5))
    if session.commands.names[cmd].name == "train":
        words += ["--epochs", "1"]  # the last --epochs wins: generated training stays short
    return ":" + " ".join([cmd, *words])


def run_and_check(session, text):
    """Run one input; it must not raise, must say how it went, and emit only well-formed replies."""
    replies = []
    handler = signal.getsignal(signal.SIGINT)
    outcome = session.run(text, replies.append)
    assert isinstance(outcome, Outcome) and outcome.status in ("ok", "error", "cancelled")
    assert signal.getsignal(signal.SIGINT) is handler
    for reply in replies:
        assert isinstance(reply, Reply) and reply.kind in KINDS and isinstance(reply.text, str)
    if session.pending is not None:    # a step-by-step command waits: Enter goes on, then stop it
        session.run("", replies.append)
        session.pending = None
    session.quit_requested = False
    return replies


def render(replies):
    """Every reply printed plain and in colour, as the terminal would."""
    plain, coloured = io.StringIO(), io.StringIO()
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output
    output = Vt100_Output(coloured, lambda: Size(rows=24, columns=20), term="xterm")
    for printer in (Printer(stream=plain, width=lambda: 20), Printer(output=output, style=make_style())):
        for reply in replies:
            printer(reply)
        printer.finish()


def still_answers(session):
    replies = []
    session.auto_valor = True
    assert session.run("1 + 1", replies.append).ok, [r.text for r in replies]
    assert [r.text for r in replies if r.kind == "value"] == ["2"]


@pytest.fixture
def generated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)        # :save and :draw -o write here, never in the project
    session = Session(language="en")
    run_and_check(session, "a = 2")
    run_and_check(session, "c = a * -3 + 10")
    return session


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(PYTHON, min_size=1, max_size=4))
def test_generated_python_never_raises(generated, lines):
    replies = []
    for line in lines:
        replies += run_and_check(generated, line)
    render(replies)
    still_answers(generated)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_commands_never_raise(generated, data):
    replies = []
    for _ in range(data.draw(st.integers(1, 3))):
        replies += run_and_check(generated, data.draw(commands(generated)))
    render(replies)
    still_answers(generated)


def test_deep_and_wide_graphs(session):
    replies = []
    for line in ["x = Valor(0.5)", "for i in range(20000):\n    x = x * 1.0001 + 0.0001",
                 "x.backward()", "x", ":grad x", ":draw x", ":vars",
                 "wide = sum([Valor(i) for i in range(5000)])",
                 ":grad wide", ":draw wide --format dot", "big = Valor(1e308) * 10", "big.backward()",
                 "(Valor(1000)).sig()", "Valor(-1000).sig().backward()", "Valor(float('nan')).exp()"]:
        replies += run_and_check(session, line)
    render(replies)
    still_answers(session)


def run_command(text, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG", "PYTHONIOENCODING")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "valorrepl", *args], input=text, capture_output=True,
                          env=environment, timeout=120)


def test_without_a_terminal_and_with_nothing_to_read():
    done = run_command(b"")
    assert done.returncode == 0 and done.stdout == b"" and b"Traceback" not in done.stderr


def test_a_locale_that_is_not_utf8_in_pipe_mode():
    done = run_command("a = 2\n:grad a\nprint('ação — ok')\n:nope\n".encode(), "--lang", "pt",
                       LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"2.0000" in done.stdout and b"ok" in done.stdout and b":nope" in done.stderr
