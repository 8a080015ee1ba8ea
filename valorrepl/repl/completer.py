"""Completion: `:commands`, their options and arguments, names, attributes and file paths.

Everything a command can complete comes from its declaration in the registry (names, aliases,
option flags and choices, its `complete(session, word)` function), so a plugin's command
completes like a built-in. A failing completion shows nothing: it never breaks the input line.
"""

import builtins
import keyword
import os
import re

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from ..i18n import _
from .lexer import is_number

MAX_COMPLETIONS = 200
NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)$")
ATTRIBUTE = re.compile(r"(?<![\w.)\]])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$")
FILE_EXTENSION = re.compile(r"FILE\.(\w+)")
VALUELESS_ACTIONS = ("store_true", "store_false", "store_const", "count", "help", "version")
FILE_FLAGS = ("-o", "--output", "--file", "--plot")


class ValorCompleter(Completer):
    def __init__(self, session):
        self.session = session

    def get_completions(self, document, complete_event):
        try:
            found = []
            for completion in self._completions(document, complete_event):
                found.append(completion)
                if len(found) >= MAX_COMPLETIONS:
                    break
        except Exception:  # a learner's odd object or a plugin's bug: no menu rather than a crash
            return
        yield from found

    def _completions(self, document, event):
        line = document.current_line_before_cursor
        if line.lstrip().startswith(":"):
            yield from self._command_completions(line.lstrip()[1:], event)
        else:
            yield from self._python_completions(line, event)

    # -- :commands --

    def _command_completions(self, text, event):
        if not re.search(r"\s", text):
            yield from self._command_names(text)
            return
        name, rest = re.match(r"(\S*)(.*)", text, re.S).groups()
        cmd = self.session.commands.names.get(name)
        if cmd is None:
            return
        words = rest.split()
        current = "" if not rest or rest[-1].isspace() else words.pop()
        if current.startswith("-"):
            for opt in cmd.options:
                if opt.positional:
                    continue
                for flag in opt.flags:
                    if flag.startswith(current):
                        meta = _translated(opt.settings.get("help"))
                        yield Completion(flag, -len(current), display_meta=meta)
            return
        previous = _option_for(cmd, words[-1]) if words else None
        if previous is not None and _takes_value(previous):
            yield from self._values(previous, current)
            return
        positional = _next_positional(cmd, words)
        seen = set()
        if cmd.complete is not None:
            for candidate in cmd.complete(self.session, current) or ():
                candidate = str(candidate)
                if candidate.startswith(current) and candidate not in seen:
                    seen.add(candidate)
                    yield Completion(candidate, -len(current))
        if positional is not None:
            for completion in self._values(positional, current):
                if completion.text not in seen:
                    yield completion

    def _command_names(self, word):
        registry = self.session.commands
        canonical = sorted(registry.commands)
        aliases = sorted(name for name in registry.names if name not in registry.commands)
        for name in canonical + aliases:
            if name.startswith(word):
                cmd = registry.names[name]
                meta = _translated(cmd.summary) if name == cmd.name else "→ :" + cmd.name
                yield Completion(name, -len(word), display=":" + name, display_meta=meta)

    def _values(self, opt, current):
        choices = opt.settings.get("choices")
        if choices:
            for choice in choices:
                if str(choice).startswith(current):
                    yield Completion(str(choice), -len(current))
        elif _is_file(opt) or _looks_like_path(current):
            yield from paths(current, _extension(opt))

    # -- Python --

    def _python_completions(self, line, event):
        if _inside_comment(line):
            return
        string = _open_string(line)
        if string is not None:
            if string and (event.completion_requested or _looks_like_path(string)):
                yield from paths(string)
            return
        attribute = ATTRIBUTE.search(line)
        if attribute:
            yield from self._attributes(attribute.group(1), attribute.group(2))
            return
        match = NAME.search(line)
        word = match.group(1) if match else ""
        if not word or (len(word) < 2 and not event.completion_requested):
            return
        names = set(self.session.namespace) | set(dir(builtins)) | set(keyword.kwlist)
        for name in sorted(names, key=_public_first):
            if name.startswith(word) and name != word and (word.startswith("_") or not name.startswith("_")):
                yield Completion(name, -len(word), display_meta=_kind(self.session.namespace.get(name)))

    def _attributes(self, chain, word):
        value = self._resolve(chain)
        for name in sorted(dir(value), key=_public_first):
            if name.startswith(word) and (word.startswith("_") or not name.startswith("_")):
                yield Completion(name, -len(word))

    def _resolve(self, chain):
        # names and attributes only, never a call: completing `f().x` must not run f
        first, *rest = chain.split(".")
        if first in self.session.namespace:
            value = self.session.namespace[first]
        elif hasattr(builtins, first):
            value = getattr(builtins, first)
        else:
            raise LookupError(first)
        for part in rest:
            value = getattr(value, part)
        return value


def paths(word, extension=None):
    """File and folder names that complete `word` (folders always, files by extension if given)."""
    def wanted(name):
        return extension is None or os.path.isdir(name) or name.endswith("." + extension)

    completer = PathCompleter(expanduser=True, file_filter=wanted)
    for completion in completer.get_completions(Document(word, len(word)), CompleteEvent()):
        yield completion


def _option_for(cmd, word):
    flag = word.split("=")[0]
    for opt in cmd.options:
        if not opt.positional and flag in opt.flags:
            return None if "=" in word else opt
    return None


def _takes_value(opt):
    return opt.settings.get("action") not in VALUELESS_ACTIONS and opt.settings.get("nargs") != 0


def _next_positional(cmd, words):
    positionals = [opt for opt in cmd.options if opt.positional]
    taken, skip = 0, False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-") and not is_number(word):
            opt = _option_for(cmd, word)
            skip = opt is not None and _takes_value(opt)
        else:
            taken += 1
    for opt in positionals:
        if opt.settings.get("nargs") in ("*", "+", "..."):
            return opt
        if taken == 0:
            return opt
        taken -= 1
    return None


def _is_file(opt):
    text = f"{opt.settings.get('metavar') or ''} {opt.settings.get('help') or ''}"
    return "FILE" in text or any(flag in FILE_FLAGS for flag in opt.flags)


def _extension(opt):
    match = FILE_EXTENSION.search(f"{opt.settings.get('metavar') or ''} {opt.settings.get('help') or ''}")
    return match.group(1) if match and "|" not in match.group(0) else None


def _looks_like_path(word):
    return word.startswith(("/", "./", "../", "~")) or os.sep in word


def _inside_comment(line):
    quote = None
    for char in line:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return True
    return False


def _open_string(line):
    """The text of a string left open at the end of the line, or None."""
    quote, start = None, 0
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote, start = char, index + 1
    return line[start:] if quote else None




def _public_first(name):
    return (name.startswith("_"), name.lower())


def _kind(value):
    if value is None:
        return ""
    return type(value).__name__


def _translated(text):
    return _(text) if text else ""
