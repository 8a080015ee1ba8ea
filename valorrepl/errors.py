"""The few exceptions valorrepl owns; everything else is Python's own."""


class CommandError(Exception):
    """A :command used the wrong way: shown as one line plus the command's usage, no traceback."""

    def __init__(self, message, usage=""):
        super().__init__(message)
        self.usage = usage


class CommandConflict(Exception):
    """Two plugins tried to add the same command, lesson, check or data set name."""


class PluginFailure(Exception):
    """A plugin could not be loaded or failed inside a hook (`hook`, when known)."""

    def __init__(self, plugin, source, error, hook=""):
        reason = " ".join(str(error).split())   # one line, even for pluggy's multi-line messages
        where = f" in {hook}" if hook else ""
        super().__init__(f"{plugin} ({source}){where}: {type(error).__name__}"
                         + (f": {reason}" if reason else ""))
        self.plugin, self.source, self.error, self.hook = plugin, source, error, hook
