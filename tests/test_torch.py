"""Valor beside PyTorch: gradients, weights and training must give the same numbers."""

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valorrepl import data
from valorrepl.bridge import compare_gradients, fit_torch, graph_to_torch
from valorrepl.engine import Valor
from valorrepl.nn import MLP
from valorrepl.train import fit

pytestmark = pytest.mark.torch

INSTALL = "pip install 'valorrepl[torch]'"


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def values(low=-3.0, high=3.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


positive = values(0.1, 3.0)
nonzero = values(-3.0, 3.0).filter(lambda x: abs(x) > 0.1)

# one graph per operation, built from leaves a and b (constants appear where Python numbers do)
OPERATIONS = {
    "a + b": (lambda a, b: a + b, values(), values()),
    "a - b": (lambda a, b: a - b, values(), values()),
    "a * b": (lambda a, b: a * b, values(), values()),
    "a / b": (lambda a, b: a / b, values(), nonzero),
    "-a": (lambda a, b: -a * b, values(), values()),
    "a ** 3": (lambda a, b: a ** 3 * b, values(), values()),
    "a ** -2": (lambda a, b: a ** -2 + b, nonzero, values()),
    "a ** 0.7": (lambda a, b: a ** 0.7 * b, positive, values()),
    "a ** 0.123456789": (lambda a, b: a ** 0.123456789 * b, positive, values()),
    "a ** b": (lambda a, b: a ** b, positive, values()),
    "exp": (lambda a, b: (a * b).exp(), values(), values()),
    "log": (lambda a, b: a.log() * b, positive, values()),
    "tanh": (lambda a, b: (a * b).tanh(), values(), values()),
    "relu": (lambda a, b: (a * b).relu() + a.relu(), values(), values()),
    "sigmoid": (lambda a, b: (a * b).sigmoid(), values(), values()),
    "constants": (lambda a, b: 2 * a + 1 / b - 3 + 2 ** a + (5 - a) / 4, values(), nonzero),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_has_the_gradients_torch_finds(torch, name):
    build, a_values, b_values = OPERATIONS[name]

    @settings(max_examples=25, deadline=None)
    @given(a_values, b_values)
    def check(x, y):
        root = build(Valor(x, label="a"), Valor(y, label="b"))
        comparison = compare_gradients(root)
        assert abs(comparison.valor_result - comparison.torch_result) <= 1e-9 * max(1, abs(root.data))
        assert comparison.agree(1e-9), comparison.rows

    check()


def test_a_shared_leaf_and_the_course_multi_use_graph(torch):
    a, b = Valor(-2.0, label="a"), Valor(3.0, label="b")
    e = (a + b) + (a * b)   # the course's multi-use example: de/da = 4
    comparison = compare_gradients(e)
    assert comparison.agree() and [row[2] for row in comparison.rows if row[0] is a] == [4.0]


@pytest.mark.parametrize("activation,loss", [("sigmoid", "sse"), ("tanh", "mse"), ("relu", "hinge")])
def test_an_mlp_loss_has_the_gradients_torch_finds(torch, activation, loss):
    from valorrepl.train import LOSSES
    course = data.course()
    model = MLP(3, [4, 3, 1], activation, "linear" if loss == "hinge" else None, seed=3)
    total = LOSSES[loss]([model(x) for x in course.xs], course.ys)
    comparison = compare_gradients(total)
    assert comparison.agree(1e-9)
    assert len(comparison.rows) >= len(model.parameters())


def test_an_unknown_hand_built_operation_is_named(torch):
    a = Valor(2.0)
    odd = Valor(5.0, (a,), "mystery")
    with pytest.raises(ValueError, match="mystery"):
        graph_to_torch(odd)


def test_weights_round_trip_and_outputs_agree(torch):
    model = MLP(3, [4, 3, 1], "tanh", "sigmoid", seed=5)
    net = model.to_torch()
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    x = [0.5, -1.0, 2.0]
    assert net(torch.tensor([x], dtype=torch.float64)).item() == pytest.approx(model(x).data, abs=1e-12)
    back = MLP.from_torch(net)
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    assert [n.activation for layer in back.layers for n in layer.neurons][-1] == "sigmoid"


def test_from_torch_reads_a_sequential_or_a_module_holding_one(torch):
    nn = torch.nn
    torch.manual_seed(0)

    class Net(nn.Module):          # the way course code writes a network
        def __init__(self):
            super().__init__()
            self.layers = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 3), nn.Tanh(), nn.Linear(3, 1))

        def forward(self, x):
            return self.layers(x)

    net = Net()
    model = MLP.from_torch(net)
    assert model.sizes == [2, 5, 3, 1]
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "tanh", "linear"]
    x = [0.25, -0.75]
    expected = net(torch.tensor([x])).item()   # float32 there: agreement to float32 precision
    assert model(x).data == pytest.approx(expected, rel=1e-5, abs=1e-6)
    again = model.to_torch()
    assert again(torch.tensor([x], dtype=torch.float64)).item() == pytest.approx(model(x).data, abs=1e-12)
    with pytest.raises(ValueError, match="Softmax"):
        MLP.from_torch(nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=1)))


def test_torch_training_follows_valor_epoch_by_epoch(torch):
    course = data.course()
    model = MLP(3, [3, 2, 1], seed=0)
    net = model.to_torch()
    ours = fit(model, course.xs, course.ys, 30, 0.5, "sse").losses
    theirs = fit_torch(net, course.xs, course.ys, 30, 0.5, "sse").losses
    assert len(theirs) == 30
    assert max(abs(a - b) for a, b in zip(ours, theirs)) <= 1e-9
    assert [p.data for p in MLP.from_torch(net).parameters()] == pytest.approx(
        [p.data for p in model.parameters()], abs=1e-9)


def test_torch_command_shows_both_gradients(run, torch):
    run("a = 2\nb = -3\nc = (a * b).tanh() + a ** 2 + b.exp() / a")
    text = run(":torch c")
    assert run.outcome.ok
    assert "grad (Valor)" in text and "grad (PyTorch)" in text and "the gradients agree" in text
    table = [r.data for r in run.replies if r.kind == "table"][-1]
    assert [row[0] for row in table.rows] == ["a", "b"]


def test_torch_command_on_a_training_loss_shows_twenty_leaves_unless_all(run, torch):
    run(":train --epochs 3")
    text = run(":torch loss")
    assert "more leaves" in text and "the gradients agree" in text
    assert len([r for r in run.replies if r.kind == "table"][-1].data.rows) == 20
    run(":torch loss --all")
    assert len([r for r in run.replies if r.kind == "table"][-1].data.rows) > 23


def test_train_backend_torch_matches_valor_first_epoch_loss(run, session, torch):
    text = run(":train --epochs 40 --backend torch")
    assert run.outcome.ok
    assert "the two runs agree" in text and "s/epoch" in text and "Valor" in text and "PyTorch" in text
    assert isinstance(session.namespace["model"], MLP) and isinstance(session.namespace["loss"], Valor)
    assert isinstance(session.namespace["torch_model"], torch.nn.Sequential)
    # the same check, by the numbers: the same initial weights give the same first loss
    first_valor = session.namespace["losses"][0]
    model = MLP(3, [3, 2, 1], seed=0)
    first_torch = fit_torch(model.to_torch(), data.course().xs, data.course().ys, 1, 0.5, "sse").losses[0]
    assert abs(first_valor - first_torch) <= 1e-9
    table = [r.data for r in run.replies if r.kind == "table"][-1]
    assert [row[0] for row in table.rows] == ["Valor", "PyTorch"]


def test_train_backend_torch_on_penguins_classification_style_settings(run, torch):
    text = run(":train penguins --layers 4,1 --loss mse --lr 0.5 --epochs 5 --backend torch")
    assert run.outcome.ok and "the two runs agree" in text


NO_TORCH = "import sys; sys.modules['torch'] = None; from valorrepl.cli import main; sys.exit(main())"


def test_without_torch_every_feature_says_how_to_install_it():
    # a real failing import: None in sys.modules makes `import torch` raise ImportError
    lines = "a = 2\nc = a * a\n:torch c\n:train --epochs 2 --backend torch\nMLP(2, [1]).to_torch()\n"
    done = subprocess.run([sys.executable, "-c", NO_TORCH], input=lines, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 3 and all(INSTALL in line for line in errors), done.stderr
    assert "Training" not in done.stdout   # it says so before training, not after


# ---- lesson 7 ----

@pytest.fixture
def one_thread(torch):
    # tiny tensors train fastest on one thread, and the machine may be busy with other work
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("language", ["en", "pt"])
def test_a_scripted_learner_finishes_lesson_7(language, one_thread):
    from valorrepl.checks import collect
    from valorrepl.commands.lessons import tutor
    from valorrepl.lessons import load_lesson
    from valorrepl.session import Session
    session = Session(language=language)
    lesson = load_lesson(tutor(session).catalog().find("pytorch").path, collect(session.manager)[0])
    assert lesson.stage == 7 and lesson.requires == ["torch"]
    assert sum(step.is_task for step in lesson.steps) >= 3 and any(s.kind == "choice" for s in lesson.steps)
    replies = []
    assert session.run(":lesson pytorch", replies.append).ok
    for step in lesson.steps:
        if step.kind == "code":
            # a first wrong try, then the worked answer
            if step.id == "first-tensor":
                wrong = []
                session.run("import torch\nx = 3.0", wrong.append)
                assert any("✗" in r.text and "float" in r.text for r in wrong), wrong
            outcome = session.run(step.solution.get(language).strip("\n"), replies.append)
        elif step.kind == "choice":
            outcome = session.run(str(step.answer), replies.append)
        else:
            outcome = session.run(":next", replies.append)
        assert outcome.ok, (step.id, [r.text for r in replies[-3:]])
    record = tutor(session).store.get("pytorch")
    assert record["finished"] and not record["skipped"], [r.text for r in replies[-5:]]
    assert {step.id for step in lesson.steps if step.is_task} <= set(record["done"])
    assert record["wrong"] == {"first-tensor": 1}
    if language == "pt":
        assert any("Lembra da primeira função" in r.text for r in replies)


def test_without_torch_lesson_7_explains_and_offers_to_skip():
    done = subprocess.run([sys.executable, "-c", NO_TORCH], input=":lesson pytorch\n:skip\n:lessons\n",
                          capture_output=True, text=True, timeout=120)
    text = done.stdout + done.stderr
    assert done.returncode == 0 and "torch" in text and ":skip" in text and "skipped" in text, text
