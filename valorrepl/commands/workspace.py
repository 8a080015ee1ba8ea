"""The learner's workspace: :vars, :reset, and :save / :load of the inputs as plain text.

A saved session is the list of inputs that ran, one after another, as they were typed: a
file a person can read and edit, that `valorrepl run FILE` runs too. Never a pickle — loading
a file only ever replays lines the learner could have typed.
"""

import ast
import datetime
from pathlib import Path

from ..data import Dataset
from ..engine import Valor
from ..errors import CommandError
from ..hookspecs import hookimpl
from ..i18n import _
from ..lines import inputs
from ..nn import Module
from ..registry import command, option
from ..session import os_error_text

# commands never written to a saved file: replaying them would write files, load again or quit
NOT_SAVED = ("save", "load", "quit")
LOADING = "workspace.loading"     # session.state key while a file is replayed


# ---- :vars and :reset ----

@command("vars", aliases=("variaveis",))
def vars_command(session, args, emit):
    """List the variables that hold Valors, networks and data sets.

    Example:
        >>> a = 2
        >>> :vars
    """
    rows = []
    for name, value in session.namespace.items():
        if name.startswith("_"):
            continue
        description = _describe(value)
        if description:
            rows.append([name, *description])
    if rows:
        emit.table([_("name"), _("type"), _("size")], rows)
    else:
        emit.text(_("No variables yet: try a = 2"))


def _describe(value):
    """(type, size) for what :vars lists; None for anything else."""
    if isinstance(value, Valor):
        nodes = len(value.topological_order())
        graph = _("a graph of {n} nodes").format(n=nodes) if nodes > 1 else _("a leaf")
        return "Valor", f"data {value.data:.4g}, grad {value.grad:.4g}, {graph}"
    if isinstance(value, Module):
        layers = getattr(value, "layers", None)
        shape = ""
        if layers:
            sizes = [len(layer.neurons) for layer in layers]
            shape = f"{len(layers[0].neurons[0].weights)} → {sizes}, "
        return type(value).__name__, shape + _("{n} parameters").format(n=len(value.parameters()))
    if isinstance(value, Dataset):
        return "Dataset", _("{n} samples").format(n=len(value)) + ", " + \
            _("{n} features").format(n=len(value.features))
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Valor) for v in value):
        return type(value).__name__, _("{n} Valors").format(n=len(value))
    return None


@command("reset", aliases=("reiniciar",))
def reset_command(session, args, emit):
    """Start again with a clean namespace.

    Example:
        >>> :reset
    """
    session.reset()
    emit.text(_("A clean namespace: every variable is gone."))


# ---- :save and :load ----

def complete_files(session, word):
    """File and folder names that start with `word` (folders end with /)."""
    folder, slash, start = word.rpartition("/")
    base = Path(folder + slash or ".").expanduser()
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return []
    return [folder + slash + entry.name + ("/" if entry.is_dir() else "") for entry in entries
            if entry.name.startswith(start) and (start.startswith(".") or not entry.name.startswith("."))]


def _command_name(session, line):
    name = line.strip()[1:].partition(" ")[0]
    cmd = session.commands.names.get(name)
    return cmd.name if cmd is not None else name


def saved_inputs(session):
    """The inputs that make the present namespace: those since the last :reset, without the
    commands that would save, load or quit when replayed."""
    kept = []
    for text in session.inputs:
        lines = []
        for line in text.splitlines():
            if line.lstrip().startswith(":"):
                name = _command_name(session, line)
                if name == "reset":
                    kept, lines = [], []
                    continue
                if name in NOT_SAVED:
                    continue
            lines.append(line)
        if any(line.strip() for line in lines):
            kept.append(_without_blank_lines(lines))
    return kept


def _without_blank_lines(lines):
    # a blank line ends a block when the file is read back; inside a block it means nothing,
    # unless it sits in a multi-line string, which the syntax tree shows
    text = "\n".join(lines)
    compact = "\n".join(line for line in lines if line.strip())
    if compact == text or any(line.lstrip().startswith(":") for line in lines):
        return compact
    try:
        same = ast.dump(ast.parse(compact)) == ast.dump(ast.parse(text))
    except SyntaxError:
        same = False
    return compact if same else text


def session_text(session):
    """A saved session: a comment line, then each input, a block followed by a blank line."""
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [_("# valorrepl session saved {when}: :load FILE replays it, so does valorrepl run FILE")
             .format(when=when)]
    for text in saved_inputs(session):
        parts.append(text + ("\n" if "\n" in text else ""))
    return "\n".join(parts) + "\n"


@command("save", aliases=("salvar",), complete=complete_files, options=(option("file", help="the file to write"),))
def save_command(session, args, emit):
    """Save the inputs that made this session to a text file (:load replays it).

    Example:
        >>> a = 2
        >>> b = a * a
        >>> :save my_work.txt
    """
    count = len(saved_inputs(session))
    if not count:
        emit.text(_("Nothing to save yet: no input has run since the start or the last :reset."))
        return
    path = Path(args.file).expanduser()
    try:
        path.write_text(session_text(session), encoding="utf-8")
    except OSError as error:
        raise CommandError(_("cannot write {path}: {reason}").format(
            path=args.file, reason=os_error_text(error))) from None
    emit.text(_("Inputs saved to {path}: {n}.").format(n=count, path=args.file))


@command("load", aliases=("carregar",), complete=complete_files, options=(
    option("file", help="a file written by :save (or any file of REPL lines)"),
    option("--fresh", action="store_true", help="start from a clean namespace first"),
    option("--echo", action="store_true", help="show each input and its output while replaying"),
))
def load_command(session, args, emit):
    """Replay a file of inputs (written by :save) in this session.

    Example:
        >>> a = 2
        >>> :save my_work.txt
        >>> :reset
        >>> :load my_work.txt
        >>> a
    """
    if session.state.get(LOADING):
        raise CommandError(_(":load cannot run inside a file that is being loaded"))
    path = Path(args.file).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(_("cannot read {path}: there is no such file").format(path=args.file)) from None
    except UnicodeDecodeError:
        raise CommandError(_("cannot read {path}: it is not a text file").format(path=args.file)) from None
    except OSError as error:
        raise CommandError(_("cannot read {path}: {reason}").format(
            path=args.file, reason=os_error_text(error))) from None
    if args.fresh:
        session.run(":reset")     # through the session, so a later :save starts from here too
    pending = session.pending
    session.state[LOADING] = True
    try:
        ran, failed = _replay(session, text, emit, args.echo)
    finally:
        session.state.pop(LOADING, None)
        session.pending = pending   # a replayed --step walk does not wait for Enter afterwards
    message = _("Loaded {path}: inputs run {ran}, failed {failed}.").format(
        path=args.file, ran=ran, failed=len(failed))
    (emit.warning if failed else emit.text)(message)
    for line_number, reason in failed:
        emit.error(_("line {line}: {error}").format(line=line_number, error=reason))


def _replay(session, text, emit, echo):
    """Run each input of a file through the session; (how many ran, [(line, error)])."""
    ran, failed = 0, []
    file_lines = text.splitlines()
    cursor = 0
    for source in inputs(file_lines):
        line_number, cursor = _locate(file_lines, source, cursor)
        if not _runs_anything(source):
            continue
        replies = []

        def keep(reply):
            replies.append(reply)
            if echo:
                emit(reply)

        if echo:
            emit.text("\n".join((">>> " if i == 0 else "... ") + line
                                for i, line in enumerate(source.splitlines())))
        outcome = session.run(source, keep)
        if outcome.status == "cancelled":
            emit.warning(_("Loading stopped at line {line}.").format(line=line_number))
            break
        ran += 1
        if not outcome.ok:
            errors = [r.text for r in replies if r.kind == "error"]
            reason = errors[0].splitlines()[0] if errors else (
                type(outcome.error).__name__ if outcome.error else "")
            failed.append((line_number, reason))
    return ran, failed


def _runs_anything(source):
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


def _locate(file_lines, source, cursor):
    """(line number of `source` in the file, where to look for the next one)."""
    first = source.splitlines()[0].rstrip() if source.strip() else ""
    for index in range(cursor, len(file_lines)):
        if file_lines[index].rstrip() == first or file_lines[index].strip() == first.strip():
            return index + 1, index + 1
    return cursor + 1, cursor


@hookimpl
def register_commands(registry):
    for cmd in (vars_command, reset_command, save_command, load_command):
        registry.add(cmd)
