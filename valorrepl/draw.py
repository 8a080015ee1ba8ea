"""Pictures of a graph: a text drawing for any terminal, DOT source, SVG/PNG from `dot`, and
the graph told in sentences.

Like the course's plota_grafo: left to right, a record per value (label | data | grad) and a
small node per operation between them. Node ids follow the graph's order, so the same graph
gives the same drawing, byte for byte, every time.

Graphs too big to read node by node (a network's loss over a data set: thousands of nodes)
are drawn summarised — one box per neuron or layer, counts on the edges — unless `full` is
asked for. Gradients carry their sign in the text (`+0.5000`, `-3.0000`) and a `!` when they
are among the largest, so no colour is needed to read them; colours only repeat that.
"""

import math
import shutil
import subprocess
import textwrap
from typing import NamedTuple

from .graph import Graph, neuron_of, parameter_position, printable, walk
from .i18n import N_, _, get_language

__all__ = ["text_drawing", "styled_drawing", "dot_source", "render", "describe", "needs_summary", "summary_note",
           "DotMissing", "DotTimeout", "DotFailed", "DOT_TIMEOUT", "SUMMARY_NODES", "number", "signed",
           "grad_style"]

DOT_TIMEOUT = 1.5      # seconds: dot takes minutes on a few hundred dense nodes
SUMMARY_NODES = 150    # bigger graphs are summarised (unless full=True)
SUMMARY_EDGES = 300
LARGE = 0.5            # a gradient at least half the largest one is marked `!`


class DotMissing(RuntimeError):
    """The graphviz `dot` program is not installed."""


class DotTimeout(RuntimeError):
    """`dot` did not finish in time."""


class DotFailed(RuntimeError):
    """`dot` ran and failed."""


# ---- shared pieces ----

def _graph(root):
    return root if isinstance(root, Graph) else walk(root)


def needs_summary(root):
    """True when the graph is too big to draw node by node."""
    graph = _graph(root)
    edges = sum(len(node.parents) for node in graph.nodes)
    return len(graph.nodes) > SUMMARY_NODES or edges > SUMMARY_EDGES


def number(x):
    """4 decimals as the course prints them; scientific where 4 decimals would hide the value."""
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == 0:
        return "0.0000"
    return f"{x:.4f}" if 1e-4 <= abs(x) < 1e6 else f"{x:.3e}"


def signed(x):
    """A gradient with its sign always written: +0.5000, -3.0000, 0.0000."""
    text = number(x)
    return "+" + text if x > 0 else text


def _largest(graph):
    """The size from which a gradient counts as large: half the largest (the root's own
    gradient, always 1 after backward, does not count)."""
    sizes = [abs(n.grad) for n in graph.nodes if n is not graph.root and math.isfinite(n.grad)]
    top = max(sizes, default=0.0)
    return LARGE * top if top > 0 else math.inf


def grad_style(grad):
    """The style class of a gradient: grad.positive, grad.negative or grad.zero."""
    return "grad.positive" if grad > 0 else "grad.negative" if grad < 0 else "grad.zero"


_INFIX = ("+", "-", "*", "/", "**")


def expression(node, names):
    """How a node was computed, in the names of its parents: `a * b`, `tanh(x)`, `x**2`."""
    args = [printable(names[p]) for p in node.parents]
    op = node.op or "?"
    if op in _INFIX and len(args) == 2:
        return f"{args[0]} {op} {args[1]}"
    if op == "neg" and len(args) == 1:
        return f"-{args[0]}"
    if op.startswith("**") and len(args) == 1:
        return f"{args[0]}{op}"
    return f"{op}({', '.join(args)})"


def _head(node, names):
    name = printable(names[node])
    return f"{name} = {expression(node, names)}" if node.parents else name


def _count(n):
    """12,345 in English, 12.345 in Portuguese."""
    text = f"{n:,}"
    return text.replace(",", ".") if get_language() == "pt" else text


# ---- boxes of a summary: titles, numbers, sources ----

def box_title(summary, index):
    box = summary.boxes[index]
    names = summary.graph.names
    if box.kind == "node":
        return _head(box.nodes[0], names)
    if box.kind == "neuron":
        where = "[" + ",".join(map(str, box.key)) + "]"
        weights = sum(1 for p in box.parameters if p.label.startswith("w"))
        return _("neuron {where} · {activation} · {weights}").format(
            where=where, activation=box.activation,
            weights=_("1 weight + bias") if weights == 1 else _("{count} weights + bias").format(count=weights))
    if box.kind == "layer":
        where = ",".join(map(str, box.key))
        neurons = len({_neuron_key(p) for p in box.parameters})
        return _("layer {where} · {neurons} · {activation} · {parameters} parameters").format(
            where=where or "0", activation=box.activation, parameters=len(box.parameters),
            neurons=_("1 neuron") if neurons == 1 else _("{count} neurons").format(count=neurons))
    if box.kind == "inputs":
        return _("inputs ×{count}").format(count=_count(len(box.nodes)))
    if box.kind == "rest":
        return _("… {count} more nodes").format(count=_count(len(box.nodes)))
    return f"{_ops_name(summary, index)} ×{_count(len(box.nodes))}"


def _ops_name(summary, index):
    """`(*)`, or `(*)#2` when another box groups the same operation."""
    op = summary.boxes[index].op
    same = [i for i, box in enumerate(summary.boxes) if box.kind == "ops" and box.op == op]
    name = f"({printable(op)})"
    return name if len(same) == 1 else f"{name}#{same.index(index) + 1}"


def _neuron_key(parameter):
    return neuron_of(parameter_position(parameter.label))


def _box_grad(summary, index):
    """(node, gradient) that speaks for a box: the node itself, or the member whose gradient is
    largest — a parameter, for a neuron or a layer."""
    box = summary.boxes[index]
    if box.kind == "node":
        return box.nodes[0], box.nodes[0].grad
    members = box.parameters if box.kind in ("neuron", "layer") else box.nodes
    members = members or box.nodes
    best = max(members, key=lambda n: abs(n.grad) if math.isfinite(n.grad) else -1.0)
    return best, best.grad


def _sources(summary, index):
    """[(box index, count)] of the boxes this box reads from."""
    return [(source, count) for (source, to), count in summary.edges.items() if to == index]


def summary_note(root):
    """One line saying how a big graph was summarised."""
    return _summary_note(_graph(root).summary())


def _summary_note(summary):
    graph = summary.graph
    how = {"neuron": _("one box per neuron"), "layer": _("one box per layer"),
           "ops": _("one box per kind of operation"),
           "distance": _("the nodes nearest the result")}[summary.by]
    note = _("{nodes} nodes, summarised in {boxes} boxes ({how})").format(
        nodes=_count(len(graph.nodes)), boxes=len(summary.boxes), how=how)
    return note + "; " + _("--full draws every node")


# ---- the text drawing ----

def text_drawing(root, width=80, highlight=None, full=False, ascii_only=False):
    """The graph as plain text that fits `width` columns: an indented tree from the result
    back to the leaves, with data and gradient beside every node; a node used twice is drawn
    once and then referred to (`↑`). `highlight` (a node) is marked with `▶`. Big graphs are
    summarised unless `full`."""
    return "".join(text for _style, text in styled_drawing(root, width, highlight, full, ascii_only))


def styled_drawing(root, width=80, highlight=None, full=False, ascii_only=False):
    """The text drawing as (style_class, text) fragments: gradients in grad.positive,
    grad.negative or grad.zero, the `!` of a large one in grad.large, the marked node in
    highlight, tree lines in muted. Joined, the texts are exactly `text_drawing`."""
    graph = _graph(root)
    if not full and needs_summary(graph):
        rows = _summary_rows(graph.summary(), highlight)
    else:
        rows = _tree_rows(graph, highlight, max(int(width), 20))
    fragments = _layout(graph, rows, max(int(width), 20), highlight is not None)
    if ascii_only:   # a terminal that cannot show the tree's lines: same layout in ASCII
        fragments = [(style, text.translate(_ASCII)) for style, text in fragments]
    return fragments


_ASCII = str.maketrans("├└─│↑▶┄…×←·", "|`-|^>~~x<-")


class Row(NamedTuple):
    prefix: str                 # the tree's lines
    head: str                   # `c = a * b`, a box's title, a note
    kind: str                   # node, ref (a node drawn above), box, note, from
    node: object = None         # the node whose numbers are shown
    data: bool = True           # show the node's data (a box shows only a gradient)
    marked: bool = False


def _tree_rows(graph, highlight, width):
    """Rows of the tree, root first, walked with a stack (no recursion: deep graphs are fine)."""
    names = graph.names
    rows, shown = [], set()
    longest = (width // 4 + 2) * 4   # a deeper prefix is cut when shown: keep no more than that
    stack = [(graph.root, "", "")]   # node, prefix of its line, prefix of its parents' lines
    while stack:
        node, prefix, below = stack.pop()
        if node in shown and node.parents:
            rows.append(Row(prefix, printable(names[node]), "ref", marked=node is highlight))
            continue
        shown.add(node)
        rows.append(Row(prefix, _head(node, names), "node", node, marked=node is highlight))
        parents = node.parents
        if len(below) > longest:
            below = below[len(below) - longest:]
        for i in range(len(parents) - 1, -1, -1):
            last = i == len(parents) - 1
            stack.append((parents[i], below + ("└── " if last else "├── "),
                          below + ("    " if last else "│   ")))
    return rows


def _summary_rows(summary, highlight):
    """Rows of a summary: each box (root first) with a line saying where its values come from."""
    rows = [Row("", _summary_note(summary), "note")]
    marked_box = summary.box_of.get(highlight) if highlight is not None else None
    for index in _result_first(summary):
        box = summary.boxes[index]
        node, _grad = _box_grad(summary, index)
        single = box.kind == "node"
        rows.append(Row("", box_title(summary, index), "node" if single else "box", node,
                        data=single, marked=index == marked_box))
        sources = _sources(summary, index)
        if single:   # the expression names the single nodes it reads already
            sources = [(s, c) for s, c in sources if summary.boxes[s].kind != "node"]
        if sources:
            text = ", ".join(_short_title(summary, s) + (f" ×{_count(c)}" if c > 1 else "")
                             for s, c in sources)
            rows.append(Row("    ", "← " + text, "from"))
    return rows


def _result_first(summary):
    """Box indexes from the result back to the inputs; boxes side by side keep their order."""
    return sorted(range(len(summary.boxes)), key=lambda i: (-summary.depth[i], i))


def _short_title(summary, index):
    # a box named where it is used: a node by its name, a group by the start of its title
    box = summary.boxes[index]
    if box.kind == "node":
        return printable(summary.graph.names[box.nodes[0]])
    if box.kind == "ops":
        return _ops_name(summary, index)
    if box.kind == "inputs":
        return _("inputs")
    return box_title(summary, index).split(" · ")[0]


def _layout(graph, rows, width, gutter):
    """Fragments for the rows: the name column cut to fit, then data and grad columns; in a
    narrow terminal the numbers go on a line of their own."""
    large = _largest(graph)
    data_w = max([4] + [len(number(r.node.data)) for r in rows if r.node is not None and r.data])
    grad_w = max([4] + [len(signed(r.node.grad)) for r in rows if r.node is not None])
    gutter_w = 2 if gutter else 0
    left_w = width - gutter_w - (2 + data_w + 2 + grad_w + 2)
    two_lines = left_w < 16
    wanted = max((len(r.prefix) + len(r.head) for r in rows if r.kind in ("node", "box", "ref")), default=1)
    left_w = max(1, min(width - gutter_w if two_lines else left_w, wanted))
    out = []
    while rows and rows[0].kind == "note":     # a summary's note comes before the column titles
        out.append(("muted", _wrap(rows[0].head, width, " " * gutter_w)))
        rows = rows[1:]
    if not two_lines:
        out.append(("muted", " " * (gutter_w + left_w) + "  " + "data".rjust(data_w) + "  "
                    + "grad".rjust(grad_w) + "\n"))
    seen = set()
    for row in rows:
        if row.kind in ("note", "from"):
            out.append(("muted", _wrap(row.head, width, " " * gutter_w + row.prefix)))
            continue
        if gutter:
            out.append(("highlight", "▶ ") if row.marked else ("", "  "))
        # a box shows no data: its title may take the data column too
        room = left_w + 2 + data_w if row.kind == "box" and not two_lines else left_w
        prefix, head = _fit_prefix(row.prefix, row.head, room)
        if prefix:
            out.append(("muted", prefix))
        out.append(("highlight" if row.marked else "", head))
        if row.kind == "ref":
            seen.add("ref")
            out.append(("muted", " ↑\n"))
            continue
        seen.add(row.kind)
        node = row.node
        data = number(node.data) if row.data else ""
        style = grad_style(node.grad)
        is_large = node is not graph.root and abs(node.grad) >= large
        if is_large:
            seen.add("large")
        if two_lines:
            words = (f"data {data}  " if data else "") + "grad "
            room = width - gutter_w - len(words) - len(signed(node.grad)) - (2 if is_large else 0)
            below = row.prefix[:-4] + ("│   " if row.prefix.endswith("├── ") else "    ")
            below = below if len(below) <= room else ("┄" + below[len(below) - room + 1:] if room > 1 else "")
            out.append(("", "\n" + " " * gutter_w))
            if below:
                out.append(("muted", below))
            out.append(("", words))
            out.append((style, signed(node.grad)))
        else:
            out.append(("", " " * (room - len(prefix) - len(head)) + ("" if room > left_w else
                                                                        "  " + data.rjust(data_w)) + "  "))
            out.append((style, signed(node.grad).rjust(grad_w)))
        if is_large:
            out.append(("grad.large", " !"))
        out.append(("", "\n"))
    if not any(n.grad for n in graph.nodes):
        out.append(("muted", _wrap(_("(every gradient is 0: run :grad first)"), width)))
    legend = []
    if "large" in seen:
        legend.append(_("! = among the largest gradients"))
    if "ref" in seen:
        legend.append(_("↑ = drawn above"))
    if "box" in seen:
        legend.append(_("a box shows its largest gradient"))
    if legend:
        out.append(("muted", _wrap(" · ".join(legend), width)))
    # no newline after the last line: front ends end a reply themselves
    style, text = out[-1]
    out[-1] = (style, text[:-1])
    return [(style, text) for style, text in out if text]


def _wrap(text, width, indent=""):
    """Lines of at most `width` columns, each starting with `indent`, ending with a newline."""
    lines = textwrap.wrap(text, max(width, len(indent) + 8), initial_indent=indent, subsequent_indent=indent,
                          break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def _fit(text, width):
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def _fit_prefix(prefix, head, width):
    """Cut a deep tree's prefix from the left (┄ marks the cut) and a long head on the right."""
    room_for_head = min(len(head), max(width // 2, 8))
    if len(prefix) + room_for_head > width:
        keep = max((width - room_for_head - 1) // 4, 0) * 4   # whole steps of the tree
        prefix = "┄" + prefix[len(prefix) - keep:][1:]
    return prefix, _fit(head, max(width - len(prefix), 1))


# ---- DOT, as the course's plota_grafo draws ----

def dot_text(text):
    """Text made safe inside a quoted DOT record label: the characters records give a meaning
    to are escaped, a newline becomes dot's own line break, other control characters escapes."""
    out = []
    for ch in text:
        if ch in '\\{}|<>"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == " ":
            out.append(" ")
        elif not ch.isprintable():
            out.append(repr(ch)[1:-1].replace("\\", "\\\\"))
        else:
            out.append(ch)
    return "".join(out)


POSITIVE = (33, 113, 181)     # blue: colour-blind safe beside orange
NEGATIVE = (230, 85, 13)


def grad_colour(grad, large):
    """A fill colour: blue for a positive gradient, orange for a negative one, stronger the
    larger it is (relative to the graph's largest); white for zero."""
    if not grad or not math.isfinite(grad):
        return "#ffffff"
    top = large / LARGE if math.isfinite(large) else abs(grad)
    strength = 0.15 + 0.6 * min(abs(grad) / top, 1.0)
    base = POSITIVE if grad > 0 else NEGATIVE
    return "#" + "".join(f"{round(255 + (c - 255) * strength):02x}" for c in base)


def _record(dot, ident, fields, grad, large, **extra):
    """A value as a record node `{ label | data | grad }`, filled by its gradient."""
    from graphviz import nohtml
    if abs(grad) >= large:
        extra["penwidth"] = "2"
    dot.node(ident, nohtml("{ " + " | ".join(fields) + " }"), shape="record", style="filled",
             fillcolor=grad_colour(grad, large), **extra)


def quoted(text):
    """Text made safe inside an ordinary quoted DOT string (not a record)."""
    return "".join("\\" + ch if ch in '\\"' else "\\n" if ch == "\n" else
                   ch if ch.isprintable() or ch == " " else repr(ch)[1:-1].replace("\\", "\\\\")
                   for ch in text)


def _digraph(name, note=""):
    # the graphviz package writes the DOT text (quoting ids and attributes); the real `dot`
    # lays it out in render(). Imported here: start-up stays fast for learners who never draw.
    from graphviz import Digraph, nohtml
    legend = _("grad > 0 blue · grad < 0 orange · stronger = larger; thick border = among the largest")
    dot = Digraph(nohtml(quoted(name)))
    dot.attr(rankdir="LR")
    dot.attr("graph", fontname="Helvetica", fontsize="10", labelloc="b",
             label=nohtml(quoted(f"{note}\n{legend}" if note else legend)))
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", fontsize="9", color="#555555")
    return dot


def dot_source(root, full=False):
    """DOT source for the graph, left to right, as plota_grafo draws it: a record
    `{ label | data 0.0000 | grad 0.0000 }` per value and a small node per operation. Ids follow
    the graph's order, so the same graph always gives the same text. Big graphs are summarised
    unless `full`."""
    from graphviz import nohtml
    graph = _graph(root)
    if not full and needs_summary(graph):
        return _summary_dot(graph.summary())
    large = _largest(graph)
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    dot = _digraph(graph.names[graph.root])
    for node in graph.nodes:
        name = graph.names[node] if node.label or not node.parents else ""
        fields = [dot_text(name), f"data {number(node.data)}", f"grad {signed(node.grad)}"]
        _record(dot, ids[node], fields, node.grad, large)
        if node.parents:
            dot.node(f"{ids[node]}_op", nohtml(quoted(node.op or "?")), shape="ellipse", fontsize="10",
                     margin="0.04,0.02", width="0.3", height="0.3")
            dot.edge(f"{ids[node]}_op", ids[node])
            for parent in node.parents:
                dot.edge(ids[parent], f"{ids[node]}_op")
    return dot.source


def _summary_dot(summary):
    """A box per neuron, layer or group of operations; edges say how many values flowed."""
    graph = summary.graph
    large = _largest(graph)
    dot = _digraph(graph.names[graph.root], _summary_note(summary))
    for index, box in enumerate(summary.boxes):
        node, grad = _box_grad(summary, index)
        if box.kind == "node":
            name = graph.names[node] if node.label or not node.parents or node is graph.root else ""
            title = dot_text(" = ".join(part for part in (name, expression(node, graph.names) if node.parents
                                                           else "") if part))
            fields = [title, f"data {number(node.data)}", f"grad {signed(node.grad)}"]
            _record(dot, f"b{index}", fields, grad, large)
            continue
        parts = [dot_text(part) for part in box_title(summary, index).split(" · ")]
        count = _("{count} nodes").format(count=_count(len(box.nodes)))
        where = printable(graph.names[node])
        fields = ["\\n".join(parts)] + ([count] if box.kind in ("neuron", "layer") else []) + [
                  _("largest grad {grad}").format(grad=signed(grad)) + (f"\\n({dot_text(where)})"
                                                                       if box.kind in ("neuron", "layer") else "")]
        _record(dot, f"b{index}", fields, grad, large, peripheries="2")
    for (source, to), count in summary.edges.items():
        dot.edge(f"b{source}", f"b{to}", **({"label": f"×{_count(count)}"} if count > 1 else {}))
    return dot.source


def render(source, fmt="svg", timeout=DOT_TIMEOUT):
    """Run the real `dot` on DOT source, killed after `timeout` seconds; the picture's bytes."""
    dot = shutil.which("dot")
    if dot is None:
        raise DotMissing("the graphviz program `dot` is not installed")
    try:
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8", "backslashreplace"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:   # subprocess.run has killed it already
        raise DotTimeout(f"dot took longer than {timeout:g} s") from None
    if done.returncode != 0:
        raise DotFailed(done.stderr.decode(errors="replace").strip())
    return done.stdout


# ---- the graph told in sentences (screen readers, plain terminals) ----

def spoken(x):
    """A number as a sentence says it: 4 significant digits; a decimal comma in Portuguese."""
    text = f"{x:.4g}"
    return text.replace(".", ",") if get_language() == "pt" else text


_SAID = {
    "+": N_("{0} plus {1}"), "-": N_("{0} minus {1}"), "*": N_("{0} times {1}"),
    "/": N_("{0} divided by {1}"), "**": N_("{0} to the power {1}"), "neg": N_("minus {0}"),
}


def said(node, names):
    """How a node was computed, in words: `a times b`, `tanh of x`, `x to the power 2`."""
    args = [printable(names[p]) for p in node.parents]
    op = node.op or "?"
    if op in _SAID and len(args) == (1 if op == "neg" else 2):
        return _(_SAID[op]).format(*args)
    if op.startswith("**") and len(args) == 1:
        return _(_SAID["**"]).format(args[0], op[2:])
    return _("{op} of {args}").format(op=op, args=_(" and ").join(args))


def _node_sentence(node, names):
    name, data, grad = printable(names[node]), spoken(node.data), spoken(node.grad)
    if node.parents:
        return _("{name} is {expression}, which is {data}, with gradient {grad}.").format(
            name=name, expression=said(node, names), data=data, grad=grad)
    if not node.label:
        return _("{name} is a constant, with gradient {grad}.").format(name=name, grad=grad)
    return _("{name} is {data}, with gradient {grad}.").format(name=name, data=data, grad=grad)


def describe(root, full=False):
    """The graph in sentences, one per line, from the result back to the leaves: every node
    (or, for a summarised graph, every box) with its value and gradient."""
    graph = _graph(root)
    names = graph.names
    name = printable(names[graph.root])
    if full or not needs_summary(graph):
        lines = [_("The graph of {name} has {count} nodes.").format(name=name, count=_count(len(graph.nodes)))
                 if len(graph.nodes) > 1 else _("The graph of {name} is that one node.").format(name=name)]
        lines += [_node_sentence(node, names) for node in reversed(graph.nodes)]
        return "\n".join(lines)
    summary = graph.summary()
    lines = [_("The graph of {name} has {count} nodes, told here in {boxes} groups.").format(
        name=name, count=_count(len(graph.nodes)), boxes=len(summary.boxes))]
    for index in _result_first(summary):
        box = summary.boxes[index]
        if box.kind == "node":
            lines.append(_node_sentence(box.nodes[0], names))
            continue
        node, grad = _box_grad(summary, index)
        sources = _sources(summary, index)
        if box.kind == "ops":
            text = _("{count} operations {op}").format(count=_count(len(box.nodes)), op=_ops_name(summary, index))
        else:
            text = _("{title}: {count} nodes").format(title=box_title(summary, index),
                                                      count=_count(len(box.nodes)))
        if sources:
            text += _(", reading from {sources}").format(sources=", ".join(
                _short_title(summary, s) + (" " + _("({count} times)").format(count=_count(c)) if c > 1 else "")
                for s, c in sources))
        text += _("; its largest gradient is {grad}, at {name}.").format(
            grad=spoken(grad), name=printable(names[node]))
        lines.append(text)
    if summary.hidden:
        lines.append(_("{count} constants are counted in the groups that use them.").format(
            count=_count(summary.hidden)))
    return "\n".join(lines)
