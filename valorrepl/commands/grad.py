"""`:grad c` — backpropagate from c and show every node's value and gradient."""

from ..graph import walk
from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option


def complete_valors(session, word):
    """Names in the namespace that hold a Valor (for commands that take one)."""
    from ..engine import Valor
    return sorted(name for name, value in session.namespace.items()
                  if isinstance(value, Valor) and name.startswith(word) and not name.startswith("_"))


@command("grad", aliases=("gradiente", "g"),
         options=(option("target", help="the Valor to differentiate (a name or an expression)"),),
         complete=complete_valors)
def grad(session, args, emit):
    """Backpropagate from a Valor and show every node's data and gradient.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = a * b
        >>> :grad c
    """
    root = session.lookup_valor(args.target)
    root.zero_grad()  # from scratch: the same numbers however often it is run
    root.backward()
    graph = walk(root)
    rows = [[graph.names[node], node.op or "", node.data, node.grad] for node in reversed(graph.nodes)]
    emit.table([_("node"), _("op"), "data", "grad"], rows,
               _("Gradients of {name} (d{name}/d node):").format(name=graph.names[root]))


@hookimpl
def register_commands(registry):
    registry.add(grad)
