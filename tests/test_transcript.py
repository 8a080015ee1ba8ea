"""`:transcript FILE`: the session so far as Markdown, lesson steps and verdicts included."""

import re
from pathlib import Path

import pytest

from valorrepl.i18n import set_language
from valorrepl.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


def session_with(*inputs, language="en"):
    session = Session(language=language, lesson_dirs=[FIXTURES / "good"])
    for text in inputs:
        session.run(text)
    return session


def transcript(session, path):
    replies = []
    session.run(f":transcript {path}", replies.append)
    return "\n".join(r.text for r in replies), path.read_text(encoding="utf-8")


def blocks(markdown):
    """The fenced blocks, in order: (language, text)."""
    return re.findall(r"^```(\w*)\n(.*?)\n```$", markdown, re.S | re.M)


def test_inputs_as_code_and_their_output(tmp_path):
    session = session_with("a = 2", "b = a * a", "b", "print('hello')", "1/0", ":vars")
    said, text = transcript(session, tmp_path / "t.md")
    assert said == f"Wrote 6 input(s) to {tmp_path / 't.md'}."
    assert blocks(text)[:7] == [
        ("python", "a = 2"), ("python", "b = a * a"), ("python", "b"),
        ("text", "Valor(data=4.0, label='b')"), ("python", "print('hello')"), ("text", "hello"),
        ("python", "1/0")]
    assert ("text", "ZeroDivisionError: division by zero") in blocks(text)
    assert ("", ":vars") in blocks(text)
    assert ":transcript" not in text


def test_lesson_steps_verdicts_and_enter_are_in_it(tmp_path):
    session = session_with(":lesson first", "", "x = 4", ":hint", "x = 5", "2", "1")
    _said, text = transcript(session, tmp_path / "lesson.md")
    assert "Hello! This is a new lesson." in text                  # step text, as prose
    assert "\n*(Enter)*\n" in text
    assert "\nMake a variable x that is 5.\n" in text
    assert "✗ Not yet: x should be 5, but it is 4." in text
    assert "Hint: Write x = 5" in text and "✓ Right!" in text
    assert "✗ Not yet: 2 is not the right choice." in text
    assert "Lesson finished!" in text
    assert text.index("it is 4") < text.index("Hint: Write") < text.index("✓ Right!")


def test_a_loaded_file_is_recorded_once(tmp_path):
    script = tmp_path / "work.txt"
    script.write_text("a = 3\nb = a + 1\n", encoding="utf-8")
    session = session_with(f":load {script}", "b")
    _said, text = transcript(session, tmp_path / "t.md")
    assert [b for b in blocks(text) if b[0] != "text"] == [("", f":load {script}"), ("python", "b")]
    assert "Valor(data=4.0, label='b')" in text


def test_output_holding_fences_stays_inside_its_block(tmp_path):
    session = session_with("print('```')")
    _said, text = transcript(session, tmp_path / "t.md")
    assert "````text\n```\n````" in text


@pytest.mark.dot
def test_pictures_are_told_in_words_with_their_file(tmp_path):
    picture = tmp_path / "b.svg"
    session = session_with("a = 2", "b = a * a", f":draw b --format svg -o {picture}")
    _said, text = transcript(session, tmp_path / "t.md")
    assert f"> **Picture (saved as {picture})**" in text and "b is a times a" in text
    assert "<svg" not in text


def test_portuguese_transcript(tmp_path):
    session = session_with("a = 2", language="pt")
    said, text = transcript(session, tmp_path / "t.md")
    assert said.startswith("Escrevi 1 entrada(s)") and text.startswith("# Sessão do valorrepl")
    replies = []
    session.run(f":transcricao {tmp_path / 'u.md'}", replies.append)
    assert (tmp_path / "u.md").is_file()


def test_an_unwritable_file_is_one_line(tmp_path):
    session = session_with("a = 2")
    replies = []
    outcome = session.run(f":transcript {tmp_path / 'no' / 'such' / 'folder.md'}", replies.append)
    assert not outcome.ok and replies[-1].text.startswith("cannot write")
