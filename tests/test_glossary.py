import pytest

from valorrepl import glossary
from valorrepl.i18n import set_language

TERMS = glossary.load()


def test_required_entries_are_there():
    ids = {t.id for t in TERMS}
    assert {"value", "backward", "parameters", "epoch", "learning-rate", "loss", "bias", "weights"} <= ids
    for term in TERMS:
        assert term.meaning["pt"] and term.meaning["en"] and term.meaning["pt"] != term.meaning["en"]


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.id)
def test_every_name_finds_its_entry(term):
    for name in term.names():
        matches, _ = glossary.find(name, TERMS)
        assert term in matches, name


@pytest.mark.parametrize("query, expected", [
    ("Época", "epoch"), ("epoca", "epoch"), ("taxa de aprendizado", "learning-rate"),
    ("loss.backward()", "backward"), ("model.parameters()", "parameters"), ("viés", "bias"),
    ("nn.MSELoss", "loss"), ("Value", "value"), ("tensor", "value"), ("lr", "learning-rate"),
])
def test_search_by_any_name_in_either_language(query, expected):
    matches, _ = glossary.find(query, TERMS)
    assert expected in [t.id for t in matches]


def test_glossary_command_in_both_languages(run):
    out = run(":glossary learning rate")
    assert "taxa de aprendizado" in out and "lr" in out and "size of the step" in out
    set_language("pt")
    try:
        out = run(":glossario época")
        assert "passada completa" in out
        assert "não está no glossário" in run(":glossario epocx") and "Você quis dizer" in run(":glossario epocx")
    finally:
        set_language("en")
    assert "meaning" in run(":glossary")
