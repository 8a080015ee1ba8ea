"""`valorrepl lessons check PATH` and `valorrepl lessons new NAME`: tools for lesson authors.
`check` reads course files (valorrepl.course) too."""

import sys
from pathlib import Path

from .i18n import _, get_language

ACTIONS = ("lessons",)


def add_parser(subparsers):
    parser = subparsers.add_parser("lessons", help=_("check a lesson file, or start a new lesson"))
    actions = parser.add_subparsers(dest="lessons_action", required=True)
    check = actions.add_parser(
        "check", help=_("report every problem in a lesson file or folder, or a course file"))
    check.add_argument("path", metavar="PATH")
    new = actions.add_parser("new", help=_("write a starter lesson, in both languages, into a new folder"))
    new.add_argument("name", metavar="NAME")
    new.add_argument("--dir", default=".", metavar="DIR", help=_("where to make the folder (default: here)"))


def run(options, out=None):
    out = out or sys.stdout
    from .i18n import detect_language, set_language
    set_language(detect_language(getattr(options, "lang", None)))
    if options.lessons_action == "new":
        return new_lesson(options.name, options.dir, out)
    return check(options.path, out, plugins=not getattr(options, "no_plugins", False),
                 lesson_dirs=getattr(options, "lessons_dir", ()))


def check(path, out=None, plugins=True, lesson_dirs=()):
    """Print one line per problem (file:line: what to write instead); 1 when there is any."""
    from .commands.lessons import tutor
    from .course import is_course_file
    from .lessons import check_path, lesson_files
    from .session import Session

    out = out or sys.stdout
    # the checks and lessons of installed plugins count too
    # the session keeps the language already chosen (--lang), not the locale's
    session = Session(language=get_language(), load_plugins=plugins, lesson_dirs=lesson_dirs)
    checks = tutor(session).checks()
    if is_course_file(path):
        return check_course_file(path, session, out)
    problems = check_path(path, checks)
    for problem in problems:
        out.write(f"{problem}\n")
    if problems:
        out.write(_("{n} problem(s) found.").format(n=len(problems)) + "\n")
        return 1
    target = Path(path)
    count = 1 if target.is_file() else len(lesson_files(target))
    out.write(_("{n} lesson(s) checked: all good.").format(n=count) + "\n")
    return 0


def new_lesson(name, where=".", out=None):
    out = out or sys.stdout
    from .lessons import LESSON_FILE, slug, starter_lesson
    folder = Path(where) / slug(name, "_")
    if (folder / LESSON_FILE).exists():
        out.write(_("{path} exists already; nothing written.").format(path=folder / LESSON_FILE) + "\n")
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LESSON_FILE).write_text(starter_lesson(name), encoding="utf-8")
    out.write(_("Wrote {path}. Check it with: valorrepl lessons check {folder}").format(
        path=folder / LESSON_FILE, folder=folder) + "\n")
    return 0


def check_course_file(path, session, out):
    from .commands.lessons import tutor
    from .course import check_course
    found = tutor(session)
    problems = check_course(path, found.catalog(), found.checks())
    for problem in problems:
        out.write(f"{problem}\n")
    if problems:
        out.write(_("{n} problem(s) found.").format(n=len(problems)) + "\n")
        return 1
    out.write(_("Course file {file}: all good.").format(file=path) + "\n")
    return 0
