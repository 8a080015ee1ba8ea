"""Backpropagation told as data: what each node sends to each parent, and whether it is right.

`explain_backprop(root)` replays the chain rule in the order `Valor.backward` uses, node by
node, and records every share — local derivative × gradient from above — with the formula of
the local derivative in symbols ("d(a*b)/da = b"). `check_gradients(root)` compares the
gradients backprop gives with central finite differences. Nothing here prints; the commands
`:grad --explain` and `:check` turn these records into words.
"""

import math
from itertools import islice
from dataclasses import dataclass, field

from .engine import Valor
from .graph import walk

__all__ = ["Share", "Step", "Backprop", "explain_backprop", "local_formula", "number",
           "NodeCheck", "LocalCheck", "GradientCheck", "check_gradients", "recompute", "CannotRecompute"]


# ---- the steps of backpropagation ----

@dataclass(frozen=True)
class Share:
    """What one node sends to one parent: its local derivative × the gradient from above."""
    parent: object
    position: int         # which argument of the operation the parent is (a*a has two)
    formula: tuple        # (left, right): ("d(a*b)/da", "b"); right is "" when it is a constant
    local: float          # d(node)/d(parent), as backprop uses it
    upstream: float       # d(root)/d(node), the gradient arriving from above
    product: float        # local × upstream: added into the parent's gradient
    earlier: tuple        # what the parent had received before this share
    total: float          # the parent's gradient after the addition


@dataclass(frozen=True)
class Step:
    """One node's turn: its gradient is complete, and it passes it on to its parents."""
    node: object
    upstream: float       # d(root)/d(node)
    received: tuple       # the amounts that added up to it (empty for the root itself)
    shares: tuple         # one Share per parent


@dataclass
class Backprop:
    graph: object                    # valorrepl.graph.Graph
    steps: list                      # inner nodes, from the root towards the leaves
    gradients: dict                  # node → d(root)/d(node)
    received: dict                   # node → [(child, amount)], in the order they arrived

    @property
    def leaves(self):
        return self.graph.leaves


def explain_backprop(root):
    """Every step of backpropagation from `root`, as `root.backward()` (after zero_grad) takes
    them: the same order, the same additions, so the numbers agree to the last bit. Pure: no
    gradient of the graph is touched."""
    graph = walk(root)
    gradients = {node: 0.0 for node in graph.nodes}
    received = {node: [] for node in graph.nodes}
    gradients[root] = 1.0
    steps = []
    for node in reversed(graph.nodes):
        if not node.parents:
            continue
        upstream = gradients[node]
        shares = []
        for position, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            product = local * upstream
            earlier = tuple(amount for _child, amount in received[parent])
            gradients[parent] += product
            received[parent].append((node, product))
            shares.append(Share(parent, position, local_formula(node, position, graph.names),
                                local, upstream, product, earlier, gradients[parent]))
        steps.append(Step(node, upstream, tuple(a for _c, a in received[node]), tuple(shares)))
    return Backprop(graph, steps, gradients, received)


def _term(name):
    # a negative constant inside a formula needs brackets: a*(-3)
    return f"({name})" if name.startswith("-") else name


def _exponent(text):
    value = float(text)
    return f"{value:g}" if value >= 0 else f"({value:g})"


def local_formula(node, position, names):
    """The local derivative of `node` with respect to its parent at `position`, in symbols:
    ("d(a*b)/da", "b"). The right side is "" when the derivative is a plain constant."""
    args = [_term(names[p]) for p in node.parents]
    x = args[position]
    op = node.op
    unary = {"exp": ("exp({0})", "exp({0})"), "log": ("log({0})", "1/{0}"),
             "tanh": ("tanh({0})", "1 - tanh({0})²"), "relu": ("relu({0})", "1 if {0} > 0, else 0"),
             "sigmoid": ("σ({0})", "σ({0})·(1 - σ({0}))"), "neg": ("-{0}", "")}
    if op == "+":
        expression, right = "+".join(args), ""
    elif op == "-" and len(args) == 2:
        expression, right = f"{args[0]}-{args[1]}", ""
    elif op == "*" and len(args) == 2:
        expression, right = f"{args[0]}*{args[1]}", args[1 - position]
    elif op == "/" and len(args) == 2:
        expression = f"{args[0]}/{args[1]}"
        right = f"1/{args[1]}" if position == 0 else f"-{args[0]}/{args[1]}²"
    elif op == "**" and len(args) == 2:
        expression = f"{args[0]}**{args[1]}"
        right = f"{args[1]}·{args[0]}**({args[1]}-1)" if position == 0 else f"{args[0]}**{args[1]}·ln({args[0]})"
    elif op.startswith("**") and len(args) == 1 and _is_number(op[2:]):
        n = float(op[2:])
        expression = f"{x}**{_exponent(op[2:])}"
        m = n - 1
        right = (f"{n:g}" if m == 0 else f"{n:g}·{x}" if m == 1 else f"{n:g}·{x}**{_exponent(str(m))}")
    elif op in unary and len(args) == 1:
        pattern, derivative = unary[op]
        expression, right = pattern.format(x), derivative.format(x)
    else:
        # an operation backprop knows only by the numbers it was given
        expression, right = f"{op or '?'}({', '.join(args)})", ""
    return f"d({expression})/d{x}", right


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def number(x):
    """A number as the explanations show it: -3.0, 0.25, 1.5e-07."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e16:
        return f"{x:.1f}"
    return f"{x:.6g}"


# ---- checking backprop against finite differences ----

class CannotRecompute(Exception):
    """A node's operation is known only by its numbers (a hand-built op), so it cannot be re-run."""

    def __init__(self, node):
        super().__init__(node.op)
        self.node = node


def recompute(op, values):
    """The result of operation `op` on plain numbers, through Valor's own operations (the same
    forward pass, stable sigmoid included); KeyError for an operation Valor does not have."""
    if op == "+":                 # the two commonest, without making Valors
        return sum(values)
    if op == "*":
        return math.prod(values)
    v = [Valor(x) for x in values]
    if op == "-" and len(v) == 2:
        return (v[0] - v[1]).data
    if op == "/" and len(v) == 2:
        return (v[0] / v[1]).data
    if op == "neg" and len(v) == 1:
        return (-v[0]).data
    if op == "**" and len(v) == 2:
        return (v[0] ** v[1]).data
    if op.startswith("**") and len(v) == 1 and _is_number(op[2:]):
        return (v[0] ** float(op[2:])).data
    if op in ("exp", "log", "tanh", "relu", "sigmoid") and len(v) == 1:
        return getattr(v[0], op)().data
    raise KeyError(op)


@dataclass(frozen=True)
class NodeCheck:
    """d(root)/d(node) by backprop and by central differences."""
    node: object
    backprop: float
    numeric: float        # nan when the graph could not be evaluated around the node
    error: float          # |backprop − numeric| / max(1, |backprop|, |numeric|)
    ok: bool


@dataclass(frozen=True)
class LocalCheck:
    """One stored local derivative d(node)/d(parent) against its own central difference."""
    node: object
    position: int
    local: float
    numeric: float
    error: float
    ok: bool


@dataclass
class GradientCheck:
    root: object
    graph: object
    checks: list                     # NodeCheck per checked node (leaves, then inner nodes)
    locals: list                     # LocalCheck per (inner node, parent) that could be re-run
    unknown: list                    # nodes whose operation cannot be re-run
    tolerance: float
    step: float
    unchecked: list = field(default_factory=list)   # nodes behind an unknown operation
    not_finite: list = field(default_factory=list)  # nodes whose numbers are inf or nan: no check
    candidates: int = 0              # nodes that could have been checked (some were left out)
    stopped: bool = False            # should_stop() ended the check early

    @property
    def failures(self):
        return [c for c in self.checks if not c.ok]

    @property
    def local_failures(self):
        return [c for c in self.locals if not c.ok]

    @property
    def largest(self):
        """The check with the largest error (a nan error counts as the largest)."""
        return max(self.checks, key=lambda c: math.inf if math.isnan(c.error) else c.error, default=None)

    @property
    def ok(self):
        return not self.failures and not self.local_failures


def _error(a, b):
    if math.isnan(a) or math.isnan(b):
        return 0.0 if math.isnan(a) and math.isnan(b) else math.nan
    if math.isinf(a) or math.isinf(b):
        return 0.0 if a == b else math.inf
    return abs(a - b) / max(1.0, abs(a), abs(b))


def _passes(error, tolerance):
    return not math.isnan(error) and error <= tolerance


def _finite(*numbers):
    return all(math.isfinite(x) for x in numbers)


def check_gradients(root, tolerance=1e-5, step=1e-6, inner=False, limit=None, work=None, per_op=None,
                    on_node=None, should_stop=None):
    """Compare every leaf's gradient (and every inner node's, with inner=True) with a central
    difference (f(x+h) − f(x−h)) / 2h, h = step·max(1, |x|). The error is relative for
    gradients above 1 and absolute below: |g − n| / max(1, |g|, |n|).

    Each node costs a re-run of the graph above it, so for big graphs `limit` checks at most
    that many nodes (`choose`) — fewer, down to 5, when checking them would re-run more than
    about `work` nodes in all — and `per_op` at most that many local derivatives of each
    operation. on_node(done, total) is told after each node; should_stop() is asked before each
    one and ends the check early. Where a number is inf or nan there is nothing to compare:
    such nodes go to `not_finite`, not to the failures.

    The graph's data are never changed (the forward pass is re-run on plain numbers); the
    gradients are computed by `root.backward()` and then put back as they were."""
    graph = walk(root)
    backprop = _backprop_gradients(root, graph.nodes)
    index = {node: i for i, node in enumerate(graph.nodes)}
    targets = [n for n in graph.nodes if not n.parents]
    if inner:
        targets += [n for n in graph.nodes if n.parents and n is not root]
    candidates = len(targets)
    if work is not None:                # a node costs about two half-graph re-runs
        limit = max(5, min(limit or candidates, work // len(graph.nodes)))
    if limit is not None:
        targets = choose(targets, limit)
    checks, unknown, unchecked, not_finite = [], [], [], []
    stopped = False
    for done, node in enumerate(targets):
        if should_stop is not None and should_stop():
            stopped = True
            break
        if on_node is not None:
            on_node(done, len(targets))
        h = step * max(1.0, abs(node.data))
        try:
            plus = _evaluate(graph.nodes, index, root, node, node.data + h)
            minus = _evaluate(graph.nodes, index, root, node, node.data - h)
            numeric = (plus - minus) / (2 * h)
        except CannotRecompute as error:
            if error.node not in unknown:
                unknown.append(error.node)
            unchecked.append(node)
            continue
        except (ArithmeticError, ValueError):
            numeric = math.nan          # the function is not defined a step away
        else:
            if not _finite(root.data, node.data, backprop[node], plus, minus):
                not_finite.append(node)     # inf − inf is nan: no number to compare with
                continue
        error = _error(backprop[node], numeric)
        checks.append(NodeCheck(node, backprop[node], numeric, error, _passes(error, tolerance)))
    locals_, per_op_seen = [], {}
    for node in graph.nodes:
        if stopped or not node.parents:
            continue
        if per_op is not None:          # a wrong derivative is wrong for every node of its op
            per_op_seen[node.op] = per_op_seen.get(node.op, 0) + 1
            if per_op_seen[node.op] > per_op:
                continue
        if not _finite(node.data, *(p.data for p in node.parents)):
            continue
        for position, parent in enumerate(node.parents):
            numeric = _local_numeric(node, position, step)
            if numeric is None:
                if node not in unknown:
                    unknown.append(node)
                continue
            local = node.local_grads[position] if position < len(node.local_grads) else math.nan
            if not _finite(local, numeric):
                continue
            error = _error(local, numeric)
            locals_.append(LocalCheck(node, position, local, numeric, error, _passes(error, tolerance)))
    return GradientCheck(root, graph, checks, locals_, unknown, tolerance, step, unchecked,
                         not_finite, candidates, stopped)


def choose(nodes, limit):
    """At most `limit` of `nodes`: every labelled one first (a network's weights, the learner's
    named values), then the others evenly spread, in graph order."""
    if len(nodes) <= limit:
        return list(nodes)
    labelled = [n for n in nodes if n.label][:limit]
    others = [n for n in nodes if not n.label]
    room = limit - len(labelled)
    picked = set(labelled)
    if room > 0 and others:
        stride = len(others) / room
        picked.update(others[int(i * stride)] for i in range(room))
    return [n for n in nodes if n in picked]


def _backprop_gradients(root, nodes):
    saved = [node.grad for node in nodes]
    try:
        root.zero_grad()
        root.backward()
        return {node: node.grad for node in nodes}
    finally:
        for node, grad in zip(nodes, saved):
            node.grad = grad


def _evaluate(nodes, index, root, target, value):
    """root's data with target's data replaced by value: only the nodes downstream re-run."""
    values = {target: value}
    for node in islice(nodes, index[target] + 1, None):
        for parent in node.parents:     # a plain loop: this runs for every node above target
            if parent in values:
                break
        else:
            continue
        try:
            values[node] = recompute(node.op, [values.get(p, p.data) for p in node.parents])
        except KeyError:
            raise CannotRecompute(node) from None
    return values.get(root, root.data)


def _local_numeric(node, position, step):
    """d(node)/d(its parent at position), by a central difference on the operation alone."""
    args = [p.data for p in node.parents]
    h = step * max(1.0, abs(args[position]))
    try:
        plus = recompute(node.op, args[:position] + [args[position] + h] + args[position + 1:])
        minus = recompute(node.op, args[:position] + [args[position] - h] + args[position + 1:])
    except KeyError:
        return None
    except (ArithmeticError, ValueError):
        return math.nan
    return (plus - minus) / (2 * h)
