"""`:transcript FILE`: the session so far as Markdown — each input and what it showed.

A recorder (session.recorders) sees every input as it starts, Enter included, and keeps a light
copy of its replies: text, and for pictures their description and file, never the objects (a
kept Valor would keep its whole graph alive). An input run by another one (`:load` replaying a
file) belongs to the input that ran it, so it is not recorded twice.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import CommandError
from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option
from ..session import Emitter, Image, Markdown, Progress, os_error_text, split_input
from .workspace import complete_files

STATE = "transcript"


@dataclass
class Entry:
    source: str                                    # "" for Enter
    replies: list = field(default_factory=list)    # (kind, text, extra): extra is "markdown" or an Image


class Recorder:
    """Keeps the session's inputs and replies; a session's `recorders` calls it."""

    def __init__(self, session):
        self.session, self.entries, self.depth = session, [], 0

    def __call__(self, text, emitter):
        if isinstance(emitter, _Recording) or self.depth > 0:
            return emitter            # an input inside an input: its output is the outer one's
        if not text.strip() and self.session.pending is None:
            return emitter            # an Enter that does nothing
        entry = Entry(text)
        self.entries.append(entry)
        return _Recording(emitter, entry)


class _Recording(Emitter):
    """An Emitter that passes every reply on and keeps a light copy of it in its entry."""

    def __init__(self, inner, entry):
        def sink(reply):
            self.keep(reply)
            inner.sink(reply)
        super().__init__(sink)
        self.entry = entry

    def keep(self, reply):
        data, replies = reply.data, self.entry.replies
        if isinstance(data, Progress):
            # a training run: only its latest line
            if replies and replies[-1][0] == "progress":
                replies.pop()
            replies.append(("progress", reply.text, None))
        elif isinstance(data, Image):
            replies.append(("image", reply.text, Image(data.mime, b"", data.path, data.description)))
        else:
            replies.append((reply.kind, reply.text, "markdown" if isinstance(data, Markdown) else None))


def recorder(session):
    found = session.state.get(STATE)
    if found is None:
        found = session.state[STATE] = Recorder(session)
        session.recorders.append(found)
    return found


# ---- Markdown ----

def to_markdown(entries, learner="", when=None):
    when = when or time.strftime("%Y-%m-%d %H:%M")
    head = _("valorrepl session, {date}").format(date=when) + (f" — {learner}" if learner else "")
    out = [f"# {head}", "", _("valorrepl {version}; inputs in code blocks, each followed by what it showed.")
           .format(version=__version__), ""]
    for entry in entries:
        if entry.source.strip():
            language = "python" if any(kind == "python" for kind, _c in split_input(entry.source)) else ""
            out += _fenced(entry.source, language)
        else:
            out.append("*" + _("(Enter)") + "*")
        out.append("")
        out += _replies(entry.replies)
    return "\n".join(out).rstrip() + "\n"


def _replies(replies):
    out, block = [], []

    def close():
        if block:
            out.extend(_fenced("\n".join(block), "text"))
            out.append("")
            block.clear()

    for kind, text, extra in replies:
        if extra == "markdown":
            close()
            out += [text.strip(), ""]
        elif kind == "image":
            # a picture is told by its description, and where it was saved
            close()
            title = _("Picture")
            if extra.path:
                title += " (" + _("saved as {path}").format(path=extra.path) + ")"
            description = (extra.description or text).strip()
            out += [f"> **{title}**"] + [f"> {line}".rstrip() for line in description.splitlines()] + [""]
        elif text.strip():
            block.append(text.rstrip("\n"))
    close()
    return out


def _fenced(text, language=""):
    fence = "```"
    while fence in text:
        fence += "`"
    return [fence + language, text.rstrip("\n"), fence]


# ---- the command ----

@command("transcript", aliases=("transcricao",), complete=complete_files, options=(
    option("file", help="the Markdown file to write"),
))
def transcript_command(session, args, emit):
    """Write this session so far (inputs, replies, lesson steps) as a Markdown file.

    Example:
        >>> a = 2
        >>> :transcript aula.md
    """
    from ..lessons import learner_name
    found = recorder(session)
    entries = [entry for entry in found.entries if not entry.source.lstrip().startswith((":transcript",
                                                                                         ":transcricao"))]
    path = Path(args.file).expanduser()
    try:
        path.write_text(to_markdown(entries, learner_name()), encoding="utf-8")
    except OSError as error:
        raise CommandError(_("cannot write {path}: {reason}").format(
            path=args.file, reason=os_error_text(error))) from None
    emit.text(_("Wrote {n} input(s) to {path}.").format(n=len(entries), path=path))


@hookimpl
def register_commands(registry):
    registry.add(transcript_command)


@hookimpl
def session_started(session):
    recorder(session)      # from the first input on; kept across :reset


@hookimpl
def before_run(session):
    recorder(session).depth += 1


@hookimpl
def after_run(session):
    found = recorder(session)
    found.depth = max(found.depth - 1, 0)
