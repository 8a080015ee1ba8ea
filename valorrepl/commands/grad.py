"""`:grad c` — backpropagate from c and show every node's value and gradient.

`--explain` tells each step of the chain rule with its numbers (valorrepl.explain gives the
steps as data); `--step` shows one node at a time, Enter for the next, with the node marked
in the text drawing while the gradients fill in.
"""

import inspect
import string

from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option

# valorrepl.draw, .explain and .graph are imported in the functions that use them: at the top
# they would add a tenth to every start-up, for learners who may not run :grad at all

STEPPER = "grad.step"        # session.state key of a --step walk in progress


def complete_valors(session, word):
    """Names in the namespace that hold a Valor (for commands that take one)."""
    from ..engine import Valor
    return sorted(name for name, value in session.namespace.items()
                  if isinstance(value, Valor) and name.startswith(word) and not name.startswith("_"))


@command("grad", aliases=("gradiente", "g"), complete=complete_valors, options=(
    option("target", help="the Valor to differentiate (a name or an expression)"),
    option("--explain", "-e", action="store_true",
           help="tell each step of backpropagation: local derivative, gradient from above, chain rule"),
    option("--step", "-s", action="store_true",
           help="one node at a time (Enter for the next), marked in the drawing"),
    option("--limit", type=int, default=40, metavar="N",
           help="--explain shows at most N nodes and N leaves (0: all of them)"),
    option("--all", action="store_true", help="list every node, however big the graph"),
))
def grad(session, args, emit):
    """Backpropagate from a Valor and show every node's data and gradient.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = a * b
        >>> :grad c
        >>> :grad c --explain
    """
    root = session.lookup_valor(args.target)
    if args.step:
        _start_stepping(session, root, emit, args.limit, args.target)
        return
    root.zero_grad()  # from scratch: the same numbers however often it is run
    root.backward()
    if args.explain:
        _explain(root, emit, args.limit, args.target)
    _gradient_table(root, emit, args.target, session.width, args.all)


TABLE_ROWS = 40          # rows :grad shows without --all
LEAF_ROWS = 30           # of which at most this many are labelled leaves (a network's weights)


def name_root(graph, typed):
    """An unlabelled result is called what the learner typed (`a*a+1`), not `(+)1`."""
    root = graph.root
    typed = " ".join(str(typed or "").split())
    if not root.label and typed and typed not in graph.names.values():
        graph.names[root] = typed
    return graph.names[root]


def d_of(name):
    """`c` → `dc`, `a*a+1` → `d(a*a+1)`."""
    return f"d{name}" if name.isidentifier() else f"d({name})"


def rows_to_show(graph, every=False, limit=TABLE_ROWS, leaves=LEAF_ROWS):
    """The nodes a table shows, result first: all of them with `every` or in a small graph;
    else every labelled leaf (up to `leaves`) and the nodes nearest the result."""
    order = list(reversed(graph.nodes))
    if every or len(order) <= limit:
        return order
    chosen = set([n for n in order if not n.parents and n.label][:leaves])
    queue, at = [graph.root], 0
    seen = {graph.root}
    while at < len(queue) and len(chosen) < limit:
        node = queue[at]
        at += 1
        chosen.add(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return [n for n in order if n in chosen]


def _gradient_table(root, emit, typed="", width=None, every=False):
    from ..graph import walk
    graph = walk(root)
    name = name_root(graph, typed)
    shown = rows_to_show(graph, every)
    rows = [[graph.names[node], node.op or "", node.data, node.grad] for node in shown]
    emit.table([_("node"), _("op"), "data", "grad"], rows,
               _("Gradients of {name} ({d}/d node):").format(name=name, d=d_of(name)), width)
    hidden = len(graph.nodes) - len(shown)
    if hidden:
        emit.text(_("… {n} more nodes; :grad {target} --all shows them all.").format(
            n=hidden, target=typed or name))


# ---- telling the steps ----

def _explain(root, emit, limit, typed=""):
    from ..explain import explain_backprop
    backprop = explain_backprop(root)
    name_root(backprop.graph, typed)
    names = backprop.graph.names
    emit.text(_("Backpropagation from {root}, node by node in the order backprop takes them:")
              .format(root=names[root]))
    steps = backprop.steps
    shown = steps if limit <= 0 else steps[:limit]
    for index, step in enumerate(shown, 1):
        emit.styled(_step_fragments(backprop, step, index, len(steps)))
    if len(shown) < len(steps):
        emit.text(_("… and {n} more nodes (--limit 0 shows them all).").format(n=len(steps) - len(shown)))
    emit.styled(_leaves_fragments(backprop, limit))


def _fill(template, **values):
    """A translated template as styled fragments: each value is text or a (style, text) pair."""
    fragments = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            fragments.append(("", literal))
        if name is not None:
            value = values[name]
            fragments.append(value if isinstance(value, tuple) else ("", str(value)))
    return fragments


def _num(x):
    from ..explain import number
    style = "grad.positive" if x > 0 else "grad.negative" if x < 0 else "grad.zero"
    return (style, number(x))


def _sum(parts, total):
    """`1.0 + 3.0 = 4.0` when a gradient is the sum of several shares, `4.0` otherwise."""
    from ..explain import number
    if len(parts) < 2:
        return _num(total)
    terms = " + ".join(number(p) if p >= 0 else f"({number(p)})" for p in parts)
    return (_num(total)[0], f"{terms} = {number(total)}")


def _d(root_name, node_name):
    return f"{d_of(root_name)}/d{node_name}"


def _expression(node, names):
    """How the node was computed, in its parents' names: `a * b`, `x**2`, `-x`, `tanh(x)`."""
    parents = [names[p] for p in node.parents]
    if node.op in ("+", "-", "*", "/", "**") and len(parents) >= 2:
        return f" {node.op} ".join(parents)
    if node.op == "neg" and len(parents) == 1:
        return f"-{parents[0]}"
    if node.op.startswith("**") and len(parents) == 1:
        return f"{parents[0]}{node.op}"
    return f"{node.op}({', '.join(parents)})"


def _step_fragments(backprop, step, index, count):
    from ..explain import number
    names = backprop.graph.names
    root_name, node_name = names[backprop.graph.root], names[step.node]
    lines = [_fill(_("Step {index} of {count}: {node} = {expression}   (op {op}, data {data})"),
                   index=index, count=count, node=("", node_name),
                   expression=_expression(step.node, names), op=step.node.op, data=number(step.node.data))]
    if step.node is backprop.graph.root:
        lines.append(_fill(_("  where backprop starts: {d} = {value}"),
                           d=_d(root_name, node_name), value=_num(step.upstream)))
    else:
        line = _fill(_("  gradient from above: {d} = {value}"),
                     d=_d(root_name, node_name), value=_sum(step.received, step.upstream))
        if len(step.received) > 1:
            line += _fill(_("  ({node} is used {n} times: the shares add up)"),
                          node=node_name, n=len(step.received))
        lines.append(line)
    for share in step.shares:
        parent = names[share.parent]
        left, right = share.formula
        formula = f"{left} = {right}" if right else left
        lines.append(_fill(_("  → {parent}: local derivative {formula} = {local}"),
                           parent=parent, formula=formula, local=number(share.local)))
        line = _fill(_("      chain rule: {local} × {upstream} = {product}, added to {parent}.grad → {total}"),
                     local=number(share.local), upstream=number(share.upstream),
                     product=_num(share.product), parent=parent,
                     total=_sum(share.earlier + (share.product,), share.total))
        if share.earlier:
            line += _fill(_("  ({parent} is used more than once: the shares add up)"), parent=parent)
        lines.append(line)
    return _join(lines)


def _leaves_fragments(backprop, limit=0):
    names = backprop.graph.names
    root_name = names[backprop.graph.root]
    leaves = [node for node in reversed(backprop.graph.nodes) if not node.parents]
    shown = leaves if limit <= 0 else leaves[:limit]
    lines = [_fill(_("Leaves, where backprop ends:"))]
    for leaf in shown:
        amounts = tuple(amount for _child, amount in backprop.received[leaf])
        lines.append(_fill("  {leaf}: {d} = {value}", leaf=names[leaf], d=_d(root_name, names[leaf]),
                           value=_sum(amounts, backprop.gradients[leaf])))
    if len(shown) < len(leaves):
        lines.append(_fill(_("  … and {n} more leaves (--limit 0 shows them all)."), n=len(leaves) - len(shown)))
    return _join(lines)


def _join(lines):
    fragments = []
    for i, line in enumerate(lines):
        if i:
            fragments.append(("", "\n"))
        fragments += line
    return fragments


# ---- one node at a time ----

def _show_drawing(root, node, width, emit):
    """The text drawing with `node` marked, coloured by gradient where the drawing can be."""
    from .. import draw
    styled = getattr(draw, "styled_drawing", None)
    if styled is not None:
        emit.styled(styled(root, width=width, highlight=node))
        return
    accepted = inspect.signature(draw.text_drawing).parameters
    options = {name: value for name, value in (("width", width), ("highlight", node)) if name in accepted}
    emit.text(draw.text_drawing(root, **options))


class _Stepper:
    """Backprop done by hand, as the course does with `propagar`: each Enter runs one node's
    step for real, so the drawing's gradients fill in as the walk goes on."""

    def __init__(self, session, root, limit, typed=""):
        from ..explain import explain_backprop
        self.session, self.root, self.limit, self.typed = session, root, limit, typed
        self.backprop = explain_backprop(root)
        name_root(self.backprop.graph, typed)
        self.index = 0
        root.zero_grad()
        root.grad = 1.0      # what backward() starts from

    def __call__(self, emit):
        steps = self.backprop.steps
        if self.index < len(steps):
            step = steps[self.index]
            self.index += 1
            step.node.propagate()
            emit.styled(_step_fragments(self.backprop, step, self.index, len(steps)))
            _show_drawing(self.root, step.node, self.session.width, emit)
            self._wait(emit)
            return
        emit.styled(_leaves_fragments(self.backprop, self.limit))
        _gradient_table(self.root, emit, self.typed, self.session.width)
        self.session.state.pop(STEPPER, None)

    def _wait(self, emit):
        self.session.pending = self
        emit.styled([("muted", _("Enter (or :next): next step · any other input stops here."))])

    def finish(self):
        """Stopped early: complete backprop, so every gradient is right again."""
        self.root.zero_grad()
        self.root.backward()


def _start_stepping(session, root, emit, limit, typed=""):
    stepper = _Stepper(session, root, limit, typed)
    session.state[STEPPER] = stepper
    names = stepper.backprop.graph.names
    emit.text(_("Backpropagation from {root}, one node at a time ({n} nodes pass a gradient on):")
              .format(root=names[root], n=len(stepper.backprop.steps)))
    stepper(emit)


CONTINUE = (":next", ":proximo", ":prox")


@hookimpl
def before_run(session, source):
    # any input other than Enter (or :next, for notebooks) ends a --step walk; the gradients
    # are completed first
    if source.strip() in CONTINUE:
        return
    stepper = session.state.pop(STEPPER, None)
    if stepper is not None:
        if session.pending is stepper:
            session.pending = None
        stepper.finish()


@hookimpl
def register_commands(registry):
    registry.add(grad)
