"""Input history kept across runs in the data folder — or, when that cannot be, for this run only.

A history that cannot be written or read never stops the REPL: `open_history` returns a
history that works and, when something is wrong, one line telling the learner what.
"""

import re

from prompt_toolkit.history import FileHistory, InMemoryHistory

from ..i18n import _
from ..paths import data_dir

# the lines FileHistory writes: "# date", "+input line" and blank lines between entries
HISTORY_LINE = re.compile(r"(#.*|\+.*|)")


class SafeFileHistory(FileHistory):
    """A FileHistory that keeps going (in memory) when the disk fails it later on."""

    def load_history_strings(self):
        try:
            return list(super().load_history_strings())
        except OSError:
            return []

    def store_string(self, string):
        try:
            super().store_string(string)
        except OSError:
            pass


def history_path():
    return data_dir() / "history"


def open_history(path=None):
    """(history, warning): warning is None, or one line saying why history is not as usual."""
    path = history_path() if path is None else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if _damaged(path):
            backup = path.with_name(path.name + ".damaged")
            path.replace(backup)
            warning = _("The history file {path} was damaged: it is kept as {backup}, "
                        "and a new one is started.").format(path=path, backup=backup.name)
        else:
            warning = None
        with open(path, "ab"):
            pass
    except OSError as error:
        warning = _("History is kept for this run only: {path} cannot be written ({reason}).")
        return InMemoryHistory(), warning.format(path=path, reason=error.strerror or type(error).__name__)
    return SafeFileHistory(str(path)), warning


def _damaged(path):
    """True when the file is not the text FileHistory writes (binary bytes, not UTF-8, foreign lines)."""
    if not path.exists() or path.is_dir():
        return False             # a folder in the way is reported as "cannot be written"
    content = path.read_bytes()
    if b"\0" in content:
        return True
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return not all(HISTORY_LINE.fullmatch(line) for line in text.split("\n"))
