""":vars, :reset, and :save / :load of a session as readable text."""

import subprocess
import sys

from valorrepl.i18n import set_language
from valorrepl.session import Session

WORK = [
    "a = 2",
    "b = -3",
    "def square_plus_one(x):\n    y = x * x\n\n    return y + 1",     # a blank line inside a block
    "c = square_plus_one(a) * b\n:grad c",
    "pairs = [(1,\n          2), (3, 4)]",                             # a bracket spanning lines
    "doc = '''two\n\nparagraphs'''",                                # a blank line that matters
    "for i in range(2):\n    b = b + 1",
]


def test_save_and_load_round_trip_through_a_file(run, tmp_path):
    for text in WORK:
        assert run(text) is not None and run.outcome.ok, text
    run("nothing_here")                                   # a failed input is not saved
    path = tmp_path / "work.txt"
    assert run(f":save {path}") == f"Inputs saved to {path}: {len(WORK)}."
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# valorrepl session saved ") and "a = 2\nb = -3\n" in text
    assert "nothing_here" not in text and ":save" not in text

    fresh = Session(language="en")
    replies = []
    outcome = fresh.run(f":load {path}", replies.append)
    # the input with a :grad line comes back as two inputs: Python, then the command
    assert outcome.ok and [r.text for r in replies] == [f"Loaded {path}: inputs run {len(WORK) + 1}, failed 0."]
    for name in ("a", "b", "c", "pairs", "doc"):
        old, new = run.session.namespace[name], fresh.namespace[name]
        assert repr(old) == repr(new), name
    assert fresh.namespace["c"].grad == 1.0 and fresh.namespace["a"].grad == -12.0   # :grad c ran
    assert fresh.namespace["doc"] == "two\n\nparagraphs"

    # saving the loaded session gives the same inputs again
    again = tmp_path / "again.txt"
    fresh.run(f":save {again}")
    def lines(text):
        return [line for line in text.splitlines()[1:] if line.strip()]
    assert lines(again.read_text(encoding="utf-8")) == lines(text)


def test_a_saved_file_runs_with_valorrepl_run(run, tmp_path):
    run("a = 2\nb = a * a")
    run(":grad b")
    path = tmp_path / "s.txt"
    run(f":save {path}")
    done = subprocess.run([sys.executable, "-m", "valorrepl", "run", str(path)], capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "VALORREPL_LANG": "en",
                                                      "VALORREPL_DISABLE_PLUGIN_AUTOLOAD": "1",
                                                      "VALORREPL_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    assert "Gradients of b" in done.stdout and "4.0000" in done.stdout


def test_load_reports_each_failure_on_one_line(run, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text("# a comment\na = 1\nzz + 1\n:grad a\n:gard a\n\nb = a * 2\n:load mixed.txt\n",
                    encoding="utf-8")
    run(f":load {path}")
    texts = [(r.kind, r.text) for r in run.replies]
    assert texts[0] == ("warning", f"Loaded {path}: inputs run 6, failed 3.")
    assert texts[1] == ("error", "line 3: NameError: name 'zz' is not defined")
    assert texts[2][1].startswith("line 5: unknown command :gard.")
    assert texts[3] == ("error", "line 8: :load cannot run inside a file that is being loaded")
    assert len(texts) == 4 and run.session.namespace["b"].data == 2.0


def test_missing_or_unreadable_files_give_one_clear_line(run, tmp_path):
    assert run(f":load {tmp_path / 'nope.txt'}") == f"cannot read {tmp_path / 'nope.txt'}: there is no such file"
    assert run(f":load {tmp_path}") == f"cannot read {tmp_path}: Is a directory"
    binary = tmp_path / "picture.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert run(f":load {binary}") == f"cannot read {binary}: it is not a text file"
    run("a = 2")
    target = tmp_path / "no" / "such" / "folder.txt"
    assert run(f":save {target}") == f"cannot write {target}: No such file or directory"
    assert run.kinds()[-1] == "error" and run.kinds().count("error") == 4


def test_nothing_to_save_and_reset_starts_the_saved_work_again(run, tmp_path):
    path = tmp_path / "s.txt"
    assert run(f":save {path}").startswith("Nothing to save yet")
    assert not path.exists()
    run("a = 2")
    assert run(":reset") == "A clean namespace: every variable is gone."
    assert "a" not in run.session.namespace
    run("b = 5")
    run(f":save {path}")
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["b = 5"]


def test_load_fresh_and_echo(run, tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("a = 3\na\n", encoding="utf-8")
    run("old = 1")
    out = run(f":load {path} --fresh --echo")
    assert out == f">>> a = 3\n>>> a\nValor(data=3.0, label='a')\nLoaded {path}: inputs run 2, failed 0."
    assert "old" not in run.session.namespace
    run(f":save {path}")
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["a = 3", "a"]


def test_vars_lists_valors_networks_and_data_sets(run):
    assert run(":vars") == "No variables yet: try a = 2"
    run("a = 2\nb = a * 3\nm = MLP(3, [3, 2, 1], seed=0)\nd = course_data()\nps = m.parameters()\nn = 7")
    table = next(r for r in reversed(run.replies) if r.kind == "table") if run(":vars") else None
    rows = {row[0]: row[1:] for row in table.data.rows}
    assert rows["a"] == ["Valor", "data 2, grad 0, a leaf"]
    assert rows["b"] == ["Valor", "data 6, grad 0, a graph of 3 nodes"]
    assert rows["m"] == ["MLP", "3 → [3, 2, 1], 23 parameters"]
    assert rows["d"] == ["Dataset", "4 samples, 3 features"]
    assert rows["ps"] == ["list", "23 Valors"]
    assert "n" in rows              # auto-Valor: n = 7 is a Valor too
    run(":auto off\nk = 7")
    run(":vars")
    assert "k" not in {row[0] for row in run.replies[-1].data.rows}


def test_portuguese_workspace_messages(run, tmp_path):
    set_language("pt")
    try:
        assert run(f":carregar {tmp_path / 'x.txt'}").endswith("o arquivo não existe")
        run("a = 2")
        assert run(f":salvar {tmp_path / 'x.txt'}") == f"Entradas salvas em {tmp_path / 'x.txt'}: 1."
        assert run(f":carregar {tmp_path / 'x.txt'}").endswith("entradas executadas 1, com falha 0.")
        assert "uma folha" in run(":variaveis")
    finally:
        set_language("en")


def test_file_names_complete(session, tmp_path, monkeypatch):
    folder = tmp_path / "here"
    (folder / "works").mkdir(parents=True)
    (folder / "work.txt").write_text("a = 2\n", encoding="utf-8")
    (folder / ".hidden").write_text("", encoding="utf-8")
    monkeypatch.chdir(folder)
    complete = session.commands.get("load").complete
    assert complete(session, "wo") == complete(session, "") == ["work.txt", "works/"]
    assert complete(session, ".h") == [".hidden"]
    assert complete(session, f"{folder}/work.") == [f"{folder}/work.txt"]
    assert complete(session, "nowhere/x") == []


def test_file_errors_in_the_learners_language(run, tmp_path):
    from valorrepl.i18n import set_language
    run("a = 2")
    set_language("pt")
    try:
        out = run(f":save {tmp_path / 'no' / 'such' / 'x.txt'}")
        assert "No such file" not in out and "não" in out
    finally:
        set_language("en")
