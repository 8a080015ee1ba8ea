"""Highlighting of the input: Python through pygments, `:command` lines lexed apart.

A command line is coloured from the registry: its name (red when no command has it), its
options and its arguments; every other line is Python. (As ptpython lexes `!shell` lines apart.)
"""

import re

from prompt_toolkit.lexers import Lexer, PygmentsLexer

WORD = re.compile(r"\s+|\"[^\"]*\"?|'[^']*'?|\S+")


class ValorLexer(Lexer):
    def __init__(self, session):
        self.session = session
        self._python = None

    @property
    def python(self):
        # pygments compiles the Python lexer's patterns when it is first made (~50 ms, as much as
        # the rest of valorrepl's start-up): made at the first Python typed, not before the prompt
        if self._python is None:
            from pygments.lexers.python import PythonLexer
            self._python = PygmentsLexer(PythonLexer)
        return self._python

    def lex_document(self, document):
        lines = document.lines
        python_line = None

        def get_line(number):
            nonlocal python_line
            try:
                line = lines[number]
            except IndexError:
                return []
            if line.lstrip().startswith(":"):
                return lex_command(line, self.session)
            if not line.strip():
                return [("", line)] if line else []
            if python_line is None:
                python_line = self.python.lex_document(document)
            return python_line(number)

        return get_line


def lex_command(line, session):
    """(style, text) fragments of one `:command` line."""
    indent = line[:len(line) - len(line.lstrip())]
    name, rest = _split_name(line.lstrip()[1:])
    cmd = _find(session, name)
    known = cmd is not None or not name
    fragments = [("", indent), ("class:command" if known else "class:command.unknown", ":" + name)]
    flags = set(cmd.option_flags()) if cmd is not None else set()
    for match in WORD.finditer(rest):
        word = match.group()
        if word.isspace():
            fragments.append(("", word))
        elif word.startswith("-") and not is_number(word):
            known_flag = not flags or word.split("=")[0] in flags
            fragments.append(("class:command.option" if known_flag else "class:command.unknown", word))
        elif word[:1] in "\"'":
            fragments.append(("class:pygments.literal.string", word))
        elif is_number(word):
            fragments.append(("class:pygments.literal.number", word))
        else:
            fragments.append(("class:command.argument", word))
    return fragments


def _split_name(text):
    for index, char in enumerate(text):
        if char.isspace():
            return text[:index], text[index:]
    return text, ""


def _find(session, name):
    try:
        return session.commands.names.get(name)
    except Exception:  # a broken registry must not break typing
        return None


def is_number(word):
    try:
        float(word)
    except ValueError:
        return False
    return True
