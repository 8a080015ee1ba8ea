"""`:glossary [TERM]` — the course's words beside micrograd's and PyTorch's.

valorrepl.glossary (and the TOML reader it needs) is imported when the glossary is first used,
not at every start-up."""

from ..errors import CommandError
from ..hookspecs import hookimpl
from ..i18n import _, get_language
from ..registry import command, option


def _complete(session, word):
    from .. import glossary
    names = {n for t in glossary.load() for n in t.names()}
    return sorted(n for n in names if n.lower().startswith(word.lower()))


@command("glossary", aliases=("glossario", "glossário"), complete=_complete,
         options=(option("term", nargs="*", help="a word from the course, micrograd or PyTorch"),))
def glossary_command(session, args, emit):
    """Look up a word: the course's name beside micrograd's and PyTorch's.

    Example:
        >>> :glossary epoch
        >>> :glossario taxa de aprendizado
    """
    from .. import glossary
    terms = glossary.load()
    language = get_language()
    if not args.term:
        rows = [[t.course, t.micrograd, t.pytorch, t.meaning[language]] for t in terms]
        emit.table([_("course"), "micrograd", "PyTorch", _("meaning")], rows)
        return
    text = " ".join(args.term)
    matches, suggestions = glossary.find(text, terms)
    if not matches:
        hint = (" " + _("Did you mean {names}?").format(names=", ".join(suggestions))) if suggestions else ""
        raise CommandError(_("'{term}' is not in the glossary.").format(term=text) + hint
                           + " " + _("Type :glossary to see every word."))
    for term in matches:
        emit.text("\n".join([
            f"{term.course} — {term.meaning[language]}",
            f"  {_('course')}: {term.course}",
            f"  micrograd: {term.micrograd}",
            f"  PyTorch: {term.pytorch}",
            f"  valorrepl: {term.valorrepl}",
        ]))


@hookimpl
def register_commands(registry):
    registry.add(glossary_command)
