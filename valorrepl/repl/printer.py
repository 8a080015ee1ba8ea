"""Rendering replies: coloured on a live terminal, plain text (no escape codes) everywhere else.

Colour only ever adds to the text: a reply printed plain says everything the coloured one says.
Progress replies update one line in place on a terminal that can return to the line start,
and come one per line where it cannot (dumb terminals, pipes).
"""

import re
import sys

INLINE = re.compile(r"(`[^`\n]+`|\*\*[^*\n]+\*\*)")
MAX_HIGHLIGHT = 5000      # longer values are printed without colouring their repr


def plain_text(reply):
    """What a reply says, with no colours or escape codes."""
    image = reply.data if reply.kind == "image" else None
    path = getattr(image, "path", "")
    if path and path not in reply.text:
        return f"{reply.text} ({path})" if reply.text else path
    return reply.text


def bar_cells(message, width):
    """How wide a progress bar fits beside `message` (0: none), leaving room for it to grow a little."""
    room = width - len(message) - 3 - 4
    return min(20, room) if room >= 5 else 0


def progress_line(progress, width, cells=None):
    """`[#####-----] epoch 50/100 …` cut to `width` columns; no bar when it does not fit."""
    message = progress.message or f"{progress.done}/{progress.total}"
    cells = bar_cells(message, width) if cells is None else cells
    if cells and progress.total:
        filled = max(0, min(cells, round(cells * progress.done / progress.total)))
        message = "[" + "#" * filled + "-" * (cells - filled) + "] " + message
    return message[:max(1, width)]


class Printer:
    """Prints replies. `output` is a prompt_toolkit Output for colour (None: plain text to
    `stream`); `live` lets progress update one line in place; `width()` gives the columns."""

    def __init__(self, stream=None, output=None, style=None, live=True, width=lambda: 80):
        self.stream = stream if stream is not None else sys.stdout
        self.output, self.style, self.live, self.width = output, style, live, width
        self._progress_width = 0      # >0 while a progress line is open (not ended by a newline)
        self._bar_cells = 0           # one bar width for a whole run of progress replies

    @property
    def color(self):
        return self.output is not None

    def __call__(self, reply):
        if reply.kind == "progress":
            self._progress(reply)
            return
        self.finish()
        self._write(self.fragments(reply) + [("", "\n")])

    def finish(self):
        """End a progress line left open, so the next output starts on a line of its own."""
        if self._progress_width:
            self._progress_width = 0
            self._write([("", "\n")])

    def fragments(self, reply):
        """(style, text) pairs for one reply; their texts joined are its plain text."""
        kind, text = reply.kind, plain_text(reply)
        styled = getattr(reply.data, "fragments", None)
        if styled is not None and kind in ("text", "warning", "error"):
            return [(_style_classes(style), str(piece)) for style, piece in styled]
        if kind == "text" and self.color and hasattr(reply.data, "source"):
            return _markdown(text)
        if kind in ("error", "warning", "image"):
            return [(f"class:reply.{kind}", text)]
        if kind == "value" and self.color and len(text) <= MAX_HIGHLIGHT:
            return _highlighted(text)
        if kind == "table" and reply.data is not None:
            return _table(text, bool(getattr(reply.data, "title", "")))
        return [("", text)]

    def _progress(self, reply):
        progress = reply.data
        if not self.live or progress is None:
            self._write([("class:reply.progress", plain_text(reply) or _progress_text(progress)), ("", "\n")])
            return
        width = max(1, self.width() - 1)   # never the last column: writing it wraps the line
        if not self._progress_width:
            self._bar_cells = bar_cells(progress.message or "", width)
        line = progress_line(progress, width, self._bar_cells)
        pad = " " * max(0, self._progress_width - len(line))  # spaces, not an erase code: plain stays plain
        # back to the line start; "[ZeroWidthEscape]" makes prompt_toolkit write the "\r" as it is
        self._write([("[ZeroWidthEscape]", "\r"), ("class:reply.progress", line), ("", pad)])
        self._progress_width = max(1, len(line))
        if progress.total and progress.done >= progress.total:
            self.finish()

    def _write(self, fragments):
        if self.output is not None:
            from prompt_toolkit import print_formatted_text
            from prompt_toolkit.formatted_text import FormattedText
            print_formatted_text(FormattedText(fragments), style=self.style, output=self.output, end="",
                                 include_default_pygments_style=False)
        else:
            self.stream.write("".join(text for _style, text in fragments))
            self.stream.flush()


def _style_classes(style):
    # "grad.positive" or "muted bold": style classes from the session, never raw colours
    names = [name for name in str(style or "").replace(",", " ").split() if name]
    return "class:" + ",".join(names) if names else ""


def _highlighted(text):
    from pygments import lex
    from pygments.lexers.python import PythonLexer
    from prompt_toolkit.formatted_text import PygmentsTokens, to_formatted_text
    fragments = to_formatted_text(PygmentsTokens(list(lex(text, PythonLexer()))))
    joined = "".join(piece for _style, piece in fragments)
    if joined.endswith("\n") and not text.endswith("\n"):   # pygments adds a final newline
        fragments = fragments[:-1] if fragments[-1][1] == "\n" else fragments
    return list(fragments) if "".join(p for _s, p in fragments) == text else [("", text)]


def _markdown(text):
    """A lesson's Markdown, lightly: indented code blocks highlighted as Python, `code` and
    headings marked; every character of the source is still printed (only **…** loses its stars)."""
    fragments, block = [], []

    def end_block():
        if block:
            fragments.extend(_highlighted("\n".join(block)) + [("", "\n")])
            block.clear()

    lines = text.split("\n")
    for index, line in enumerate(lines):
        after_blank = index == 0 or not lines[index - 1].strip() or block
        if line.startswith("    ") and after_blank:
            block.append(line)
            continue
        end_block()
        if line.lstrip().startswith("#"):
            fragments.append(("class:markdown.heading", line))
        else:
            for piece in INLINE.split(line):
                if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
                    fragments.append(("class:markdown.code", piece))
                elif piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
                    fragments.append(("bold", piece[2:-2]))
                else:
                    fragments.append(("", piece))
        fragments.append(("", "\n"))
    end_block()
    return fragments[:-1] if fragments and fragments[-1] == ("", "\n") else fragments


def _table(text, titled):
    lines = text.split("\n")
    styles = ["class:reply.table.title"] if titled else []
    styles += ["class:reply.table.header", "class:reply.table.rule"]
    fragments = []
    for index, line in enumerate(lines):
        style = styles[index] if index < len(styles) else ""
        fragments += [(style, line)] + ([("", "\n")] if index < len(lines) - 1 else [])
    return fragments


def _progress_text(progress):
    return "" if progress is None else f"{progress.done}/{progress.total}"
