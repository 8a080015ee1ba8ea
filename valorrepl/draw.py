"""Pictures of a graph: a text drawing for any terminal, DOT source, and SVG/PNG from `dot`.

Like the course's plota_grafo: left to right, a record per value (label | data | grad) and a
small node per operation between them. Node ids follow the graph's order, so the same graph
gives the same drawing every time.
"""

import shutil
import subprocess

from .graph import walk

__all__ = ["text_drawing", "dot_source", "render", "DotMissing", "DotTimeout", "DOT_TIMEOUT"]

DOT_TIMEOUT = 10.0   # seconds; dot can take minutes on dense graphs


class DotMissing(RuntimeError):
    """The graphviz `dot` program is not installed."""


class DotTimeout(RuntimeError):
    """`dot` did not finish in time."""


def text_drawing(root):
    """The graph as an indented tree from the result back to the leaves; a node used twice is
    drawn once and then referred to by name."""
    graph = walk(root)
    lines, shown = [], set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        name = graph.names[node]
        indent = "    " * depth
        if node in shown:
            lines.append(f"{indent}{name} (↑)")
            continue
        shown.add(node)
        where = f" = {' {} '.format(node.op).join(graph.names[p] for p in node.parents)}" if len(node.parents) > 1 \
            else (f" = {node.op}({graph.names[node.parents[0]]})" if node.parents else "")
        lines.append(f"{indent}{name}{where}   data {node.data:.4f}   grad {node.grad:.4f}")
        stack.extend((p, depth + 1) for p in reversed(node.parents))
    return "\n".join(lines)


def _record_text(text):
    # characters that mean something inside a graphviz record label
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text


def dot_source(root):
    """DOT source for the graph, left to right, as plota_grafo draws it."""
    graph = walk(root)
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    lines = ["digraph valor {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in graph.nodes:
        label = _record_text(graph.names[node] if node.label or not node.parents else "")
        record = f"{{ {label} | data {node.data:.4f} | grad {node.grad:.4f} }}"
        lines.append(f'  {ids[node]} [shape=record, label="{record}"];')
        if node.parents:
            lines.append(f'  {ids[node]}_op [label="{_record_text(node.op)}", shape=circle];')
            lines.append(f"  {ids[node]}_op -> {ids[node]};")
            for parent in node.parents:
                lines.append(f"  {ids[parent]} -> {ids[node]}_op;")
    lines.append("}")
    return "\n".join(lines)


def render(source, fmt="svg", timeout=DOT_TIMEOUT):
    """Run `dot` on DOT source; returns the picture's bytes."""
    dot = shutil.which("dot")
    if dot is None:
        raise DotMissing("the graphviz program `dot` is not installed")
    try:
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode(), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise DotTimeout(f"dot took longer than {timeout:g} s") from None
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
