"""Finding and loading plugins: built-ins first, then installed packages, then files.

Built-in commands are plugins too, listed in DEFAULT_PLUGINS and registered exactly as a
third-party plugin is. A plugin that fails to load or to register is recorded, never raised:
the REPL starts and the rest works.
"""

import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from . import hookspecs
from .errors import PluginFailure
from .i18n import _

ENTRY_POINT_GROUP = "valorrepl.plugins"

DEFAULT_PLUGINS = (
    "valorrepl.commands.help",
    "valorrepl.commands.plugins",
    "valorrepl.commands.grad",
    "valorrepl.commands.draw",
    "valorrepl.commands.train",
    "valorrepl.commands.basics",
    "valorrepl.commands.check",
    "valorrepl.commands.workspace",
    "valorrepl.commands.glossary",
    "valorrepl.commands.torch",
    "valorrepl.checks",
    "valorrepl.commands.lessons",
    "valorrepl.commands.transcript",
)


@dataclass
class PluginInfo:
    """A loaded plugin: where it came from and what it added (shown by :plugins, undone on failure)."""
    name: str
    source: str                  # "built-in", "package NAME VERSION", or a file path
    version: str = ""
    commands: list = field(default_factory=list)      # command names, without the ':'
    datasets: list = field(default_factory=list)
    lesson_dirs: list = field(default_factory=list)   # folders its lesson_dirs() returned
    checks: list = field(default_factory=list)        # answer checks for lessons


def new_manager():
    manager = pluggy.PluginManager("valorrepl")
    manager.add_hookspecs(hookspecs)
    return manager


def autoload_disabled():
    return os.environ.get("VALORREPL_DISABLE_PLUGIN_AUTOLOAD", "") not in ("", "0")


def import_builtin(name):
    return importlib.import_module(name)


def load_file(path):
    """Import a single Python file as a plugin module (its name: valorrepl_plugin_<stem>)."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(_("no such file: {path}").format(path=path))
    name = f"valorrepl_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError(_("not a Python file: {path}").format(path=path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def any_package_declares_plugins():
    """A quick look at the installed packages' entry_points.txt files for our group.
    importlib.metadata answers the same question in ~30 ms at every start-up; most learners have
    no plugin package, and then it need not be loaded at all."""
    marker = f"[{ENTRY_POINT_GROUP}]"
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(folder or ".", name, "entry_points.txt"), encoding="utf-8") as f:
                        if marker in f.read():
                            return True
                except OSError:
                    continue
    return False


def entry_point_plugins():
    """(name, loader, source, version) for every installed package declaring our entry point."""
    if not any_package_declares_plugins():
        return
    import importlib.metadata
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        version = dist.version if dist else ""
        source = f"package {dist.name if dist else entry_point.value} {version}".strip()
        yield entry_point.name, entry_point.load, source, version


def folder_plugins(folder):
    """Every *.py file of a folder, in name order (files starting with _ are skipped)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def is_folder(folder):
    return Path(folder).expanduser().is_dir()


def file_source(path):
    """Where a plugin file is, as :plugins shows it: the full path."""
    return str(Path(path).expanduser().resolve())


def as_folders(folders):
    """What lesson_dirs() returned, as a list of Paths (one folder alone is taken as a list of one)."""
    if folders is None:
        return []
    if isinstance(folders, (str, os.PathLike)):
        folders = [folders]
    return [Path(folder) for folder in folders]


def file_plugin_name(path):
    """A plugin file is known by its name without .py: plugins/zero.py → zero."""
    return Path(path).stem


def version_of(module, source):
    """A built-in's version is valorrepl's; a file's, its __version__ (a package's is in its metadata)."""
    if source == "built-in":
        from . import __version__
        return __version__
    return str(getattr(module, "__version__", "") or "")


def check_hook_names(manager, plugin, name):
    """A hook name no spec declares is a typo (register_command for register_commands): say so
    now, rather than let the function never be called. pluggy only checks the arguments."""
    known = hook_names()
    for caller in manager.get_hookcallers(plugin) or []:
        if not caller.has_spec():
            import difflib   # only for a misnamed hook: it costs every start-up ~3 ms at the top
            close = difflib.get_close_matches(caller.name, known, 1)
            hint = " " + _("Did you mean {names}?").format(names=close[0]) if close else ""
            raise pluggy.PluginValidationError(plugin, _(
                "Plugin {plugin!r} implements {hook!r}, which is not a valorrepl hook (they are: {known}).")
                .format(plugin=name, hook=caller.name, known=", ".join(known)) + hint)


def hook_names():
    """The hooks a plugin may implement, from hookspecs.py."""
    return sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "valorrepl_spec"))


def failure(name, source, error, hook=""):
    return error if isinstance(error, PluginFailure) else PluginFailure(name, source, error, hook)
