"""A learner's progress report: per lesson, steps done, tasks skipped, hints, wrong tries, time.

Read from the progress store (valorrepl.lessons.ProgressStore) and written as text, JSON or CSV
for the learner to hand in. Nothing is sent anywhere.
"""

import csv
import io
import json
import time
from dataclasses import asdict, dataclass, field

from . import __version__
from .i18n import _

__all__ = ["LessonProgress", "Report", "build_report", "render", "FORMATS", "format_duration"]

FORMATS = ("text", "json", "csv")
COLUMNS = ("lesson", "title", "steps_done", "steps_total", "tasks_skipped", "hints_used", "wrong_tries",
           "seconds", "finished", "lesson_skipped", "started", "finished_at", "number")


@dataclass
class LessonProgress:
    lesson: str                   # the lesson's id
    title: str
    steps_done: int
    steps_total: object           # None when the lesson is not found any more
    tasks_skipped: int
    hints_used: int
    wrong_tries: int
    seconds: float
    finished: bool
    lesson_skipped: bool          # marked skipped as a whole (a package it needs was missing)
    started: object = None        # "2025-03-01T14:02:11", or None
    finished_at: object = None
    number: object = None         # its number in the lesson list (:lesson N); None when not found


@dataclass
class Report:
    learner: str
    made: str
    course: object = None         # the course's title, when there is one
    progress_file: str = ""
    lessons: list = field(default_factory=list)
    lessons_total: int = 0        # how many lessons the catalog (or the course) has

    @property
    def empty(self):
        return not any(row.started or row.steps_done or row.finished or row.lesson_skipped or row.seconds
                       for row in self.lessons)


def build_report(tutor):
    """The report of the learner whose progress `tutor` (a valorrepl.lessons.Tutor) keeps: every
    lesson of the course, or with no course every lesson the learner has begun."""
    from .lessons import learner_name
    store, catalog = tutor.store, tutor.catalog()
    records = store.lessons
    lessons = list(catalog.lessons) if tutor.course is not None else \
        [lesson for lesson in catalog.lessons if lesson.id in records]
    rows = [_row(lesson.id, lesson, records.get(lesson.id) or {}, catalog.position(lesson)) for lesson in lessons]
    if tutor.course is None:   # begun once, not found now (a folder no longer loaded)
        known = {lesson.id for lesson in catalog.lessons}
        rows += [_row(lesson_id, None, record) for lesson_id, record in records.items()
                 if lesson_id not in known]
    return Report(learner=store.data.get("learner") or learner_name(),
                  made=time.strftime("%Y-%m-%dT%H:%M:%S"),
                  course=tutor.course.title.get() if tutor.course is not None else None,
                  progress_file=str(store.path), lessons=rows, lessons_total=len(catalog.lessons))


def _row(lesson_id, lesson, record, number=None):
    steps = [step.id for step in lesson.steps] if lesson is not None else None
    done = [s for s in record.get("done", []) if steps is None or s in steps]
    skipped = [s for s in record.get("skipped", []) if s not in done]
    return LessonProgress(
        lesson=lesson_id, title=lesson.title.get() if lesson is not None else "",
        steps_done=len(done), steps_total=len(steps) if steps is not None else None,
        tasks_skipped=len(skipped), hints_used=len(record.get("hints", [])),
        wrong_tries=sum(v for v in record.get("wrong", {}).values() if isinstance(v, int)),
        seconds=round(float(record.get("seconds", 0.0)), 1), finished=bool(record.get("finished")),
        lesson_skipped=bool(record.get("skipped_lesson")),
        started=record.get("started"), finished_at=record.get("finished_at"), number=number)


# ---- formats ----

def render(report, fmt="text"):
    return {"text": as_text, "json": as_json, "csv": as_csv}[fmt](report)


def as_json(report):
    return json.dumps({"learner": report.learner, "made": report.made, "course": report.course,
                       "valorrepl": __version__, "lessons_total": report.lessons_total,
                       "lessons": [asdict(row) for row in report.lessons]},
                      ensure_ascii=False, indent=1) + "\n"


def as_csv(report):
    """One row per lesson, the learner's name on each, so a class's files can be put together."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("learner",) + COLUMNS)
    for row in report.lessons:
        values = asdict(row)
        writer.writerow([report.learner] + [_csv_cell(values[column]) for column in COLUMNS])
    return out.getvalue()


def _csv_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def as_text(report):
    from .session import format_table
    if report.empty:
        return no_progress(report) + "\n"
    head = _("Progress of {learner}, {date}").format(learner=report.learner,
                                                      date=report.made.replace("T", " "))
    if report.course:
        head += " — " + _("course {title}").format(title=report.course)
    headers = ["#", _("lesson"), _("steps"), _("tasks skipped"), _("hints"), _("wrong tries"), _("time"),
               _("finished")]
    rows = []
    for row in report.lessons:
        number = "—" if row.number is None else row.number    # the lesson's own number, as :lesson N
        total = "?" if row.steps_total is None else row.steps_total
        status = _("yes") if row.finished else (_("skipped") if row.lesson_skipped else _("no"))
        rows.append([number, row.lesson, f"{row.steps_done}/{total}", row.tasks_skipped, row.hints_used,
                     row.wrong_tries, format_duration(row.seconds), status])
    finished = sum(row.finished for row in report.lessons)
    seconds = sum(row.seconds for row in report.lessons)
    foot = _("Lessons finished: {done} of {n}; time in lessons: {time}.").format(
        done=finished, n=report.lessons_total or len(report.lessons), time=format_duration(seconds))
    return "\n".join([head, "", format_table(headers, rows), "", foot]) + "\n"


def no_progress(report):
    return _("No lesson progress yet for {learner} (looked in {file}). Start a lesson with valorrepl "
             "and :lessons; this report fills in as you go.").format(learner=report.learner,
                                                                     file=report.progress_file)


def format_duration(seconds):
    """12 s, 4 min 05 s, 1 h 07 min."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
