"""`:lessons`, `:lesson N` and the commands that walk a lesson (`:next`, `:hint`, `:skip`…).

The work is done by valorrepl.lessons.Tutor, kept in session.state["lessons"] once a lesson
command (or a course) needs it; the before_run / after_run hooks let it check each answer the
learner types.
"""

from ..hookspecs import hookimpl
from ..registry import command, option


def tutor(session):
    found = session.state.get("lessons")
    if found is None:
        # valorrepl.lessons (the lesson format, TOML and the progress store) is imported when
        # the lessons are first used: a fifth of start-up otherwise
        from ..lessons import Tutor
        found = session.state["lessons"] = Tutor(session)
    return found


def lesson_in_progress():
    """The id of the lesson the learner stopped in, not finished, or None — for the welcome line.
    A learner with no progress folder yet pays no import of the lessons for it."""
    from ..paths import data_dir
    if not (data_dir() / "progress").is_dir():
        return None
    from ..lessons import ProgressStore
    store = ProgressStore()
    current = store.current
    record = store.get(current) if current else None
    return current if record and not record.get("finished") else None


def complete_lessons(session, word):
    return sorted(lesson.id for lesson in tutor(session).catalog().lessons if lesson.id.startswith(word))


@command("lessons", aliases=("licoes",), options=(
    option("action", nargs="?", choices=("load", "carregar"), help="load: add the lessons in a folder"),
    option("folder", nargs="?", help="a folder of lessons (data only: loading it runs no code)"),
))
def lessons_command(session, args, emit):
    """List the lessons and your progress in each; `:lessons load DIR` adds a folder of lessons.

    Example:
        >>> :lessons
    """
    if args.action:
        if not args.folder:
            from ..errors import CommandError
            from ..i18n import _
            raise CommandError(_("Which folder? :lessons load DIR"), lessons_command.usage())
        tutor(session).load_folder(args.folder, emit)
        return
    tutor(session).list(emit)


@command("lesson", aliases=("licao",), complete=complete_lessons, options=(
    option("name", nargs="?", help="the lesson's number or name (none: where you stopped)"),
))
def lesson_command(session, args, emit):
    """Start a lesson, or go back to where you stopped.

    Example:
        >>> :lesson 1
    """
    tutor(session).start(args.name, emit)


@command("next", aliases=("proximo", "prox"))
def next_command(session, args, emit):
    """Go on to the next step of the lesson (Enter does the same after a text step).

    Example:
        >>> :lesson 1
        >>> :next
    """
    if session.pending is not None:
        # a step-by-step command is waiting (`:grad c --step`): notebooks send no empty
        # input, so :next continues it there, as Enter does in a terminal
        session.run("", emit)
        return
    tutor(session).next(emit)


@command("back", aliases=("voltar",))
def back_command(session, args, emit):
    """Go back one step in the lesson.

    Example:
        >>> :lesson 1
        >>> :next
        >>> :back
    """
    tutor(session).back(emit)


@command("hint", aliases=("dica",))
def hint_command(session, args, emit):
    """Show the hint of the current step.

    Example:
        >>> :hint
    """
    tutor(session).hint(emit)


@command("solution", aliases=("solucao",))
def solution_command(session, args, emit):
    """Show a worked answer to the current task (after you have seen its hint).

    Example:
        >>> :solution
    """
    tutor(session).solution(emit)


@command("answer", aliases=("resposta", "responder"), options=(
    option("choice", type=int, help="the number of your choice"),
))
def answer_command(session, args, emit):
    """Answer a multiple-choice step with the number of a choice (typing the number works too).

    Example:
        >>> :answer 2
    """
    tutor(session).answer(args.choice, emit)


@command("skip", aliases=("pular",))
def skip_command(session, args, emit):
    """Skip the current task (it counts as skipped, not done).

    Example:
        >>> :skip
    """
    tutor(session).skip(emit)


@command("where", aliases=("onde",))
def where_command(session, args, emit):
    """Show the current step of the lesson again.

    Example:
        >>> :where
    """
    tutor(session).where(emit)


@command("restart", aliases=("recomecar",))
def restart_command(session, args, emit):
    """Start the current lesson again from its first step (its progress is cleared).

    Example:
        >>> :restart
    """
    tutor(session).restart(emit)


@command("quit-lesson", aliases=("sair-licao",))
def quit_lesson_command(session, args, emit):
    """Leave the lesson; your progress is kept and :lesson takes you back.

    Example:
        >>> :quit-lesson
    """
    tutor(session).quit(emit)


COMMANDS = (lessons_command, lesson_command, next_command, back_command, hint_command, solution_command,
            answer_command, skip_command, where_command, restart_command, quit_lesson_command)


@hookimpl
def register_commands(registry):
    for cmd in COMMANDS:
        registry.add(cmd)


@hookimpl
def before_run(session, source, emit):
    found = session.state.get("lessons")   # none yet: no lesson is on, nothing to check
    if found is not None:
        _guarded(found.before_run, source, emit)


@hookimpl
def after_run(session, source, outcome, emit):
    found = session.state.get("lessons")
    if found is not None:
        _guarded(found.after_run, source, outcome, emit)


def _guarded(hook, *args):
    """Run a lesson hook; whatever a learner's input makes go wrong in it is told in one line and
    the lesson goes on checking (a hook that raised would be turned off for the session)."""
    emit = args[-1]
    try:
        hook(*args)
    except Exception as error:  # noqa: BLE001 - the learner's input must never stop the lessons
        from ..i18n import _
        text = str(error).strip().rstrip(".") or type(error).__name__
        emit.warning(_("The lesson could not check that input ({error}); it goes on.").format(error=text))
