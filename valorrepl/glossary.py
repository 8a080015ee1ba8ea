"""The glossary: the course's words beside micrograd's and PyTorch's, found by any of their names."""

import difflib
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GLOSSARY_FILE = Path(__file__).with_name("glossary.toml")
NAME_FIELDS = ("course", "micrograd", "pytorch", "valorrepl")


@dataclass(frozen=True)
class Term:
    id: str
    course: str
    micrograd: str
    pytorch: str
    valorrepl: str
    meaning: dict          # language → one line
    also: tuple = ()

    def names(self):
        """Every name that finds this entry (each field's parts split at ' / ')."""
        names = [self.id]
        for value in [getattr(self, f) for f in NAME_FIELDS] + list(self.also):
            names += [part for part in value.split(" / ")]
        return names


def normalise(text):
    """Lower case, no accents, no call parentheses or outer punctuation: 'Época' → 'epoca'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return text.replace("()", "").strip(" .:`'\"").replace("_", " ").replace("-", " ")


def load(path=GLOSSARY_FILE):
    entries = tomllib.loads(Path(path).read_text(encoding="utf-8"))["term"]
    return [Term(e["id"], e["course"], e["micrograd"], e["pytorch"], e["valorrepl"],
                 {"pt": e["pt"], "en": e["en"]}, tuple(e.get("also", ()))) for e in entries]


def find(term, terms=None):
    """(matches, suggestions): entries named exactly `term`; else entries whose names contain it;
    else close names to suggest."""
    terms = terms if terms is not None else load()
    wanted = normalise(term)
    exact = [t for t in terms if wanted in {normalise(n) for n in t.names()}]
    if exact:
        return exact, []
    partial = [t for t in terms if any(wanted in normalise(n) for n in t.names())] if len(wanted) > 2 else []
    if partial:
        return partial, []
    every = {normalise(n): n for t in terms for n in t.names()}
    return [], [every[n] for n in difflib.get_close_matches(wanted, every, n=3, cutoff=0.6)]
