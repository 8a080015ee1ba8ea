"""`:draw c` — the graph as text, as DOT source, or as an SVG/PNG picture made by `dot`."""

from pathlib import Path

from .. import draw
from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option
from ..session import Image
from .grad import complete_valors

INSTALL_HINT = "sudo apt-get install graphviz (Debian/Ubuntu) · brew install graphviz (macOS) · " \
               "https://graphviz.org/download/ (Windows)"


@command("draw", aliases=("desenhar", "d"), complete=complete_valors, options=(
    option("target", help="the Valor whose graph to draw"),
    option("--format", "-f", choices=("text", "dot", "svg", "png"), default="text",
           help="text (default), dot source, or a picture"),
    option("-o", "--output", metavar="FILE", help="write the picture to FILE"),
))
def draw_command(session, args, emit):
    """Draw the computational graph of a Valor.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = a * b
        >>> :draw c
    """
    root = session.lookup_valor(args.target)
    fmt = args.format
    if args.output and fmt == "text":
        fmt = Path(args.output).suffix.lstrip(".").lower() or "svg"
        if fmt not in ("svg", "png", "dot"):
            fmt = "svg"
    if fmt == "text":
        emit.text(draw.text_drawing(root))
        return
    source = draw.dot_source(root)
    if fmt == "dot":
        if args.output:
            Path(args.output).write_text(source, encoding="utf-8")
            emit.text(_("Wrote {path}").format(path=args.output))
        else:
            emit.text(source)
        return
    try:
        picture = draw.render(source, fmt)
    except draw.DotMissing:
        emit.warning(_("Pictures need the graphviz program `dot`: {hint}. Here is the text drawing:")
                     .format(hint=INSTALL_HINT))
        emit.text(draw.text_drawing(root))
        return
    except draw.DotTimeout:
        emit.warning(_("dot took too long to lay out this graph; here is the text drawing."))
        emit.text(draw.text_drawing(root))
        return
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    path = ""
    if args.output:
        Path(args.output).write_bytes(picture)
        path = args.output
    emit.image(Image(mime, picture, path, draw.text_drawing(root)),
               _("Wrote {path}").format(path=path) if path else draw.text_drawing(root))


@hookimpl
def register_commands(registry):
    registry.add(draw_command)
