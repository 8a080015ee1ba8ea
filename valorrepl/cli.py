"""The `valorrepl` command: the REPL on a terminal, line by line from a pipe, or `run FILE`."""

import argparse
import signal
import sys

from . import __version__
from .i18n import _, detect_language, set_language
from .lines import inputs
from .registry import argparse_speaks_our_language


def build_parser():
    parser = argparse.ArgumentParser(prog="valorrepl", description=_(
        "An interactive Python where numbers are Valors: see gradients, draw graphs, train networks."))
    parser.add_argument("--version", action="version", version=f"valorrepl {__version__}")
    parser.add_argument("--lang", choices=("pt", "en"), help=_("language of messages (pt or en)"))
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE.py",
                        help=_("load a plugin file (may be given more than once)"))
    parser.add_argument("--plugins-dir", action="append", default=[], metavar="DIR",
                        help=_("load every plugin file in DIR"))
    parser.add_argument("--lessons-dir", action="append", default=[], metavar="DIR",
                        help=_("add the lessons in DIR"))
    parser.add_argument("--course", metavar="FILE", help=_("take the lessons and rules of a course file"))
    parser.add_argument("--no-plugins", action="store_true", help=_("start without third-party plugins"))
    parser.add_argument("--traceback", action="store_true", help=_("show full tracebacks on errors"))
    parser.add_argument("--no-color", action="store_true",
                        help=_("plain text, no colours (as NO_COLOR=1 does)"))
    parser.add_argument("--high-contrast", action="store_true", help=_("bold, bright colours for the REPL"))
    sub = parser.add_subparsers(dest="action")
    run = sub.add_parser("run", help=_("run a file of REPL lines (Python and :commands)"))
    run.add_argument("file")
    for module in subcommand_modules():
        module.add_parser(sub)
    return parser


# modules that add a subcommand: each has add_parser(subparsers) and run(options) → exit status
SUBCOMMANDS = ("valorrepl.kernel.install", "valorrepl.lessons_cli", "valorrepl.report_cli")


def subcommand_modules():
    import importlib
    return [importlib.import_module(name) for name in SUBCOMMANDS]


def make_session(options):
    from .session import Session
    return Session(language=options.lang, load_plugins=not options.no_plugins,
                   plugin_files=options.plugin, plugin_dirs=options.plugins_dir,
                   lesson_dirs=options.lessons_dir, traceback=options.traceback)


def take_course(session, path):
    """--course FILE: its lessons and rules; False (each problem told) when it cannot be used."""
    from .course import use_course
    problems = use_course(session, path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(_("The course file has problems; `valorrepl lessons check {file}` lists them.").format(file=path),
              file=sys.stderr)
    return not problems


def report_plugin_failures(session, write):
    for failure in session.plugin_failures:
        write(_("Plugin not loaded: {failure}").format(failure=failure))


def run_lines(session, lines, out=sys.stdout, err=sys.stderr, file_name=None):
    """Pipe mode: answer each input before reading the next, with no prompt or colour.
    Returns 0, or 1 when the last input failed. With `file_name` (`valorrepl run FILE`), errors
    begin with FILE:LINE: and the status is 1 when any input failed."""
    from .repl.printer import plain_text

    status, failed = 0, False
    session.color = False
    counted = _Counted(lines)
    for source in inputs(counted, waiting=lambda: session.pending is not None):
        first_line = counted.first_line_of(source)

        def emit(reply):
            stream = err if reply.kind in ("error", "warning") else out
            text = plain_text(reply)
            if file_name and reply.kind == "error":
                text = f"{file_name}:{first_line + where_in(session)}: {text}"
            try:
                stream.write(text + "\n")
                stream.flush()
            except (BrokenPipeError, ReaderGone):
                raise ReaderGone from None   # out of the learner's code too, which catches Exception
        outcome = session.run(source, emit)
        status = 0 if outcome.ok else 1
        failed = failed or not outcome.ok
        if session.quit_requested:
            break
    return 1 if file_name and failed else status


class _Counted:
    """The lines of a file, counted as they are read, so that an input can say where it began."""

    def __init__(self, lines):
        self.lines, self.count, self.last = lines, 0, None

    def __iter__(self):
        for line in self.lines:
            self.count, self.last = self.count + 1, line.rstrip("\r\n")
            yield line

    def first_line_of(self, source):
        # an input ends at the line read last, or one before it when that line began the next input
        size = source.count("\n") + 1
        last = self.count if source.splitlines()[-1:] == [self.last] else self.count - 1
        return max(1, last - size + 1)


def where_in(session):
    """How many lines into its input the last error happened (0 for the first line)."""
    error = session.last_error[0] if session.last_error else None
    if isinstance(error, SyntaxError) and error.lineno:
        return error.lineno - 1
    import traceback
    frames = [frame for frame in traceback.extract_tb(getattr(error, "__traceback__", None))
              if frame.filename == "<input>"]
    # the first such frame is this input's own code; later ones are functions earlier inputs defined
    return frames[0].lineno - 1 if frames and frames[0].lineno else 0


class ReaderGone(BaseException):
    """The program reading our output has closed it (`valorrepl … | head`)."""


def main(argv=None):
    try:
        return _main(argv)
    except (BrokenPipeError, ReaderGone):
        # `valorrepl … | head`: the reader has gone; leave quietly, with nothing more to flush
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _requested_language(argv):
    """--lang from the command line before it is parsed: the help and errors speak it too."""
    words = list(sys.argv[1:] if argv is None else argv)
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def _main(argv=None):
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 locale: "?" for what it cannot show, never a crash
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    if hasattr(sys.stdin, "reconfigure") and (sys.stdin.encoding or "").lower().replace("-", "") != "utf8":
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")   # piped lines are read as files are: UTF-8
    set_language(detect_language(_requested_language(argv)))
    with argparse_speaks_our_language():
        options = build_parser().parse_args(argv)
    for module in subcommand_modules():
        if getattr(options, "action", None) in getattr(module, "ACTIONS", ()):
            return module.run(options)
    session = make_session(options)
    report_plugin_failures(session, lambda text: print(text, file=sys.stderr))
    if options.course and not take_course(session, options.course):
        return 2
    if options.action == "run":
        try:
            with open(options.file, encoding="utf-8") as handle:
                return run_lines(session, handle, file_name=options.file)
        except OSError as error:
            from .session import os_error_text
            print(f"valorrepl: {os_error_text(error)}: {options.file}", file=sys.stderr)
            return 2
    if not sys.stdin.isatty():
        run_lines(session, sys.stdin)
        return 0
    from .repl.app import run_repl, wants_color
    # a REPL started from a script or in the background may inherit an ignored SIGINT, and then
    # Ctrl-C could never stop a learner's endless loop: take Python's own handler back
    signal.signal(signal.SIGINT, signal.default_int_handler)
    session.color = wants_color(session, options.no_color)
    return run_repl(session, high_contrast=options.high_contrast)
