import pytest

from valorrepl import data
from valorrepl.engine import Valor
from valorrepl.nn import MLP, Camada, Layer, Neuron, Neuronio
from valorrepl.train import fit, gradient_descent_step, hinge, mse, sse


def test_course_network_has_23_parameters_and_sigmoid_everywhere():
    model = MLP(3, [3, 2, 1], seed=0)
    assert len(model.parameters()) == 23 and len(model.parametros()) == 23
    out = model([2.0, 3.0, -1.0])
    assert isinstance(out, Valor) and out.op == "sigmoid"


def test_course_training_workflow_lowers_the_loss_below_001():
    course = data.course()
    model = MLP(3, [3, 2, 1], seed=0)
    for epoch in range(1000):
        predictions = [model(x) for x in course.xs]
        model.zero_grad()
        loss = sse(predictions, course.ys)
        loss.backward()
        gradient_descent_step(model.parameters(), 0.5)
    assert loss.data < 0.01


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_reports_every_epoch_and_can_stop(seed):
    course = data.course()
    seen = []
    result = fit(MLP(3, [3, 2, 1], seed=seed), course.xs, course.ys, 1000, 0.5, "sse", on_epoch=seen.append)
    assert len(seen) == 1000 and result.final_loss < 0.01 and result.loss.data < 0.01
    stop_after = iter(range(5))
    result = fit(MLP(3, [3, 2, 1], seed=seed), course.xs, course.ys, 100, 0.5,
                 should_stop=lambda: next(stop_after, None) is None)
    assert result.stopped and len(result.losses) == 5


def test_seed_makes_initialisation_reproducible():
    first = [p.data for p in MLP(2, [4, 3, 1], seed=7).parameters()]
    assert first == [p.data for p in MLP(2, [4, 3, 1], seed=7).parameters()]
    assert first != [p.data for p in MLP(2, [4, 3, 1], seed=8).parameters()]


def test_neuron_layer_and_course_aliases():
    assert Neuronio is Neuron and Camada is Layer
    n = Neuron(2, activation="linear", seed=1)
    assert n.pesos is n.weights and n.vies is n.bias
    out = n([2.5, 4.25])
    assert out.data == pytest.approx(n.weights[0].data * 2.5 + n.weights[1].data * 4.25 + n.bias.data)
    layer = Layer(2, 3, seed=1)
    assert len(layer([1.0, 2.0])) == 3 and layer.neuronios is layer.neurons
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Valor)
    with pytest.raises(ValueError):
        Neuron(2, activation="swish")
    with pytest.raises(ValueError):
        n([1.0])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_every_activation_trains(activation):
    xor = data.xor()
    model = MLP(2, [8, 1], activation, output_activation="linear", seed=3)
    result = fit(model, xor.xs, xor.ys, 60, 0.05, "mse")
    assert result.losses[-1] < result.losses[0]


def test_losses():
    p = [Valor(0.5), Valor(2.0)]
    assert sse(p, [1.0, 1.0]).data == pytest.approx(1.25)
    assert mse(p, [1.0, 1.0]).data == pytest.approx(0.625)
    assert hinge([Valor(0.5), Valor(-2.0)], [1.0, -1.0]).data == pytest.approx(0.25)


def test_model_repr_explains_it():
    assert repr(MLP(2, [2, 1])) == ("MLP of [Layer of [Neuron(2, activation='sigmoid'), Neuron(2, "
                                    "activation='sigmoid')], Layer of [Neuron(2, activation='sigmoid')]]")
