"""Course files: a teacher's choice of lessons, in order, and the rules they are taken by.

A course file is TOML, read and never run. `valorrepl --course FILE` takes the lessons it
names (and no others) in its order; `valorrepl lessons check FILE` reports every problem in it.
The schema, field by field:

    format_version = 1                  # required; this valorrepl reads version 1

    [course]
    title = { pt = "…", en = "…" }      # required (or one text for both languages)
    author = "…"                        # optional
    lessons = [                         # required; the lessons, in order
        "classes",                      # a lesson by id: built-in, from a plugin or a folder
        { path = "extra/01_bonus" },    # a lesson folder, relative to this file
        { id = "training", skip = false, solution_after = "never" },   # rules for one lesson
    ]

    [rules]                             # optional; every rule has a default
    skip = true                         # may tasks be skipped with :skip? (default true)
    hint_after = 3                      # wrong tries before the hint shows by itself
                                        # (default 3; 0: shown with the task; "never")
    hint_on_request = true              # does :hint work before that? (default true)
    solution_after = "hint"             # when :solution works: "hint" (once the hint was
                                        # seen; the default), a number of wrong tries, "never"
    in_order = false                    # must each lesson be finished before the next opens?

In TOML every key after a [table] header belongs to that table: `lessons` goes in [course],
before [rules].
"""

import difflib
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from .i18n import _
from .lessons import LESSON_FILE, MISSES_BEFORE_HINT, Catalog, Problem, Text, read_toml, validate_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Rules", "DEFAULT_RULES", "Course", "load_course", "check_course", "is_course_file"]

FORMAT_VERSION = 1
NEVER = "never"
AFTER_HINT = "hint"


@dataclass(frozen=True)
class Rules:
    """How a lesson's tasks may be helped along. The defaults are valorrepl's behaviour with no course."""
    skip: bool = True                          # :skip allowed
    hint_after: object = MISSES_BEFORE_HINT    # wrong tries before the hint shows itself; 0; "never"
    hint_on_request: bool = True               # :hint works before that
    solution_after: object = AFTER_HINT        # "hint": once the hint was seen; N wrong tries; "never"

    def hint_shows_at(self, misses):
        """True when the hint should show by itself after this many wrong tries."""
        return self.hint_after != NEVER and misses >= self.hint_after

    def solution_allowed(self, misses, hint_seen):
        if self.solution_after == NEVER:
            return False
        if self.solution_after == AFTER_HINT:
            return hint_seen
        return misses >= self.solution_after


DEFAULT_RULES = Rules()
RULE_NAMES = ("skip", "hint_after", "hint_on_request", "solution_after")


@dataclass
class Entry:
    """One lesson named by the course: by id, or by a folder beside the course file."""
    id: str = ""
    path: str = ""
    rules: Rules = DEFAULT_RULES
    line: int = 0


@dataclass(eq=False)
class Course:
    path: Path
    title: Text
    author: str = ""
    rules: Rules = DEFAULT_RULES
    in_order: bool = False
    entries: list = field(default_factory=list)
    rules_by_lesson: dict = field(default_factory=dict)   # lesson id → Rules, once resolved

    def rules_for(self, lesson_id):
        return self.rules_by_lesson.get(lesson_id, self.rules)

    def catalog(self, found, checks=None):
        """The course's lessons in its order, as a Catalog: `found` holds the lessons valorrepl
        knows (built-in, plugins, folders); folders named by path are loaded here."""
        catalog, self.rules_by_lesson = Catalog(problems=list(found.problems)), {}
        for entry in self.entries:
            lesson, problem = self._lesson_of(entry, found, checks)
            if problem:
                catalog.problems.append(problem)
                continue
            if lesson.id in self.rules_by_lesson:
                catalog.problems.append(Problem(str(self.path), entry.line, _(
                    "the lesson '{id}' is in the course twice; keep one.").format(id=lesson.id)))
                continue
            self.rules_by_lesson[lesson.id] = entry.rules
            catalog.lessons.append(lesson)
        return catalog

    def _lesson_of(self, entry, found, checks):
        if entry.path:
            folder = self.path.parent / entry.path
            target = folder if folder.suffix == ".toml" else folder / LESSON_FILE
            if not target.is_file():
                return None, Problem(str(self.path), entry.line, _(
                    "no lesson at {path} (looked for {file}); write a folder holding {name}, relative to "
                    "this file.").format(path=entry.path, file=target, name=LESSON_FILE))
            lesson, problems = validate_file(target, checks)
            if problems:
                return None, Problem(str(self.path), entry.line, _(
                    "the lesson at {path} has problems: {first}").format(path=entry.path, first=problems[0]))
            return lesson, None
        lesson = next((lesson for lesson in found.lessons if lesson.id == entry.id), None)
        if lesson is None:
            known = [lesson.id for lesson in found.lessons]
            close = difflib.get_close_matches(entry.id, known, 1)
            hint = _("Did you mean '{name}'?").format(name=close[0]) if close else \
                _("Lessons found: {names}.").format(names=", ".join(known) or "—")
            return None, Problem(str(self.path), entry.line, _(
                "there is no lesson '{id}'. {hint}").format(id=entry.id, hint=hint))
        return lesson, None


# ---- reading and checking ----

def is_course_file(path):
    """A .toml file that is not a lesson: no [lesson] table, and not called lesson.toml."""
    path = Path(path)
    if not path.is_file() or path.name == LESSON_FILE:
        return False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return path.suffix == ".toml"
    return "lesson" not in data


def load_course(path):
    """(Course or None, [Problem]) for a course file: its schema only (lessons are looked up
    by Course.catalog)."""
    course, problems = _read(Path(path))
    return (None if problems else course), problems


def check_course(path, found, checks=None):
    """Every Problem in a course file, its lessons looked up among `found` (a Catalog)."""
    course, problems = _read(Path(path))
    if course is None:
        return problems
    problems += course.catalog(Catalog(lessons=found.lessons), checks).problems
    return sorted(problems, key=lambda problem: problem.line)


def _read(path):
    """(Course, [Problem]): the course as far as it could be read (None when not at all)."""
    data, text, problems = read_toml(path)
    if problems:
        return None, problems
    reader = _Reader(path, text)
    course = reader.course(data)
    return course, reader.problems


class _Reader:
    """Turns the parsed TOML into a Course, one Problem (with its line) per mistake."""

    def __init__(self, path, text):
        self.path, self.lines, self.problems = path, text.splitlines(), []

    def line_of(self, pattern, start=1):
        """The first line from `start` matching a regular expression (0 when none does)."""
        found = re.compile(pattern)
        for number in range(max(start, 1), len(self.lines) + 1):
            if found.search(self.lines[number - 1]):
                return number
        return 0

    def key_line(self, key, start=1):
        return self.line_of(rf"(^|[\s{{,])\"?{re.escape(key)}\"?\s*=", start) or start

    def problem(self, line, message):
        self.problems.append(Problem(str(self.path), line, message))

    def course(self, data):
        for key in data:
            if key not in ("format_version", "course", "rules", "lessons", "title", "author"):
                close = difflib.get_close_matches(key, ["format_version", "course", "rules"], 1)
                self.problem(self.key_line(key), _("unknown field '{key}'.").format(key=key)
                             + (" " + _("Did you mean '{name}'?").format(name=close[0]) if close else ""))
        version = data.get("format_version")
        if version is None:
            self.problem(1, _("add format_version = {n} at the top of the file.").format(n=FORMAT_VERSION))
        elif version != FORMAT_VERSION:
            self.problem(self.key_line("format_version"), _("this valorrepl reads format_version = {n}.")
                         .format(n=FORMAT_VERSION))
        info = data.get("course")
        course_line = self.line_of(r"^\s*\[course\]") or 1
        if not isinstance(info, dict):
            self.problem(course_line, _(
                "add a [course] table with title = {{ pt = \"…\", en = \"…\" }}."))
            info = {}
        for key in info:
            if key not in ("title", "author", "lessons"):
                self.problem(self.key_line(key, course_line), _(
                    "[course] field '{key}': unknown field. Known fields: title, author, lessons.")
                    .format(key=key))
        title = self.title(info.get("title"), course_line)
        author = info.get("author", "")
        if not isinstance(author, str):
            self.problem(self.key_line("author", course_line),
                         _("write the author in quotes: author = \"…\"."))
            author = ""
        rules_line = self.line_of(r"^\s*\[rules\]") or 1
        general = data.get("rules", {})
        if not isinstance(general, dict):
            self.problem(self.key_line("rules"), _("write the rules as a [rules] table."))
            general = {}
        in_order = general.get("in_order", False)
        if not isinstance(in_order, bool):
            self.problem(self.key_line("in_order", rules_line), _(
                "[rules] in_order: write in_order = true (each lesson opens once the one before is "
                "finished) or in_order = false."))
            in_order = False
        for key in ("lessons", "title", "author"):
            if key in general or key in data:
                self.problem(self.key_line(key), _(
                    "{key} belongs in [course]: write it under the [course] line, before [rules] (in TOML "
                    "every key after a [table] header belongs to that table).").format(key=key))
        written = {k: v for k, v in general.items() if k not in ("in_order", "lessons", "title", "author")}
        rules = self.rules(written, DEFAULT_RULES, rules_line, "[rules]", extra=("in_order",))
        entries = self.entries(info.get("lessons", data.get("lessons", general.get("lessons"))), rules)
        return Course(self.path, title, author, rules, in_order, entries)

    def title(self, value, line):
        if isinstance(value, str) and value.strip():
            return Text(value, value)
        if isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip()
                                           for k in ("pt", "en")):
            return Text(value["pt"], value["en"])
        self.problem(self.key_line("title", line) if value is not None else line, _(
            "[course] title: write title = {{ pt = \"…\", en = \"…\" }} (or one text in quotes)."))
        return Text("", "")

    def rules(self, data, base, line, where, extra=()):
        """`base` with the rules written in `data` (a table) applied; problems for the others."""
        changes = {}
        for key, value in data.items():
            key_line = self.key_line(key, line)
            if key not in RULE_NAMES:
                close = difflib.get_close_matches(key, RULE_NAMES + tuple(extra), 1)
                self.problem(key_line, f"{where} " + _("'{key}' is not a rule.").format(key=key) + " " + (
                    _("Did you mean '{name}'?").format(name=close[0]) if close else
                    _("The rules are: {names}.").format(names=", ".join(RULE_NAMES + tuple(extra)))))
                continue
            message = _rule_problem(key, value)
            if message:
                self.problem(key_line, f"{where} {key}: {message}")
            else:
                changes[key] = value
        return replace(base, **changes)

    def entries(self, value, rules):
        lessons_line = self.line_of(r"^\s*lessons\s*=") or 1
        if value is None:
            self.problem(self.line_of(r"^\s*\[course\]") or 1, _(
                "add the lessons to [course], in order: lessons = [\"classes\", \"graph\"]."))
            return []
        if not isinstance(value, list) or not value:
            self.problem(lessons_line, _(
                "write the lessons as a list, such as lessons = [\"classes\", \"graph\"]."))
            return []
        entries, cursor = [], lessons_line
        for index, item in enumerate(value):
            where = _("lesson {n}").format(n=index + 1)
            if isinstance(item, str):
                line = self.line_of(re.escape(f'"{item}"') + "|" + re.escape(f"'{item}'"), cursor) or cursor
            elif isinstance(item, dict) and isinstance(item.get("id") or item.get("path"), str):
                line = self.line_of(re.escape(item.get("id") or item.get("path")), cursor) or cursor
            else:
                line = cursor
            cursor = line
            if isinstance(item, str):
                item = {"id": item}
            if not isinstance(item, dict):
                self.problem(line, f"{where}: " + _("write a lesson id in quotes, or a table such as "
                                                    "{{ path = \"extra/01_bonus\" }}."))
                continue
            lesson_id, path = item.get("id"), item.get("path")
            if (lesson_id is None) == (path is None):
                self.problem(line, f"{where}: " + _("give either id = \"…\" (a lesson valorrepl knows) or "
                                                    "path = \"…\" (a lesson folder beside this file)."))
                continue
            name = lesson_id if lesson_id is not None else path
            if not isinstance(name, str) or not name.strip():
                self.problem(line, f"{where}: " + _("write the {key} in quotes.").format(
                    key="id" if lesson_id is not None else "path"))
                continue
            if path is not None and Path(path).is_absolute():
                self.problem(line, f"{where}: " + _("write the path relative to the course file, not {path}.")
                             .format(path=path))
                continue
            if "in_order" in item:
                self.problem(self.key_line("in_order", line), f"{where}: " + _(
                    "in_order is for the whole course; put it under [rules]."))
            own = {k: v for k, v in item.items() if k not in ("id", "path", "in_order")}
            entry_rules = self.rules(own, rules, line, f"{where} ({name}):")
            entries.append(Entry(lesson_id or "", path or "", entry_rules, line))
        return entries


def _rule_problem(key, value):
    """What is wrong with one rule's value, and what to write instead; "" when fine."""
    whole = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if key in ("skip", "hint_on_request"):
        return "" if isinstance(value, bool) else _("write {key} = true or {key} = false.").format(key=key)
    if key == "hint_after":
        return "" if whole or value == NEVER else _(
            "write a number of wrong answers (0 shows the hint with the task) or \"never\", "
            "such as hint_after = 3.")
    if key == "solution_after":
        return "" if whole or value in (NEVER, AFTER_HINT) else _(
            "write \"hint\" (once the hint was seen), a number of wrong answers, or \"never\", "
            "such as solution_after = 5.")
    return ""


# ---- taking a course ----

def use_course(session, path):
    """Take the course in `path` in this session: [] when it is in use, else its problems
    (and the session goes on as before)."""
    from .commands.lessons import tutor
    found = tutor(session)
    course, problems = load_course(Path(path).expanduser())
    if course is None:
        return problems
    previous, found.course = found.course, course
    catalog = found.catalog()
    problems = [p for p in catalog.problems if isinstance(p, Problem) and p.path == str(course.path)]
    if problems:
        found.course = previous
        found.catalog()
    return problems
