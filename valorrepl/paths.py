"""Where valorrepl keeps a learner's files: history, progress, plugins and lessons.

VALORREPL_HOME puts everything in one folder (tests and shared classroom machines use it);
otherwise the XDG folders of the platform are used.
"""

import os
from pathlib import Path


def _base(xdg_variable, fallback):
    home = os.environ.get("VALORREPL_HOME")
    if home:
        return Path(home)
    root = os.environ.get(xdg_variable) or str(Path.home() / fallback)
    return Path(root) / "valorrepl"


def data_dir():
    """History, progress and the learner's own lessons."""
    return _base("XDG_DATA_HOME", ".local/share")


def config_dir():
    """The learner's plugins folder."""
    return _base("XDG_CONFIG_HOME", ".config")
