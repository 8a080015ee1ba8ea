"""Errors in the learner's language: option errors, number errors, CSV files, file errors, `run FILE`."""

import os
import subprocess
import sys

import pytest

from valorrepl.data import DataFormatError, load_csv
from valorrepl.i18n import set_language

VALORREPL = [sys.executable, "-m", "valorrepl"]


@pytest.fixture
def pt():
    set_language("pt")
    yield
    set_language("en")


def cli(*args, text="", env=None, cwd=None):
    environ = dict(os.environ, **(env or {}))
    return subprocess.run([*VALORREPL, *args], input=text, capture_output=True, text=True, env=environ,
                          timeout=120, cwd=cwd)


# ---- option errors ----

def test_option_errors_in_portuguese(run, pt):
    assert "faltam os argumentos: target" in run(":grad")
    assert "uso: :grad" in run(":grad")
    assert "required" not in run(":grad")
    assert "'abc' não é um valor int válido" in run(":train --epochs abc")
    assert "opção inválida: 'jpg'" in run("c = Valor(1)\n:draw c --format jpg")


def test_an_unknown_option_suggests_the_closest(run):
    text = run("c = Valor(1)\n:grad c --explian")
    assert "unrecognized arguments: --explian" in text and "Did you mean --explain?" in text


def test_option_errors_stay_english_in_english(run):
    assert "the following arguments are required: target" in run(":grad")
    assert "usage: :grad" in run(":grad")


# ---- Python's and the engine's errors ----

def test_engine_errors_in_portuguese(run, pt):
    assert "OverflowError: exp estoura para" in run("Valor(1000).exp()")
    assert "ZeroDivisionError: divisão por zero" in run("1/Valor(0)")
    assert "ValueError: log precisa de um número positivo" in run("Valor(-1).log()")


def test_common_python_errors_in_portuguese(run, pt):
    assert "NameError: o nome 'x' não está definido" in run("x + 1")
    assert "SyntaxError: sintaxe inválida" in run("1 +* 2")
    assert "TypeError: a operação + não vale entre 'int' e 'str'" in run("1 + 'a'")
    text = run("(0.5).tanh()")
    assert "AttributeError: o objeto 'float' não tem o atributo 'tanh'" in text and "Valor(0.5)" in text


def test_a_valor_method_on_a_plain_number_hints_at_valor(run):
    text = run("(0.5).tanh()")
    assert "'float' object has no attribute 'tanh'" in text and "wrap the number: Valor(0.5)" in text
    assert "wrap" not in run("(0.5).nothing")


def test_file_errors_in_portuguese(run, pt, tmp_path):
    assert "FileNotFoundError: arquivo ou pasta não encontrado" in run(f"open({str(tmp_path / 'x')!r})")
    assert "IsADirectoryError: é uma pasta" in run(f"open({str(tmp_path)!r})")


# ---- CSV files ----

def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_stray_word_in_a_column_of_numbers_names_file_line_and_column(tmp_path, run):
    path = write(tmp_path, "x1,x2,y\n1,2,3\n2,abc,4\n3,4,5\n")
    with pytest.raises(DataFormatError, match=r"data.csv:3:2: 'abc' in column 'x2' is not a number"):
        load_csv(path, "y")
    assert "data.csv:3:2" in run(f":train {path} --target y")
    assert run.outcome.status == "error"


@pytest.mark.parametrize("cell", ["1e400", "inf", "nan", "-inf"])
def test_a_number_that_is_not_finite_is_an_error(tmp_path, cell):
    path = write(tmp_path, f"x,y\n1,2\n{cell},3\n")
    with pytest.raises(DataFormatError, match=r"data.csv:3:1: .* is not a finite number"):
        load_csv(path)


def test_columns_without_numbers_and_missing_rows_are_told(tmp_path, run):
    path = write(tmp_path, "name,x1,x2,y\na,1,2,3\nb,2,NA,4\nc,3,4,5\nd,1,1,1\n")
    dataset = load_csv(path)
    assert dataset.features == ["x1", "x2"] and dataset.left_out == ["name"] and dataset.dropped == 1
    text = run(f":train {path} --epochs 2")
    assert "columns without numbers left out: name; 1 row(s) with missing values dropped." in text


def test_csv_messages_in_portuguese(tmp_path, run, pt):
    path = write(tmp_path, "x1,x2,y\n1,2,3\n2,abc,4\n")
    assert "'abc' na coluna 'x2' não é um número" in run(f":train {path}")
    path = write(tmp_path, "name,x,y\na,1,2\nb,2,\nc,3,1\n", "ok.csv")
    assert "colunas sem números deixadas de fora: name; 1 linha(s)" in run(f":train {path} --epochs 2")


def test_train_target_and_learning_rate_are_checked(run):
    assert "course has no column 'nope' to predict; its target is 'y'" in run(":train --target nope")
    assert "no column named 'nope'" in run(":train penguins --target nope")
    for lr in ("0", "-1", "nan", "inf"):
        assert "--lr must be a positive number" in run(f":train --lr {lr}")
        assert run.outcome.status == "error"


# ---- pictures when the pictures folder cannot be written ----

def test_draw_falls_back_to_the_temp_folder(run, monkeypatch, tmp_path):
    monkeypatch.setenv("VALORREPL_HOME", "/proc/valorrepl-cannot-be-here")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)   # read TMPDIR again
    text = run("a = Valor(2)\n:draw a*a --format svg")
    assert run.outcome.ok and "Cannot write to" in text and "FileNotFoundError" not in text
    assert (tmp_path / "valorrepl-pictures" / "a_a.svg").exists()


# ---- the command line ----

def test_cli_help_and_errors_in_portuguese(tmp_path):
    done = cli("--help", env={"VALORREPL_LANG": "pt"})
    assert done.returncode == 0 and "uso: valorrepl" in done.stdout and "opções" in done.stdout
    done = cli("--lang", "pt", "run", str(tmp_path / "nofile"))
    assert done.returncode == 2 and "valorrepl: arquivo ou pasta não encontrado" in done.stderr
    done = cli("--lang", "pt", "--bogus")
    assert done.returncode == 2 and "argumentos desconhecidos: --bogus" in done.stderr


def test_lessons_check_in_portuguese(tmp_path):
    (tmp_path / "lesson.toml").write_text("[x\n", encoding="utf-8")
    done = cli("--lang", "pt", "lessons", "check", str(tmp_path / "lesson.toml"))
    assert done.returncode == 1
    assert "TOML inválido" in done.stdout and "1 problema(s) encontrado(s)." in done.stdout


def test_run_file_names_file_and_line_and_fails_when_a_line_failed(tmp_path):
    (tmp_path / "lesson.txt").write_text(
        "a = 2\nb = a * 3\nprint(zz)\n:grad b\ndef f():\n    return q\n\nf()\n:nope\n", encoding="utf-8")
    done = cli("run", "lesson.txt", cwd=tmp_path)
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert errors[0] == "lesson.txt:3: NameError: name 'zz' is not defined"
    assert errors[1] == "lesson.txt:8: NameError: name 'q' is not defined"
    assert errors[2].startswith("lesson.txt:9: unknown command :nope")
    (tmp_path / "good.txt").write_text("a = 2\na * 3\n", encoding="utf-8")
    assert cli("run", "good.txt", cwd=tmp_path).returncode == 0


def test_a_closed_pipe_ends_quietly(tmp_path):
    (tmp_path / "many.txt").write_text("for i in range(20000):\n    print(i)\n", encoding="utf-8")
    proc = subprocess.Popen([*VALORREPL, "run", str(tmp_path / "many.txt")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()   # as `| head -1` does
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "BrokenPipeError" not in stderr and "Traceback" not in stderr
