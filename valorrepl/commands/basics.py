"""Small commands: :quit, :tb and :auto (:vars and :reset live in workspace.py)."""

from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option


@command("quit", aliases=("sair", "exit", "q"))
def quit_command(session, args, emit):
    """Leave valorrepl (Ctrl-D does the same).

    Example:
        >>> :quit
    """
    session.quit_requested = True


@command("tb", aliases=("traceback",))
def traceback_command(session, args, emit):
    """Show the full traceback of the last error.

    Example:
        >>> 1 / Valor(0)
        >>> :tb
    """
    text = session.format_traceback()
    emit.text(text or _("No error so far."))


@command("auto", options=(option("mode", nargs="?", choices=("on", "off"), help="on or off"),))
def auto_command(session, args, emit):
    """Turn on or off making typed numbers into Valors (a = 2 → Valor).

    Example:
        >>> :auto off
        >>> n = 3
    """
    if args.mode:
        session.auto_valor = args.mode == "on"
    emit.text(_("Numbers become Valors: {state}").format(state=_("on") if session.auto_valor else _("off")))


@hookimpl
def register_commands(registry):
    for cmd in (quit_command, traceback_command, auto_command):
        registry.add(cmd)
