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
        lines = [f":{cmd.name} — {_(cmd.summary)}"]
        if aliases:
            lines.append(_("Also: {aliases}").format(aliases=aliases))
        lines.append(cmd.usage())
        for opt in cmd.options:
            lines.append(f"  {', '.join(opt.flags):<22} {_(opt.settings.get('help', ''))}")
        if cmd.example:
            lines += ["", _("Example:"), *("  " + line for line in cmd.example.splitlines())]
        emit.text("\n".join(lines))
        return
    rows = [[":" + cmd.name, ", ".join(":" + a for a in cmd.aliases), _(cmd.summary)]
            for cmd in session.commands]
    emit.table([_("command"), _("also"), _("what it does")], rows, width=session.width)
    import textwrap
    emit.text(textwrap.fill(_("Type :help NAME for one command in full. Anything else is Python: a = 2, c = a * b."),
                            session.width, break_on_hyphens=False))


@hookimpl
def register_commands(registry):
    registry.add(help_command)
