"""Plugins: built-ins registered like third parties, files, folders, entry points, and failures.

The sample plugins are in tests/fixtures/plugins/: good.py adds one of everything; the others
are broken in one way each. The example package plugins/valorrepl-example is installed into a
fresh virtual environment and used through a real `valorrepl`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from valorrepl import hookspecs, plugins
from valorrepl.session import Session

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).with_name("fixtures") / "plugins"
EXAMPLE = ROOT / "plugins" / "valorrepl-example"


def fixture(name):
    return str(FIXTURES / f"{name}.py")


def start(*files, **settings):
    return Session(language="en", plugin_files=[fixture(name) for name in files], **settings)


def table_row(listing, start):
    """A table row that starts so, with the lines its long last cell goes on over, as one line."""
    lines = listing.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(start))
    row = [lines[at]]
    for line in lines[at + 1:]:
        if not line.startswith(" "):
            break
        row.append(line.strip())
    return " ".join(row)


def say(session, text):
    replies = []
    outcome = session.run(text, replies.append)
    return "\n".join(reply.text for reply in replies), outcome


def failures(session):
    return [str(failure) for failure in session.plugin_failures]


def valorrepl_env(home, **more):
    env = {k: v for k, v in os.environ.items() if k != "VALORREPL_DISABLE_PLUGIN_AUTOLOAD"}
    env.update(VALORREPL_HOME=str(home), LANG="C.UTF-8", **more)
    env.pop("VALORREPL_LANG", None)
    return env


# ---- built-ins travel the same road ----

def test_built_ins_are_plugins_and_plugins_lists_them(run):
    text = run(":plugins")
    for name in plugins.DEFAULT_PLUGINS:
        assert name in text
    assert "valorrepl.commands.grad" in text and "built-in" in text and ":grad" in text
    train = table_row(text, "valorrepl.commands.train")   # its long last cell goes on below
    assert "0.1.0" in train and "data sets: course, xor, moons, circles, penguins" in train
    assert "Failed" not in text


def test_every_hook_is_documented_in_the_guide():
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for hook in plugins.hook_names():
        assert f"`{hook}(" in guide, hook
        assert getattr(hookspecs, hook).__doc__, hook


# ---- a single file, by flag, by command, and from folders ----

def test_a_plugin_file_adds_a_command_a_data_set_a_check_and_lessons():
    session = start("good")
    assert failures(session) == []
    assert say(session, ":hello")[0] == "hello, world!"
    assert say(session, ":ola mundo")[0] == "hello, mundo!"       # its alias
    assert say(session, "greeting")[0] == "'hello'"               # its session_started ran
    assert "tiny" in session.datasets and "is_positive" in session.checks
    assert FIXTURES / "lessons" in session.lesson_dirs
    assert session.commands.get("hello").complete(session, "mu") == ["mundo"]
    trained, outcome = say(session, ":train tiny --epochs 2 --layers 1")
    assert outcome.ok and "Final loss" in trained
    listing = say(session, ":plugins")[0]
    row = table_row(listing, "good ")
    assert "2.5" in row and ":hello" in row and "tiny" in row and "is_positive" in row
    full = say(session, ":plugins good")[0]
    assert fixture("good") in full and str(FIXTURES / "lessons") in full and "checks: is_positive" in full


def test_a_plugins_command_completes_like_a_built_in():
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from valorrepl.repl.completer import ValorCompleter

    completer = ValorCompleter(start("good"))

    def complete(text):
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

    assert "hello" in complete(":hel") and "ola" in complete(":ol")
    assert complete(":hello mu") == ["mundo"]
    assert "tiny" in complete(":train ti")
    assert complete(":plugin lo") == ["load"]


def test_plugin_load_command(run, session):
    loaded = run(f":plugin load {fixture('good')}")
    assert loaded.startswith(f"Loaded plugin good from {fixture('good')}.") and ":hello" in loaded
    assert run(":hello") == "hello, world!" and run("greeting") == "'hello'"
    again = run(f":plugin carregar {fixture('good')}")            # the same file again: a fresh copy
    assert again.startswith("Loaded plugin good") and run.outcome.ok
    assert list(session.plugins).count("good") == 1
    twin = run(f":plugin load {fixture('twin')}")
    assert not run.outcome.ok
    assert twin.startswith("Plugin not loaded: twin") and ":hello is added by both good and twin" in twin
    assert run(":hello") == "hello, world!"                          # the first keeps it, and says so
    run(f":plugin load {fixture('raises_in_hook')}")
    assert not run.outcome.ok and "RuntimeError: broken on purpose" in run(":tb")
    assert "no such file" in run(":plugin load nowhere.py")
    assert "ending in .py" in run(f":plugin load {FIXTURES / 'lessons'}")
    assert "invalid choice" in run(":plugin unload x.py")


def test_plugins_dir_and_the_users_plugins_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(fixture("good"), folder / "good.py")
    (folder / "_helper.py").write_text("raise RuntimeError('files starting with _ are not plugins')\n")
    session = Session(language="en", plugin_dirs=[str(folder)])
    assert failures(session) == [] and "good" in session.plugins

    from valorrepl.paths import config_dir
    (config_dir() / "plugins").mkdir(parents=True)
    shutil.copy(fixture("good"), config_dir() / "plugins" / "good.py")
    assert "good" in Session(language="en").plugins
    assert "good" not in Session(language="en", load_plugins=False).plugins   # --no-plugins
    missing = Session(language="en", plugin_dirs=[str(tmp_path / "nowhere")])
    assert any("no such folder" in line for line in failures(missing))


# ---- failures: reported once, by name, with the reason; the rest works ----

BROKEN = {
    "broken_import": "ModuleNotFoundError: No module named 'valorrepl_no_such_module'",
    "raises_in_hook": "in register_commands: RuntimeError: broken on purpose",
    "bad_signature": "PluginValidationError: Plugin 'bad_signature' for hook 'register_commands'",
    "unknown_hook": "'register_command', which is not a valorrepl hook",
    "fails_at_start": "in session_started: KeyError: 'no_such_setting'",
    "exits": "SystemExit: leaving",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_plugin_is_reported_and_the_rest_works(name):
    session = start(name, "good")
    [line] = failures(session)
    assert line.startswith(f"{name} ({fixture(name)})") and BROKEN[name] in line and "\n" not in line
    assert name not in session.plugins and "good" in session.plugins
    assert say(session, ":hello")[0] == "hello, world!"
    assert say(session, "a = 2\nb = a * a\n:grad b")[1].ok
    assert ":late" not in say(session, ":plugins")[0]        # fails_at_start's command went with it
    assert line in say(session, ":plugins")[0]


def test_pluggy_names_the_bad_signature_and_a_typo_gets_a_suggestion():
    session = start("bad_signature", "unknown_hook")
    bad, typo = failures(session)
    assert "register_commands(registry, colour)" in bad and "'colour'" in bad
    assert "Did you mean register_commands?" in typo


def test_conflicts_name_both_plugins_and_leave_nothing_half_registered():
    session = start("good", "twin", "half", "twin_check")
    twin, half, check = failures(session)
    assert ":hello is added by both good and twin" in twin
    assert "data set course is added by both valorrepl.commands.train and half" in half
    assert "check is_positive is added by both good and twin_check" in check
    assert say(session, ":hello")[0] == "hello, world!"
    assert "unknown command :half" in say(session, ":half")[0]
    assert "halfdata" not in session.datasets and session.datasets["course"].__module__ == "valorrepl.data"
    assert session.checks["is_positive"].__module__ == "valorrepl_plugin_good"
    assert {"twin", "half", "twin_check"}.isdisjoint(session.plugins)
    assert {"twin", "half", "twin_check"}.isdisjoint(name for name, _ in session.manager.list_name_plugin())


def test_two_files_with_the_same_name(tmp_path):
    other = tmp_path / "good.py"
    other.write_text("")
    session = Session(language="en", plugin_files=[fixture("good"), str(other)])
    [line] = failures(session)
    assert f"a plugin named good is already loaded from {fixture('good')}" in line and str(other) in line


def test_a_hook_that_raises_on_each_input_is_reported_once():
    session = start("after_run_raises")
    first, outcome = say(session, "1 + 1")
    assert "2" in first and outcome.ok
    assert "Plugin after_run_raises failed in after_run: ValueError: cannot judge this" in first
    assert say(session, "2 + 2")[0] == "4"
    assert failures(session) == [f"after_run_raises ({fixture('after_run_raises')}) in after_run: "
                                 "ValueError: cannot judge this"]


def test_portuguese_plugin_messages(session):
    from valorrepl.i18n import set_language
    set_language("pt")
    try:
        text = say(session, ":plugins")[0]
        assert "embutido" in text and "conjuntos de dados: course" in " ".join(text.split())
        session.run(f":plugin load {fixture('half')}")
        assert ("valorrepl.commands.train e half acrescentam o mesmo nome: course (conjunto de dados)"
                in failures(session)[0])
    finally:
        set_language("en")


# ---- the real valorrepl ----

def test_no_plugins_and_plugin_flags_in_a_real_run(tmp_path):
    from valorrepl.paths import config_dir
    (config_dir() / "plugins").mkdir(parents=True)
    shutil.copy(fixture("good"), config_dir() / "plugins" / "good.py")
    env = valorrepl_env(os.environ["VALORREPL_HOME"])

    def valorrepl(*args, text=":hello\n"):
        return subprocess.run([sys.executable, "-m", "valorrepl", *args], input=text, capture_output=True,
                              text=True, env=env, timeout=60)

    assert valorrepl().stdout.strip() == "hello, world!"
    quiet = valorrepl("--no-plugins")
    assert "unknown command :hello" in quiet.stderr
    chosen = valorrepl("--no-plugins", "--plugin", str(ROOT / "plugins" / "zero_grad.py"),
                       text="a = 2\nb = a*a\n:grad b\n:zero b\na.grad\n")
    assert chosen.returncode == 0 and "2 gradients set to 0 in the graph of b." in chosen.stdout
    assert chosen.stdout.strip().endswith("0.0")


def test_the_repl_starts_beside_broken_plugins(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = valorrepl_env(tmp_path / "home", TERM="xterm", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "valorrepl", "--plugins-dir", str(FIXTURES)], env=env,
                          encoding="utf-8", timeout=30, dimensions=(40, 200), cwd=str(ROOT))
    try:
        child.expect(">>>")
        started = child.before
        for name, reason in BROKEN.items():
            assert started.count(f"Plugin not loaded: {name} (") == 1, name
            assert reason in started
        assert ":hello is added by both good and twin" in started
        child.sendline(":hello")
        child.expect("hello, world!")
        child.sendline("6 * 7")
        child.expect("42")
        child.sendline(":quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def test_the_example_lesson_passes_lessons_check():
    lessons = EXAMPLE / "valorrepl_example" / "lessons"
    done = subprocess.run([sys.executable, "-m", "valorrepl", "lessons", "check", str(lessons)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def _fresh_venv(tmp_path):
    """A new virtual environment with valorrepl and the example plugin installed from copies of
    their sources (their dependencies come from the running environment's site-packages)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    import sysconfig
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    project, example = tmp_path / "valorrepl-src", tmp_path / "example-src"
    shutil.copytree(ROOT / "valorrepl", project / "valorrepl", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(EXAMPLE, example, ignore=skip)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", str(project), str(example)],
                   check=True, capture_output=True, timeout=300)
    return venv


@pytest.mark.slow
def test_the_example_package_is_found_by_its_entry_point(tmp_path):
    venv = _fresh_venv(tmp_path)
    env = valorrepl_env(tmp_path / "home")
    env.pop("PYTHONPATH", None)        # only what is installed in the new environment

    def inside(program, *args, text):
        return subprocess.run([str(venv / "bin" / program), *args], input=text, capture_output=True,
                              text=True, env=env, timeout=120, cwd=str(tmp_path))

    where = inside("python", "-c", "import valorrepl, valorrepl_example; "
                   "print(valorrepl.__file__, valorrepl_example.__file__)", text="").stdout
    assert where.startswith(str(venv)) and " " + str(venv) in where         # not the working tree

    done = inside("valorrepl", text="a = 2\nb = -3\nc = a * b + a\n:ops c --leaves\n"
                                    ":train spiral --epochs 2\n:plugins example\n"
                                    ":lesson example-spiral\n:next\ns = spiral()\nlen(s)\n")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    out = done.stdout
    assert "nodes: 4 · operations: 2 · inputs: 2\na, b" in out                  # its command
    assert "Training MLP(2, [8, 8, 1]) on spiral: 60 samples" in out           # its data set
    assert "example 0.1.0 — package valorrepl-example 0.1.0" in out            # :plugins example
    assert "commands: :ops" in out and "data sets: spiral" in out
    [lessons] = venv.glob("lib/python*/site-packages/valorrepl_example/lessons")
    assert f"lessons: {lessons}" in out and (lessons / "spiral" / "lesson.toml").is_file()
    assert "Two spirals — step 2 of 5" in out and "60\n✓" in out            # its lesson, with its data

    portuguese = inside("valorrepl", "--lang", "pt", text=":ajuda operacoes\na = 2\n:operacoes a\n")
    assert "Conta as operações no grafo de um Valor." in portuguese.stdout     # its own catalog
    assert "lista também as entradas" in portuguese.stdout
    assert "nós: 1 · operações: 0" in portuguese.stdout

    assert "unknown command :ops" in inside("valorrepl", "--no-plugins", text=":ops c\n").stderr
