"""The REPL loop: a PromptSession that hands each input to the session and prints the replies.

Lexer, completer, keys, style, history and printer live in modules of their own; this loop only
reads, runs and renders (Ctrl-C → a fresh prompt, Ctrl-D → quit). On a dumb terminal (TERM=dumb,
an editor's shell buffer) a plain line reader with no escape codes takes its place.
"""

import os
import shutil
import sys

from prompt_toolkit import PromptSession
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.utils import is_dumb_terminal

from ..i18n import _
from ..session import Reply
from .completer import ValorCompleter
from .history import open_history
from .keys import key_bindings, needs_more
from .lexer import ValorLexer
from .printer import Printer
from .style import make_style

PROMPT = ">>> "
CONTINUATION = "... "


def banner(session):
    """The welcome, in the learner's language, saying what to type first."""
    first = _("Numbers here are Valors: they remember how they were computed.")
    if "lessons" in session.commands and _lesson_in_progress():
        start = _("Welcome back: :lesson takes you back to your lesson, :lessons lists them all.")
    elif "lessons" in session.commands:
        start = _("New here? Type :lessons to start the course, or :help for every command.")
    else:
        start = _("New here? Type :help for every command, or try: a = 2, c = a * -3, then :grad c")
    leave = _("Tab completes, Ctrl-R searches what you typed, :quit or Ctrl-D leaves.")
    return f"valorrepl — {first}\n{start}\n{leave}"


def _lesson_in_progress():
    from ..commands.lessons import lesson_in_progress
    try:
        return lesson_in_progress()
    except Exception:  # noqa: BLE001 - the welcome never fails over the progress file
        return None


def key_hint():
    return _("Tab: complete · Ctrl-R: search history · Ctrl-C: clear · Ctrl-D: quit")


def toolbar(session):
    """The bottom line: the current lesson and step, or which keys do what."""
    return [("class:bottom-toolbar", " " + (session.status or key_hint()))]


def wants_color(session=None, no_color=False, environ=os.environ):
    """False with --no-color, NO_COLOR (any value) or TERM=dumb (https://no-color.org)."""
    return not (no_color or "NO_COLOR" in environ or is_dumb_terminal(environ.get("TERM", ""))
                or (session is not None and not session.color))


def run_repl(session, input=None, output=None, high_contrast=False, printer=None):
    """Read, run, print until :quit or Ctrl-D. Returns the exit status.

    `input`/`output` are prompt_toolkit's (tests pass a pipe input and a DummyOutput); `printer`
    renders the replies (by default on the same terminal).
    """
    if input is None and output is None and is_dumb_terminal():
        session.color = False
        return run_plain(session)
    history, history_warning = open_history()
    style = make_style(high_contrast)
    prompt = PromptSession(
        multiline=True, key_bindings=key_bindings(), input=input, output=output,
        lexer=ValorLexer(session), completer=ValorCompleter(session), complete_while_typing=True,
        history=history, style=style, include_default_pygments_style=False,
        color_depth=None if session.color else ColorDepth.MONOCHROME,
        prompt_continuation=lambda width, line, wrap: [("class:continuation", CONTINUATION.rjust(width))],
        bottom_toolbar=lambda: toolbar(session),
        search_ignore_case=True, reserve_space_for_menu=6,
    )
    terminal = prompt.app.output

    def columns():
        try:
            return max(10, terminal.get_size().columns)
        except Exception:
            return 80

    if printer is None:
        printer = Printer(output=terminal if session.color else None, style=style, width=columns)
    printer(Reply("text", banner(session)))
    if history_warning:
        printer(Reply("warning", history_warning))
    while not session.quit_requested:
        session.width = columns()
        try:
            text = prompt.prompt([("class:prompt", PROMPT)])
        except KeyboardInterrupt:
            continue                  # Ctrl-C: the input is cleared, a fresh prompt
        except EOFError:
            break                     # Ctrl-D on an empty line
        run_one(session, text, printer)
    return 0


def run_one(session, text, printer):
    """Run one input; an empty one only when a command waits for Enter (session.pending)."""
    if not text.strip() and session.pending is None:
        return None
    text = unescape_bytes(text)
    try:
        outcome = session.run(text.rstrip() if text.strip() else "", printer)
    except KeyboardInterrupt:         # Ctrl-C while a reply was being printed
        outcome = None
        printer(Reply("warning", _("Interrupted.")))
    printer.finish()
    return outcome


def unescape_bytes(text):
    """Text typed in UTF-8 under a locale that is not: the terminal's input decoder keeps the bytes
    it did not understand as surrogate escapes; read them again as the UTF-8 they were."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def run_plain(session, read=input, stream=None):
    """The REPL for dumb terminals: a prompt and the replies as plain lines, no escape codes.
    The status line (the current lesson) is printed when it changes, instead of a toolbar."""
    stream = stream if stream is not None else sys.stdout
    printer = Printer(stream=stream, live=False, width=lambda: session.width)
    printer(Reply("text", banner(session)))
    status = ""
    while not session.quit_requested:
        session.width = shutil.get_terminal_size((session.width, 24)).columns
        if session.status and session.status != status:
            printer(Reply("text", f"[{session.status}]"))
        status = session.status
        try:
            text = read(PROMPT)
            while needs_more(text):
                text += "\n" + read(CONTINUATION)
        except KeyboardInterrupt:
            stream.write("\n")
            continue
        except EOFError:
            stream.write("\n")
            break
        run_one(session, text, printer)
    return 0
