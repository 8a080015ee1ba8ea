"""Commands (`:grad`, `:draw`…): declared once, so usage, :help, completion and errors agree.

A command is a function `(session, args, emit)` wrapped by the `command` decorator, which
reads its summary (the docstring's first line) and its example (the docstring's text after
"Example:", a transcript whose `>>> ` lines are input). Options are argparse arguments.
"""

import argparse
import contextlib
import inspect
import shlex
from dataclasses import dataclass, field

from .errors import CommandConflict, CommandError
from .i18n import _

__all__ = ["Option", "option", "Command", "command", "CommandRegistry", "argparse_speaks_our_language"]


@dataclass(frozen=True)
class Option:
    flags: tuple
    settings: dict

    @property
    def positional(self):
        return not self.flags[0].startswith("-")


def option(*flags, **settings):
    """One argument of a command, with argparse's words: option("--epochs", type=int, default=100)."""
    return Option(flags, settings)


@contextlib.contextmanager
def argparse_speaks_our_language():
    """argparse builds its messages ("the following arguments are required", "usage: "…) with
    gettext when they are needed: while this is on, they come from valorrepl's catalogs."""
    saved = argparse._, argparse.ngettext
    argparse._ = _
    argparse.ngettext = lambda singular, plural, n: _(singular if n == 1 else plural)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class _Parser(argparse.ArgumentParser):
    # argparse prints and exits on errors; a command must raise instead, so the REPL goes on
    def error(self, message):
        raise CommandError(message, self.format_usage().strip())

    def exit(self, status=0, message=None):
        raise CommandError(message or "", self.format_usage().strip())

    def parse_args(self, args=None, namespace=None):
        with argparse_speaks_our_language():
            options, extras = self.parse_known_args(args, namespace)
            if extras:
                self.error(_("unrecognized arguments: {words}").format(words=" ".join(extras))
                           + (self._did_you_mean(extras) and "." + self._did_you_mean(extras)))
        return options

    def format_usage(self):
        with argparse_speaks_our_language():
            return super().format_usage()

    def _did_you_mean(self, extras):
        import difflib   # only for a mistyped option
        flags = [flag for action in self._actions for flag in action.option_strings]
        for word in extras:
            close = difflib.get_close_matches(word.partition("=")[0], flags, n=1, cutoff=0.6)
            if word.startswith("-") and close:
                return " " + _("Did you mean {names}?").format(names=close[0])
        return ""


@dataclass
class Command:
    name: str
    run: object                     # function (session, args, emit)
    aliases: tuple = ()
    options: tuple = ()
    summary: str = ""               # English; `_()` translates it where shown
    example: str = ""
    complete: object = None         # (session, word) → candidates for positional arguments
    plugin: str = ""                # the plugin that registered it, for :plugins and errors
    cancellable: bool = False       # long-running: Ctrl-C asks it to stop between steps

    def parser(self):
        parser = _Parser(prog=f":{self.name}", description=_(self.summary), add_help=False)
        for opt in self.options:
            settings = dict(opt.settings)
            if "help" in settings:
                settings["help"] = _(settings["help"])
            parser.add_argument(*opt.flags, **settings)
        return parser

    def parse(self, argument_text):
        try:
            words = shlex.split(argument_text)
        except ValueError as error:
            raise CommandError(f"{error}", self.usage()) from None
        return self.parser().parse_args(words)

    def usage(self):
        return self.parser().format_usage().strip().replace("usage: ", _("usage: "), 1)

    def option_flags(self):
        return [flag for opt in self.options if not opt.positional for flag in opt.flags]


def command(name, *, aliases=(), options=(), complete=None, cancellable=False):
    """Turn a function (session, args, emit) into a Command; the docstring gives summary and example."""
    def wrap(function):
        doc = inspect.cleandoc(function.__doc__ or "")
        summary = doc.splitlines()[0] if doc else ""
        example = doc.partition("Example:")[2].strip("\n")
        return Command(name, function, tuple(aliases), tuple(options), summary,
                       inspect.cleandoc(example) if example else "", complete,
                       cancellable=cancellable)
    return wrap


@dataclass
class CommandRegistry:
    commands: dict = field(default_factory=dict)   # canonical name → Command
    names: dict = field(default_factory=dict)      # every name and alias → Command

    def add(self, cmd, plugin=""):
        cmd.plugin = cmd.plugin or plugin
        for name in (cmd.name, *cmd.aliases):
            other = self.names.get(name)
            if other is not None and other is not cmd:
                raise CommandConflict(_(":{name} is added by both {first} and {second}").format(
                    name=name, first=other.plugin or "?", second=cmd.plugin or "?"))
        self.commands[cmd.name] = cmd
        for name in (cmd.name, *cmd.aliases):
            self.names[name] = cmd
        return cmd

    def remove_plugin(self, plugin):
        for cmd in [c for c in self.commands.values() if c.plugin == plugin]:
            del self.commands[cmd.name]
            for name in (cmd.name, *cmd.aliases):
                self.names.pop(name, None)

    def get(self, name):
        cmd = self.names.get(name)
        if cmd is None:
            import difflib   # only for a mistyped command: it costs every start-up ~3 ms at the top
            close = difflib.get_close_matches(name, self.names, n=3, cutoff=0.5)
            hint = (" " + _("Did you mean {names}?").format(names=", ".join(":" + c for c in close))
                    if close else " " + _("Type :help to see the commands."))
            raise CommandError(_("unknown command :{name}.").format(name=name) + hint)
        return cmd

    def __iter__(self):
        return iter(sorted(self.commands.values(), key=lambda c: c.name))

    def __contains__(self, name):
        return name in self.names
