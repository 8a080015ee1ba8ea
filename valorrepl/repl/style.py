"""Colours: one table for the input line (Python tokens, `:commands`) and for the replies.

Replies carry style classes (`grad.positive`, `muted`, `ok`…) and the printer adds `reply.<kind>`;
this module alone decides what they look like. Plain text never depends on these colours.
"""

from prompt_toolkit.styles import Style, merge_styles
from prompt_toolkit.styles.pygments import style_from_pygments_dict
from pygments.token import Token

# pygments tokens of the input line: few colours, all readable on dark and light backgrounds
PYTHON = {
    Token.Keyword: "ansimagenta bold",
    Token.Keyword.Constant: "ansimagenta",
    Token.Name.Builtin: "ansicyan",
    Token.Name.Function: "ansiblue bold",
    Token.Name.Class: "ansiblue bold",
    Token.Literal.Number: "ansiyellow",
    Token.Literal.String: "ansigreen",
    Token.Comment: "ansibrightblack italic",
    Token.Operator: "",
    Token.Error: "ansired underline",
}

CLASSES = {
    # the `:command` line
    "command": "ansicyan bold",
    "command.unknown": "ansired bold",
    "command.option": "ansiblue",
    "command.argument": "",
    # the prompt and the bottom toolbar
    "prompt": "ansigreen bold",
    "continuation": "ansibrightblack",
    "bottom-toolbar": "noreverse bg:ansibrightblack fg:ansiwhite",
    # replies
    "reply.error": "ansired",
    "reply.warning": "ansiyellow",
    "reply.progress": "ansicyan",
    "reply.image": "ansimagenta",
    "reply.table.title": "bold",
    "reply.table.header": "bold",
    "reply.table.rule": "ansibrightblack",
    "banner": "bold",
    "markdown.code": "ansicyan",
    "markdown.heading": "bold underline",
    # classes that commands put in Styled replies; gradients in the drawing's colour-blind-safe
    # blue (positive) and orange (negative) — the text always carries the sign as well
    "grad.positive": "#3a8fd9",
    "grad.negative": "#e6550d",
    "grad.zero": "ansibrightblack",
    "grad.large": "bold",
    "hint": "ansicyan",
    "muted": "ansibrightblack",
    "ok": "ansigreen bold",
    "error": "ansired bold",
    "warning": "ansiyellow",
    "highlight": "reverse",
    "node.current": "reverse bold",
}

# high contrast: bold, bright colours only, no dim grey, no italics
HIGH_CONTRAST_PYTHON = {
    Token.Keyword: "ansibrightmagenta bold",
    Token.Keyword.Constant: "ansibrightmagenta bold",
    Token.Name.Builtin: "ansibrightcyan bold",
    Token.Name.Function: "ansibrightcyan bold underline",
    Token.Name.Class: "ansibrightcyan bold underline",
    Token.Literal.Number: "ansibrightyellow bold",
    Token.Literal.String: "ansibrightgreen bold",
    Token.Comment: "bold",
    Token.Error: "ansibrightred bold underline",
}

HIGH_CONTRAST_CLASSES = {
    "command": "ansibrightcyan bold underline",
    "command.unknown": "ansibrightred bold underline",
    "command.option": "ansibrightyellow bold",
    "prompt": "ansibrightgreen bold",
    "continuation": "bold",
    "bottom-toolbar": "reverse bold",
    "completion-menu": "bg:ansiblack fg:ansiwhite bold",
    "completion-menu.completion.current": "reverse bold",
    "reply.error": "ansibrightred bold",
    "reply.warning": "ansibrightyellow bold",
    "reply.progress": "ansibrightcyan bold",
    "reply.image": "ansibrightmagenta bold",
    "reply.table.rule": "bold",
    "markdown.code": "ansibrightcyan bold",
    "grad.positive": "ansibrightblue bold",
    "grad.negative": "ansibrightyellow bold underline",
    "grad.zero": "bold",
    "muted": "",
    "ok": "ansibrightgreen bold",
    "error": "ansibrightred bold",
    "warning": "ansibrightyellow bold",
}


def make_style(high_contrast=False):
    """The prompt_toolkit Style for input and replies."""
    styles = [style_from_pygments_dict(PYTHON), Style.from_dict(CLASSES)]
    if high_contrast:
        styles += [style_from_pygments_dict(HIGH_CONTRAST_PYTHON), Style.from_dict(HIGH_CONTRAST_CLASSES)]
    return merge_styles(styles)
