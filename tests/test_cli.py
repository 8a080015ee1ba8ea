import os
import subprocess
import sys
from pathlib import Path

import pytest

VALORREPL = [sys.executable, "-m", "valorrepl"]


def pipe(text, *args):
    env = dict(os.environ)
    return subprocess.run([*VALORREPL, *args], input=text, capture_output=True, text=True, env=env,
                          timeout=120)


def test_pipe_mode_answers_without_decoration():
    done = pipe("a = 2\nb = -3\nc = a*b\n:grad c\nc")  # no newline at the end
    assert done.returncode == 0 and "\x1b" not in done.stdout and ">>>" not in done.stdout
    assert "-6.0000" in done.stdout and done.stdout.rstrip().endswith("Valor(data=-6.0, grad=1.0, label='c')")


def test_pipe_mode_errors_go_to_stderr_and_it_goes_on():
    done = pipe("x\n:nope\n1 + 1\n")
    assert done.returncode == 0 and done.stdout.strip() == "2"
    assert "NameError: name 'x' is not defined" in done.stderr and "unknown command :nope" in done.stderr


def test_pipe_mode_answers_each_line_before_reading_the_next():
    proc = subprocess.Popen(VALORREPL, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        proc.stdin.write("a = 2\na * 3\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "Valor(data=6.0)"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0


def test_run_file(tmp_path):
    script = tmp_path / "lesson.txt"
    script.write_text("a = 2\ndef f(x):\n    return x * x\nb = f(a)\n:grad b\n")
    done = subprocess.run([*VALORREPL, "run", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "4.0000" in done.stdout
    missing = subprocess.run([*VALORREPL, "run", str(tmp_path / "none.txt")], capture_output=True, text=True)
    assert missing.returncode == 2 and "none.txt" in missing.stderr


@pytest.mark.dot
def test_draw_svg_with_the_real_dot(tmp_path):
    out = tmp_path / "c.svg"
    done = pipe(f"a = Valor(2.0, label='a<|>')\nb = -3\nc = a*b\n:grad c\n:draw c --format svg -o {out}\n")
    assert done.returncode == 0, done.stderr
    svg = out.read_text()
    assert svg.startswith("<?xml") and "a&lt;|&gt;" in svg and "data &#45;6.0000" in svg
    assert "grad &#45;3.0000" in svg
