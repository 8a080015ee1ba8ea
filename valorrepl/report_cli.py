"""`valorrepl report [--format text|json|csv] [-o FILE]`: the learner's progress, to hand in."""

import sys
from pathlib import Path

from .i18n import _

ACTIONS = ("report",)


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "report", help=_("your lesson progress, to hand in (nothing is sent anywhere)"))
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help=_("text (default), json or csv"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write the report to FILE instead"))


def run(options, out=None, err=None):
    out, err = out or sys.stdout, err or sys.stderr
    from .cli import make_session, take_course
    from .commands.lessons import tutor
    from .report import build_report, no_progress, render

    session = make_session(options)
    if options.course and not take_course(session, options.course):
        return 2
    report = build_report(tutor(session))
    text = render(report, options.format)
    if report.empty and options.format != "text":
        err.write(no_progress(report) + "\n")      # the file itself stays valid JSON or CSV
    if options.output:
        try:
            Path(options.output).write_text(text, encoding="utf-8")
        except OSError as error:
            err.write(f"valorrepl: {error.strerror or error}: {options.output}\n")
            return 2
        out.write(_("Wrote your report to {file}.").format(file=options.output) + "\n")
    else:
        out.write(text)
    return 0
