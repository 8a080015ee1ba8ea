"""Valor: a scalar that remembers how it was computed, and can send gradients back.

Each operation builds a new Valor that keeps its parents and the *local* derivative of
the result with respect to each parent (∂out/∂parent), computed during the forward pass.
Backpropagation then needs only the chain rule: parent.grad += local * out.grad.

Why no closures (micrograd keeps a `_backward` closure per node): a closure that refers to
its own output makes a reference cycle, so the cyclic garbage collector keeps walking
every graph. Plain numbers in `__slots__` make no cycles, so a graph is freed the moment
nothing refers to it, and each node is small.
"""

import contextlib
import gc
import math
import numbers

from .i18n import _   # errors in the learner's language

__all__ = ["Valor", "exp", "log", "tanh", "relu", "sigmoid", "sig"]

_NO_PARENTS = ()


class Valor:
    """A number in a computational graph: data, gradient, and where it came from."""

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "__weakref__")

    def __init__(self, data, parents=(), op="", label="", *, local_grads=None,
                 progenitor=None, operador_mae=None, rotulo=None):
        if type(data) is not float:  # the common case skips the (slow) checks of _real
            data = _real(data)
        self.data = data
        self.grad = 0.0
        # the course's keywords (progenitor, operador_mae, rotulo) name the same things
        self.parents = tuple(progenitor if progenitor is not None else parents)
        self.op = operador_mae if operador_mae is not None else op
        self.label = rotulo if rotulo is not None else label
        self.local_grads = local_grads if local_grads is not None else _guess_local_grads(self)

    @classmethod
    def _result(cls, data, parents, op, local_grads):
        # the fast path every operation takes: data is already a float, no checks needed
        out = cls.__new__(cls)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
        return out

    # ---- primitive operations: each computes out and d(out)/d(each parent) ----

    def __add__(self, other):
        other = other if isinstance(other, Valor) else Valor(other)
        return Valor._result(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Valor) else Valor(other)
        return Valor._result(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __sub__(self, other):
        other = other if isinstance(other, Valor) else Valor(other)
        return Valor._result(self.data - other.data, (self, other), "-", (1.0, -1.0))

    def __truediv__(self, other):
        other = other if isinstance(other, Valor) else Valor(other)
        if other.data == 0.0:
            raise ZeroDivisionError(_("division by zero: {a} / {b}").format(a=repr(self), b=repr(other)))
        # d(a/b)/da = 1/b ; d(a/b)/db = -a/b²
        inverse = 1.0 / other.data
        return Valor._result(self.data * inverse, (self, other), "/",
                             (inverse, -self.data * inverse * inverse))

    def __neg__(self):
        return Valor._result(-self.data, (self,), "neg", (-1.0,))

    def __pow__(self, other):
        if isinstance(other, Valor):
            return self._pow_valor(other)
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return NotImplemented
        n = float(other)
        data = _power(self.data, n, f"{self!r} ** {other!r}")
        # d(aⁿ)/da = n·aⁿ⁻¹; at a = 0 with n < 1 the slope is infinite, not an error
        slope = n * _power(self.data, n - 1, "", infinite_at_zero=True) if n != 0 else 0.0
        return Valor._result(data, (self,), f"**{_short(other)}", (slope,))

    def _pow_valor(self, other):
        a, b = self.data, other.data
        data = _power(a, b, f"{self!r} ** {other!r}")
        slope_a = b * _power(a, b - 1, "", infinite_at_zero=True) if b != 0 else 0.0
        # d(aᵇ)/db = aᵇ·ln a, defined for a > 0; it tends to 0 as a → 0 (b > 0), and for
        # a < 0 (only whole b get here) the real power has no slope in b: nan says so
        if a > 0:
            slope_b = data * math.log(a)
        elif a == 0:
            slope_b = 0.0
        else:
            slope_b = math.nan
        return Valor._result(data, (self, other), "**", (slope_a, slope_b))

    def exp(self):
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise OverflowError(_("exp overflows for {value} (the result is above 1.8e308)").format(
                value=repr(self))) from None
        return Valor._result(data, (self,), "exp", (data,))  # d(eˣ)/dx = eˣ

    def log(self):
        if self.data <= 0:
            raise ValueError(_("log needs a positive number, not {value}").format(value=repr(self)))
        return Valor._result(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)  # math.tanh saturates at ±1, it never overflows
        return Valor._result(t, (self,), "tanh", (1.0 - t * t,))

    def relu(self):
        x = self.data
        return Valor._result(x if x > 0 else 0.0, (self,), "relu", (1.0 if x > 0 else 0.0,))

    def sigmoid(self):
        x = self.data
        # 1/(1+e⁻ˣ) for x ≥ 0 and eˣ/(1+eˣ) for x < 0: exp only ever sees x ≤ 0, so
        # it cannot overflow (the course's exp(x)/(exp(x)+1) overflows at x = 710)
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Valor._result(s, (self,), "sigmoid", (s * (1.0 - s),))

    # ---- derived and reflected operations ----

    def __radd__(self, other):  # other + self
        return Valor(other) + self

    def __rmul__(self, other):  # other * self
        return Valor(other) * self

    def __rsub__(self, other):  # other - self
        return Valor(other) - self

    def __rtruediv__(self, other):  # other / self
        return Valor(other) / self

    def __rpow__(self, other):  # other ** self
        return Valor(other) ** self

    # ---- comparisons read the data; equality stays identity so nodes hash by identity ----

    def __lt__(self, other):
        return self.data < _data(other)

    def __le__(self, other):
        return self.data <= _data(other)

    def __gt__(self, other):
        return self.data > _data(other)

    def __ge__(self, other):
        return self.data >= _data(other)

    __hash__ = object.__hash__

    def __float__(self):
        return self.data

    def __repr__(self):
        parts = [f"data={self.data!r}"]
        if self.grad:
            parts.append(f"grad={self.grad!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Valor({', '.join(parts)})"

    # ---- backpropagation ----

    def topological_order(self):
        """Every node of this graph, each after all of its parents (leaves first, self last)."""
        return self._order(with_leaves=True)

    def _order(self, with_leaves):
        # an explicit stack instead of recursion, so a chain of a million operations is fine:
        # a node waits on the stack until all its parents are in the order, then joins it
        order, seen = [], {self}
        stack = [self]
        join, done, mark = order.append, stack.pop, seen.add  # bound once: this loop is hot
        while stack:
            node = stack[-1]
            for parent in node.parents:
                if parent not in seen:
                    mark(parent)
                    if parent.parents:
                        stack.append(parent)
                        break
                    if with_leaves:
                        join(parent)  # a leaf has nothing to wait for
            else:
                join(done())
        return order

    def propagate(self):
        """One step of the chain rule: add local derivative × this gradient to each parent."""
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * self.grad

    def backward(self):
        """Backpropagate from here: d(self)/d(node) into every node's grad.

        Inner nodes are recomputed on every call; leaves accumulate across calls, as in
        PyTorch (call zero_grad() to clear them).
        """
        inner = self._order(with_leaves=False) if self.parents else []  # leaves pass nothing on
        # phase 1: inner nodes start from zero so a second call never double-counts them
        for node in inner:
            node.grad = 0.0
        self.grad += 1.0
        # phase 2: from the result back to the leaves, each node passes its gradient on
        for node in reversed(inner):
            grad, parents, local = node.grad, node.parents, node.local_grads
            if len(parents) == 2:  # most operations: unrolled, as this is the hot loop of training
                a, b = parents
                a.grad += local[0] * grad
                b.grad += local[1] * grad
            else:
                for parent, slope in zip(parents, local):
                    parent.grad += slope * grad

    def zero_grad(self):
        """Set the gradient of every node of this graph to zero."""
        for node in self.topological_order():
            node.grad = 0.0

    # ---- the course's names (same objects, not copies) ----
    propagar = propagate
    propagar_tudo = backward
    ordem_topologica = topological_order
    sig = sigmoid
    rotulo = property(lambda self: self.label, lambda self, v: setattr(self, "label", v))
    progenitor = property(lambda self: self.parents, lambda self, v: setattr(self, "parents", tuple(v)))
    operador_mae = property(lambda self: self.op, lambda self, v: setattr(self, "op", v))


def _real(data):
    """data as a float, or a TypeError: Valors, ints and other real numbers are fine, bools are not."""
    if isinstance(data, Valor):
        return data.data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(_("Valor needs a real number, not {type}: {value}").format(
            type=type(data).__name__, value=repr(data)))
    return float(data)


def _data(x):
    return x.data if isinstance(x, Valor) else x


def _short(number):
    return f"{number:g}" if isinstance(number, float) else str(number)


def _power(base, exponent, what, infinite_at_zero=False):
    """base ** exponent as a real float, with errors that say which operation failed."""
    if base == 0.0 and exponent < 0:
        if infinite_at_zero:
            return math.inf
        raise ZeroDivisionError(_("zero to a negative power: {what}").format(what=what))
    if base < 0 and exponent != int(exponent):
        if infinite_at_zero:
            return math.nan
        raise ValueError(_("a negative number to a fractional power is not real: {what}").format(what=what))
    try:
        return float(base ** exponent)
    except OverflowError:
        if infinite_at_zero:
            return math.inf
        raise OverflowError(_("power overflows: {what}").format(what=what)) from None


def _guess_local_grads(node):
    """Local derivatives for a node built by hand, as the course does: Valor(5, (a, b), '+')."""
    parents = node.parents
    if not parents:
        return _NO_PARENTS
    if node.op == "+":
        return (1.0,) * len(parents)
    if node.op == "*" and len(parents) == 2:
        return (parents[1].data, parents[0].data)
    # unknown operation: no gradient flows through it, rather than a wrong one
    return (0.0,) * len(parents)


# functions that work on Valors and on plain numbers alike (math for numbers)
def exp(x):
    return x.exp() if isinstance(x, Valor) else math.exp(x)


def log(x):
    return x.log() if isinstance(x, Valor) else math.log(x)


def tanh(x):
    return x.tanh() if isinstance(x, Valor) else math.tanh(x)


def relu(x):
    return x.relu() if isinstance(x, Valor) else max(0.0, x)


def sigmoid(x):
    return x.sigmoid() if isinstance(x, Valor) else Valor(x).sigmoid().data


sig = sigmoid


@contextlib.contextmanager
def fewer_collections(every=100_000):
    """Run Python's cycle collector every `every` new objects instead of every 700, for a while.

    Valor graphs make no reference cycles, so the collector never finds garbage in them, yet
    it walks every young node each time it runs: building a big graph then costs up to twice as
    long. valorrepl runs each input and each training like this; cycles elsewhere are still
    collected, only less often."""
    previous = gc.get_threshold()
    gc.set_threshold(every, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
