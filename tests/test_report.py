"""`valorrepl report`: a scripted learner's real progress, as text, JSON and CSV."""

import csv
import io
import json
from pathlib import Path

import pytest

from valorrepl.cli import main
from valorrepl.i18n import set_language
from valorrepl.report import format_duration
from valorrepl.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
GOOD = ["--lessons-dir", str(FIXTURES / "good")]


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


def type_into(session, *inputs):
    for text in inputs:
        session.run(text)


@pytest.fixture
def learner():
    """A learner who finished `first` with a wrong try and a hint, and skipped the task of `second`."""
    session = Session(language="en", lesson_dirs=[FIXTURES / "good"])
    type_into(session, ":lesson first", "", "x = 4", ":hint", "x = 5", "1")
    type_into(session, ":lesson second", "", ":skip")
    return session


def report(capsys, fmt, *options):
    assert main(GOOD + list(options) + ["report", "--format", fmt]) == 0
    return capsys.readouterr()


def test_json_matches_what_the_learner_did(learner, capsys):
    data = json.loads(report(capsys, "json").out)
    lessons = {row["lesson"]: row for row in data["lessons"]}
    assert list(lessons) == ["first", "second"] and data["learner"]
    first, second = lessons["first"], lessons["second"]
    assert (first["steps_done"], first["steps_total"], first["finished"]) == (4, 4, True)
    assert (first["wrong_tries"], first["hints_used"], first["tasks_skipped"]) == (1, 1, 0)
    assert first["started"] and first["finished_at"]
    assert (second["steps_done"], second["steps_total"], second["finished"]) == (1, 4, False)
    assert (second["tasks_skipped"], second["wrong_tries"], second["hints_used"]) == (1, 0, 0)
    store = learner.state["lessons"].store
    for lesson_id, row in lessons.items():       # time as the progress store counted it
        assert row["seconds"] == round(store.get(lesson_id)["seconds"], 1) and row["seconds"] >= 0


def test_csv_parses_to_the_same_rows(learner, capsys):
    rows = list(csv.DictReader(io.StringIO(report(capsys, "csv").out)))
    assert [row["lesson"] for row in rows] == ["first", "second"]
    assert rows[0]["steps_done"] == "4" and rows[0]["finished"] == "true" and rows[0]["wrong_tries"] == "1"
    assert rows[1]["tasks_skipped"] == "1" and rows[1]["finished"] == "false" and rows[1]["finished_at"] == ""
    assert len({row["learner"] for row in rows}) == 1


def test_text_is_a_table_with_a_total(learner, capsys):
    out = report(capsys, "text").out
    first = next(line for line in out.splitlines() if " first " in line)
    assert first.split()[2:6] == ["4/4", "0", "1", "1"] and first.split()[-1] == "yes"
    catalog = learner.state["lessons"].catalog()
    assert f"Lessons finished: 1 of {len(catalog.lessons)}" in out      # every lesson, not the begun ones


def test_lessons_keep_their_own_numbers_and_the_total_is_the_catalogs(learner, capsys):
    catalog = learner.state["lessons"].catalog()
    assert len(catalog.lessons) > 2
    rows = {line.split()[1]: line.split()[0] for line in report(capsys, "text").out.splitlines()
            if line.split()[1:2] in (["first"], ["second"])}
    assert rows == {lesson_id: str(catalog.position(catalog.find(lesson_id))) for lesson_id in ("first", "second")}
    data = json.loads(report(capsys, "json").out)
    assert data["lessons_total"] == len(catalog.lessons)
    assert [row["number"] for row in data["lessons"]] == [int(rows["first"]), int(rows["second"])]


def test_the_report_can_be_written_to_a_file(learner, capsys, tmp_path):
    target = tmp_path / "mine.json"
    assert main(GOOD + ["report", "--format", "json", "-o", str(target)]) == 0
    assert "Wrote your report" in capsys.readouterr().out
    assert len(json.loads(target.read_text(encoding="utf-8"))["lessons"]) == 2


def test_a_learner_with_no_progress_gets_a_friendly_line_and_valid_files(capsys):
    assert "No lesson progress yet" in report(capsys, "text").out
    done = report(capsys, "json")
    assert json.loads(done.out)["lessons"] == [] and "No lesson progress yet" in done.err
    assert list(csv.reader(io.StringIO(report(capsys, "csv").out)))[0][:3] == ["learner", "lesson", "title"]


def test_with_a_course_every_lesson_of_it_is_listed(learner, capsys, tmp_path):
    course = tmp_path / "course.toml"
    course.write_text('format_version = 1\n[course]\ntitle = "Class A"\nlessons = ["second", "first"]\n')
    data = json.loads(report(capsys, "json", "--course", str(course)).out)
    assert data["course"] == "Class A" and [row["lesson"] for row in data["lessons"]] == ["second", "first"]
    course.write_text('format_version = 1\n[course]\ntitle = "Class A"\n'
                      'lessons = ["second", "first", "graph"]\n')
    rows = json.loads(report(capsys, "json", "--course", str(course)).out)["lessons"]
    assert rows[2]["lesson"] == "graph" and rows[2]["steps_done"] == 0 and rows[2]["started"] is None


def test_portuguese_report(learner, capsys):
    out = report(capsys, "text", "--lang", "pt").out
    assert "Progresso de" in out and "sim" in out and "Lições concluídas: 1 de " in out


def test_durations_read_well():
    assert [format_duration(s) for s in (0, 59.6, 61, 3599, 3660)] == \
        ["0 s", "1 min 00 s", "1 min 01 s", "59 min 59 s", "1 h 01 min"]
