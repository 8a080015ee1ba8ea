"""`:help` — the commands, or one command in full."""

from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option


def _complete(session, word):
    return [name for name in session.commands.names if name.startswith(word)]


@command("help", aliases=("ajuda", "h"), options=(option("name", nargs="?", help="a command"),),
         complete=_complete)
def help_command(session, args, emit):
    """Show the commands, or how to use one.

    Example:
        >>> :help grad
    """
    if args.name:
        cmd = session.commands.get(args.name.lstrip(":"))
        aliases = ", ".join(":" + a for a in cmd.aliases)
        width = max(session.width, 20)
        lines = _wrap(f":{cmd.name} — {_(cmd.summary)}", width)
        if aliases:
            lines += _wrap(_("Also: {aliases}").format(aliases=aliases), width)
        lines += _wrap(" ".join(cmd.usage().split()), width, "    ")  # argparse breaks it for 80 columns
        for opt in cmd.options:
            flags = f"  {', '.join(opt.flags):<22} "
            lines += _wrap(flags + _(opt.settings.get('help', '')), width, " " * len(flags))
        if cmd.example:
            lines += ["", _("Example:"), *("  " + line for line in cmd.example.splitlines())]
        emit.text("\n".join(lines))
        return
    rows = [[":" + cmd.name, ", ".join(":" + a for a in cmd.aliases), _(cmd.summary)]
            for cmd in session.commands]
    emit.table([_("command"), _("also"), _("what it does")], rows, width=session.width)
    emit.text("\n".join(_wrap(_("Type :help NAME for one command in full. Anything else is Python: "
                                "a = 2, c = a * b."), session.width)))


def _wrap(text, width, indent=""):
    """Lines that fit the terminal, broken between words (never inside one)."""
    import textwrap
    return textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=False) or [""]


@hookimpl
def register_commands(registry):
    registry.add(help_command)
