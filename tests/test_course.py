"""Course files: the lessons a class takes, in order, and the rules that change :skip, hints and
:solution — read through the session core, checked by `valorrepl lessons check`."""

import subprocess
import sys
from pathlib import Path

import pytest

from valorrepl.cli import main
from valorrepl.course import use_course
from valorrepl.i18n import set_language
from valorrepl.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
EXAMPLE = Path(__file__).parent.parent / "docs" / "course-example.toml"


def write_course(folder, lessons='["second", "first"]', rules=""):
    path = folder / "course.toml"
    path.write_text('format_version = 1\n\n[course]\ntitle = { pt = "Turma A", en = "Class A" }\n'
                    f'lessons = {lessons}\n\n[rules]\n{rules}\n', encoding="utf-8")
    return path


class Learner:
    """Types into a session that takes a course; keeps the replies of the last input."""

    def __init__(self, course=None, language="en"):
        self.session = Session(language=language, lesson_dirs=[FIXTURES / "good"])
        if course is not None:
            assert use_course(self.session, course) == []

    def __call__(self, text):
        replies = []
        self.session.run(text, replies.append)
        return "\n".join(reply.text for reply in replies)

    @property
    def tutor(self):
        return self.session.state["lessons"]

    def to_task(self, lesson):
        self(f":lesson {lesson}")
        self("")
        assert self.tutor.step.id == "make-x"


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


def test_the_course_chooses_the_lessons_and_their_order(tmp_path):
    learner = Learner(write_course(tmp_path))
    out = learner(":lessons")
    assert "Course Class A" in out
    rows = [line.split()[:2] for line in out.splitlines() if line[:1].isdigit()]
    assert rows == [["1", "second"], ["2", "first"]]          # the course's order, not the stages'
    assert "No lesson classes" in learner(":lesson classes")  # only the course's lessons
    assert "Lesson 1 · Second" in learner(":lesson 1")


def test_without_a_course_skip_hints_and_solution_keep_their_defaults(tmp_path):
    learner = Learner()
    learner.to_task("first")
    assert "Write x = 5" in learner(":hint")
    assert "x = 5" in learner(":solution")
    assert "Skipped (not done)" in learner(":skip")


def test_a_course_that_forbids_skip_keeps_the_learner_on_the_task(tmp_path):
    learner = Learner(write_course(tmp_path, rules="skip = false"))
    learner.to_task("first")
    out = learner(":skip")
    assert "does not let you skip" in out and learner.tutor.step.id == "make-x"
    assert not learner.tutor.record["skipped"]
    assert ":skip" not in learner(":where")                   # the task no longer offers it


def test_a_rule_for_one_lesson_overrides_the_course(tmp_path):
    course = write_course(tmp_path, lessons='["second", { id = "first", skip = true }]', rules="skip = false")
    learner = Learner(course)
    learner.to_task("first")
    assert "Skipped (not done)" in learner(":skip")
    learner.to_task("second")
    assert "does not let you skip" in learner(":skip")


def test_hint_after_and_hint_on_request_change_when_the_hint_comes(tmp_path):
    learner = Learner(write_course(tmp_path, rules="hint_after = 1\nhint_on_request = false"))
    learner.to_task("first")
    out = learner(":hint")
    assert "the hint comes after 1 wrong answer(s); you have 0" in out and "Write x" not in out
    out = learner("x = 4")
    assert "✗ Not yet" in out and "Hint: Write x = 5" in out     # by itself, after the first miss
    assert "Hint: Write x = 5" in learner(":hint")              # and on request from then on
    assert learner.tutor.record["hints"] == ["make-x"]


def test_hint_after_zero_gives_the_hint_with_the_task(tmp_path):
    learner = Learner(write_course(tmp_path, rules="hint_after = 0"))
    learner(":lesson first")
    assert "Hint: Write x = 5" in learner("")


def test_solution_after_a_number_of_misses_or_never(tmp_path):
    course = write_course(tmp_path, lessons='["first", { id = "second", solution_after = "never" }]',
                          rules="solution_after = 2")
    learner = Learner(course)
    learner.to_task("first")
    learner(":hint")
    assert "worked answer comes after 2 wrong answer(s); you have 0" in learner(":solution")
    learner("x = 4")
    assert "A worked answer" not in learner(":solution")
    learner("x = 3")
    assert "A worked answer:\nx = 5" in learner(":solution")
    learner.to_task("second")
    for _ in range(4):
        learner("x = 1")
    assert "does not show worked answers" in learner(":solution")


def test_lessons_in_order_are_locked_until_the_one_before_is_finished(tmp_path):
    learner = Learner(write_course(tmp_path, rules="in_order = true"))
    assert "locked" in learner(":lessons").splitlines()[-1]
    out = learner(":lesson first")
    assert "Lesson 2, First, is locked" in out and "Finish lesson 1, Second, first (:lesson 1)" in out
    assert learner.tutor.lesson is None
    learner(":lesson second")
    for answer in ("", "x = 5", "1"):
        learner(answer)
    assert learner.tutor.store.get("second")["finished"]
    assert "Lesson 2 · First" in learner(":lesson first")
    assert "locked" not in learner(":lessons")
    learner(":lesson second")
    learner(":restart")                # starting a finished lesson over locks nothing again
    assert "locked" not in learner(":lessons")


def test_path_lessons_are_found_beside_the_course_file(tmp_path):
    folder = tmp_path / "ours" / "bonus"
    folder.mkdir(parents=True)
    source = (FIXTURES / "good" / "01_first" / "lesson.toml").read_text(encoding="utf-8")
    (folder / "lesson.toml").write_text(source.replace('id = "first"', 'id = "bonus"'), encoding="utf-8")
    learner = Learner(write_course(tmp_path, lessons='["first", { path = "ours/bonus" }]'))
    assert [lesson.id for lesson in learner.tutor.catalog().lessons] == ["first", "bonus"]


def test_portuguese_messages_of_the_rules(tmp_path):
    learner = Learner(write_course(tmp_path, rules="skip = false\nin_order = true"), language="pt")
    assert "Curso Turma A" in learner(":licoes")
    assert "está trancada" in learner(":licao 2")
    learner.to_task("second")
    assert "não deixa pular" in learner(":pular")


# ---- valorrepl --course and lessons check ----

def test_valorrepl_course_in_a_pipe(tmp_path):
    course = write_course(tmp_path, rules="in_order = true")
    done = subprocess.run([sys.executable, "-m", "valorrepl", "--lessons-dir", str(FIXTURES / "good"),
                           "--course", str(course)], input=":lessons\n:lesson 2\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "1  second" in done.stdout and "locked" in done.stdout + done.stderr


def test_a_broken_course_stops_valorrepl_with_its_problems(tmp_path, capsys):
    course = write_course(tmp_path, lessons='["frist"]')
    assert main(["--lessons-dir", str(FIXTURES / "good"), "--course", str(course)]) == 2
    err = capsys.readouterr().err
    assert f"{course}:5: there is no lesson 'frist'. Did you mean 'first'?" in err
    assert "valorrepl lessons check" in err


def test_lessons_check_passes_the_example_course(capsys):
    assert main(["lessons", "check", str(EXAMPLE)]) == 0
    assert "all good" in capsys.readouterr().out


BROKEN = [  # (what the course says, the line the problem is on, what the message asks for)
    ('lessons = ["classes", "grahp"]', 5, "there is no lesson 'grahp'. Did you mean 'graph'?"),
    ('lessons = ["classes", "classes"]', 5, "the lesson 'classes' is in the course twice"),
    ('lessons = [{ path = "nowhere/lesson" }]', 5, "no lesson at nowhere/lesson"),
    ('lessons = [{ id = "graph", path = "x" }]', 5, "give either id"),
    ('lessons = []', 5, "write the lessons as a list"),
    ('lessons = [{ id = "graph", hnit_after = 2 }]', 5,
     "'hnit_after' is not a rule. Did you mean 'hint_after'?"),
    ('lessons = ["graph"]\n\n[rules]\nskip = "no"', 8, "skip: write skip = true or skip = false"),
    ('lessons = ["graph"]\n\n[rules]\nhint_after = -1', 8, "hint_after: write a number of wrong answers"),
    ('lessons = ["graph"]\n\n[rules]\nsolution_after = "later"', 8, 'write "hint" (once the hint was seen)'),
    ('lessons = ["graph"]\n\n[rules]\nin_order = 1', 8, "in_order: write in_order = true"),
    ('title2 = "x"\nlessons = ["graph"]', 5, "[course] field 'title2': unknown field"),
    ('\n[rules]\nlessons = ["graph"]', 7, "lessons belongs in [course]: write it under the [course] line"),
    ('lessons = ["graph"] x', 5, "not valid TOML"),
]


@pytest.mark.parametrize("body, line, expected", BROKEN)
def test_lessons_check_names_file_line_and_what_to_write(tmp_path, capsys, body, line, expected):
    path = tmp_path / "course.toml"
    path.write_text(f'format_version = 1\n\n[course]\ntitle = "Class A"\n{body}\n', encoding="utf-8")
    assert main(["lessons", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:{line}: " in out and expected in out, out
