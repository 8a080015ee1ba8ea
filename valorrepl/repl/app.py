"""The REPL loop: a PromptSession that hands each input to the session and prints the replies."""

from prompt_toolkit import PromptSession
from prompt_toolkit.key_binding import KeyBindings

from ..i18n import _
from ..lines import is_command, is_complete, opens_block
from .printer import print_reply

PROMPT = ">>> "
CONTINUATION = "... "


def banner():
    return _("valorrepl — numbers here are Valors. Try: a = 2, b = -3, c = a * b, then :grad c or :draw c.\n"
             "Type :help for the commands, :quit or Ctrl-D to leave.")


def needs_more(text):
    """Enter continues the input while it is an unfinished statement or block."""
    if is_command(text):
        return False
    last = text.rsplit("\n", 1)[-1]
    if "\n" in text and last.strip():
        return True            # inside a block: an empty line ends it
    return opens_block(text) or not is_complete(text)


def key_bindings():
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event):
        buffer = event.current_buffer
        if needs_more(buffer.text):
            indent = "    " if opens_block(buffer.document.current_line) else ""
            current = buffer.document.current_line
            indent = current[:len(current) - len(current.lstrip())] + indent
            buffer.insert_text("\n" + indent)
        else:
            buffer.validate_and_handle()

    return bindings


def run_repl(session, input=None, output=None):
    """Read, run, print until :quit or Ctrl-D. Returns the exit status."""
    prompt = PromptSession(multiline=True, key_bindings=key_bindings(), input=input, output=output,
                           prompt_continuation=lambda width, line, soft: CONTINUATION)
    print_reply_to = lambda reply: print_reply(reply, output=output)  # noqa: E731
    from ..session import Reply
    print_reply_to(Reply("text", banner()))
    while True:
        try:
            text = prompt.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        if not text.strip():
            continue
        session.run(text, print_reply_to)
        if session.quit_requested:
            return 0
