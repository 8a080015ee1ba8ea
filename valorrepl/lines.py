"""Cutting a stream of typed lines into inputs: a command, a statement, or a whole block."""

import codeop

CONTINUATIONS = ("else", "elif", "except", "finally", "case")


def is_command(line):
    return line.lstrip().startswith(":")


def is_complete(source):
    """True when `source` is a whole statement (or broken beyond repair: running it shows why)."""
    try:
        return codeop.compile_command(source, "<input>", "exec") is not None
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return True


def opens_block(line):
    return line.split("#")[0].rstrip().endswith(":")


def inputs(lines, waiting=lambda: False):
    """Yield one input at a time from an iterable of lines, as soon as it is complete.

    A simple statement runs at once; a block (`def`, `for`, `class`…) ends at a blank line or at
    the next line that is not indented, as in a file; an open bracket continues the line.
    A blank line is skipped, unless `waiting()` says a command waits for Enter: then it is
    yielded as "" (asked as each line comes, since the caller runs each input before the next).
    """
    buffer = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if buffer:
            source = "\n".join(buffer)
            in_block = any(opens_block(b) for b in buffer)
            if in_block and not line.strip():
                yield source
                buffer = []
                continue
            starts_anew = (in_block and line[:1] not in (" ", "\t")
                           and not line.lstrip().startswith(CONTINUATIONS)
                           and is_complete(source + "\n"))
            if not starts_anew:
                buffer.append(line)
                if not in_block and not opens_block(line) and is_complete("\n".join(buffer)):
                    yield "\n".join(buffer)
                    buffer = []
                continue
            yield source
            buffer = []
        if not line.strip():
            if waiting():
                yield ""
            continue
        if is_command(line):
            yield line.strip()
        elif not opens_block(line) and is_complete(line):
            yield line
        else:
            buffer = [line]
    if buffer:
        yield "\n".join(buffer)
