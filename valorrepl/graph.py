"""Walking a computational graph once: its nodes in order, its edges, readable names."""

from dataclasses import dataclass

__all__ = ["Graph", "walk", "node_name"]


@dataclass
class Graph:
    root: object
    nodes: list        # topological order: leaves first, root last
    names: dict        # node → a name to show (its label, or op + number)

    @property
    def edges(self):
        """(parent, child) pairs, in a stable order."""
        return [(p, n) for n in self.nodes for p in n.parents]

    @property
    def leaves(self):
        return [n for n in self.nodes if not n.parents]


def walk(root):
    """The graph below `root` (iterative, so deep graphs are fine), with a name for each node."""
    nodes = root.topological_order()
    names, counts = {}, {}
    for node in nodes:
        names[node] = node_name(node, counts)
    return Graph(root, nodes, names)


def node_name(node, counts):
    """A node's label; for an unlabelled node its op and a number (`*1`), or its value for a constant."""
    if node.label:
        return node.label
    if not node.parents:
        return f"{node.data:g}"
    counts[node.op] = counts.get(node.op, 0) + 1
    return f"({node.op}){counts[node.op]}"
