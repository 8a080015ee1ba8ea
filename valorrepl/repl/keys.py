"""Keys of the input line: Enter that knows when a block goes on, auto-indent, Tab and Backspace
in indentation. Ctrl-C (clear), Ctrl-D (quit on an empty line) and Ctrl-R (search the history)
are prompt_toolkit's own."""

from prompt_toolkit.completion import CompleteEvent, get_common_complete_suffix
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_focus
from prompt_toolkit.key_binding import KeyBindings

from ..lines import is_command, is_complete, opens_block

INDENT = "    "
DEDENT_AFTER = ("return", "pass", "break", "continue", "raise")


def needs_more(text):
    """Enter continues the input while it is an unfinished statement or block.

    A block (`def`, `for`…) ends at an empty line, as in Python's own REPL; a bracket left
    open continues; a pasted run of whole statements is complete as it is.
    """
    if is_command(text):
        return False
    lines = text.split("\n")
    if not lines[-1].strip():
        return not is_complete(text.rstrip() + "\n\n")
    if any(opens_block(line) for line in lines):
        return True
    return not is_complete(text)


def _needs_more(text):
    try:
        return needs_more(text)
    except Exception:     # whatever the reason, running the input shows it: Enter must never fail
        return False


def next_indent(line):
    """The indentation for the line after `line`."""
    indent = line[:len(line) - len(line.lstrip())]
    words = line.split("#")[0].split()
    if opens_block(line):
        return indent + INDENT
    if words and words[0] in DEDENT_AFTER:
        return indent[:-len(INDENT)] if indent.endswith(INDENT) else ""
    return indent


def key_bindings():
    bindings = KeyBindings()
    in_main_buffer = has_focus(DEFAULT_BUFFER)

    @Condition
    def at_indentation():
        from prompt_toolkit.application import get_app
        before = get_app().current_buffer.document.current_line_before_cursor
        return before == "" or before.isspace()

    @bindings.add("enter", filter=in_main_buffer)
    def enter(event):
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None:
            buffer.complete_state = None
            if state.current_completion is not None:
                return   # Enter picks the highlighted completion; the next Enter runs the line
        document = buffer.document
        if "\n" in document.text and document.text_after_cursor.strip():
            # editing inside a block: Enter splits the line
            buffer.insert_text("\n" + next_indent(document.current_line_before_cursor))
        elif _needs_more(document.text):
            buffer.insert_text("\n" + next_indent(document.current_line))
        else:
            buffer.validate_and_handle()

    @bindings.add("escape", "enter", filter=in_main_buffer)
    def new_line(event):
        buffer = event.current_buffer
        buffer.insert_text("\n" + next_indent(buffer.document.current_line_before_cursor))

    @bindings.add("tab", filter=in_main_buffer & at_indentation)
    def indent(event):
        event.current_buffer.insert_text(INDENT)

    @bindings.add("tab", filter=in_main_buffer & ~at_indentation)
    def complete(event):
        # completes at once, rather than after the completion started while typing comes back:
        # a quick Tab, or keys pasted in a row, must find the same thing as a slow one
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is None and len(state.completions) == 1:
            buffer.apply_completion(state.completions[0])   # the menu shows one candidate: take it
            return
        if state is not None:
            buffer.complete_next()
            return
        asked = CompleteEvent(completion_requested=True)
        found = list(buffer.completer.get_completions(buffer.document, asked))
        if len(found) == 1:
            buffer.apply_completion(found[0])
            return
        common = get_common_complete_suffix(buffer.document, found) if found else ""
        if common:
            buffer.insert_text(common)
        buffer.start_completion(select_first=False)

    @bindings.add("s-tab", filter=in_main_buffer & at_indentation)
    @bindings.add("backspace", filter=in_main_buffer & at_indentation)
    def dedent(event):
        buffer = event.current_buffer
        before = buffer.document.current_line_before_cursor
        if not before:
            if event.key_sequence[0].key != "s-tab":
                buffer.delete_before_cursor(1)
            return
        buffer.delete_before_cursor(len(before) - (len(before) - 1) // len(INDENT) * len(INDENT))

    return bindings
