"""Small commands: :quit, :tb, :vars, :reset and :auto."""

from ..engine import Valor
from ..hookspecs import hookimpl
from ..i18n import _
from ..nn import Module
from ..data import Dataset
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


@command("vars", aliases=("variaveis",))
def vars_command(session, args, emit):
    """List the variables that hold Valors, networks and data sets.

    Example:
        >>> a = 2
        >>> :vars
    """
    rows = []
    for name, value in session.namespace.items():
        if name.startswith("_"):
            continue
        if isinstance(value, Valor):
            rows.append([name, "Valor", f"data {value.data:.4g}, grad {value.grad:.4g}"])
        elif isinstance(value, Module):
            rows.append([name, type(value).__name__, _("{n} parameters").format(n=len(value.parameters()))])
        elif isinstance(value, Dataset):
            rows.append([name, "Dataset", _("{n} samples").format(n=len(value))])
    if rows:
        emit.table([_("name"), _("type"), _("size")], rows)
    else:
        emit.text(_("No variables yet: try a = 2"))


@command("reset", aliases=("reiniciar",))
def reset_command(session, args, emit):
    """Start again with a clean namespace.

    Example:
        >>> :reset
    """
    session.reset()
    emit.text(_("A clean namespace: every variable is gone."))


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
    for cmd in (quit_command, traceback_command, vars_command, reset_command, auto_command):
        registry.add(cmd)
