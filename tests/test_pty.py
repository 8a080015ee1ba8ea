"""The real `valorrepl` in a pseudo-terminal: typing, Tab, history across runs, Ctrl-C during
:train, Ctrl-D, and the terminals learners really have (dumb, 20 columns, no colour, no UTF-8).

Each test waits for an answer only the program can print (never text that the echo of the typed
line could contain) before it sends Ctrl-C, which is a signal only once the input runs.
"""

import os
import re
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

PROMPT = ">>> "
COLOUR = re.compile(r"\x1b\[([0-9;]*)m")


def spawn(tmp_path, *args, columns=80, **env):
    environment = dict(os.environ)
    environment.pop("NO_COLOR", None)
    environment.update(TERM="xterm-256color", LANG="C.UTF-8", HOME=str(tmp_path),
                       VALORREPL_HOME=str(tmp_path / "home"), PROMPT_TOOLKIT_NO_CPR="1")
    environment.update(env)
    child = pexpect.spawn(sys.executable, ["-m", "valorrepl", "--lang", "en", *args], env=environment,
                          encoding="utf-8", codec_errors="replace", dimensions=(24, columns), timeout=60)
    child.expect(PROMPT)
    return child


def type_line(child, line, *expected):
    """Type a line and Enter; wait for each expected text, then for the next prompt.
    Returns everything the terminal showed meanwhile."""
    child.send(line + "\r")
    shown = ""
    for text in expected:
        child.expect_exact(text)
        shown += child.before + child.after
    child.expect(PROMPT)
    return shown + child.before


def quit_with_ctrl_d(child):
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def colours(text):
    """SGR colour parameters (30–49, 90–107, 256-colour and RGB codes) found in terminal output."""
    found = []
    for parameters in COLOUR.findall(text):
        for code in filter(None, parameters.split(";")):
            if 30 <= int(code) <= 49 or 90 <= int(code) <= 107:
                found.append(code)
    return found


def test_start_type_run_and_ctrl_d_exits_0(tmp_path):
    child = spawn(tmp_path)
    assert ":help" in child.before
    type_line(child, "a = 2")
    type_line(child, "b = a * -3")
    type_line(child, ":grad b", "-3.0000")
    child.send("def twice(x):\r")      # a block goes on after Enter…
    child.expect_exact("... ")
    type_line(child, "return x * 2\r")    # …auto-indented, and an empty line ends it
    type_line(child, "twice(21) + 0.5", "42.5")
    assert quit_with_ctrl_d(child) == 0


def test_tab_completes_names_and_commands(tmp_path):
    child = spawn(tmp_path)
    type_line(child, "my_long_variable = 5")
    child.send("my_lo\t")
    child.expect_exact("ng_variable")       # the rest of the name, inserted by Tab
    type_line(child, "", "'my_long_variable'")
    child.send(":vari\t")
    child.expect_exact("aveis")
    type_line(child, "", "data 5, grad 0")
    assert quit_with_ctrl_d(child) == 0


def test_history_across_two_runs_and_reverse_search(tmp_path):
    first = spawn(tmp_path)
    type_line(first, "'hi' + 'story'", "'history'")
    assert quit_with_ctrl_d(first) == 0
    second = spawn(tmp_path)
    type_line(second, "'other' * 2", "'otherother'")
    second.send("\x12" + "'hi' +" + "\r")  # Ctrl-R finds the first run's input; Enter takes it…
    type_line(second, "", "'history'")     # …and Enter runs it
    assert quit_with_ctrl_d(second) == 0


def test_ctrl_c_stops_training_and_keeps_the_model(tmp_path):
    child = spawn(tmp_path)
    child.send(":train --epochs 100000\r")
    child.expect_exact("Training MLP")
    child.sendintr()
    child.expect(r"Stopped after (\d+) epochs")
    epochs = int(child.match.group(1))
    child.expect(PROMPT)
    type_line(child, f"len(losses) == {epochs}", "True")
    type_line(child, "type(model).__name__", "'MLP'")
    child.send("for i in range(10**12):\r")   # Python that would not end soon: Ctrl-C interrupts it
    child.expect_exact("... ")
    child.send("if i == 1: print('spin' + 'ning')\r\r")
    child.expect_exact("spinning")         # printed by the loop, so it runs: Ctrl-C is a signal now
    child.sendintr()
    child.expect_exact("Interrupted")
    child.expect(PROMPT)
    child.send("unfinished_input")         # Ctrl-C at the prompt clears the line
    child.sendintr()
    child.expect(PROMPT)
    type_line(child, "'ok' * 2", "'okok'")
    assert "NameError" not in child.before
    assert quit_with_ctrl_d(child) == 0


def test_ctrl_c_works_when_started_with_sigint_ignored(tmp_path):
    # started from a script in the background, a program inherits an ignored SIGINT
    environment = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", HOME=str(tmp_path),
                       VALORREPL_HOME=str(tmp_path / "home"), PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn("/bin/sh", ["-c", f"trap '' INT; exec {sys.executable} -m valorrepl --lang en"],
                          env=environment, encoding="utf-8", codec_errors="replace", timeout=60)
    child.expect(PROMPT)
    child.send("for i in range(10**12):\r")
    child.expect_exact("... ")
    child.send("if i == 1: print('spin' + 'ning')\r\r")
    child.expect_exact("spinning")         # the loop runs: Ctrl-C is a signal now
    child.sendintr()
    child.expect_exact("Interrupted")
    child.expect(PROMPT)
    assert quit_with_ctrl_d(child) == 0


def test_no_color_means_no_colour_codes(tmp_path):
    child = spawn(tmp_path, NO_COLOR="1")
    seen = child.before
    seen += type_line(child, "a = 2")
    # each reply's text comes whole: no code inside it
    seen += type_line(child, "a * b", "NameError: name 'b' is not defined")
    seen += type_line(child, ":grad a", "a         2.0000  1.0000")
    seen += type_line(child, ":nope", "unknown command :nope")
    assert quit_with_ctrl_d(child) == 0
    seen += child.before or ""
    assert colours(seen) == []
    coloured = spawn(tmp_path)                                # and without NO_COLOR, colour
    assert colours(type_line(coloured, "a * b", "NameError")) != []
    assert quit_with_ctrl_d(coloured) == 0


def test_dumb_terminal_gets_plain_lines(tmp_path):
    child = spawn(tmp_path, TERM="dumb")
    seen = child.before
    seen += type_line(child, "c = Valor(2.0) * 3")
    seen += type_line(child, ":grad c", "6.0000")
    seen += type_line(child, ":train --epochs 40", "Final loss")
    assert quit_with_ctrl_d(child) == 0
    assert "\x1b" not in seen and "epoch 40/40" in seen


def test_twenty_columns(tmp_path):
    child = spawn(tmp_path, "--high-contrast", columns=20)
    type_line(child, "c = Valor(2.0) * 3")
    type_line(child, ":grad c", "6.0000")
    type_line(child, ":train --epochs 40", "Final loss")
    type_line(child, ":help", "Type :help NAME")
    assert quit_with_ctrl_d(child) == 0


def test_a_locale_without_utf8(tmp_path):
    child = spawn(tmp_path, "--lang", "pt", LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    type_line(child, "a = 2")
    type_line(child, ":grad a", "2.0000")
    type_line(child, "print('ação', 'ok' * 2)", "a??o okok")   # typed in UTF-8, shown as it can be
    assert quit_with_ctrl_d(child) == 0
