"""`:draw c` — the graph as text, as DOT source, as an SVG/PNG picture made by `dot`, or in
sentences (`--describe`)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option
from ..errors import CommandError
from ..session import Image
from .grad import complete_valors

INSTALL_HINT = "sudo apt-get install graphviz (Debian/Ubuntu) · sudo dnf install graphviz (Fedora) · " \
               "brew install graphviz (macOS) · winget install graphviz (Windows) · https://graphviz.org/download/"
FORMATS = ("text", "dot", "svg", "png")
SUFFIXES = {".txt": "text", ".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png"}
MIME = {"svg": "image/svg+xml", "png": "image/png"}

# valorrepl.draw and .graph are imported when a drawing is asked for, not at every start-up


@command("draw", aliases=("desenhar", "d"), complete=complete_valors, options=(
    option("target", help="the Valor whose graph to draw"),
    option("--format", "-f", choices=FORMATS, default=None,
           help="text (default), dot source, or a picture (svg, png)"),
    option("-o", "--output", metavar="FILE", help="write to FILE (the format follows its suffix)"),
    option("--full", action="store_true", help="draw every node, even of a big graph"),
    option("--open", action="store_true", help="open the picture in the system's viewer"),
    option("--describe", action="store_true", help="tell the graph in sentences"),
    option("--timeout", type=float, default=None, metavar="SECONDS",
           help="how long dot may take before the text drawing is shown instead"),
))
def draw_command(session, args, emit):
    """Draw the computational graph of a Valor.

    Big graphs (a network's loss) are drawn with one box per neuron or layer; --full draws every
    node. Pictures need the graphviz program `dot`.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = a * b
        >>> :draw c
        >>> :draw c --describe
    """
    from .. import draw
    from ..graph import walk

    root = session.lookup_valor(args.target, like=True)
    fmt = _chosen_format(args)
    graph = walk(root)
    if args.describe:
        emit.text(draw.describe(graph, full=args.full))
        if args.format is None and not args.output and not args.open:
            return
    if fmt == "text":
        if args.output:
            text = draw.text_drawing(graph, session.width, full=args.full)   # a file: UTF-8
            Path(args.output).write_text(text + "\n", encoding="utf-8")
            emit.text(_("Wrote {path}").format(path=args.output))
        else:
            emit.styled(draw.styled_drawing(graph, session.width, full=args.full, ascii_only=ascii_only()))
        return
    source = draw.dot_source(graph, full=args.full)
    if fmt == "dot":
        if args.output:
            Path(args.output).write_text(source, encoding="utf-8")
            emit.text(_("Wrote {path}").format(path=args.output))
        else:
            emit.text(source.rstrip("\n"))
        return
    _picture(session, args, emit, graph, source, fmt)


def _chosen_format(args):
    if args.format:
        return args.format
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix not in SUFFIXES:
            raise CommandError(_("cannot tell the format from '{suffix}': name the file .svg, .png, .dot or "
                                 ".txt, or give --format").format(suffix=suffix or args.output))
        return SUFFIXES[suffix]
    return "svg" if args.open else "text"


def _picture(session, args, emit, graph, source, fmt):
    from .. import draw

    timeout = draw.DOT_TIMEOUT if args.timeout is None else args.timeout
    summarised = not args.full and draw.needs_summary(graph)
    try:
        picture = draw.render(source, fmt, timeout=timeout)
    except draw.DotMissing:
        emit.warning(_("Pictures need the graphviz program `dot`, which is not installed. Install it with: "
                       "{hint}. Here is the text drawing:").format(hint=INSTALL_HINT))
        emit.styled(draw.styled_drawing(graph, session.width, ascii_only=ascii_only()))
        return
    except draw.DotTimeout:
        emit.warning(_("dot took longer than {seconds:g} s to lay out these {nodes} nodes; here is the text "
                       "drawing instead.").format(seconds=timeout, nodes=f"{len(graph.nodes):,}"))
        emit.styled(draw.styled_drawing(graph, session.width, ascii_only=ascii_only()))
        return
    except draw.DotFailed as error:
        raise CommandError(_("dot could not draw this graph: {error}").format(error=error)) from None
    if args.output:
        path = Path(args.output)
        path.write_bytes(picture)
    else:
        path = _save_picture(args.target, fmt, picture, emit)
    if args.output:
        lines = [_("Wrote {path}").format(path=path)]
        if summarised:
            lines.append(draw.summary_note(graph))
    else:
        # a terminal cannot show the picture: the reply's text is the drawing, and where it went
        lines = [draw.text_drawing(graph, session.width, ascii_only=ascii_only()),
                 _("Saved the picture as {path} (-o FILE chooses where, --open opens it)").format(path=path)]
    if args.open:
        lines.append(_("Opened it in the picture viewer.") if open_picture(path) else
                     _("No picture viewer found (xdg-open or open); open {path} yourself.").format(path=path))
    emit.image(Image(MIME[fmt], picture, str(path), draw.describe(graph)), "\n".join(lines))


def ascii_only():
    """True when standard output cannot encode the tree's lines (a terminal in the C locale)."""
    try:
        "├─│↑▶…×←·".encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def _save_picture(target, fmt, picture, emit):
    """Write the picture to the pictures folder, or, when that folder cannot be written (a
    read-only home, a bad VALORREPL_HOME), to the system's temporary folder, saying so."""
    import tempfile
    try:
        path = _picture_path(target, fmt)
        path.write_bytes(picture)
        return path
    except OSError as error:
        from ..paths import data_dir
        from ..session import os_error_text
        path = _picture_path(target, fmt, Path(tempfile.gettempdir()) / "valorrepl-pictures")
        path.write_bytes(picture)
        emit.warning(_("Cannot write to {folder} ({reason}); the picture went to {temp} instead.").format(
            folder=data_dir() / "pictures", reason=os_error_text(error), temp=path.parent))
        return path


def _picture_path(target, fmt, folder=None):
    """Where a picture goes when no -o is given: the learner's pictures folder, named after
    what was drawn (a terminal cannot show an SVG, so it must be somewhere to open)."""
    from ..paths import data_dir
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", target).strip("._") or "graph"
    folder = folder or data_dir() / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem[:60]}.{fmt}"


def open_picture(path):
    """Open a file in the system's viewer; False when there is none to ask."""
    if sys.platform == "win32":
        os.startfile(str(path))  # noqa: the one way to open a file on Windows
        return True
    viewer = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
    if viewer is None:
        return False
    subprocess.Popen([viewer, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)
    return True


@hookimpl
def register_commands(registry):
    registry.add(draw_command)
