"""valorrepl: learn how neural networks work from the inside, one Valor at a time."""

from .engine import Valor, exp, log, relu, sig, sigmoid, tanh
from .hookspecs import hookimpl
from .nn import MLP, Camada, Layer, Module, Neuron, Neuronio
from .registry import command, option

__version__ = "0.1.0"

__all__ = ["Valor", "exp", "log", "relu", "sig", "sigmoid", "tanh", "Module", "Neuron", "Layer", "MLP",
           "Neuronio", "Camada", "hookimpl", "command", "option", "__version__"]
