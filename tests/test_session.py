import sys

from valorrepl.engine import Valor


def test_numbers_become_labelled_valors(run, session):
    run("a = 2")
    run("b = -3")
    assert run("c = a*b") == ""
    c = session.namespace["c"]
    assert isinstance(session.namespace["a"], Valor) and c.label == "c" and c.data == -6.0
    assert run("c") == "Valor(data=-6.0, label='c')"


def test_existing_labels_are_kept_and_auto_can_be_turned_off(run, session):
    run("a = Valor(2.0, rotulo='first')")
    assert session.namespace["a"].label == "first"
    run(":auto off")
    run("n = 3")
    assert session.namespace["n"] == 3 and run("list(range(n))") == "[0, 1, 2]"


def test_multiline_input_and_print(run):
    assert run("def double(x):\n    return x * 2") == ""
    assert run("for i in range(2):\n    print(i)") == "0\n1"
    assert run("double(21)") == "42"


def test_errors_are_one_line_and_the_session_goes_on(run):
    assert run("x") == "NameError: name 'x' is not defined"
    assert run.outcome.status == "error"
    assert run("1 +") .startswith("SyntaxError:")
    assert run("Valor(1) / 0").startswith("ZeroDivisionError: division by zero")
    assert "Traceback" in run(":tb") and "<input>" in run(":tb")
    assert run("1 + 1") == "2"


def test_unknown_command_suggests_the_closest(run):
    assert "Did you mean :grad" in run(":gard c")
    assert "usage: :train" in run(":train --epochs lots")


def test_grad_twice_gives_the_same_table(run):
    run("a = 2\nb = -3\nc = a*b")
    first = run(":grad c")
    assert first == run(":grad c")
    assert "a" in first and "-3.0000" in first
    assert run(":grad nothing").startswith("name 'nothing' is not defined")


def test_command_lines_mixed_with_python(run):
    out = run("a = 2\nb = a * a\n:grad b\nb.data")
    assert "4.0000" in out and out.endswith("4.0")


def test_a_bug_in_a_command_names_the_plugin(session, run):
    from valorrepl.registry import command

    @command("boom")
    def boom(session, args, emit):
        """Fails."""
        raise RuntimeError("broken")

    session.commands.add(boom, plugin="example")
    assert run(":boom") == "Error inside :boom (plugin example): RuntimeError: broken. Type :tb for details."
    assert run("1 + 1") == "2"


def test_train_leaves_model_and_loss(run, session):
    out = run(":train --epochs 1000 --seed 0")
    assert "Final loss" in out and session.namespace["loss"].data < 0.01
    assert "prediction" in out and "model" in session.namespace
    assert "Accuracy" in run(":train xor --epochs 200 --lr 0.1")
    out = run(":train penguins --target body_mass_g --epochs 15")
    assert "body_mass_g" in out and "the first 10 of 342" in out and "loss mse" in out
    losses = session.namespace["losses"]
    assert losses[-1] < losses[0]  # the defaults for a few hundred rows learn


def test_train_stops_cleanly_between_epochs(session):
    replies = []

    def emit(reply):
        replies.append(reply)
        if reply.kind == "progress" and reply.data.done >= 100:
            session.request_stop()

    outcome = session.run(":train --epochs 1000", emit)
    assert outcome.status == "cancelled"
    assert any("Stopped after" in r.text for r in replies)
    assert len(session.namespace["losses"]) < 1000


def test_help_lists_every_command_with_aliases(run, session):
    out = run(":help")
    for cmd in session.commands:
        assert ":" + cmd.name in out
    assert ":gradiente" in out and "Example:" in run(":help grad")


def test_session_core_never_loads_the_terminal_ui():
    import subprocess
    code = ("import sys, valorrepl.session as s; s.Session().run('a = 2\\n:grad a'); "
            "print([m for m in sys.modules if m.startswith(('prompt_toolkit', 'ipykernel'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_only_plain_variables_become_valors(run, session):
    run("a = 2")
    run("a.grad = 1")
    assert session.namespace["a"].grad == 1 and not isinstance(session.namespace["a"].grad, Valor)
    run("def f():\n    n = 3\n    return n")
    assert run("f()") == "3"
    run("xs = [0, 0]\nxs[0] = 5")
    assert session.namespace["xs"] == [5, 0]


def test_unknown_names_suggest_the_learners_own_names_first(run):
    assert "hinge" not in run(":grad nothing")
    run("weights = 2")
    assert "Did you mean weights?" in run(":grad weigths")
    assert "Did you mean --explain?" in run(":grad weights --explian") and ". Did you mean" in run(":grad weights --explian")
