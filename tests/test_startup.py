"""Start-up stays light: what only some commands need is imported when they first run."""

import ast
import subprocess
import sys

import pytest
from prompt_toolkit.document import Document

from valorrepl.i18n import _unquote
from valorrepl.repl.lexer import ValorLexer

# imported by the commands (and the first Python typed) that need them, never before the prompt
LAZY = ("torch", "graphviz", "ipykernel", "jupyter_client", "hypothesis", "tomllib", "json",
        "valorrepl.lessons", "valorrepl.glossary", "valorrepl.explain", "valorrepl.draw",
        "valorrepl.graph", "valorrepl.bridge", "pygments.lexers.python")

TO_FIRST_PROMPT = f"""
import io, sys
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from valorrepl.cli import build_parser, make_session
from valorrepl.repl.app import run_repl
from valorrepl.repl.printer import Printer

session = make_session(build_parser().parse_args([]))
with create_pipe_input() as pipe:
    pipe.send_text("\\x04")             # Ctrl-D at the first prompt
    run_repl(session, input=pipe, output=DummyOutput(), printer=Printer(stream=io.StringIO()))
print([name for name in {LAZY!r} if name in sys.modules])
"""


def test_the_first_prompt_needs_none_of_the_heavy_modules():
    done = subprocess.run([sys.executable, "-c", TO_FIRST_PROMPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_lazy_modules_come_when_their_commands_run(run):
    assert "Gradients of c" in run("a = 2\nb = -3\nc = a * b\n:grad c --explain")
    assert "a" in run(":draw c") and "epoch" in run(":glossary epoch").lower()
    assert "1" in run(":lessons")
    for name in ("valorrepl.explain", "valorrepl.draw", "valorrepl.glossary", "valorrepl.lessons"):
        assert name in sys.modules


def test_python_after_blank_lines_is_still_highlighted(session):
    get_line = ValorLexer(session).lex_document(Document("\n   \nx = 2.5"))
    assert get_line(0) == [] and get_line(1) == [("", "   ")]
    styles = {text: style for style, text in get_line(2)}
    assert "number" in styles["2.5"]


@pytest.mark.parametrize("literal", [
    '"plain é ∂"', r'"a\nb"', r'"tab\there"', r'"say \"hi\""', r'"back\\slash"', r'"\\n is not a newline"',
    r'"\x41\u00e9"', '""',
])
def test_po_strings_read_as_python_reads_them(literal):
    # the catalogs are read at start-up without ast.literal_eval for the usual escapes
    assert _unquote(literal) == ast.literal_eval(literal)
