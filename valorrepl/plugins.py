"""Finding and loading plugins: built-ins first, then installed packages, then files.

Built-in commands are plugins too, listed in DEFAULT_PLUGINS and registered exactly as a
third-party plugin is. A plugin that fails to load or to register is recorded, never raised:
the REPL starts and the rest works.
"""

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from . import hookspecs
from .errors import PluginFailure

ENTRY_POINT_GROUP = "valorrepl.plugins"

DEFAULT_PLUGINS = (
    "valorrepl.commands.help",
    "valorrepl.commands.grad",
    "valorrepl.commands.draw",
    "valorrepl.commands.train",
    "valorrepl.commands.basics",
    "valorrepl.commands.check",
    "valorrepl.commands.workspace",
    "valorrepl.commands.glossary",
    "valorrepl.commands.torch",
)


@dataclass
class PluginInfo:
    name: str
    source: str                  # "built-in", "package NAME VERSION", or a file path
    version: str = ""
    added: list = field(default_factory=list)   # what it added: ":cmd", "lesson id", "dataset x"


def new_manager():
    manager = pluggy.PluginManager("valorrepl")
    manager.add_hookspecs(hookspecs)
    return manager


def autoload_disabled():
    return os.environ.get("VALORREPL_DISABLE_PLUGIN_AUTOLOAD", "") not in ("", "0")


def load_file(path):
    """Import a single Python file as a plugin module (its name: valorrepl_plugin_<stem>)."""
    path = Path(path).resolve()
    name = f"valorrepl_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError(f"not a Python file: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def entry_point_plugins():
    """(name, loader, source, version) for every installed package declaring our entry point."""
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        version = dist.version if dist else ""
        source = f"package {dist.name if dist else entry_point.value} {version}".strip()
        yield entry_point.name, entry_point.load, source, version


def folder_plugins(folder):
    """Every *.py file of a folder, in name order (files starting with _ are skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def failure(name, source, error):
    return PluginFailure(name, source, error)
