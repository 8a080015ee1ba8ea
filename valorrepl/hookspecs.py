"""The plugin contract. A plugin is a module (or object) with functions marked @hookimpl
whose names are these; each may take any subset of the arguments named here.

    from valorrepl import hookimpl, command

    @command("hello")
    def hello(session, args, emit):
        "Say hello."
        emit.text("hello!")

    @hookimpl
    def register_commands(registry):
        registry.add(hello)
"""

import pluggy

hookspec = pluggy.HookspecMarker("valorrepl")
hookimpl = pluggy.HookimplMarker("valorrepl")


@hookspec
def register_commands(registry):
    """Add :commands with registry.add(command) (see valorrepl.registry.command)."""


@hookspec
def register_checks(checks):
    """Add answer checks for lessons: checks.add(name, function) (see valorrepl.checks)."""


@hookspec
def register_datasets(datasets):
    """Add data sets: datasets[name] = function returning a valorrepl.data.Dataset."""


@hookspec
def lesson_dirs():
    """Return a list of folders holding lessons (each lesson a folder with a lesson.toml)."""


@hookspec
def session_started(session):
    """Called once the session is ready: plugins may add names to session.namespace."""


@hookspec
def before_run(session, source, emit):
    """Called before each input (the text the learner sent) runs; lessons take a snapshot here.
    `emit` is the Emitter the input's replies go through (the same one after_run gets)."""


@hookspec
def after_run(session, source, outcome, emit):
    """Called after each input ran, with its Outcome; may emit more replies (a lesson's verdict)."""
