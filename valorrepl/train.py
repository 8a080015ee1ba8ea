"""Losses, a gradient-descent step and a training loop that reports instead of printing."""

import math
from dataclasses import dataclass, field

from .engine import Valor, fewer_collections

__all__ = ["sse", "mse", "hinge", "LOSSES", "gradient_descent_step", "fit", "EpochReport",
           "FitResult", "predict", "accuracy"]


def _as_list(prediction):
    return prediction if isinstance(prediction, list) else [prediction]


def _pairs(predictions, targets):
    for p, t in zip(predictions, targets):
        p, t = _as_list(p), _as_list(t)
        yield from zip(p, t)


def sse(predictions, targets):
    """Sum of squared errors, the course's loss: Σ (y_pred − y_true)²."""
    return sum(((p - t) ** 2 for p, t in _pairs(predictions, targets)), Valor(0.0))


def mse(predictions, targets):
    """Mean squared error: the sum of squared errors over the number of outputs."""
    pairs = list(_pairs(predictions, targets))
    return sum(((p - t) ** 2 for p, t in pairs), Valor(0.0)) * (1.0 / len(pairs))


def hinge(predictions, targets):
    """Mean max-margin loss for targets −1 / +1: mean of relu(1 − y·score)."""
    pairs = list(_pairs(predictions, targets))
    return sum(((1 + -t * p).relu() for p, t in pairs), Valor(0.0)) * (1.0 / len(pairs))


LOSSES = {"sse": sse, "mse": mse, "hinge": hinge}


def gradient_descent_step(parameters, learning_rate):
    """Move every parameter against its gradient: p.data -= lr * p.grad."""
    for p in parameters:
        p.data -= learning_rate * p.grad


def predict(model, xs):
    return [model(x) for x in xs]


def accuracy(predictions, targets):
    """Share of samples whose score has the target's sign (targets −1 / +1)."""
    hits = sum((_as_list(p)[0].data > 0) == (_as_list(t)[0] > 0) for p, t in zip(predictions, targets))
    return hits / len(targets)


@dataclass
class EpochReport:
    epoch: int          # 1-based
    epochs: int
    loss: float


@dataclass
class FitResult:
    losses: list = field(default_factory=list)
    stopped: bool = False   # True when should_stop() ended it early
    loss: Valor = None      # the trained model's loss, with its graph, for :grad and :draw

    @property
    def final_loss(self):
        return self.losses[-1] if self.losses else math.nan


@fewer_collections()  # a training builds graph after graph: see engine.fewer_collections
def fit(model, xs, ys, epochs=100, learning_rate=0.1, loss="sse", on_epoch=None, should_stop=None):
    """Full-batch gradient descent: forward, zero grads, loss, backward, update — per epoch.

    on_epoch(EpochReport) is told after every epoch; should_stop() is asked before each one,
    so a caller can end training cleanly between epochs, keeping what was learnt.
    """
    loss_fn = LOSSES[loss] if isinstance(loss, str) else loss
    params = model.parameters()
    result = FitResult()
    for epoch in range(1, epochs + 1):
        if should_stop is not None and should_stop():
            result.stopped = True
            break
        predictions = predict(model, xs)
        model.zero_grad()
        current = loss_fn(predictions, ys)
        current.backward()
        gradient_descent_step(params, learning_rate)
        result.losses.append(current.data)
        if not math.isfinite(current.data):
            raise FloatingPointError(f"the loss became {current.data} at epoch {epoch}: "
                                     f"try a smaller learning rate")
        if on_epoch is not None:
            on_epoch(EpochReport(epoch, epochs, current.data))
    # the loss of the trained model, with a fresh graph for :grad and :draw — backpropagated,
    # so its drawing shows the same gradients as the weights
    result.loss = loss_fn(predict(model, xs), ys)
    model.zero_grad()
    result.loss.backward()
    return result
