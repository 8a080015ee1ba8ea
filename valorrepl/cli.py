"""The `valorrepl` command: the REPL on a terminal, line by line from a pipe, or `run FILE`."""

import argparse
import signal
import sys

from . import __version__
from .i18n import _
from .lines import inputs


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


def run_lines(session, lines, out=sys.stdout, err=sys.stderr):
    """Pipe mode: answer each input before reading the next, with no prompt or colour.
    Returns 0, or 1 when the last input failed."""
    from .repl.printer import plain_text

    status = 0
    session.color = False
    for source in inputs(lines, waiting=lambda: session.pending is not None):
        def emit(reply):
            stream = err if reply.kind in ("error", "warning") else out
            stream.write(plain_text(reply) + "\n")
            stream.flush()
        outcome = session.run(source, emit)
        status = 0 if outcome.ok else 1
        if session.quit_requested:
            break
    return status


def main(argv=None):
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 locale: "?" for what it cannot show, never a crash
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    if hasattr(sys.stdin, "reconfigure") and (sys.stdin.encoding or "").lower().replace("-", "") != "utf8":
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")   # piped lines are read as files are: UTF-8
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
                run_lines(session, handle)
        except OSError as error:
            print(f"valorrepl: {error.strerror}: {options.file}", file=sys.stderr)
            return 2
        return 0
    if not sys.stdin.isatty():
        run_lines(session, sys.stdin)
        return 0
    from .repl.app import run_repl, wants_color
    # a REPL started from a script or in the background may inherit an ignored SIGINT, and then
    # Ctrl-C could never stop a learner's endless loop: take Python's own handler back
    signal.signal(signal.SIGINT, signal.default_int_handler)
    session.color = wants_color(session, options.no_color)
    return run_repl(session, high_contrast=options.high_contrast)
