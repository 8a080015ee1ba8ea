"""Tab completion and Shift-Tab inspection over a session: names, attributes and `:commands`.

Pure functions of (session, code, cursor): no ipykernel here, so any front end may use them.
Only dotted names are looked up, never evaluated as code — completing `f().x` must not call f.
"""

import builtins
import inspect
import keyword
import re

from ..engine import Valor
from ..i18n import _
from ..session import Emitter

__all__ = ["complete", "inspect_at", "Completion"]

_DOTTED_BEFORE = re.compile(r"(?:[A-Za-z_]\w*\.)*\w*$")   # `model.layers` ending at the cursor
_NAME_CHARS = re.compile(r"[\w.]")


class Completion:
    def __init__(self, start, end, matches):
        self.start, self.end, self.matches = start, end, matches


def complete(session, code, cursor):
    """What may be typed at `cursor`: a Completion whose matches replace code[start:end]."""
    line_start = code.rfind("\n", 0, cursor) + 1
    line = code[line_start:cursor]
    if line.lstrip().startswith(":"):
        return _complete_command(session, line, line_start, cursor)
    dotted = _DOTTED_BEFORE.search(line).group()
    base, dot, partial = dotted.rpartition(".")
    start = cursor - len(partial)
    if dot:
        found, value = _resolve(session, base)
        names = dir(value) if found else []
    else:
        names = [*session.namespace, *dir(builtins), *keyword.kwlist]
    return Completion(start, cursor, _matching(names, partial))


def _matching(names, partial):
    # _private names only once the learner types the underscore
    return sorted({n for n in names if n.startswith(partial) and (partial.startswith("_") or not n.startswith("_"))})


def _complete_command(session, line, line_start, cursor):
    text = line.lstrip()[1:]
    if " " not in text:   # the command's own name
        colon = line_start + len(line) - len(text) - 1
        return Completion(colon, cursor, sorted(":" + n for n in session.commands.names if n.startswith(text)))
    name, *words = text.split(" ")
    word, previous = words[-1], (words[-2] if len(words) > 1 else "")
    cmd = session.commands.names.get(name)
    if cmd is None:
        return Completion(cursor, cursor, [])
    by_flag = {flag: opt for opt in cmd.options for flag in opt.flags}
    previous_option = by_flag.get(previous)
    if previous_option is not None and not previous_option.positional and _takes_value(previous_option):
        candidates = [str(c) for c in previous_option.settings.get("choices", ())]
    elif word.startswith("-"):
        candidates = cmd.option_flags()
    else:
        candidates = []
        for opt in cmd.options:
            if opt.positional:
                candidates += [str(c) for c in opt.settings.get("choices", ())]
        if cmd.complete is not None:
            candidates += list(cmd.complete(session, word))
        if not word:
            candidates += [flag for flag in cmd.option_flags() if flag.startswith("--")]
    return Completion(cursor - len(word), cursor, sorted({c for c in candidates if c.startswith(word)}))


def _takes_value(opt):
    return opt.settings.get("action") not in ("store_true", "store_false", "count", "help", "version")


def _resolve(session, dotted):
    """(True, value) for a dotted name the learner can see, else (False, None)."""
    first, *attributes = dotted.split(".")
    if first in session.namespace:
        value = session.namespace[first]
    elif hasattr(builtins, first):
        value = getattr(builtins, first)
    else:
        return False, None
    try:
        for attribute in attributes:
            value = getattr(value, attribute)
    except Exception:  # a property that fails is simply not completed
        return False, None
    return True, value


# ---- inspection ----

def inspect_at(session, code, cursor, detail=0):
    """Plain text about the word at the cursor: a command's help, a Valor's data/grad/op, or a
    docstring. None when there is nothing to say."""
    line_start = code.rfind("\n", 0, cursor) + 1
    line_end = code.find("\n", cursor)
    line = code[line_start:line_end if line_end >= 0 else len(code)]
    column = cursor - line_start
    stripped = line.lstrip()
    if stripped.startswith(":"):
        name_end = line.find(" ", len(line) - len(stripped))
        if name_end < 0 or column <= name_end:
            return command_help(session, stripped[1:].split(" ")[0])
    word = _word_at(line, column)
    if not word:
        return None
    found, value = _resolve(session, word)
    return describe_object(word, value, detail) if found else None


def _word_at(line, column):
    start = column
    while start > 0 and _NAME_CHARS.match(line[start - 1]):
        start -= 1
    end = column
    while end < len(line) and _NAME_CHARS.match(line[end]):
        end += 1
    word = line[start:end].strip(".")
    return word if re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", word) else ""


def command_help(session, name):
    """The text `:help NAME` shows, without running an input."""
    cmd = session.commands.names.get(name)
    if cmd is None:
        return None
    helper = session.commands.names.get("help")
    if helper is None:
        return f":{cmd.name} — {_(cmd.summary)}\n{cmd.usage()}"
    replies = []
    helper.run(session, helper.parse(cmd.name), Emitter(replies.append))
    return "\n".join(reply.text for reply in replies)


def describe_object(name, value, detail=0):
    if isinstance(value, Valor):
        return describe_valor(name, value)
    lines = [f"{name}: {type(value).__name__}"]
    if callable(value):
        try:
            lines.append(f"{name}{inspect.signature(value)}")
        except (TypeError, ValueError):
            pass
    if not (inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value)):
        text = repr(value)
        lines.append(text if len(text) <= 300 or detail else text[:300] + "…")
    doc = inspect.getdoc(value)
    if doc:
        lines += ["", doc if detail else doc.split("\n\n")[0]]
    return "\n".join(lines)


def describe_valor(name, value):
    parents = ", ".join(p.label or repr(p) for p in value.parents)
    lines = [f"{name}: Valor", f"data  {value.data!r}", f"grad  {value.grad!r}",
             f"op    {value.op}" if value.op else "op    " + _("(none: a leaf, typed or a parameter)")]
    if parents:
        lines.append(_("made from: {parents}").format(parents=parents))
    if value.label and value.label != name:
        lines.append(f"label {value.label!r}")
    return "\n".join(lines)
