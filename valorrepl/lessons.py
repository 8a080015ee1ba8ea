"""Guided lessons: the schema of a lesson file, its loader and validator, the step runner and
the learner's progress.

A lesson is a folder holding `lesson.toml` (and the figures it shows). The file is data: the
only things in it that valorrepl evaluates are the expressions of its checks, which go through
the safe evaluator of `valorrepl.checks`. The schema, field by field:

    format_version = 1                   # required; this valorrepl reads version 1

    [lesson]
    id = "classes"                       # required; lowercase letters, digits, - and _; unique
    stage = 1                            # required; the course stage (1–7), which orders the list
    title = { pt = "…", en = "…" }       # required; every text field has both languages
    author = "…"                         # required
    version = "1.0"                      # required; change it when you change the steps
    requires = ["torch"]                 # optional; Python packages the lesson needs
    auto_valor = false                   # optional (default true); false: `a = 2` stays a plain
                                         # int while the lesson is on (lessons on plain Python)

    [[steps]]                            # one table per step, in order; at least one
    id = "make-robot"                    # required; unique in the lesson; progress keeps it, so
                                         # keep it when you edit the text
    kind = "code"                        # required; text | code | choice | figure
    text = { pt = "…", en = "…" }        # required; what the step says
    hint = { pt = "…", en = "…" }        # required for code and choice steps (tasks)
    solution = { pt = "…", en = "…" }    # required for code steps: a worked answer, as Python
                                         # code (comments may differ by language); optional for
                                         # choice steps (the right choice is shown otherwise)
    explain = { pt = "…", en = "…" }     # optional; shown after a right answer
    check = "value_equals"               # code steps: a check from valorrepl.checks …
    args = { name = "x", value = 5 }     # … with its arguments
    checks = [ { check = "…", args = { … } }, … ]   # or several checks, all must pass
    expect = { pt = "…", en = "…" }      # optional, per check (beside check/args, or in a
                                         # checks entry): what a wrong answer is told instead of
                                         # the check's own sentence; {actual} is the value of
                                         # the check's `name`. Use it when `name` is an
                                         # expression a learner never typed (loss.data - …)
    reveal = false                       # optional, per check (default true): the message never
                                         # says the expected value — for tasks where the number
                                         # is the exercise ("compute by hand")
    choices = { pt = ["…", "…"], en = ["…", "…"] }  # choice steps: two or more, same count
    answer = 2                           # choice steps: the right choice, counting from 1
    figure = "graph.svg"                 # figure steps: an .svg or .png beside lesson.toml
    setup = { xs = [[2.0, 3.0]] }        # optional; names given to the learner when the step
                                         # is shown (plain TOML values: numbers, text, lists)

How a step runs: text and figure steps are shown and wait for Enter (or :next); a code step
checks every Python input the learner sends while it is shown; a choice step waits for the
number of a choice. A wrong answer says what was expected, rolls back the names the input
rebound and offers :hint; after the third miss the hint is shown. `:solution` shows the worked
answer once the hint has been seen. A course file (valorrepl.course) may change these rules:
whether :skip works, when the hint and the worked answer come, whether lessons open in order.
An answer that is only unfinished (a name it needs is not defined yet) is not a miss and keeps
what the learner typed.
"""

import ast
import difflib
import getpass
import importlib.util
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import checks as checks_module
from .i18n import _, get_language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["FORMAT_VERSION", "Text", "CheckCall", "Step", "Lesson", "Problem", "LessonFormatError",
           "load_lesson", "validate_file", "find_lessons", "Catalog", "ProgressStore", "Tutor",
           "builtin_lessons_dir", "starter_lesson", "check_path"]

FORMAT_VERSION = 1
LANGUAGES = ("pt", "en")
KINDS = ("text", "code", "choice", "figure")
TASKS = ("code", "choice")
MISSES_BEFORE_HINT = 3
LESSON_FILE = "lesson.toml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# ---- the schema ----

@dataclass(frozen=True)
class Text:
    """A text in both languages."""
    pt: str
    en: str

    def get(self, language=None):
        return getattr(self, language or get_language(), None) or self.en


@dataclass(frozen=True)
class CheckCall:
    check: str                       # a name in the check registry
    args: dict                       # its arguments, as written in the lesson
    expect: Text = None              # what a wrong answer is told, in plain words ({actual} allowed)
    reveal: bool = True              # False: the message never shows the expected value


@dataclass
class Step:
    id: str
    kind: str                        # text, code, choice or figure
    text: Text
    hint: Text = None
    solution: Text = None
    explain: Text = None
    checks: list = field(default_factory=list)     # CheckCall, all must pass (code steps)
    choices: dict = field(default_factory=dict)    # language → list of choices (choice steps)
    answer: int = 0                                # the right choice, from 1 (choice steps)
    figure: str = ""                               # file beside lesson.toml (figure steps)
    setup: dict = field(default_factory=dict)      # names given to the learner
    line: int = 0                                  # where the step starts in the file

    @property
    def is_task(self):
        return self.kind in TASKS


@dataclass
class Lesson:
    id: str
    stage: int
    title: Text
    author: str
    version: str
    steps: list
    requires: list = field(default_factory=list)
    auto_valor: bool = True
    path: Path = None                # the lesson.toml

    @property
    def folder(self):
        return self.path.parent if self.path else None

    def index_of(self, step_id):
        return next((i for i, step in enumerate(self.steps) if step.id == step_id), None)

    def missing_requirements(self):
        return [name for name in self.requires if importlib.util.find_spec(name) is None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a lesson file, and what to write instead."""
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class LessonFormatError(ValueError):
    """A lesson file that does not follow the schema; `problems` lists every one."""

    def __init__(self, problems):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


# ---- where things are in the file, for messages with a line number ----

class _Lines:
    """Lines of tables and keys in a TOML text (tomllib gives none): [[steps]] number i starts at
    line L, the key `hint` of that step is at line M. Text inside triple-quoted strings is skipped."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*(?:\.\s*[A-Za-z0-9_.\-]+\s*)?=")

    def __init__(self, text):
        self.tables = {}                    # ("lesson", 0) / ("steps", i) → line of its header
        self.keys = {}                      # (table, key) → line
        table, steps, in_string = ("", 0), -1, None
        for number, line in enumerate(text.splitlines(), 1):
            if in_string:
                if line.count(in_string) % 2:
                    in_string = None
                continue
            header = self._HEADER.match(line)
            if header:
                name = header.group(2)
                if header.group(1) == "[[" and name == "steps":
                    steps += 1
                    table = ("steps", steps)
                    self.tables[table] = number
                elif name.startswith("steps.") and steps >= 0:
                    self.keys.setdefault((("steps", steps), name.split(".")[1]), number)
                elif name.startswith("lesson"):
                    table = ("lesson", 0)
                    self.tables.setdefault(table, number)
                    if "." in name:
                        self.keys.setdefault((table, name.split(".")[1]), number)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault((table, key.group(1)), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2:
                    in_string = quote
                    break

    def of(self, table, key=None):
        if key is not None and (table, key) in self.keys:
            return self.keys[(table, key)]
        return self.tables.get(table, 1)


# ---- loading and validating ----

def load_lesson(path, checks=None):
    """The Lesson in a lesson.toml (or a folder holding one); LessonFormatError lists every problem."""
    lesson, problems = validate_file(path, checks)
    if problems:
        raise LessonFormatError(problems)
    return lesson


def is_expression(source):
    """True for input that is a single expression (`r`, `a.grad + 1`), which defines nothing."""
    try:
        tree = ast.parse(source.strip())
    except (SyntaxError, ValueError):
        return False
    return len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)


def read_toml(path):
    """(data, text, [Problem]) of a TOML file; a file that cannot be read or parsed is one
    problem, with the line TOML's parser names."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, None, [Problem(shown, 0, _("cannot read the file: {error}").format(error=error))]
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        return None, text, [Problem(shown, int(found.group(1)) if found else 0,
                                    _("not valid TOML: {error}").format(error=error))]


def validate_file(path, checks=None):
    """(Lesson or None, [Problem]) for one lesson file, checked against the schema and `checks`
    (name → function; the built-in checks when None)."""
    path = Path(path)
    if path.is_dir():
        path = path / LESSON_FILE
    data, text, problems = read_toml(path)
    if problems:
        return None, problems
    builder = _Builder(path, _Lines(text), checks if checks is not None else checks_module.builtin_registry())
    lesson = builder.lesson(data)
    return (None if builder.problems else lesson), builder.problems


_LESSON_FIELDS = ("id", "stage", "title", "author", "version", "requires", "auto_valor")
_STEP_FIELDS = ("id", "kind", "text", "hint", "solution", "explain", "check", "args", "expect", "reveal",
                "checks", "choices", "answer", "figure", "setup")
_FIELDS_OF_KIND = {
    "text": {"id", "kind", "text", "hint", "explain", "setup"},
    "figure": {"id", "kind", "text", "figure", "hint", "explain", "setup"},
    "code": {"id", "kind", "text", "hint", "solution", "explain", "check", "args", "expect", "reveal", "checks",
             "setup"},
    "choice": {"id", "kind", "text", "hint", "solution", "explain", "choices", "answer", "setup"},
}


class _Builder:
    """Turns the parsed TOML into a Lesson, collecting one Problem per mistake."""

    def __init__(self, path, lines, checks):
        self.path, self.lines, self.checks, self.problems = path, lines, checks, []

    def problem(self, table, key, message):
        where = ""
        if table[0] == "steps":
            where = _("step {n}").format(n=table[1] + 1) + (f" ({self.step_id})" if self.step_id else "") + ": "
        elif table[0] == "lesson":
            where = "[lesson] "
        field_text = _("field '{key}': ").format(key=key) if key else ""
        self.problems.append(Problem(str(self.path), self.lines.of(table, key), where + field_text + message))

    step_id = ""

    def unknown_fields(self, table, data, known):
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(key, known, 1)
                hint = (" " + _("Did you mean '{name}'?").format(name=close[0])) if close else \
                    " " + _("Known fields: {names}.").format(names=", ".join(known))
                self.problem(table, key, _("unknown field.") + hint)

    def lesson(self, data):
        top = ("", 0)
        self.unknown_fields(top, data, ("format_version", "lesson", "steps"))
        version = data.get("format_version")
        if version is None:
            self.problem(top, None, _("add format_version = {n} at the top of the file.").format(n=FORMAT_VERSION))
        elif version != FORMAT_VERSION:
            self.problem(top, "format_version", _("this valorrepl reads format_version = {n}.")
                         .format(n=FORMAT_VERSION))
        info = data.get("lesson")
        table = ("lesson", 0)
        if not isinstance(info, dict):
            self.problem(top, "lesson", _("add a [lesson] table with id, stage, title, author and version."))
            info = {}
        else:
            self.unknown_fields(table, info, _LESSON_FIELDS)
        lesson_id = self.string(table, info, "id")
        if lesson_id and not _ID.match(lesson_id):
            self.problem(table, "id", _("use lowercase letters, digits, - and _ (for example \"my-lesson\")."))
        stage = info.get("stage")
        if stage is None:
            self.problem(table, "stage", _("missing; write stage = 1 (the course stage, 1 to 7)."))
        elif isinstance(stage, bool) or not isinstance(stage, int) or stage < 1:
            self.problem(table, "stage", _("write a whole number from 1, such as stage = 3."))
        title = self.text(table, info, "title", required=True)
        author = self.string(table, info, "author")
        version_text = self.string(table, info, "version")
        requires = info.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(r, str) and r for r in requires):
            self.problem(table, "requires", _("write a list of package names, such as requires = [\"torch\"]."))
            requires = []
        auto_valor = info.get("auto_valor", True)
        if not isinstance(auto_valor, bool):
            self.problem(table, "auto_valor", _("write true or false."))
            auto_valor = True
        steps = self.steps(data.get("steps"))
        return Lesson(lesson_id, stage if isinstance(stage, int) else 0, title, author, version_text, steps,
                      list(requires), auto_valor, self.path)

    def string(self, table, data, key, required=True):
        value = data.get(key)
        if value is None:
            if required:
                self.problem(table, key, _("missing; write {key} = \"…\".").format(key=key))
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(table, key, _("write some text in quotes: {key} = \"…\".").format(key=key))
            return ""
        return value

    def text(self, table, data, key, required=False, items=False):
        """A field with both languages: {pt = …, en = …} (lists of texts when `items`)."""
        value = data.get(key)
        example = _("{key} = {{ pt = \"…\", en = \"…\" }}").format(key=key) if not items else \
            _("{key} = {{ pt = [\"…\", \"…\"], en = [\"…\", \"…\"] }}").format(key=key)
        if value is None:
            if required:
                self.problem(table, key, _("missing; write it in both languages: {example}.").format(example=example))
            return None
        if not isinstance(value, dict):
            self.problem(table, key, _("write it in both languages: {example}.").format(example=example))
            return None
        for language in value:
            if language not in LANGUAGES:
                self.problem(table, key, _("'{language}' is not a language lessons use; write pt and en.")
                             .format(language=language))
        good = True
        for language in LANGUAGES:
            item = value.get(language)
            fine = (isinstance(item, list) and len(item) >= 2 and all(isinstance(i, str) and i.strip() for i in item)
                    if items else isinstance(item, str) and item.strip())
            if not fine:
                good = False
                what = _("a list of two or more texts") if items else _("a text")
                self.problem(table, key, _("{key}.{language} is missing or empty; write {what} there.")
                             .format(key=key, language=language, what=what))
        if not good:
            return None
        if items:
            if len(value["pt"]) != len(value["en"]):
                self.problem(table, key, _("{key}.pt has {pt} items and {key}.en has {en}; give both the same choices.")
                             .format(key=key, pt=len(value["pt"]), en=len(value["en"])))
                return None
            return {language: list(value[language]) for language in LANGUAGES}
        return Text(value["pt"], value["en"])

    def steps(self, data):
        if data is None:
            self.problem(("", 0), "steps", _("add steps: one [[steps]] table for each step."))
            return []
        if not isinstance(data, list) or not all(isinstance(s, dict) for s in data) or not data:
            self.problem(("", 0), "steps", _("write each step as a [[steps]] table."))
            return []
        steps, seen = [], {}
        for index, entry in enumerate(data):
            table = ("steps", index)
            self.step_id = entry.get("id") if isinstance(entry.get("id"), str) else ""
            step = self.step(table, entry)
            if step.id:
                if step.id in seen:
                    self.problem(table, "id", _("the id '{id}' is used by step {n} already; each step needs its own.")
                                 .format(id=step.id, n=seen[step.id] + 1))
                seen.setdefault(step.id, index)
            steps.append(step)
        self.step_id = ""
        return steps

    def step(self, table, data):
        self.unknown_fields(table, data, _STEP_FIELDS)
        step_id = self.string(table, data, "id")
        if step_id and not _ID.match(step_id):
            self.problem(table, "id", _("use lowercase letters, digits, - and _ (for example \"first-task\")."))
        kind = data.get("kind")
        if kind not in KINDS:
            self.problem(table, "kind", _("write kind = one of {kinds}.").format(
                kinds=", ".join(f'"{k}"' for k in KINDS)))
            kind = None
        text = self.text(table, data, "text", required=True)
        step = Step(step_id, kind or "text", text, line=self.lines.of(table))
        if kind is None:
            return step
        for key in data:
            if key in _STEP_FIELDS and key not in _FIELDS_OF_KIND[kind]:
                self.problem(table, key, _("a {kind} step has no {key}; remove it (or change kind).")
                             .format(kind=kind, key=key))
        step.hint = self.text(table, data, "hint", required=kind in TASKS)
        step.solution = self.text(table, data, "solution", required=kind == "code")
        step.explain = self.text(table, data, "explain")
        step.setup = self.setup(table, data.get("setup", {}))
        if kind == "code":
            step.checks = self.check_calls(table, data)
        elif kind == "choice":
            step.choices = self.text(table, data, "choices", required=True, items=True) or {}
            answer = data.get("answer")
            count = len(step.choices.get("en", []))
            if answer is None:
                self.problem(table, "answer", _("missing; write answer = the number of the right choice (from 1)."))
            elif isinstance(answer, bool) or not isinstance(answer, int) or (count and not 1 <= answer <= count):
                self.problem(table, "answer", _("write the number of the right choice, from 1 to {n}.")
                             .format(n=count or "n"))
            else:
                step.answer = answer
        elif kind == "figure":
            figure = self.string(table, data, "figure")
            if figure:
                target = (self.path.parent / figure)
                if Path(figure).suffix.lower() not in (".svg", ".png"):
                    self.problem(table, "figure", _("use an .svg or .png file."))
                elif Path(figure).is_absolute() or ".." in Path(figure).parts or not target.is_file():
                    self.problem(table, "figure", _("no file {name} beside the lesson file; put it in {folder}.")
                                 .format(name=figure, folder=self.path.parent))
                step.figure = figure
        return step

    def setup(self, table, value):
        if not isinstance(value, dict):
            self.problem(table, "setup", _("write a table of names, such as setup = { x = [2.5, 4.25] }."))
            return {}
        for name in value:
            if not name.isidentifier() or name.startswith("_"):
                self.problem(table, "setup", _("'{name}' is not a name a learner can use.").format(name=name))
        return dict(value)

    def check_calls(self, table, data):
        if "check" in data and "checks" in data:
            self.problem(table, "checks", _("write either check and args, or checks, not both."))
            return []
        if "checks" in data:
            entries = data["checks"]
            if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
                self.problem(table, "checks", _("write a list such as checks = [ { check = \"is_valor\", "
                                                "args = { name = \"a\" } } ]."))
                return []
            calls = []
            for entry in entries:
                for key in entry:
                    if key not in ("check", "args", "expect", "reveal"):
                        self.problem(table, "checks", _("each check has only check, args, expect and reveal, "
                                                        "not {key}.").format(key=key))
                calls += self.check_call(table, entry, "checks")
            return calls
        for key in ("expect", "reveal"):
            if key in data and "checks" in data:
                self.problem(table, key, _("with checks = [...], put {key} inside the check it is for.")
                             .format(key=key))
        if "check" not in data:
            self.problem(table, "check", _("a code step needs a check: check = \"value_equals\" "
                                           "with args = { name = \"x\", value = 5 }."))
            return []
        return self.check_call(table, data, "check")

    def check_call(self, table, data, key):
        name, args = data.get("check"), data.get("args", {})
        if not isinstance(name, str) or name not in self.checks:
            close = difflib.get_close_matches(str(name), list(self.checks), 1)
            hint = (" " + _("Did you mean '{name}'?").format(name=close[0])) if close else \
                " " + _("Known checks: {names}.").format(names=", ".join(sorted(self.checks)))
            self.problem(table, key, _("there is no check called '{name}'.").format(name=name) + hint)
            return []
        if not isinstance(args, dict):
            self.problem(table, "args" if key == "check" else key,
                         _("write the arguments as a table: args = { name = \"x\", value = 5 }."))
            return []
        where = "args" if key == "check" else key
        wanted = checks_module.parameters(self.checks[name])
        good = True
        for arg in args:
            if arg not in wanted:
                self.problem(table, where, _("the check {check} takes no argument '{arg}'; it takes {names}.")
                             .format(check=name, arg=arg, names=", ".join(wanted)))
                good = False
        for arg, parameter in wanted.items():
            if arg not in args:
                if parameter.default is parameter.empty:
                    self.problem(table, where, _("the check {check} needs the argument '{arg}'.")
                                 .format(check=name, arg=arg))
                    good = False
                continue
            message = _type_problem(args[arg], parameter.annotation)
            if message:
                self.problem(table, where, f"{arg}: {message}")
                good = False
        expect = self.text(table, data, "expect") if key == "check" else self.check_expect(table, data)
        reveal = data.get("reveal", True)
        if not isinstance(reveal, bool):
            self.problem(table, "reveal" if key == "check" else key, _("reveal: write true or false."))
            reveal = True
        return [CheckCall(name, dict(args), expect, reveal)] if good else []

    def check_expect(self, table, entry):
        """The `expect` of one entry in checks = [...]: both languages, as text fields are."""
        value = entry.get("expect")
        if value is None:
            return None
        if not isinstance(value, dict) or not all(isinstance(value.get(language), str) and value[language].strip()
                                                  for language in LANGUAGES):
            self.problem(table, "checks", _("expect: write it in both languages: expect = {{ pt = \"…\", "
                                            "en = \"…\" }}."))
            return None
        return Text(value["pt"], value["en"])


def _type_problem(value, annotation):
    """What is wrong with one check argument, judged by the check's annotation; "" when fine."""
    if annotation is checks_module.Expr:
        if not isinstance(value, str):
            return _("write an expression in quotes, such as \"c.grad\".")
        try:
            checks_module.parse_expression(value)
        except SyntaxError as error:
            return _("'{text}' is not a Python expression ({error}).").format(text=value, error=error.msg)
        except checks_module.UnsafeExpression as error:
            return str(error) + "."
        return ""
    if annotation is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return _("write a number.")
    if annotation is int and (isinstance(value, bool) or not isinstance(value, int)):
        return _("write a whole number.")
    if annotation is str and not isinstance(value, str):
        return _("write some text in quotes.")
    if annotation is list and not isinstance(value, list):
        return _("write a list, such as [\"a\", \"b\"].")
    return ""


# ---- finding lessons ----

def builtin_lessons_dir():
    """The lessons that ship with valorrepl: valorrepl/lessons_data in a wheel (a link to the
    top-level lessons/ folder in a source checkout)."""
    here = Path(__file__).parent
    for folder in (here / "lessons_data", here.parent / "lessons"):
        if folder.is_dir():
            return folder
    return here / "lessons_data"


@dataclass
class Catalog:
    lessons: list = field(default_factory=list)      # Lesson, in order
    problems: list = field(default_factory=list)     # Problem or text, one per thing wrong

    def find(self, wanted):
        """A lesson by its number in the list, id, folder name, or the start of one of them."""
        wanted = str(wanted).strip()
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.lessons):
            return self.lessons[int(wanted) - 1]
        names = lambda lesson: (lesson.id, lesson.folder.name if lesson.folder else "")  # noqa: E731
        exact = [lesson for lesson in self.lessons if wanted in names(lesson)]
        if exact:
            return exact[0]
        starts = [lesson for lesson in self.lessons
                  if any(n.startswith(wanted) for n in names(lesson))
                  or any(n.split("_", 1)[-1].startswith(wanted) for n in names(lesson))
                  or lesson.title.get().casefold().startswith(wanted.casefold())]
        return starts[0] if len(starts) == 1 else None

    def position(self, lesson):
        return self.lessons.index(lesson) + 1


def lesson_files(folder):
    """The lesson.toml files of a folder: its own, or one in each subfolder (by name)."""
    folder = Path(folder)
    if (folder / LESSON_FILE).is_file():
        return [folder / LESSON_FILE]
    if not folder.is_dir():
        return []
    return sorted(p / LESSON_FILE for p in folder.iterdir() if (p / LESSON_FILE).is_file())


def find_lessons(folders, checks=None):
    """Every lesson in `folders` (built-in first, say), ordered by stage. A file with an error is
    reported and left out; the others load. Two lessons with one id: the first stays, and the
    problem names both files."""
    catalog, by_id = Catalog(), {}
    for folder in folders:
        if not Path(folder).is_dir():
            catalog.problems.append(_("{folder}: no such lessons folder.").format(folder=folder))
            continue
        for path in lesson_files(folder):
            lesson, problems = validate_file(path, checks)
            catalog.problems += problems
            if lesson is None:
                continue
            if lesson.id in by_id:
                catalog.problems.append(_("Two lessons have the id '{id}': {first} and {second}; "
                                          "the second is not loaded. Rename one of them.")
                                        .format(id=lesson.id, first=by_id[lesson.id].path, second=path))
                continue
            by_id[lesson.id] = lesson
            catalog.lessons.append(lesson)
    catalog.lessons.sort(key=lambda lesson: lesson.stage)   # stable: folders keep their order
    return catalog


def check_path(path, checks=None):
    """Every Problem in a lesson file or folder (of lessons); [] when all is well."""
    path = Path(path)
    if not path.exists():
        return [Problem(str(path), 0, _("no such file or folder."))]
    files = [path] if path.is_file() else lesson_files(path)
    if not files:
        return [Problem(str(path), 0, _("no {file} here (a lesson is a folder holding {file}).")
                        .format(file=LESSON_FILE))]
    problems, ids = [], {}
    for file in files:
        lesson, found = validate_file(file, checks)
        problems += found
        if lesson is not None:
            if lesson.id in ids:
                problems.append(Problem(str(file), 0, _("the lesson id '{id}' is used by {other} too.")
                                        .format(id=lesson.id, other=ids[lesson.id])))
            ids.setdefault(lesson.id, file)
    return problems


def starter_lesson(name):
    """The text of a small lesson, in both languages, that passes `lessons check`."""
    return STARTER.replace("@ID@", slug(name, "-")).replace("@TITLE@", name.replace('"', "'"))


def slug(name, separator="-"):
    """"Minha Lição" → "minha-licao": ASCII lowercase, for ids and folder names."""
    import unicodedata
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_name.lower()).strip(separator) or "my" + separator + "lesson"


STARTER = '''# A lesson for valorrepl. Check it with: valorrepl lessons check FOLDER
# Try it with: valorrepl --lessons-dir PARENT-FOLDER, then :lessons
format_version = 1

[lesson]
id = "@ID@"
stage = 1
title = { pt = "@TITLE@", en = "@TITLE@" }
author = "Your name"
version = "1.0"

[[steps]]
id = "welcome"
kind = "text"
text.pt = """
Olá! Esta é uma lição nova. Aperte Enter (ou digite :next) para continuar.
"""
text.en = """
Hello! This is a new lesson. Press Enter (or type :next) to go on.
"""

[[steps]]
id = "make-x"
kind = "code"
text.pt = "Crie uma variável x que valha 5."
text.en = "Make a variable x that is 5."
hint.pt = "Escreva x = 5"
hint.en = "Write x = 5"
solution.pt = "x = 5"
solution.en = "x = 5"
check = "value_equals"
args = { name = "x", value = 5 }

[[steps]]
id = "what-is-x"
kind = "choice"
text.pt = "O que é x agora?"
text.en = "What is x now?"
choices.pt = ["Um Valor", "Um texto"]
choices.en = ["A Valor", "A piece of text"]
answer = 1
hint.pt = "Números digitados viram Valores."
hint.en = "Numbers you type become Valors."

[[steps]]
id = "recap"
kind = "text"
text.pt = "Pronto! Você fez a lição toda."
text.en = "Done! You went through the whole lesson."
'''


# ---- progress ----

PROGRESS_VERSION = 1
IDLE_LIMIT = 300.0          # seconds: a longer pause between two inputs counts as this much


def learner_name():
    name = os.environ.get("VALORREPL_LEARNER") or _user()
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip(".") or "learner"


def _user():
    try:
        return getpass.getuser()
    except Exception:  # no user name on this system
        return "learner"


class ProgressStore:
    """One learner's progress, a versioned JSON file written atomically (temporary file, then
    os.replace), so a kill at any moment leaves the old file or the new one, never half of one.

    Per lesson id: step (the current step's id), done, skipped (step ids), hints (steps whose hint
    was seen), wrong (step id → wrong tries), seconds (time spent), finished, skipped_lesson."""

    def __init__(self, path=None):
        from .paths import data_dir
        self.path = Path(path) if path else data_dir() / "progress" / f"{learner_name()}.json"
        self.notices = []        # one-line warnings for the learner, shown once
        self.data = None
        self._warned = False
        self.read_only = False   # written by a newer valorrepl: kept untouched, never saved over

    def _load(self):
        self.data = {"format_version": PROGRESS_VERSION, "learner": learner_name(), "current": None, "lessons": {}}
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            self.notices.append(_("Could not read your lesson progress ({error}); starting clean.").format(error=error))
            return
        try:
            loaded = json.loads(text)
            if not isinstance(loaded, dict) or not isinstance(loaded.get("lessons"), dict):
                raise ValueError("not a progress file")
            version = loaded.get("format_version")
            if isinstance(version, int) and not isinstance(version, bool) and version > PROGRESS_VERSION:
                # not damaged, only newer than this valorrepl: leave it for the valorrepl that wrote it
                self.read_only = True
                self.notices.append(_("Your lesson progress ({path}) was written by a newer valorrepl; it is "
                                      "left as it is, and this session's progress will not be saved.")
                                    .format(path=self.path))
                return
            if loaded.get("format_version") != PROGRESS_VERSION:
                raise ValueError(f"format_version {loaded.get('format_version')!r}")
            for record in loaded["lessons"].values():
                if not isinstance(record, dict):
                    raise ValueError("a lesson record is not a table")
        except ValueError:
            self._move_aside()
            return
        self.data.update(loaded)

    def _move_aside(self):
        aside = self.path.with_name(f"{self.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
            where = str(aside)
        except OSError:
            where = str(self.path)
        self.notices.append(_("Your lesson progress file was damaged; it is kept as {path} and your "
                              "progress starts clean.").format(path=where))

    @property
    def lessons(self):
        if self.data is None:
            self._load()
        return self.data["lessons"]

    def record(self, lesson_id):
        record = self.lessons.setdefault(lesson_id, {})
        for key, empty in (("step", None), ("done", []), ("skipped", []), ("hints", []), ("wrong", {}),
                           ("seconds", 0.0), ("finished", False), ("skipped_lesson", False),
                           ("started", None), ("finished_at", None)):
            record.setdefault(key, empty if not isinstance(empty, (list, dict)) else type(empty)())
        return record

    def get(self, lesson_id):
        return self.lessons.get(lesson_id)

    @property
    def current(self):
        self.lessons  # noqa: B018 - loads the file
        return self.data.get("current")

    @current.setter
    def current(self, lesson_id):
        self.lessons  # noqa: B018
        self.data["current"] = lesson_id

    def save(self):
        """Write the file; on failure, one warning (returned once) and the lessons go on."""
        if self.data is None or self.read_only:
            return None
        self.data["saved"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(self.data, out, ensure_ascii=False, indent=1)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with _quiet():
                    os.unlink(temporary)
                raise
        except OSError as error:
            if not self._warned:
                self._warned = True
                return _("Could not save lesson progress in {folder} ({error}); the lessons go on, "
                         "but this session's progress will not be kept.").format(
                    folder=self.path.parent, error=error.strerror or error)
        return None


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)


def built_names(step):
    """The names a code step's checks read at the top level (`model` in "len(model.parameters())",
    a class a check names): what the learner built in that step, as far as a later step knows."""
    import ast
    names = []
    for call in step.checks:
        for key, value in call.args.items():
            if not isinstance(value, str):
                continue
            if key in ("name", "class_name") and value.isidentifier():
                found = [value]
            elif key == "name":
                try:
                    tree = checks_module.parse_expression(value)
                except (SyntaxError, checks_module.UnsafeExpression):
                    continue
                found = [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]
            else:
                continue
            names += [n for n in found if n not in names and n not in checks_module.SAFE_BUILTINS]
    return names


# ---- the step runner ----

class Tutor:
    """A learner's way through the lessons: which lesson and step is on, checking answers,
    hints, rollback and saving progress. Commands call its methods with an Emitter."""

    def __init__(self, session, store=None):
        self.session = session
        self.store = store or ProgressStore()
        self.extra_dirs = []                 # :lessons load DIR
        self.lesson = None                   # the lesson on now
        self.index = 0                       # its current step
        self.blocked = None                  # a lesson whose requirements are missing
        self._catalog, self._catalog_key = None, None
        self._reported = set()               # problems told already
        self._saved_auto = None
        self._snapshot = None
        self._captured = None
        self._last_tick = None
        self._told_unfinished = set()        # (step id, message): "not finished yet" said once
        self.course = None                   # a valorrepl.course.Course: its lessons, order and rules

    # -- lessons and checks --

    def folders(self):
        from .paths import data_dir
        return [builtin_lessons_dir(), *self.session.lesson_dirs, data_dir() / "lessons", *self.extra_dirs]

    def checks(self):
        found = getattr(self.session, "checks", None)
        if isinstance(found, dict) and found:
            return found
        registry, _failures = checks_module.collect(self.session.manager)
        return registry

    def catalog(self, emit=None):
        """The lessons, found again when the folders changed; new problems are told once. With a
        course, its lessons in its order (and no others)."""
        folders = [Path(f) for f in self.folders()]
        key = (tuple(str(f) for f in folders), self.course)
        if self._catalog is None or key != self._catalog_key:
            # the built-in and data-dir folders may well not exist; a folder the learner named must
            optional = {builtin_lessons_dir(), self._data_lessons()}
            self._catalog = find_lessons([f for f in folders if f.is_dir() or f not in optional], self.checks())
            if self.course is not None:
                self._catalog = self.course.catalog(self._catalog, self.checks())
            self._catalog_key = key
        if emit is not None:
            self.tell_notices(emit)
        return self._catalog

    def _data_lessons(self):
        from .paths import data_dir
        return data_dir() / "lessons"

    def tell_notices(self, emit):
        for problem in self._catalog.problems if self._catalog else []:
            if str(problem) not in self._reported:
                self._reported.add(str(problem))
                emit.warning(_("Lesson not loaded: {problem}").format(problem=problem))
        self.store.lessons  # noqa: B018 - reading the file is what finds it damaged
        while self.store.notices:
            emit.warning(self.store.notices.pop(0))

    def load_folder(self, folder, emit):
        folder = Path(folder).expanduser()
        if self.course is not None:
            emit.warning(_("The course {file} chooses the lessons; ask your teacher to add these to it.")
                         .format(file=self.course.path))
            return
        if not folder.is_dir():
            emit.error(_("{folder}: no such folder.").format(folder=folder))
            return
        before = {lesson.id for lesson in self.catalog().lessons}
        if folder.resolve() not in [Path(f).resolve() for f in self.folders()]:
            self.extra_dirs.append(folder)
        catalog = self.catalog(emit)
        new = [lesson for lesson in catalog.lessons if lesson.id not in before]
        emit.text(_("Loaded {n} lesson(s) from {folder}: {names}").format(
            n=len(new), folder=folder, names=", ".join(lesson.id for lesson in new) or "—"))

    # -- progress helpers --

    def progress_text(self, lesson):
        record = self.store.get(lesson.id)
        if not record:
            return _("not started")
        if record.get("finished"):
            return _("done")
        if record.get("skipped_lesson"):
            return _("skipped")
        index = lesson.index_of(record.get("step")) if record.get("step") else None
        if index is None:
            return _("not started") if not record.get("done") else _("step {k} of {n}").format(
                k=self._resume_index(lesson, record) + 1, n=len(lesson.steps))
        return _("step {k} of {n}").format(k=index + 1, n=len(lesson.steps))

    def _resume_index(self, lesson, record):
        """Where to pick a lesson up: its step by id; when that step is gone (the lesson was
        edited), the first step not done yet."""
        index = lesson.index_of(record.get("step")) if record.get("step") else None
        if index is not None:
            return index
        finished = set(record.get("done", [])) | set(record.get("skipped", []))
        return next((i for i, step in enumerate(lesson.steps) if step.id not in finished), 0)

    @property
    def record(self):
        return self.store.record(self.lesson.id)

    @property
    def step(self):
        return self.lesson.steps[self.index] if self.lesson else None

    def tick(self):
        """Count the time since the last input towards the lesson (long pauses count as IDLE_LIMIT)."""
        now = time.monotonic()
        if self.lesson is not None and self._last_tick is not None:
            self.record["seconds"] = round(self.record["seconds"] + min(now - self._last_tick, IDLE_LIMIT), 1)
        self._last_tick = now

    def save(self, emit):
        warning = self.store.save()
        if warning:
            emit.warning(warning)

    def update_status(self):
        if self.lesson is None:
            self.session.status = ""
            return
        catalog = self.catalog()
        position = catalog.position(self.lesson) if self.lesson in catalog.lessons else 1
        self.session.status = _("lesson {k}/{total} · step {i}/{n}").format(
            k=position, total=len(catalog.lessons), i=self.index + 1, n=len(self.lesson.steps))

    def rules(self, lesson=None):
        """The course's rules for a lesson (the current one); valorrepl's defaults with no course."""
        from .course import DEFAULT_RULES
        lesson = lesson or self.lesson
        if self.course is None or lesson is None:
            return DEFAULT_RULES
        return self.course.rules_for(lesson.id)

    def locked_by(self, lesson):
        """With a course taken in order: the first earlier lesson not finished yet (None: open)."""
        if self.course is None or not self.course.in_order:
            return None
        catalog = self.catalog()
        if lesson not in catalog.lessons:
            return None
        for earlier in catalog.lessons[:catalog.position(lesson) - 1]:
            record = self.store.get(earlier.id) or {}
            if not (record.get("finished") or record.get("finished_at") or record.get("skipped_lesson")):
                return earlier
        return None

    def require_lesson(self):
        from .errors import CommandError
        if self.lesson is None:
            raise CommandError(_("No lesson is on. Type :lessons to see them, :lesson 1 to start."))

    # -- starting and leaving --

    def list(self, emit):
        catalog = self.catalog(emit)
        if not catalog.lessons:
            emit.text(_("No lessons found."))
            return
        rows = [[i, lesson.id, lesson.title.get(),
                 _("locked") if self.locked_by(lesson) else self.progress_text(lesson)]
                for i, lesson in enumerate(catalog.lessons, 1)]
        title = _("Lessons (:lesson N to start one):") if self.course is None else \
            _("Course {title} (:lesson N to start a lesson):").format(title=self.course.title.get())
        emit.table(["#", "id", _("title"), _("progress")], rows, title)

    def start(self, wanted, emit):
        from .errors import CommandError
        catalog = self.catalog(emit)
        if wanted is None:
            lesson = (catalog.find(self.store.current) if self.store.current else None) or next(
                (lesson for lesson in catalog.lessons if not (self.store.get(lesson.id) or {}).get("finished")),
                catalog.lessons[0] if catalog.lessons else None)
        else:
            lesson = catalog.find(wanted)
        if lesson is None:
            raise CommandError(_("No lesson {name}. Type :lessons to see them.").format(name=wanted))
        first = self.locked_by(lesson)
        if first is not None:
            k = catalog.position(first)
            emit.warning(_("Lesson {k}, {title}, is locked: this course takes the lessons in order. Finish "
                           "lesson {j}, {first}, first (:lesson {j}).").format(
                k=catalog.position(lesson), title=lesson.title.get(), j=k, first=first.title.get()))
            return
        missing = lesson.missing_requirements()
        if missing:
            self.leave()
            self.blocked = lesson
            emit.warning(_("Lesson {k}, {title}, needs {names}, which is not installed here. Install it "
                           "(pip install {names}) and start again, or type :skip to mark this lesson skipped "
                           "and go on to the next one.").format(
                k=catalog.position(lesson), title=lesson.title.get(), names=" ".join(missing)))
            return
        self.leave()
        self.blocked = None
        record = self.store.record(lesson.id)
        record["started"] = record["started"] or time.strftime("%Y-%m-%dT%H:%M:%S")
        self.lesson = lesson
        self._saved_auto = self.session.auto_valor
        self.session.auto_valor = lesson.auto_valor
        if record["finished"]:
            self.index = 0
            emit.text(_("You finished this lesson before; here it is again from the start."))
        else:
            self.index = self._resume_index(lesson, record)
            if self.index:
                emit.text(_("Welcome back: picking up at step {k}.").format(k=self.index + 1))
                self._restore_earlier(emit)
        self.store.current = lesson.id
        self._last_tick = time.monotonic()
        self.show(emit)

    def _restore_earlier(self, emit):
        """On resuming: give back the names the earlier steps' setup gave (those not here any
        more), and say plainly which names earlier tasks built that are gone, and where to redo them."""
        namespace, ready = self.session.namespace, []
        earlier = self.lesson.steps[:self.index]
        for step in earlier:
            for name, value in step.setup.items():
                if name not in namespace or name in ready:
                    namespace[name] = json.loads(json.dumps(value))
                    if name not in ready:
                        ready.append(name)
        if ready:
            emit.styled([("muted", _("Ready again from the lesson: {names}").format(names=", ".join(ready)))])
        gone, first = [], None
        for position, step in enumerate(earlier):
            for name in built_names(step):
                if name not in namespace and name not in gone and name not in self.step.setup:
                    gone.append(name)
                    first = position if first is None else first
        if gone:
            emit.warning(_("{names} came from earlier tasks and are gone since valorrepl started again: "
                           "redo them from step {k} (:back, or type each step's worked answer).").format(
                names=", ".join(gone), k=first + 1))

    def leave(self):
        """Close the current lesson (its progress stays) and give back the learner's settings."""
        if self.lesson is not None:
            self.tick()
            self.session.auto_valor = self._saved_auto if self._saved_auto is not None else True
            if self.session.pending == self._advance_on_enter:
                self.session.pending = None
        self.lesson, self._saved_auto, self._snapshot = None, None, None
        self.update_status()

    def quit(self, emit):
        self.require_lesson()
        title = self.lesson.title.get()
        self.leave()
        self.save(emit)
        emit.text(_("Left the lesson {title}; your progress is kept. :lesson takes you back.").format(title=title))

    def restart(self, emit):
        self.require_lesson()
        lesson = self.lesson
        finished_at = self.record["finished_at"]     # a lesson once finished keeps the next ones open
        self.store.lessons[lesson.id] = {"finished_at": finished_at}
        self.store.record(lesson.id)
        self.index = 0
        emit.text(_("Starting {title} again from the first step.").format(title=lesson.title.get()))
        self.show(emit)

    # -- showing steps --

    def show(self, emit):
        """Show the current step, bind its setup names and save where the learner is."""
        lesson, step, language = self.lesson, self.step, get_language()
        self.record["step"] = step.id
        self._told_unfinished = {told for told in self._told_unfinished if told[0] == step.id}
        catalog = self.catalog()
        position = catalog.position(lesson) if lesson in catalog.lessons else 1
        header = _("Lesson {k} · {title} — step {i} of {n}").format(
            k=position, title=lesson.title.get(language), i=self.index + 1, n=len(lesson.steps))
        emit.styled([("muted", header)])
        for name, value in step.setup.items():
            self.session.namespace[name] = json.loads(json.dumps(value))   # a fresh copy each time
        if step.kind == "figure":
            self._show_figure(step, emit)
        emit.markdown(step.text.get(language).strip("\n"))   # notebooks render it
        if step.setup:
            emit.styled([("muted", _("Ready for you: {names}").format(names=", ".join(step.setup)))])
        last = self.index == len(lesson.steps) - 1
        if step.kind == "choice":
            for number, choice in enumerate(step.choices[language], 1):
                emit.text(f"  {number}) {choice}")
            emit.styled([("muted", _("Answer with the number of your choice (or :answer N)."))])
        elif step.kind == "code":
            status = self._task_state(step)
            emit.styled([("muted", status or self._task_prompt())])
        elif last:
            self._finish(emit)
        else:
            emit.styled([("muted", _("Enter or :next to go on."))])
        if step.is_task and step.hint is not None and self.rules().hint_after == 0:
            self._show_hint(emit)            # this course gives the hint with the task
        if not step.is_task and not last:
            self.session.pending = self._advance_on_enter
        elif self.session.pending == self._advance_on_enter:
            self.session.pending = None
        self.update_status()
        self.save(emit)

    def _task_prompt(self):
        rules = self.rules()
        if rules.hint_on_request and rules.skip:
            return _("Type your answer as Python. :hint for a hint, :skip to skip.")
        if rules.hint_on_request:
            return _("Type your answer as Python. :hint for a hint.")
        if rules.skip:
            return _("Type your answer as Python. :skip to skip.")
        return _("Type your answer as Python.")

    def _task_state(self, step):
        if step.id in self.record["done"]:
            return _("You did this one already (:next to go on, or answer again).")
        return ""

    def _show_figure(self, step, emit):
        from .session import Image
        path = self.lesson.folder / step.figure
        mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
        description = step.text.get().strip()
        emit.image(Image(mime, path.read_bytes(), str(path), description), _("[figure: {path}]").format(path=path))

    def _advance_on_enter(self, emit):
        if self.lesson is not None:
            self.next(emit)

    def _finish(self, emit):
        record = self.record
        first_time = not record["finished"]
        record["finished"] = True
        self._mark_seen(self.step)           # the last step counts as done once shown
        if first_time:
            record["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        catalog = self.catalog()
        position = catalog.position(self.lesson) if self.lesson in catalog.lessons else 0
        following = catalog.lessons[position] if 0 < position < len(catalog.lessons) else None
        message = _("Lesson finished!") if first_time else _("End of the lesson.")
        if record["skipped"]:
            message += " " + _("You skipped {n} task(s); :back takes you to them.").format(n=len(record["skipped"]))
        if following:
            message += " " + _("Next: :lesson {k} ({title}).").format(k=position + 1, title=following.title.get())
        emit.styled([("ok", message)])

    # -- moving --

    def next(self, emit):
        self.require_lesson()
        self.tick()
        step = self.step
        if step.is_task and step.id not in self.record["done"] and step.id not in self.record["skipped"]:
            emit.text(_("This step is a task: answer it first, or type :skip to skip it."))
            return
        if self.index == len(self.lesson.steps) - 1:
            lessons = self.catalog().lessons
            position = self.catalog().position(self.lesson) if self.lesson in lessons else len(lessons)
            self.leave()
            self.save(emit)
            if position < len(lessons):
                emit.text(_("That was the last step. :lessons lists them all; :lesson {k} starts the next one.")
                          .format(k=position + 1))
            else:
                emit.text(_("That was the last step of the last lesson: well done! :lessons lists them all."))
            return
        self._mark_seen(step)
        self.index += 1
        self.show(emit)

    def _mark_seen(self, step):
        if not step.is_task and step.id not in self.record["done"]:
            self.record["done"].append(step.id)

    def back(self, emit):
        self.require_lesson()
        self.tick()
        if self.index == 0:
            emit.text(_("This is the first step."))
            return
        self.index -= 1
        self.show(emit)

    def where(self, emit):
        self.require_lesson()
        self.show(emit)

    def skip(self, emit):
        from .errors import CommandError
        if self.lesson is None and self.blocked is not None:
            lesson, self.blocked = self.blocked, None
            self.store.record(lesson.id)["skipped_lesson"] = True
            self.save(emit)
            catalog = self.catalog()
            position = catalog.position(lesson)
            emit.text(_("Lesson {title} marked skipped.").format(title=lesson.title.get()))
            if position < len(catalog.lessons):
                self.start(str(position + 1), emit)
            return
        self.require_lesson()
        self.tick()
        step = self.step
        if not step.is_task:
            raise CommandError(_("Only tasks can be skipped; :next goes on."))
        if not self.rules().skip:
            emit.warning(_("This course does not let you skip tasks here. {help}")
                         .format(help=self._help_left(step)))
            return
        record = self.record
        if step.id not in record["skipped"] and step.id not in record["done"]:
            record["skipped"].append(step.id)
        emit.text(_("Skipped (not done): you can come back to it with :back."))
        if self.index < len(self.lesson.steps) - 1:
            self.index += 1
        self.show(emit)

    # -- help with a task --

    def hint(self, emit):
        self.require_lesson()
        step = self.step
        if step.hint is None:
            emit.text(_("This step has no hint."))
            return
        rules, misses = self.rules(), self.record["wrong"].get(step.id, 0)
        if (step.is_task and not rules.hint_on_request and step.id not in self.record["hints"]
                and not rules.hint_shows_at(misses)):
            if rules.hint_after == "never":
                emit.text(_("This course gives no hints for this lesson."))
            else:
                emit.text(_("In this course the hint comes after {n} wrong answer(s); you have {k} so far."
                            ).format(n=rules.hint_after, k=misses))
            return
        self._show_hint(emit)

    def _show_hint(self, emit):
        step = self.step
        if step.id not in self.record["hints"]:
            self.record["hints"].append(step.id)
        emit.styled([("hint", _("Hint: ") + step.hint.get().strip())])
        if step.is_task and self.rules().solution_allowed(self.record["wrong"].get(step.id, 0), True):
            emit.styled([("muted", _(":solution shows a worked answer."))])
        self.save(emit)

    def solution(self, emit):
        self.require_lesson()
        step = self.step
        if not step.is_task:
            emit.text(_("This step is not a task; :next goes on."))
            return
        rules, misses = self.rules(), self.record["wrong"].get(step.id, 0)
        if not rules.solution_allowed(misses, step.id in self.record["hints"]):
            if rules.solution_after == "never":
                emit.text(_("This course does not show worked answers for this lesson."))
            elif rules.solution_after == "hint":
                emit.text(_("Try the hint first (:hint); the solution comes after it."))
            else:
                emit.text(_("In this course the worked answer comes after {n} wrong answer(s); you have {k} "
                            "so far.").format(n=rules.solution_after, k=misses))
            return
        if step.solution is not None:
            emit.text(_("A worked answer:") + "\n" + step.solution.get().strip("\n"))
        if step.kind == "choice":
            emit.text(_("The right choice is {n}: {choice}").format(
                n=step.answer, choice=step.choices[get_language()][step.answer - 1]))
        if step.kind == "code":
            emit.styled([("muted", _("Type it (or your own version) to go on, or :skip.") if rules.skip
                          else _("Type it (or your own version) to go on."))])

    # -- checking answers --

    def before_run(self, source, emit):
        """Before a Python input on a code step: remember the names (for a rollback) and listen
        to the output (for output checks)."""
        self._snapshot = None
        if self.lesson is None:
            return
        self.tick()
        if self.step.kind != "code" or not _has_python(source):
            return
        self._snapshot = (self.session.namespace, dict(self.session.namespace))
        captured, sink = [], emit.sink

        def tee(reply):
            captured.append(reply)
            sink(reply)
        self._captured = (captured, sink)
        emit.sink = tee

    def after_run(self, source, outcome, emit):
        if self._captured is not None:
            captured, sink = self._captured
            emit.sink, self._captured = sink, None
        else:
            captured = []
        if self.lesson is None:
            return
        step = self.step
        if step.kind == "choice":
            if outcome.ok and is_choice_number(source):
                self.answer(int(source), emit)
            return
        if step.kind != "code" or self._snapshot is None or not outcome.ok:
            return
        namespace, before = self._snapshot
        self._snapshot = None
        if namespace is not self.session.namespace:
            return
        rebound = tuple(k for k, v in namespace.items()
                        if k != "_" and (k not in before or before[k] is not v))  # `_`: the last value shown
        output = "\n".join(r.text for r in captured if r.kind in ("stdout", "value"))
        answer = checks_module.Answer(namespace, outcome.value, output, rebound, self.session)
        verdict, incomplete = self.judge(step, answer)
        # an expression that defines nothing is the learner looking at something (`r`, `a.grad`):
        # not an answer, so never a wrong try
        incomplete = incomplete or (verdict is not None and not rebound and is_expression(source))
        if verdict is None and not incomplete:
            self._right(step, emit)
        elif incomplete:
            # said once per step and state: a multi-line answer is typed one input at a time
            if (step.id, verdict) not in self._told_unfinished:
                self._told_unfinished.add((step.id, verdict))
                emit.styled([("muted", _("Not finished yet: {what}").format(what=verdict))])
        else:
            for name in rebound:       # a wrong try takes back the names it rebound
                if name in before:
                    namespace[name] = before[name]
                else:
                    namespace.pop(name, None)
            self._wrong(step, verdict, rebound, emit)

    def judge(self, step, answer):
        """(None, False) when every check passes; (message, incomplete) for the first that does not."""
        registry = self.checks()
        for call in step.checks:
            function = registry.get(call.check)
            if function is None:
                return _("the check {name} is not loaded (a plugin is missing?).").format(name=call.check), False
            try:
                message = function(answer, **call.args)
            except checks_module.Incomplete as error:
                return str(error), True
            except checks_module.UnsafeExpression as error:
                return _("this lesson's check cannot run: {error}").format(error=error), False
            except Exception as error:  # the learner's code failed while being checked
                return f"{type(error).__name__}: {error}", False
            if message:
                return _plainly(call, answer, message), False
        return None, False

    def answer(self, number, emit):
        """A choice: right → on to the next step; wrong → a miss."""
        from .errors import CommandError
        self.require_lesson()
        step = self.step
        if step.kind != "choice":
            raise CommandError(_("This step has no choices to answer."))
        if not 1 <= number <= len(step.choices["en"]):
            # a slip, not a miss: said in one line, and the step waits as before
            emit.warning(_("There is no choice {k} here: answer with a number from 1 to {n}.").format(
                k=number, n=len(step.choices["en"])))
            return
        if number == step.answer:
            self._right(step, emit)
        else:
            self._wrong(step, _("{n} is not the right choice.").format(n=number), (), emit)

    def _right(self, step, emit):
        record = self.record
        if step.id not in record["done"]:
            record["done"].append(step.id)
        if step.id in record["skipped"]:
            record["skipped"].remove(step.id)
        emit.styled([("ok", "✓ " + _("Right!"))])
        if step.explain is not None:
            emit.markdown(step.explain.get().strip("\n"))
        self.index = min(self.index + 1, len(self.lesson.steps) - 1)
        self.show(emit)

    def _wrong(self, step, message, rebound, emit):
        record = self.record
        record["wrong"][step.id] = misses = record["wrong"].get(step.id, 0) + 1
        text = _("Not yet: {message}").format(message=message)
        if rebound:
            text += " " + _("({names} put back as before.)").format(names=", ".join(rebound))
        emit.styled([("error", "✗ " + text)])
        rules = self.rules()
        if rules.hint_shows_at(misses) and step.id not in record["hints"] and step.hint is not None:
            self._show_hint(emit)
        elif step.id not in record["hints"]:
            emit.styled([("muted", _("Try again, or type :hint for a hint.") if rules.hint_on_request
                          else _("Try again."))])
        elif rules.solution_allowed(misses, True):
            emit.styled([("muted", _("Try again; :hint repeats the hint, :solution shows a worked answer."))])
        else:
            emit.styled([("muted", _("Try again; :hint repeats the hint."))])
        self.save(emit)

    def _help_left(self, step):
        """What help the course still offers on a task, in one sentence."""
        rules, record = self.rules(), self.record
        if rules.solution_allowed(record["wrong"].get(step.id, 0), step.id in record["hints"]):
            return _(":solution shows a worked answer.")
        if rules.hint_on_request or step.id in record["hints"]:
            return _(":hint gives a hint.")
        return _("Keep trying: help comes after a few tries.")


def _plainly(call, answer, message):
    """A check's message as the lesson wants it told: its own sentence, or the lesson's `expect`
    text, or (reveal = false) one that does not give the expected value away."""
    if call.expect is None and call.reveal:
        return message
    actual = None
    name = call.args.get("name")
    if isinstance(name, str):
        try:
            actual = checks_module.show(answer.evaluate(name))
        except Exception:  # noqa: BLE001 - the value is only decoration for the message
            actual = None
    if call.expect is not None:
        return call.expect.get().strip().replace("{actual}", actual if actual is not None else "?")
    if actual is not None:
        return _("{actual} is not the value asked for.").format(actual=actual)
    return _("that is not the value asked for.")


_WHOLE_NUMBER = re.compile(r"\s*\d+\s*")


def is_choice_number(source):
    """Only a whole number typed alone answers a choice (`2`, ` 2 `): never the value of an
    expression such as `r.battery` or `len(xs)`."""
    return _WHOLE_NUMBER.fullmatch(source or "") is not None


def _has_python(source):
    from .session import split_input
    return any(kind == "python" for kind, _chunk in split_input(source))
