"""The Jupyter kernel, through a real client: installed with `valorrepl kernel install --prefix`,
started by jupyter_client from that kernelspec, and spoken to with real messages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ipykernel")
pytest.importorskip("jupyter_client")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

pytestmark = pytest.mark.jupyter

VALORREPL = [sys.executable, "-m", "valorrepl"]
TIMEOUT = 60


def valorrepl(*args, **settings):
    return subprocess.run([*VALORREPL, *args], capture_output=True, text=True, timeout=TIMEOUT, **settings)


class Cell:
    """What one execute_request brought back: the reply and the output messages, in order."""

    def __init__(self, reply, messages):
        self.reply, self.messages = reply, messages
        self.status = reply["status"]

    def stream(self, name):
        return "".join(m["content"]["text"] for m in self.messages
                       if m["msg_type"] == "stream" and m["content"]["name"] == name)

    @property
    def stdout(self):
        return self.stream("stdout")

    @property
    def stderr(self):
        return self.stream("stderr")

    @property
    def text(self):
        """Everything the cell showed as plain text: streams and the text/plain of displays."""
        return "".join(m["content"]["text"] if m["msg_type"] == "stream"
                       else m["content"]["data"].get("text/plain", "") + "\n"
                       for m in self.messages if m["msg_type"] in ("stream", "display_data"))

    def outputs(self, msg_type):
        return [m["content"] for m in self.messages if m["msg_type"] == msg_type]


class Kernel:
    def __init__(self, prefix, home, **environment):
        env = dict(os.environ, VALORREPL_HOME=str(home), VALORREPL_DISABLE_PLUGIN_AUTOLOAD="1",
                   VALORREPL_LANG="en")
        env.update(environment)
        specs = KernelSpecManager(kernel_dirs=[str(Path(prefix) / "share" / "jupyter" / "kernels")])
        self.manager = KernelManager(kernel_name="valor", kernel_spec_manager=specs)
        self.manager.connection_file = str(Path(home) / f"connection-{id(self)}.json")
        self.manager.start_kernel(env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=TIMEOUT)

    def execute(self, code, on_message=None):
        msg_id = self.client.execute(code)
        messages = []
        while True:
            msg = self.client.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            messages.append(msg)
            if on_message:
                on_message(msg)
        return Cell(self._reply(msg_id), messages)

    def _reply(self, msg_id):
        while True:
            msg = self.client.get_shell_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]

    def request(self, method, *args):
        msg_id = getattr(self.client, method)(*args)
        return self._reply(msg_id)

    def shutdown(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jupyter")
    done = valorrepl("kernel", "install", "--prefix", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


LESSON = """
format_version = 1

[lesson]
id = "kernel-check"
stage = 1
title = { pt = "Um teste", en = "A test" }
author = "tests"
version = "1.0"

[[steps]]
id = "intro"
kind = "text"
text.pt = "Um **passo** com `código`."
text.en = "A **step** with `code`."

[[steps]]
id = "task"
kind = "code"
text.pt = "Faça `x` valer 5."
text.en = "Make `x` equal 5."
hint.pt = "x = 5"
hint.en = "x = 5"
solution.pt = "x = 5"
solution.en = "x = 5"
checks = [{ check = "value_equals", args = { name = "x", value = 5 } }]

[[steps]]
id = "end"
kind = "text"
text.pt = "Fim."
text.en = "The end."
"""


@pytest.fixture(scope="module")
def kernel(prefix, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / "lessons" / "kernel_check").mkdir(parents=True)   # the learner's own lessons folder
    (home / "lessons" / "kernel_check" / "lesson.toml").write_text(LESSON, encoding="utf-8")
    kernel = Kernel(prefix, home)
    yield kernel
    kernel.shutdown()


# ---- the kernelspec ----

def test_install_and_remove_the_kernelspec(tmp_path):
    done = valorrepl("kernel", "install", "--prefix", str(tmp_path))
    folder = tmp_path / "share" / "jupyter" / "kernels" / "valor"
    assert done.returncode == 0 and str(folder) in done.stdout
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["display_name"] == "Valor (valorrepl)" and spec["language"] == "python"
    assert spec["argv"] == [sys.executable, "-m", "valorrepl.kernel", "-f", "{connection_file}"]
    found = KernelSpecManager(kernel_dirs=[str(folder.parent)]).get_kernel_spec("valor")
    assert found.display_name == "Valor (valorrepl)"

    assert valorrepl("kernel", "remove", "--prefix", str(tmp_path)).returncode == 0
    assert not folder.exists()
    again = valorrepl("kernel", "remove", "--prefix", str(tmp_path))
    assert again.returncode == 1 and "No Jupyter kernel 'valor'" in again.stderr


def test_user_install_is_the_default_and_remove_finds_it(tmp_path):
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"))   # the user's Jupyter folder
    assert valorrepl("kernel", "install", env=env).returncode == 0
    assert (tmp_path / "data" / "kernels" / "valor" / "kernel.json").exists()
    done = valorrepl("kernel", "remove", env=env)
    assert done.returncode == 0 and not (tmp_path / "data" / "kernels" / "valor").exists()


def test_without_the_jupyter_extra_it_says_what_to_install(tmp_path):
    # a Python where ipykernel cannot be imported, as after a plain `pip install valorrepl`
    script = ("import sys; sys.modules['ipykernel'] = None; from valorrepl.cli import main; "
              f"sys.exit(main(['kernel', 'install', '--prefix', {str(tmp_path)!r}]))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 1 and not (tmp_path / "share").exists()
    assert done.stderr.strip() == ("The Jupyter kernel needs ipykernel and jupyter_client: "
                                   "pip install 'valorrepl[jupyter]'")


# ---- running cells ----

def test_python_and_commands_in_cells_with_execution_counts(kernel):
    first = kernel.execute("a = 2\nb = -3\nc = a*b + 10\nprint('c is', c.data)\nc")
    assert first.status == "ok" and first.stdout == "c is 4.0\n"
    [result] = first.outputs("execute_result")
    assert result["data"]["text/plain"] == "Valor(data=4.0, label='c')"
    assert result["execution_count"] == first.reply["execution_count"]

    second = kernel.execute("d = c * 2\n:grad d")
    assert second.reply["execution_count"] == first.reply["execution_count"] + 1
    [table] = second.outputs("display_data")
    assert "Gradients of d" in table["data"]["text/plain"] and "-6.0000" in table["data"]["text/plain"]
    html = table["data"]["text/html"]
    assert html.startswith("<table>") and "<th>grad</th>" in html and ">-6.0000</td>" in html


@pytest.mark.dot
def test_draw_sends_an_svg_picture_with_its_description(kernel):
    kernel.execute("a = 2\nb = -3\nc = a*b + 10")
    cell = kernel.execute(":draw c --format svg")
    [picture] = cell.outputs("display_data")
    assert cell.status == "ok" and "<svg" in picture["data"]["image/svg+xml"]
    assert "c = " in picture["data"]["text/plain"]   # the text drawing, for readers without the picture
    own = kernel.execute("import graphviz\ng = graphviz.Digraph()\ng.edge('a', 'b')\ng")
    [result] = own.outputs("execute_result")   # a value's own picture (_repr_mimebundle_) is shown
    assert "<svg" in result["data"]["image/svg+xml"] and "Digraph" in result["data"]["text/plain"]


def test_train_streams_progress_in_one_updated_display(kernel):
    cell = kernel.execute(":train --epochs 40")
    assert cell.status == "ok" and "Training MLP(3, [3, 2, 1])" in cell.stdout
    first = cell.outputs("display_data")[0]
    updates = cell.outputs("update_display_data")
    assert "epoch 2/40" in first["data"]["text/plain"] and len(updates) >= 10
    assert {u["transient"]["display_id"] for u in updates} == {first["transient"]["display_id"]}
    assert "epoch 40/40" in updates[-1]["data"]["text/plain"] and "Final loss" in cell.stdout
    pictures = [d["data"] for d in cell.outputs("display_data") if "text/plain" in d["data"]
                and ("image/svg+xml" in d["data"] or "image/png" in d["data"])]
    assert pictures, "the loss curve comes as a picture"


def test_errors_come_back_as_error_replies(kernel):
    python = kernel.execute("x = 1\n1 / 0")
    assert python.status == "error" and python.reply["ename"] == "ZeroDivisionError"
    assert python.reply["evalue"] == "division by zero"
    assert python.stderr == "ZeroDivisionError: division by zero\n"
    command = kernel.execute(":gard x")
    assert command.status == "error" and command.reply["ename"] == "CommandError"
    assert "Did you mean :grad" in command.reply["evalue"] and "unknown command :gard" in command.stderr
    assert kernel.execute("x + 1").status == "ok"   # the kernel goes on


def test_quit_in_a_notebook_does_no_harm(kernel):
    cell = kernel.execute(":quit")
    assert cell.status == "ok" and "Kernel menu" in cell.stdout
    assert kernel.execute("1 + 1").outputs("execute_result")[0]["data"]["text/plain"] == "2"


def test_input_asks_the_notebook(kernel):
    msg_id = kernel.client.execute("name = input('who? ')\nprint('hello', name)", allow_stdin=True)
    request = kernel.client.get_stdin_msg(timeout=TIMEOUT)
    assert request["content"]["prompt"] == "who? "
    kernel.client.input("Ana")
    assert kernel._reply(msg_id)["status"] == "ok"
    assert kernel.execute("name").outputs("execute_result")[0]["data"]["text/plain"] == "'Ana'"


# ---- interrupt ----

def test_interrupt_stops_train_between_epochs_and_keeps_the_model(kernel):
    def interrupt_once_started(msg):
        if msg["msg_type"] == "stream" and "Training" in msg["content"]["text"]:
            kernel.manager.interrupt_kernel()

    cell = kernel.execute(":train --epochs 100000", on_message=interrupt_once_started)
    assert cell.status == "abort" and "Stopped after" in cell.stderr
    assert kernel.manager.is_alive()
    after = kernel.execute("len(losses) < 100000")
    assert after.status == "ok" and after.outputs("execute_result")[0]["data"]["text/plain"] == "True"


def test_interrupt_stops_a_python_loop(kernel):
    def interrupt_once_started(msg):
        if msg["msg_type"] == "stream" and "looping" in msg["content"]["text"]:
            kernel.manager.interrupt_kernel()

    cell = kernel.execute("print('looping')\nwhile True:\n    pass", on_message=interrupt_once_started)
    assert cell.status == "abort" and "Interrupted." in cell.stderr
    assert kernel.execute("2 * 3").status == "ok"


# ---- completion and inspection ----

def test_completion_of_commands_options_names_and_attributes(kernel):
    kernel.execute("a = 2\nb = -3\nc = a*b + 10")

    def matches(code, cursor=None):
        reply = kernel.request("complete", code, len(code) if cursor is None else cursor)
        assert reply["status"] == "ok" and reply["cursor_end"] == (len(code) if cursor is None else cursor)
        return reply["matches"], reply["cursor_start"]

    assert matches(":gr") == ([":grad", ":gradiente"], 0)
    assert matches(":train --ep") == (["--epochs"], 7)
    assert matches(":draw c --format s") == (["svg"], 17)
    assert "c" in matches(":grad ")[0] and "b" in matches(":draw ")[0]
    assert matches("c.da") == (["data"], 2)
    assert "propagar_tudo" in matches("c.pro")[0]
    assert matches("x = Neur") == (["Neuron", "Neuronio"], 4)
    assert matches("Valo\nprint(1)", 4) == (["Valor"], 0)


def test_inspection_of_valors_commands_and_objects(kernel):
    kernel.execute("a = 2\nb = -3\nc = a*b + 10\n:grad c")

    def inspect(code, cursor=None):
        reply = kernel.request("inspect", code, len(code) if cursor is None else cursor)
        return reply["data"].get("text/plain", "") if reply["found"] else None

    valor = inspect("c")
    assert "data  4.0" in valor and "grad  1.0" in valor and "op    +" in valor
    assert "op    (none" in inspect("a + 1", 1)
    assert "Train a multilayer perceptron" in inspect(":train --ep", 3)
    assert "--epochs" in inspect(":treinar")
    assert "MLP" in inspect("MLP") and inspect("nothing_here") is None


def test_is_complete_for_console_clients(kernel):
    assert kernel.request("is_complete", "for i in range(3):")["status"] == "incomplete"
    assert kernel.request("is_complete", ":grad c")["status"] == "complete"
    assert kernel.request("is_complete", "a = 2")["status"] == "complete"


# ---- lessons ----

def test_lesson_steps_render_as_markdown_and_the_next_cell_is_checked(kernel):
    assert kernel.execute(":help lesson").status == "ok"
    start = kernel.execute(":lesson kernel-check")
    assert start.status == "ok" and "step 1 of 3" in start.text
    [step] = [d["data"] for d in start.outputs("display_data") if "text/markdown" in d["data"]]
    assert step == {"text/markdown": "A **step** with `code`.", "text/plain": "A **step** with `code`."}
    header = start.outputs("display_data")[0]["data"]   # styled text: coloured HTML beside the plain text
    assert "step 1 of 3" in header["text/plain"] and '<span style="color:#888">' in header["text/html"]

    task = kernel.execute(":next")
    assert [d["data"]["text/markdown"] for d in task.outputs("display_data")
            if "text/markdown" in d["data"]] == ["Make `x` equal 5."]
    wrong = kernel.execute("x = 4")
    assert "Not yet: x should be 5" in wrong.text
    right = kernel.execute("x = 10 / 2")
    assert "Right!" in right.text and "step 3 of 3" in right.text
    assert "The end." in [d["data"].get("text/markdown") for d in right.outputs("display_data")]
    assert kernel.execute(":quit-lesson").status == "ok"


# ---- language ----

def test_portuguese_via_valorrepl_lang_and_plugin_failures_shown_once(prefix, tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "broken.py").write_text("raise RuntimeError('boom')\n")
    kernel = Kernel(prefix, tmp_path, VALORREPL_LANG="pt")
    try:
        info = kernel.request("kernel_info")
        assert "Digite :ajuda" in info["banner"]
        first = kernel.execute("1 + 1")
        assert first.status == "ok" and "Plugin não carregado: broken" in first.stderr
        assert "RuntimeError: boom" in first.stderr
        cell = kernel.execute(":gard c")
        assert cell.status == "error" and "comando desconhecido :gard" in cell.stderr
        assert "broken" not in cell.stderr   # the startup note comes once
        assert "Você quis dizer :grad" in cell.reply["evalue"]
    finally:
        kernel.shutdown()
