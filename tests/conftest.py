import os

import pytest

# tests never read a learner's real files or installed third-party plugins
os.environ["VALORREPL_DISABLE_PLUGIN_AUTOLOAD"] = "1"


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("VALORREPL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VALORREPL_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from valorrepl.i18n import set_language
    set_language("en")
    yield


@pytest.fixture
def session():
    from valorrepl.session import Session
    return Session(language="en")


class Transcript:
    """Runs inputs through a session and keeps every reply."""

    def __init__(self, session):
        self.session, self.replies = session, []

    def __call__(self, text):
        start = len(self.replies)
        self.outcome = self.session.run(text, self.replies.append)
        return "\n".join(r.text for r in self.replies[start:])

    def kinds(self):
        return [r.kind for r in self.replies]


@pytest.fixture
def run(session):
    return Transcript(session)
