"""Valor beside PyTorch: the same graph with tensors, the same network as an nn.Module.

PyTorch is optional. It is imported inside the functions that need it, so valorrepl starts
without it; when it is missing they raise TorchMissing, whose one line says how to install it.
Everything here works in float64, where Valor computes: the two sides then agree to ~1e-15.
"""

import math
import time
from dataclasses import dataclass, field

from .engine import _power
from .i18n import _

__all__ = ["TorchMissing", "INSTALL", "require_torch", "graph_to_torch", "compare_gradients",
           "GradientComparison", "mlp_to_torch", "mlp_from_torch", "fit_torch", "TorchFit"]

INSTALL = "pip install 'valorrepl[torch]'"


class TorchMissing(ImportError):
    """PyTorch is not installed; the message says how to install it."""


def require_torch():
    """The torch module, or TorchMissing with the one line that says how to get it."""
    import warnings
    try:
        with warnings.catch_warnings():
            # torch warns once when numpy is absent; nothing here needs numpy
            warnings.simplefilter("ignore")
            import torch
    except ImportError:
        raise TorchMissing(_("PyTorch is not installed; install it with: {command}")
                           .format(command=INSTALL)) from None
    return torch


# ---- one graph, rebuilt with tensors ----

def graph_to_torch(root):
    """Rebuild root's graph with float64 tensors: (the torch result, {leaf Valor: leaf tensor}).

    Every leaf becomes a tensor that requires grad, so torch computes a gradient for each
    Valor leaf, constants included (Valor computes those too)."""
    torch = require_torch()
    tensors, leaves = {}, {}
    for node in root.topological_order():
        if not node.parents:
            tensor = torch.tensor(node.data, dtype=torch.float64, requires_grad=True)
            leaves[node] = tensor
        else:
            tensor = _apply(torch, node, [tensors[p] for p in node.parents])
        tensors[node] = tensor
    return tensors[root], leaves


def _apply(torch, node, inputs):
    op = node.op
    if op == "+":
        return sum(inputs[1:], inputs[0])   # hand-built nodes may add more than two parents
    if op == "*" and len(inputs) == 2:
        return inputs[0] * inputs[1]
    if op == "-" and len(inputs) == 2:
        return inputs[0] - inputs[1]
    if op == "/" and len(inputs) == 2:
        return inputs[0] / inputs[1]
    if op == "neg":
        return -inputs[0]
    if op == "**" and len(inputs) == 2:
        return torch.pow(inputs[0], inputs[1])
    if op.startswith("**") and len(inputs) == 1:
        return torch.pow(inputs[0], _exponent(node))
    if op in ("exp", "log", "tanh", "relu", "sigmoid") and len(inputs) == 1:
        return getattr(torch, op)(inputs[0])
    raise ValueError(_("PyTorch has no counterpart for the operation {op!r} of {node!r}")
                     .format(op=op, node=node))


def _exponent(node):
    """The number in `x ** n`. The op name shows it rounded (`**0.123457`); when the rounded
    one does not give back the node's value and slope, the exact one follows from them:
    out = aⁿ and slope = n·aⁿ⁻¹, so n = slope·a / out."""
    n = float(node.op[2:])
    a, slope = node.parents[0].data, node.local_grads[0]
    try:
        if _power(a, n, "") == node.data and n * _power(a, n - 1, "", infinite_at_zero=True) == slope:
            return n
    except (ArithmeticError, ValueError):
        pass
    if a != 0 and node.data != 0 and math.isfinite(slope):
        return slope * a / node.data
    return n


@dataclass
class GradientComparison:
    rows: list            # (leaf Valor, its Valor gradient, its torch gradient, |difference|)
    valor_result: float
    torch_result: float

    @property
    def largest_difference(self):
        return max((row[3] for row in self.rows), default=0.0)

    def agree(self, tolerance=1e-9):
        return self.largest_difference <= tolerance


def compare_gradients(root):
    """Backpropagate from root in Valor and in torch (float64); every leaf's two gradients."""
    torch_root, leaves = graph_to_torch(root)
    root.zero_grad()
    root.backward()
    torch_root.backward()
    rows = []
    for leaf, tensor in leaves.items():
        theirs = tensor.grad.item() if tensor.grad is not None else 0.0
        rows.append((leaf, leaf.grad, theirs, difference(leaf.grad, theirs)))
    return GradientComparison(rows, root.data, torch_root.item())


def difference(a, b):
    """|a − b|, where two infinities of the same sign, or two nans, count as equal."""
    if a == b or (math.isnan(a) and math.isnan(b)):
        return 0.0
    return abs(a - b) if math.isfinite(a) and math.isfinite(b) else math.inf


# ---- one network, as an nn.Sequential ----

def _activation_modules(torch):
    return {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}


def mlp_to_torch(mlp):
    """An nn.Sequential of Linear layers and activations (float64) holding mlp's weights."""
    torch = require_torch()
    activations = _activation_modules(torch)
    modules = []
    for layer in mlp.layers:
        kinds = {neuron.activation for neuron in layer.neurons}
        if len(kinds) != 1:
            raise ValueError(_("a torch Linear layer has one activation, but this layer mixes {kinds}")
                             .format(kinds=", ".join(sorted(kinds))))
        linear = torch.nn.Linear(len(layer.neurons[0].weights), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            # row j of the weight matrix holds neuron j's weights: out = W·x + b
            linear.weight.copy_(torch.tensor([[w.data for w in n.weights] for n in layer.neurons],
                                             dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.bias.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        kind = kinds.pop()
        if kind != "linear":
            modules.append(activations[kind]())
    return torch.nn.Sequential(*modules)


def mlp_from_torch(module):
    """An MLP with the weights of a torch network made of Linear layers, each followed by
    Sigmoid, Tanh, ReLU or nothing (an nn.Sequential, or a Module holding one)."""
    from .nn import ACTIVATIONS, MLP
    torch = require_torch()
    names = {cls: name for name, cls in _activation_modules(torch).items()}
    layers = []   # [Linear, activation name]
    for part in _leaf_modules(torch, module):
        if isinstance(part, torch.nn.Linear):
            layers.append([part, "linear"])
        elif type(part) in names and layers and layers[-1][1] == "linear":
            layers[-1][1] = names[type(part)]
        elif not isinstance(part, (torch.nn.Identity, torch.nn.Dropout, torch.nn.Flatten)):
            raise ValueError(_("cannot turn {part} into an MLP: only Linear layers, each followed by "
                               "Sigmoid, Tanh or ReLU").format(part=type(part).__name__))
    if not layers:
        raise ValueError(_("{module} has no Linear layer").format(module=type(module).__name__))
    sizes = [linear.out_features for linear, _kind in layers]
    mlp = MLP(layers[0][0].in_features, sizes, seed=0)
    for i, (linear, kind) in enumerate(layers):
        weights = linear.weight.detach().double().tolist()
        biases = (linear.bias.detach().double().tolist() if linear.bias is not None
                  else [0.0] * linear.out_features)
        for neuron, row, bias in zip(mlp.layers[i].neurons, weights, biases):
            # hidden layers may differ from one another in torch, so each neuron is told its own
            neuron.activation, neuron._apply = kind, ACTIVATIONS[kind]
            for w, value in zip(neuron.weights, row):
                w.data = value
            neuron.bias.data = bias
    return mlp


def _leaf_modules(torch, module):
    # the innermost modules in the order they were added, which is the order an
    # nn.Sequential runs them (and how course code writes its own Modules)
    children = list(module.children())
    if not children:
        yield module
        return
    for child in children:
        yield from _leaf_modules(torch, child)


# ---- training the same way ----

def _loss_functions(torch):
    # the same formulas as valorrepl.train, on a column of predictions
    return {
        "sse": lambda p, y: ((p - y) ** 2).sum(),
        "mse": lambda p, y: ((p - y) ** 2).mean(),
        "hinge": lambda p, y: torch.relu(1 - y * p).mean(),
    }


@dataclass
class TorchFit:
    losses: list = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False

    @property
    def seconds_per_epoch(self):
        return self.seconds / len(self.losses) if self.losses else math.nan


def fit_torch(module, xs, ys, epochs=100, learning_rate=0.1, loss="sse", on_epoch=None, should_stop=None):
    """Full-batch gradient descent in torch, step for step as valorrepl.train.fit does it:
    forward, zero grads, loss, backward, p -= lr·grad (plain SGD).

    The step is written out rather than taken by torch.optim.SGD: it is the same update, and
    the first optimiser a process makes imports torch's compiler, which takes seconds."""
    torch = require_torch()
    x = torch.tensor(xs, dtype=torch.float64)
    y = torch.tensor(ys, dtype=torch.float64).reshape(len(ys), -1)
    loss_fn = _loss_functions(torch)[loss]
    parameters = list(module.parameters())
    result = TorchFit()
    # one thread, as Valor has: on tensors this small, more threads mostly wait for each other
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    started = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            if should_stop is not None and should_stop():
                result.stopped = True
                break
            prediction = module(x)
            for p in parameters:
                p.grad = None
            current = loss_fn(prediction, y)
            current.backward()
            with torch.no_grad():
                for p in parameters:
                    if p.grad is not None:
                        p -= learning_rate * p.grad
            result.losses.append(current.item())
            if on_epoch is not None:
                on_epoch(epoch, epochs, current.item())
    finally:
        result.seconds = time.perf_counter() - started
        torch.set_num_threads(threads)
    return result
