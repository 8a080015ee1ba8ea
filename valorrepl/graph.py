"""Walking a computational graph once: its nodes in order, its edges, readable names — and,
for graphs too big to read node by node, a summary with one box per neuron, layer or kind of
operation.

Everything here is iterative (no recursion), so a chain of a million operations is fine.
"""

import re
from dataclasses import dataclass, field

__all__ = ["Graph", "walk", "node_name", "printable", "Box", "Summary", "summarise", "parameter_position",
           "ACTIVATION_OPS"]

ACTIVATION_OPS = ("sigmoid", "tanh", "relu")


@dataclass
class Graph:
    root: object
    nodes: list        # topological order: leaves first, root last
    names: dict        # node → a name to show (its label, or op + number), unique in the graph
    _children: dict = field(default=None, repr=False)
    _summary: object = field(default=None, repr=False)

    @property
    def edges(self):
        """(parent, child) pairs, in a stable order."""
        return [(p, n) for n in self.nodes for p in n.parents]

    @property
    def leaves(self):
        return [n for n in self.nodes if not n.parents]

    @property
    def children(self):
        """node → the nodes that use it, in graph order (a node used twice appears twice)."""
        if self._children is None:
            self._children = {node: [] for node in self.nodes}
            for node in self.nodes:
                for parent in node.parents:
                    self._children[parent].append(node)
        return self._children

    def summary(self):
        """The graph in boxes (see `summarise`), computed once."""
        if self._summary is None:
            self._summary = summarise(self)
        return self._summary


def walk(root):
    """The graph below `root` (iterative, so deep graphs are fine), with a name for each node."""
    nodes = root.topological_order()
    names, counts, used = {}, {}, {}
    for node in nodes:
        names[node] = node_name(node, counts, used)
    return Graph(root, nodes, names)


def node_name(node, counts, used=None):
    """A node's label; for an unlabelled node its op and a number (`(*)1`), or its value for a
    constant. Two nodes with the same label become `x` and `x#2`, so references stay clear."""
    if node.label:
        label = printable(str(node.label))
        if used is None:
            return label
        used[label] = used.get(label, 0) + 1
        return label if used[label] == 1 else f"{label}#{used[label]}"
    if not node.parents:
        return constant_name(node.data)
    op = node.op or "?"
    counts[op] = counts.get(op, 0) + 1
    return f"({op}){counts[op]}"


def constant_name(x):
    """An unlabelled constant by its value, with digits enough to tell 1.0000001 from 1
    (`:g` shows both as 1) yet 0.1 + 0.2 still as 0.3."""
    return f"{x:.10g}"


def printable(text):
    """A label with its control characters written as escapes (a newline as \\n), so it
    stays on one line wherever it is shown."""
    if not text.strip():
        return repr(text)              # a label of spaces would be invisible
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# ---- summaries of big graphs ----

_PARAMETER = re.compile(r"([wb])\[(\d+(?:,\d+)*)?\]$|(b)$")


def parameter_position(label):
    """("w", (layer, neuron, input)) for a network's labelled parameter (`w[0,1,2]`, `b[0,1]`,
    `w[2]` of a lone neuron, `b`), else None. nn.Neuron/Layer/MLP label their parameters so."""
    match = _PARAMETER.match(label) if label else None
    if match is None:
        return None
    if match.group(3):
        return ("b", ())
    numbers = tuple(int(n) for n in match.group(2).split(",")) if match.group(2) else ()
    return (match.group(1), numbers)


def neuron_of(position):
    kind, numbers = position
    return numbers[:-1] if kind == "w" else numbers


@dataclass
class Box:
    """Some nodes drawn as one: kind is node (a single node), neuron, layer, ops (nodes of one
    operation in the same place: the 4 `**2` of a sum of squares), inputs (the numbers a
    network reads) or rest (what a summary by distance from the result leaves out)."""
    kind: str
    key: tuple                     # neuron/layer: its position; ops: (op,); node: ()
    nodes: list = field(default_factory=list)
    parameters: list = field(default_factory=list)   # a neuron's or layer's weights and biases
    activations: set = field(default_factory=set)

    @property
    def op(self):
        return self.nodes[0].op if self.kind in ("node", "ops") else ""

    @property
    def activation(self):
        if len(self.activations) == 1:
            return next(iter(self.activations))
        return "mixed" if self.activations else "linear"


@dataclass
class Summary:
    graph: Graph
    boxes: list                    # in graph order: a box comes after every box it reads from
    box_of: dict                   # node → box index, or None for hidden constants
    edges: dict                    # (from box, to box) → how many node-to-node edges it stands for
    by: str                        # "neuron", "layer", "ops" or "distance"
    hidden: int = 0                # constants not drawn (each is part of the box that uses it)
    depth: list = None             # per box: the longest path of boxes before it

    def root_box(self):
        return self.box_of[self.graph.root]


MAX_NEURON_BOXES = 24   # more neurons than this: one box per layer
MAX_BOXES = 60          # more boxes than this: show the part nearest the result instead
NEAR_ROOT = 40          # nodes kept by the summary by distance


def summarise(graph, max_neuron_boxes=MAX_NEURON_BOXES, max_boxes=MAX_BOXES):
    """Group the graph's nodes into boxes a person can read.

    A network's parameters are labelled `w[l,n,i]`/`b[l,n]`; the products `w·x`, the sums that
    add them up and the activation after them belong to neuron [l,n] — across every sample the
    network saw, so the edges between boxes count how often a value flowed (`×4` for 4
    samples). The other operations are grouped by operation and by the boxes they read, with
    a chain of the same operation (a `sum(...)`) kept together. When that still gives too many
    boxes (a long chain of different operations), the summary keeps the nodes nearest the
    result and one box for the rest.
    """
    group = _neuron_groups(graph)
    neurons = set(group.values())
    by = "neuron"
    if len(neurons) > max_neuron_boxes:
        layer = {key: ("layer", key[1][:-1]) for key in neurons}
        group = {node: layer[key] for node, key in group.items()}
        by = "layer"
    summary = None
    if _operation_groups(graph, group, limit=2 * max_boxes):
        summary = _boxes(graph, group, by if neurons else "ops")
    if summary is None or len(summary.boxes) > max_boxes:
        summary = _near_root(graph)
    return _in_order(summary)


CONSTANT, INPUTS = ("constant",), ("inputs",)


def _neuron_groups(graph):
    """node → ("neuron", position) for the nodes that make up a network's neurons."""
    group, weights, keys_made = {}, set(), {}
    for node in graph.nodes:
        parents = node.parents
        if not parents:
            position = parameter_position(node.label)
            if position is not None:
                place = neuron_of(position)
                group[node] = keys_made.setdefault(place, ("neuron", place))  # one tuple per neuron
                if position[0] == "w":
                    weights.add(node)
            continue
        op = node.op
        if op == "*" and len(parents) == 2:
            a, b = parents                 # w·x: a weight times anything else
            if a in weights and b is not a:
                group[node] = group[a]
            elif b in weights and a is not b:
                group[node] = group[b]
        elif op == "+":                    # b + w0·x0 + w1·x1 …: every part from one neuron
            key = group.get(parents[0])
            if key is not None and all(group.get(p) is key for p in parents[1:]):
                group[node] = key
        elif op in ACTIVATION_OPS and parents[0].op == "+":
            key = group.get(parents[0])    # the activation of the neuron's sum
            if key is not None:
                group[node] = key
    return group


def _operation_groups(graph, group, limit):
    """Every other inner node: grouped by its operation and the groups it reads. False when
    that makes more than `limit` groups (then no grouping will be readable)."""
    ids = {}
    for node in graph.nodes:
        if node in group:
            continue
        if not node.parents:
            group[node] = ("node", node) if node.label else CONSTANT
            continue
        keys = [group[p] for p in node.parents]
        chain = next((k for p, k in zip(node.parents, keys) if p.op == node.op and k[0] == "ops"), None)
        if chain is not None:          # a + b + c + …: one box for the whole sum
            group[node] = chain
            continue
        reads = tuple(sorted({_short_key(k) for k in keys}))
        key = ids.get((node.op, reads))
        if key is None:                # one key object per group: lookups compare by identity
            key = ids[(node.op, reads)] = ("ops", len(ids), node.op)
        group[node] = key
        if len(ids) > limit:
            return False
    return True


def _short_key(key):
    # what an operation reads, coarsely: a network's values by layer (so the squares of every
    # parameter make one group per layer, not one per neuron), other groups by number
    kind = key[0]
    if kind == "node":
        return ("node", id(key[1]))
    if kind == "neuron":
        return ("layer", key[1][:-1])
    return key if kind != "ops" else ("ops", key[1])


def _boxes(graph, group, by):
    """Boxes from a node → group-key mapping; the root always has a box of its own, and a group
    of one node is that node."""
    root = graph.root
    group[root] = ("node", root)
    # constants feeding only neurons are the network's inputs; the others stay with their user
    network = ("neuron", "layer")
    for node in graph.nodes:
        for parent in node.parents:
            key = group[parent]
            if key is CONSTANT or key is INPUTS:   # None, once set, stays
                group[parent] = INPUTS if group[node][0] in network else None
    index, boxes, box_of = {}, [], {}
    hidden = 0
    for node in graph.nodes:
        key = group[node]
        if key is None:
            box_of[node] = None
            hidden += 1
            continue
        if key not in index:
            index[key] = len(boxes)
            kind = key[0]
            boxes.append(Box(kind, key[1] if kind in ("neuron", "layer") else
                             ((key[2],) if kind == "ops" else ()), []))
        box = boxes[index[key]]
        box_of[node] = index[key]
        box.nodes.append(node)
        if box.kind in ("neuron", "layer"):
            if not node.parents:
                box.parameters.append(node)
            elif node.op in ACTIVATION_OPS:
                box.activations.add(node.op)
    for box in boxes:
        if box.kind == "ops" and len(box.nodes) == 1:
            box.kind = "node"
    edges = {}
    for node in graph.nodes:
        to = box_of[node]
        for parent in node.parents:
            source = box_of[parent]
            if source is not None and source != to:
                edges[(source, to)] = edges.get((source, to), 0) + 1
    return Summary(graph, boxes, box_of, edges, by, hidden)


def _in_order(summary):
    """Boxes sorted by depth (the longest path of boxes before them), then by position, so
    neuron [0,0] comes before [0,1] and layer 0 before layer 1; edges sorted by box."""
    count = len(summary.boxes)
    depth, waiting, after = [0] * count, [0] * count, [[] for _ in range(count)]
    for source, to in summary.edges:
        waiting[to] += 1
        after[source].append(to)
    ready = [i for i in range(count) if waiting[i] == 0]
    while ready:                       # Kahn's topological order, keeping the longest path
        box = ready.pop()
        for to in after[box]:
            depth[to] = max(depth[to], depth[box] + 1)
            waiting[to] -= 1
            if waiting[to] == 0:
                ready.append(to)
    boxes = summary.boxes
    order = sorted(range(count), key=lambda i: (depth[i], boxes[i].kind != "inputs", boxes[i].kind == "node",
                                                boxes[i].kind, boxes[i].key, i))
    new = {old: i for i, old in enumerate(order)}
    summary.boxes = [boxes[i] for i in order]
    summary.box_of = {node: (new[i] if i is not None else None) for node, i in summary.box_of.items()}
    summary.edges = dict(sorted(((new[a], new[b]), c) for (a, b), c in summary.edges.items()))
    summary.depth = [depth[i] for i in order]
    return summary


def _near_root(graph, keep=NEAR_ROOT):
    """The `keep` nodes nearest the result, each in its own box, and one box for the rest.
    Unlabelled constants are left out: each shows in the expression of the node using it."""
    kept, queue, seen, at = [], [graph.root], {graph.root}, 0
    while at < len(queue) and len(kept) < keep:
        node = queue[at]
        at += 1
        kept.append(node)
        for parent in node.parents:
            if parent not in seen and (parent.parents or parent.label):
                seen.add(parent)
                queue.append(parent)
    kept_set = set(kept)
    rest = Box("rest", (), [n for n in graph.nodes if n not in kept_set and (n.parents or n.label)])
    boxes = ([rest] if rest.nodes else []) + [Box("node", (), [n]) for n in graph.nodes if n in kept_set]
    box_of = dict.fromkeys(graph.nodes, 0 if rest.nodes else None)
    for index, box in enumerate(boxes):
        if box.kind == "node":
            box_of[box.nodes[0]] = index
    hidden = len(graph.nodes) - len(kept) - len(rest.nodes)
    for node in graph.nodes:
        if not node.parents and not node.label and node not in kept_set:
            box_of[node] = None
    edges = {}
    for node in kept:
        to = box_of[node]
        for parent in node.parents:
            source = box_of[parent]
            if source is not None and source != to:
                edges[(source, to)] = edges.get((source, to), 0) + 1
    return Summary(graph, boxes, box_of, edges, "distance", hidden)


# a learner's own Valor-like class (lessons 2 and 3) names its parts in the course's words,
# in micrograd's, or in ours
PARENT_NAMES = ("parents", "progenitor", "_prev", "_children", "children")
OP_NAMES = ("op", "operador_mae", "_op")
LABEL_NAMES = ("label", "rotulo")


def looks_like_valor(obj):
    return hasattr(obj, "data") and any(hasattr(obj, name) for name in PARENT_NAMES)


def from_valor_like(obj):
    """A Valor copy of a graph built with the learner's own class, so it can be drawn: data,
    parents, op, label and grad are read under any of their usual names."""
    from .engine import Valor

    def first(node, names, default):
        for name in names:
            value = getattr(node, name, None)
            if value is not None:
                return value
        return default

    copies = {}
    stack = [(obj, False)]
    while stack:  # parents first, without recursion
        node, parents_done = stack.pop()
        if id(node) in copies:
            continue
        parents = list(first(node, PARENT_NAMES, ()))
        if not parents_done:
            stack.append((node, True))
            stack.extend((p, False) for p in parents if id(p) not in copies)
            continue
        data = getattr(node, "data", 0.0)
        copy = Valor(float(data) if isinstance(data, (int, float)) else 0.0,
                     tuple(copies[id(p)] for p in parents), str(first(node, OP_NAMES, "")),
                     str(first(node, LABEL_NAMES, "")), local_grads=(0.0,) * len(parents))
        grad = getattr(node, "grad", 0.0)
        copy.grad = float(grad) if isinstance(grad, (int, float)) else 0.0
        copies[id(node)] = copy
    return copies[id(obj)]
