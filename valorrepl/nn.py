"""Neurons, layers and multilayer perceptrons built from Valors."""

import random

from .engine import Valor

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS", "Neuronio", "Camada"]

# name → function applied to a neuron's weighted sum; "linear" leaves it as it is
ACTIVATIONS = {
    "sigmoid": Valor.sigmoid,
    "tanh": Valor.tanh,
    "relu": Valor.relu,
    "linear": None,
}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _rng(seed):
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _label_parameters(neuron, *position):
    # w[layer,neuron,input] and b[layer,neuron]: tables and drawings then say which parameter
    # a number is, and a big graph can be drawn with one box per neuron
    where = ",".join(map(str, position))
    for i, w in enumerate(neuron.weights):
        w.label = f"w[{where},{i}]" if where else f"w[{i}]"
    neuron.bias.label = f"b[{where}]" if where else "b"


class Module:
    """Anything with parameters: it can list them and clear their gradients."""

    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    parametros = property(lambda self: self.parameters)  # the course calls parametros()


class Neuron(Module):
    """activation(w·x + b): weights and bias start uniform in [-1, 1]."""

    def __init__(self, n_inputs, activation="sigmoid", seed=None):
        rng = _rng(seed)
        self.weights = [Valor(rng.uniform(-1, 1)) for _ in range(n_inputs)]
        self.bias = Valor(rng.uniform(-1, 1))
        _label_parameters(self)
        self.activation = activation
        self._apply = _activation(activation)

    def __call__(self, x):
        if len(x) != len(self.weights):
            raise ValueError(f"this neuron takes {len(self.weights)} inputs, got {len(x)}")
        total = sum((w * xi for w, xi in zip(self.weights, x)), self.bias)
        return self._apply(total) if self._apply else total

    def parameters(self):
        return self.weights + [self.bias]

    def __repr__(self):
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"

    # the course's names
    pesos = property(lambda self: self.weights)
    vies = property(lambda self: self.bias)


class Layer(Module):
    """n_outputs neurons that all read the same inputs."""

    def __init__(self, n_inputs, n_outputs, activation="sigmoid", seed=None):
        rng = _rng(seed)
        self.neurons = [Neuron(n_inputs, activation, rng) for _ in range(n_outputs)]
        for n, neuron in enumerate(self.neurons):
            _label_parameters(neuron, n)

    def __call__(self, x):
        outputs = [neuron(x) for neuron in self.neurons]
        return outputs[0] if len(outputs) == 1 else outputs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(map(repr, self.neurons))}]"

    neuronios = property(lambda self: self.neurons)


class MLP(Module):
    """Layers one after another. The course puts a sigmoid on every neuron, output included;
    give output_activation="linear" for micrograd's choice (nonlinear hidden layers only)."""

    def __init__(self, n_inputs, layer_sizes, activation="sigmoid", output_activation=None, seed=None):
        rng = _rng(seed)
        sizes = [n_inputs] + list(layer_sizes)
        last = len(layer_sizes) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1],
                  output_activation if (i == last and output_activation) else activation, rng)
            for i in range(len(layer_sizes))
        ]
        for l, layer in enumerate(self.layers):
            for n, neuron in enumerate(layer.neurons):
                _label_parameters(neuron, l, n)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
            x = x if isinstance(x, list) else [x]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    @property
    def sizes(self):
        return [len(self.layers[0].neurons[0].weights)] + [len(layer.neurons) for layer in self.layers]

    def to_torch(self):
        """The same network as a torch nn.Sequential (float64), with these weights."""
        from .bridge import mlp_to_torch
        return mlp_to_torch(self)

    @classmethod
    def from_torch(cls, module):
        """An MLP with the weights of a torch network of Linear layers and activations."""
        from .bridge import mlp_from_torch
        return mlp_from_torch(module)

    def __repr__(self):
        return f"MLP of [{', '.join(map(repr, self.layers))}]"

    camadas = property(lambda self: self.layers)


# the course's names for the same classes
Neuronio = Neuron
Camada = Layer
