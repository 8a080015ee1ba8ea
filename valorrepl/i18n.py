"""Messages in the learner's language: `_()` over gettext catalogs (locale/<lang>/LC_MESSAGES).

The catalogs are kept as .po text and read directly, so no compile step is needed and a
teacher can fix a translation with any editor. English is the source language.
"""

import ast
import gettext
import os
import re
from pathlib import Path

__all__ = ["_", "N_", "set_language", "get_language", "detect_language", "LANGUAGES"]

LANGUAGES = ("en", "pt")
LOCALE_DIR = Path(__file__).with_name("locale")
_state = {"language": "en", "catalog": gettext.NullTranslations(), "plugin_folders": []}


class PoTranslations(gettext.NullTranslations):
    """A gettext catalog read from .po files (msgid / msgstr pairs, no plural forms).

    Every .po file of a language's folder is read, so each part of valorrepl (and each plugin
    that ships a catalog) keeps its messages in a file of its own.
    """

    def __init__(self, paths):
        super().__init__()
        self.messages = {}
        for path in paths:
            self.messages.update(parse_po(Path(path).read_text(encoding="utf-8")))

    def gettext(self, message):
        return self.messages.get(message) or message


def parse_po(text):
    """msgid → msgstr from the text of a .po file; untranslated and fuzzy entries are left out."""
    messages, entry, key, fuzzy = {}, {}, None, False

    def finish():
        if entry.get("msgid") and entry.get("msgstr") and not fuzzy:
            messages[entry["msgid"]] = entry["msgstr"]

    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line:
            finish()
            entry, key, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            if line.startswith("msgid ") and "msgstr" in entry:
                finish()
                entry, fuzzy = {}, False
            key, _, rest = line.partition(" ")
            entry[key] = _unquote(rest)
        elif line.startswith('"') and key:
            entry[key] += _unquote(line)
    return messages


_ESCAPE = re.compile(r'\\(["\\nt])')
_ESCAPED = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def _unquote(literal):
    """The text of a quoted .po string. The usual escapes (\\" \\\\ \\n \\t) are undone here;
    anything else goes to ast.literal_eval, which is exact but made reading the Portuguese
    catalogs a twentieth of every start-up."""
    literal = literal.strip()
    body = literal[1:-1]
    well_formed = len(literal) >= 2 and literal[0] == literal[-1] == '"'
    if well_formed and not re.search(r'["\\]', _ESCAPE.sub("", body)):   # only the usual escapes
        return _ESCAPE.sub(lambda match: _ESCAPED[match.group(1)], body)
    return ast.literal_eval(literal)


def detect_language(requested=None, environ=os.environ):
    """--lang first, then VALORREPL_LANG, then the locale; English when none is known."""
    candidates = [requested, environ.get("VALORREPL_LANG")]
    candidates += [environ.get(name) for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")]
    for candidate in candidates:
        if candidate:
            code = candidate.replace("-", "_").split("_")[0].split(".")[0].split(":")[0].lower()
            if code in LANGUAGES:
                return code
            if candidate in (requested, environ.get("VALORREPL_LANG")):
                continue
    return "en"


def set_language(language):
    language = language if language in LANGUAGES else "en"
    files = sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))
    catalog = PoTranslations(files) if files else gettext.NullTranslations()
    _state.update(language=language, catalog=catalog)
    for folder in _state["plugin_folders"]:   # plugins' catalogs follow a change of language
        _merge(folder)
    return language


def add_catalog(folder):
    """Merge a plugin's own catalogs (folder/<lang>/LC_MESSAGES/*.po) into the current language,
    and again whenever the language changes."""
    if folder not in _state["plugin_folders"]:
        _state["plugin_folders"].append(folder)
    _merge(folder)


def _merge(folder):
    catalog = _state["catalog"]
    files = sorted((Path(folder) / _state["language"] / "LC_MESSAGES").glob("*.po"))
    if files and isinstance(catalog, PoTranslations):
        # what is translated already keeps its words: a plugin adds messages, it cannot change valorrepl's
        for message, translation in PoTranslations(files).messages.items():
            catalog.messages.setdefault(message, translation)
    elif files:
        _state["catalog"] = PoTranslations(files)


def source_messages(package_dir=Path(__file__).parent):
    """Every literal message given to _() or N_() in the package's code, with where it is."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(package_dir.parent)}:{node.lineno}")
    return found


def missing_translations(language="pt", extra=()):
    """Messages of the code (and `extra` ones, such as command summaries) with no translation."""
    files = sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))
    known = PoTranslations(files).messages if files else {}
    wanted = dict(source_messages())
    wanted.update({message: "(registered at run time)" for message in extra if message})
    return {message: where for message, where in wanted.items() if message not in known}


def get_language():
    return _state["language"]


def _(message):
    """The message in the current language."""
    return _state["catalog"].gettext(message)


def N_(message):
    """Marks a message for translation where it is defined; `_()` translates it where shown."""
    return message
