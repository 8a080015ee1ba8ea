"""`:plugins` — what is loaded, from where, and what each added; `:plugin load FILE.py` loads one more."""

import os
import traceback
from pathlib import Path

from .. import plugins
from ..errors import CommandError
from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option
from ..session import Outcome


def _complete_names(session, word):
    return [name for name in session.plugins if name.startswith(word)]


@command("plugins", aliases=("extensoes",), complete=_complete_names, options=(
    option("name", nargs="?", help="one plugin, shown in full"),
))
def plugins_command(session, args, emit):
    """List the plugins: where each comes from, its version, what it added, and what failed.

    Example:
        >>> :plugins
        >>> :plugins valorrepl.commands.grad
    """
    if args.name:
        _one_plugin(session, args.name, emit)
        return
    rows = [[info.name, source_text(info.source, short=True), info.version, added_text(info)]
            for info in session.plugins.values()]
    emit.table([_("plugin"), _("from"), _("version"), _("added")], rows, width=session.width)
    if session.plugin_failures:
        emit.warning("\n".join([_("Failed:")] + ["  " + str(failure) for failure in session.plugin_failures]))
    import textwrap
    emit.text(textwrap.fill(_("Type :plugins NAME for one plugin in full; :plugin load FILE.py loads a plugin file."),
                            session.width, break_on_hyphens=False))


def _one_plugin(session, name, emit):
    info = session.plugins.get(name)
    failures = [f for f in session.plugin_failures if f.plugin == name]
    if info is None and not failures:
        raise CommandError(_("no plugin is named {name}; :plugins lists them").format(name=name))
    lines = []
    if info is not None:
        lines.append(f"{info.name} {info.version}".strip() + " — " + source_text(info.source))
        lines += ["  " + line for line in added_lines(info)] or ["  " + _("it added nothing")]
    for failure in failures:
        lines += ["", str(failure), plugin_traceback(failure.error)]
    emit.text("\n".join(lines).strip("\n"))


def source_text(source, short=False):
    """built-in / package NAME VERSION / a file's path (short: from the current folder, when inside it)."""
    if source == "built-in":
        return _("built-in")
    if source.startswith("package "):
        return _("package {name}").format(name=source.removeprefix("package "))
    if short and Path(source).is_absolute():
        relative = os.path.relpath(source)
        return source if relative.startswith("..") else relative
    return source


def added_lines(info):
    """What a plugin added, one kind per line."""
    lines = []
    if info.commands:
        lines.append(_("commands: {names}").format(names=", ".join(":" + n for n in info.commands)))
    if info.datasets:
        lines.append(_("data sets: {names}").format(names=", ".join(info.datasets)))
    if info.checks:
        lines.append(_("checks: {names}").format(names=", ".join(info.checks)))
    if info.lesson_dirs:
        lines.append(_("lessons: {folders}").format(folders=", ".join(str(f) for f in info.lesson_dirs)))
    return lines


def added_text(info):
    """What a plugin added, in a few words for the table: ':ops; data sets: spiral; lesson folders: 1'."""
    parts = [_few(":" + name for name in info.commands)] if info.commands else []
    if info.datasets:
        parts.append(_("data sets: {names}").format(names=_few(info.datasets)))
    if info.checks:
        parts.append(_("checks: {names}").format(names=_few(info.checks)))
    if info.lesson_dirs:
        parts.append(_("lesson folders: {n}").format(n=len(info.lesson_dirs)))
    return "; ".join(parts)


def _few(names, shown=5):
    """'a, b, c' — or, for a long list, its first names and how many there are: 'a, b, c, d … (16)'."""
    names = list(names)
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown - 1])} … ({len(names)})"


def plugin_traceback(error):
    """The traceback of a plugin's failure, without the frames of the machinery that loaded it."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if not _loader_frame(frame.filename)]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
    return "".join(lines).rstrip()


def _loader_frame(filename):
    parts = Path(filename).parts
    return ("pluggy" in parts or filename.startswith("<frozen importlib")
            or parts[-2:] in (("valorrepl", "session.py"), ("valorrepl", "plugins.py")))


@command("plugin", aliases=("extensao",), options=(
    option("action", choices=("load", "carregar"), help="load: run a plugin file and add what it registers"),
    option("file", metavar="FILE.py", help="the plugin file"),
))
def plugin_command(session, args, emit):
    """Load a plugin file (Python: it runs as code) into this session.

    Example:
        >>> :plugin load plugins/zero_grad.py
        >>> :plugins zero_grad
    """
    path = Path(args.file).expanduser()
    if path.suffix != ".py":
        raise CommandError(_("a plugin file is a Python file, ending in .py: {path}").format(path=args.file))
    if not path.is_file():
        raise CommandError(_("no such file: {path}").format(path=args.file))
    name = plugins.file_plugin_name(path)
    again = session.plugins.get(name)
    if again is not None and again.source == plugins.file_source(path):
        session.unload_plugin(name)   # the same file again: take the new version of it
    failures = len(session.plugin_failures)
    if not session.load_plugin_file(path):
        failure = session.plugin_failures[failures]
        session.last_error = (failure.error, f":plugin load {args.file}")
        message = _("Plugin not loaded: {failure}").format(failure=failure)
        emit.error(f"{message} {_('Type :tb for details.')}")
        return Outcome("error", error=failure)
    info = session.plugins[name]
    emit.text(_("Loaded plugin {name} from {path}.").format(name=name, path=info.source))
    for line in added_lines(info) or [_("it added nothing")]:
        emit.text("  " + line)


@hookimpl
def register_commands(registry):
    registry.add(plugins_command)
    registry.add(plugin_command)
