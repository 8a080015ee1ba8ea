"""Rendering replies for a terminal: plain text for pipes, coloured text for a live terminal."""

from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText

STYLES = {"error": "ansired", "warning": "ansiyellow", "value": "", "progress": "ansicyan"}


def plain_text(reply):
    """What a reply says, with no colours or escape codes."""
    return reply.text


def print_reply(reply, output=None):
    style = STYLES.get(reply.kind, "")
    print_formatted_text(FormattedText([(style, reply.text)]), output=output)
