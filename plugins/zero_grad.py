"""A one-file valorrepl plugin: `:zero X` sets every gradient in the graph of X back to 0.

Gradients add up (`+=`) on every backward pass, so a second `:grad` without zeroing first
gives doubled numbers: the bug `model.zero_grad()` exists to prevent. Load it with

    valorrepl --plugin plugins/zero_grad.py        or, inside valorrepl,  :plugin load plugins/zero_grad.py
"""

from valorrepl import command, hookimpl, option

__version__ = "1.0"


@command("zero", aliases=("zerar",), options=(option("name", help="a Valor, e.g. loss"),))
def zero_command(session, args, emit):
    """Set every gradient in the graph of a Valor back to 0.

    Example:
        >>> a = 2
        >>> b = a * a
        >>> :grad b
        >>> :zero b
    """
    nodes = session.lookup_valor(args.name).topological_order()
    for node in nodes:
        node.grad = 0.0
    emit.text(f"{len(nodes)} gradients set to 0 in the graph of {args.name}.")


@hookimpl
def register_commands(registry):
    registry.add(zero_command)
