"""The terminal front end through prompt_toolkit's pipe input and a DummyOutput: keys, completion,
highlighting, history, and how replies are printed."""

import io
import re

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.data_structures import Size

from valorrepl.cli import run_lines
from valorrepl.registry import command
from valorrepl.repl.app import banner, run_plain, run_repl, toolbar, wants_color
from valorrepl.repl.completer import ValorCompleter
from valorrepl.repl.history import history_path, open_history
from valorrepl.repl.keys import needs_more, next_indent
from valorrepl.repl.lexer import ValorLexer
from valorrepl.repl.printer import Printer, plain_text, progress_line
from valorrepl.repl.style import make_style
from valorrepl.session import Image, Markdown, Progress, Reply, Styled

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
UP, TAB, CTRL_C, CTRL_D = "\x1b[A", "\t", "\x03", "\x04"


def repl(session, keys):
    """Run the real REPL on typed keys; returns (exit status, everything printed, plain)."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        status = run_repl(session, input=pipe, output=DummyOutput(), printer=Printer(stream=out))
    return status, out.getvalue()


def completions(session, text, requested=True):
    event = CompleteEvent(text_inserted=not requested, completion_requested=requested)
    return [c.text for c in ValorCompleter(session).get_completions(Document(text, len(text)), event)]


# ---- the loop, driven by keys ----

def test_enter_runs_a_line_and_ctrl_d_quits(session):
    status, out = repl(session, "a = 2\rb = a * 3\rb\r" + CTRL_D)
    assert status == 0
    assert "Valor(data=6.0, label='b')" in out
    assert ":help" in out.splitlines()[1]       # the banner says what to type first


def test_blocks_auto_indent_and_an_empty_line_ends_them(session):
    # typed with no indentation: Enter after "def …:" indents, after "return" dedents
    keys = "def f(x):\rif x > 0:\rreturn x * 2\rreturn -x\r\rf(3)\rf(-4)\r" + CTRL_D
    status, out = repl(session, keys)
    assert "Error" not in out, out
    assert out.splitlines()[-2:] == ["6", "4"]


def test_an_open_bracket_continues_the_line(session):
    status, out = repl(session, "xs = [1,\r2,\r3]\rlen(xs)\r" + CTRL_D)
    assert out.splitlines()[-1] == "3"


def test_a_pasted_block_runs_as_one_input(session):
    paste = "\x1b[200~def g(x):\n    y = x + 1\n    return y * 2\n\x1b[201~"
    status, out = repl(session, paste + "\rg(1)\r" + CTRL_D)
    assert out.splitlines()[-1] == "4"


def test_ctrl_c_clears_the_input(session):
    status, out = repl(session, "undefined_name" + CTRL_C + "40 + 2\r" + CTRL_D)
    assert status == 0 and "NameError" not in out and out.splitlines()[-1] == "42"


def test_tab_completes_a_name_and_a_command(session):
    session.run("my_long_variable = 5")
    status, out = repl(session, "my_lo" + TAB + "\r\r:vari" + TAB + "\r\r" + CTRL_D)
    assert "Valor(data=5.0, label='my_long_variable')" in out
    assert "my_long_variable  Valor" in out        # :variaveis (the :vars alias) ran


def test_quit_command_ends_the_loop(session):
    status, out = repl(session, ":quit\r1 + 1\r")
    assert status == 0 and "2" not in out.splitlines()[-1]


def test_an_empty_enter_continues_a_pending_step(session):
    steps = []

    @command("stepper")
    def stepper(session, args, emit):
        """Wait for Enter twice."""
        def step(emit):
            steps.append(len(steps))
            emit.text(f"step {len(steps)}")
            session.pending = step if len(steps) < 2 else None
        session.pending = step

    session.commands.add(stepper)
    status, out = repl(session, ":stepper\r\r\r\r" + CTRL_D)
    assert steps == [0, 1] and "step 2" in out
    # pipe mode too: blank lines go to the waiting command, and are skipped otherwise
    piped = io.StringIO()
    steps.clear()
    run_lines(session, ["\n", ":stepper\n", "\n", "\n", "\n", "1 + 1\n"], out=piped, err=piped)
    assert steps == [0, 1] and piped.getvalue().splitlines()[-1] == "2"


def test_history_is_kept_across_runs(session):
    repl(session, "6 * 7\r" + CTRL_D)
    assert "6 * 7" in history_path().read_text()
    status, out = repl(session, UP + "\r" + CTRL_D)     # a new PromptSession reads the file again
    assert out.splitlines()[-1] == "42"


def test_an_unwritable_history_warns_and_the_repl_still_starts(session, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("VALORREPL_HOME", str(blocker))
    status, out = repl(session, "1 + 1\r" + CTRL_D)
    warnings = [line for line in out.splitlines() if "History is kept for this run only" in line]
    assert len(warnings) == 1 and out.splitlines()[-1] == "2"


def test_a_damaged_history_is_set_aside(session):
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00\xff\xfe garbage \x80\n+ok\n")
    history, warning = open_history()
    assert "damaged" in warning and path.with_name("history.damaged").exists()
    assert path.exists() and path.read_bytes() == b""
    assert open_history()[1] is None       # the new file is fine


def test_plain_repl_for_dumb_terminals(session):
    typed = iter(["a = 2", "def f(x):", "    return x * a", "", "f(5)", ":grad a"])

    def read(prompt):
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    session.status = "Lesson 1 · step 2/5"
    out = io.StringIO()
    assert run_plain(session, read=read, stream=out) == 0
    text = out.getvalue()
    assert "\x1b" not in text and "\r" not in text
    assert "[Lesson 1 · step 2/5]" in text and "Valor(data=10.0)" in text and "2.0000" in text


# ---- Enter and indentation ----

@pytest.mark.parametrize("text, more", [
    ("", False), ("a = 2", False), (":grad c", False), ("def f():", True),
    ("def f():\n    return 1", True), ("def f():\n    return 1\n    ", False), ("x = (1,", True),
    ("def f():\n    x = (1,\n    ", True), ("a = 2\nb = 3", False), ("x = [1,\n 2]", False),
    ("if a:\n    1\nelse:", True), ("1 +", False),
])
def test_needs_more(text, more):
    assert needs_more(text) is more


def test_next_indent():
    assert next_indent("def f(x):") == "    "
    assert next_indent("    y = x") == "    "
    assert next_indent("        return y") == "    "
    assert next_indent("pass") == ""


# ---- highlighting ----

def line_fragments(session, text, number=0):
    return ValorLexer(session).lex_document(Document(text))(number)


def test_python_is_highlighted_with_pygments(session):
    styles = {text: style for style, text in line_fragments(session, "def f(x): return 2.5")}
    assert "keyword" in styles["def"] and "number" in styles["2.5"]


def test_command_lines_are_lexed_apart(session):
    fragments = line_fragments(session, "a = 1\n:train moons --epochs 5 --bogus", 1)
    styles = {text: style for style, text in fragments}
    assert styles[":train"] == "class:command" and styles["--epochs"] == "class:command.option"
    assert styles["--bogus"] == "class:command.unknown" and "number" in styles["5"]
    assert "".join(text for _, text in fragments) == ":train moons --epochs 5 --bogus"
    assert line_fragments(session, ":nope")[1] == ("class:command.unknown", ":nope")


# ---- completion ----

def test_command_names_and_aliases_complete(session):
    found = completions(session, ":tr")
    assert found.index("train") < found.index("treinar")      # names first, then aliases
    assert "gradiente" in completions(session, ":g")


def test_options_their_values_and_positional_candidates(session):
    assert completions(session, ":train --ep") == ["--epochs"]
    assert "moons" in completions(session, ":train m") and "course" not in completions(session, ":train m")
    assert completions(session, ":train --activation s") == ["sigmoid"]
    session.run("c = Valor(2.0) * 3")
    session.run("k = 4")
    assert completions(session, ":grad ") == ["c", "k"]


def test_file_paths_after_output_options(session, tmp_path, monkeypatch):
    (tmp_path / "pictures").mkdir()
    (tmp_path / "plot.svg").write_text("")
    monkeypatch.chdir(tmp_path)
    assert sorted(completions(session, ":draw c -o p")) == ["ictures", "lot.svg"]
    assert completions(session, ":draw c -o pictures/") == []


def test_attributes_and_names_complete(session):
    session.run("a = 2")
    found = completions(session, "a.")
    assert {"data", "grad", "label", "backward", "rotulo"} <= set(found)
    assert not any(name.startswith("_") for name in found)
    assert completions(session, "a.gr") == ["grad"]
    assert "MLP" in completions(session, "ML")
    assert completions(session, "x = 1", requested=False) == []      # no menu for a lone letter
    assert completions(session, "a  # a comment about a.") == []


def test_completion_never_breaks_the_input(session):
    class Broken:
        def __dir__(self):
            raise RuntimeError("no")

    def explode(session, word):
        raise RuntimeError("plugin bug")

    session.namespace["broken"] = Broken()

    @command("fragile", complete=explode)
    def fragile(session, args, emit):
        """A command whose completion fails."""

    session.commands.add(fragile)
    assert completions(session, "broken.") == []
    assert completions(session, ":fragile x") == []
    assert completions(session, "nothing_here.") == []


# ---- printing replies ----

def vt100(stream, columns=80):
    return Vt100_Output(stream, lambda: Size(rows=24, columns=columns), term="xterm")


def test_plain_printing_has_no_escape_codes_and_says_everything():
    out = io.StringIO()
    printer = Printer(stream=out, live=False)
    printer(Reply("error", "ValueError: no"))
    printer(Reply("text", "grad -3.0", Styled([("muted", "grad "), ("grad.negative", "-3.0")])))
    printer(Reply("progress", "epoch 1/2", Progress(1, 2, "epoch 1/2")))
    printer(Reply("image", "a graph of 3 nodes", Image("image/svg+xml", b"", path="c.svg")))
    assert out.getvalue() == "ValueError: no\ngrad -3.0\nepoch 1/2\na graph of 3 nodes (c.svg)\n"


def test_colour_printing_adds_colour_and_nothing_else():
    stream = io.StringIO()
    printer = Printer(output=vt100(stream), style=make_style())
    printer(Reply("text", "grad -3.0", Styled([("muted", "grad "), ("grad.negative", "-3.0")])))
    printer(Reply("value", "Valor(data=4.0, label='c')", None))
    printer(Reply("warning", "careful"))
    printed = stream.getvalue()
    assert "\x1b[0;38;5;166m-3.0" in printed        # grad.negative is orange
    assert ESCAPE.sub("", printed).replace("\r", "") == "grad -3.0\nValor(data=4.0, label='c')\ncareful\n"
    contrast = io.StringIO()
    Printer(output=vt100(contrast), style=make_style(high_contrast=True))(Reply("warning", "careful"))
    assert "1;93" in contrast.getvalue() or "93;1" in contrast.getvalue()   # bold bright yellow


def test_lesson_markdown_keeps_its_text_and_marks_code():
    source = "Use `self`:\n\n    class P:\n        pass\n\n# Done\nThat was **all**."
    plain = io.StringIO()
    Printer(stream=plain)(Reply("text", source, Markdown(source)))
    assert plain.getvalue() == source + "\n"
    stream = io.StringIO()
    Printer(output=vt100(stream), style=make_style())(Reply("text", source, Markdown(source)))
    shown = ESCAPE.sub("", stream.getvalue()).replace("\r", "")
    assert shown == source.replace("**all**", "all") + "\n"
    assert "\x1b[0;36m`self`" in stream.getvalue() and "\x1b[0;35;1mclass" in stream.getvalue()


def test_progress_updates_one_line_in_place():
    out = io.StringIO()
    printer = Printer(stream=out, width=lambda: 40)
    for done in (1, 2, 3, 4):
        printer(Reply("progress", f"epoch {done}/4", Progress(done, 4, f"epoch {done}/4")))
    printer(Reply("text", "done"))
    lines = out.getvalue().split("\n")
    assert lines[0].count("\r") == 4 and lines[0].endswith("[####################] epoch 4/4")
    assert lines[1] == "done"
    assert all(len(part) <= 39 for part in lines[0].split("\r"))
    assert progress_line(Progress(5, 10, "epoch 5/10  loss 0.123456"), 19) == "epoch 5/10  loss 0."


def test_plain_text_of_an_image_names_its_file():
    image = Image("image/png", b"", path="/tmp/c.png", description="c = a * b")
    assert plain_text(Reply("image", "c = a * b", image)) == "c = a * b (/tmp/c.png)"


# ---- language, colour choice and toolbar ----

def test_banner_in_portuguese():
    from valorrepl.session import Session
    session = Session(language="pt")
    text = banner(session)
    assert ":ajuda" in text and ":licoes" in text and "Digite" in text   # the Portuguese aliases


def test_colour_is_off_for_no_color_dumb_terminals_and_the_option(session):
    assert wants_color(session, environ={"TERM": "xterm"})
    assert not wants_color(session, environ={"TERM": "xterm", "NO_COLOR": ""})
    assert not wants_color(session, environ={"TERM": "dumb"})
    assert not wants_color(session, no_color=True, environ={"TERM": "xterm"})


def test_toolbar_shows_the_lesson_or_a_key_hint(session):
    assert "Ctrl-D" in toolbar(session)[0][1]
    session.status = "Lição 3 · passo 2/6"
    assert toolbar(session)[0][1].strip() == "Lição 3 · passo 2/6"
