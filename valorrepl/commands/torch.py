"""`:torch c` — the same graph in PyTorch, and both gradients side by side.

Also the PyTorch half of `:train --backend torch`: the same network trained again in torch,
with both loss curves and the time per epoch of each.
"""

import math
import re
import warnings

from ..errors import CommandError
from ..hookspecs import hookimpl
from ..checks import Expr, Incomplete, same, show
from ..i18n import _
from ..registry import command, option
from .grad import complete_valors

TOLERANCE = 1e-9     # float64 on both sides: anything above this is a real disagreement
SHOWN_LEAVES = 20    # a training loss has thousands of leaves; --all shows every one
SPARKS = "▁▂▃▄▅▆▇█"

# valorrepl.bridge is imported by the functions that use it, when PyTorch is asked for: not at
# every start-up


def torch_or_error():
    """The torch module; a one-line CommandError saying how to install it when it is missing."""
    from .. import bridge
    try:
        return bridge.require_torch()
    except bridge.TorchMissing as missing:
        raise CommandError(str(missing)) from None


@command("torch", aliases=("pytorch",), complete=complete_valors, options=(
    option("target", help="the Valor whose graph is rebuilt in PyTorch (a name or an expression)"),
    option("--all", action="store_true", help="show every leaf, however many"),
))
def torch_command(session, args, emit):
    """Rebuild a Valor's graph with PyTorch tensors and compare the gradients of every leaf.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = (a * b).tanh() + a ** 2
        >>> :torch c
    """
    from .. import bridge
    root = session.lookup_valor(args.target)
    torch_or_error()
    comparison = bridge.compare_gradients(root)
    names = _leaf_names(root)
    rows = comparison.rows if args.all else comparison.rows[:SHOWN_LEAVES]
    table = [[names[leaf], _number(leaf.data), _number(ours), _number(theirs), f"{gap:.1e}"]
             for leaf, ours, theirs, gap in rows]
    emit.table([_("leaf"), "data", _("grad (Valor)"), _("grad (PyTorch)"), _("difference")],
               _right_aligned(table),
               _("Gradients of {name} in Valor and in PyTorch (float64):").format(name=names[root]))
    hidden = len(comparison.rows) - len(rows)
    if hidden:
        emit.text(_("… and {n} more leaves (:torch {target} --all shows them); the largest difference "
                    "below counts them all.").format(n=hidden, target=args.target))
    emit.text(_("{name} = {ours} in Valor and {theirs} in PyTorch.").format(
        name=names[root], ours=_number(comparison.valor_result), theirs=_number(comparison.torch_result)))
    gap = comparison.largest_difference
    if comparison.agree(TOLERANCE):
        emit.styled([("ok", _("Largest difference {gap:.1e}: the gradients agree (within {tolerance:g}).")
                      .format(gap=gap, tolerance=TOLERANCE))])
    else:
        emit.warning(_("Largest difference {gap:.1e}: more than {tolerance:g}, the gradients disagree.")
                     .format(gap=gap, tolerance=TOLERANCE))


def _leaf_names(root):
    from ..graph import walk
    return walk(root).names


def _number(value):
    return f"{value:.12g}"


def _right_aligned(rows):
    # numbers as text, padded so that the columns line up on the right
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))] if rows else []
    return [[row[0]] + [str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:])] for row in rows]


# ---- :train --backend torch ----

def copy_for_training(model):
    """The model as a torch network, taken before training so both start from the same weights."""
    torch_or_error()
    return model.to_torch()


def train_beside(session, torch_model, dataset, settings, valor_result, valor_seconds, emit):
    """Train torch_model like the Valor run (same data, loss, lr and epochs), then compare."""
    from .. import bridge
    epochs = len(valor_result.losses)
    every = max(1, epochs // 20)

    def report(epoch, total, loss):
        if epoch % every == 0 or epoch == total:
            emit.progress(epoch, total, _("PyTorch: epoch {epoch}/{epochs}  loss {loss:.6f}")
                          .format(epoch=epoch, epochs=total, loss=loss))

    emit.text(_("Now the same network in PyTorch (float64, full batch, plain SGD, the same initial "
                "weights, data, loss and learning rate)."))
    result = bridge.fit_torch(torch_model, dataset.xs, dataset.ys, epochs, settings["lr"], settings["loss"],
                              on_epoch=report, should_stop=session.should_stop)
    session.namespace["torch_model"] = torch_model
    valor_per_epoch = valor_seconds / epochs if epochs else math.nan
    width = max(10, min(40, session.width - 60))
    low, high = _range(valor_result.losses + result.losses)
    rows = [
        ["Valor", _loss(valor_result.losses[:1]), _loss(valor_result.losses[-1:]), f"{valor_per_epoch:.2e}",
         sparkline(valor_result.losses, width, low, high)],
        ["PyTorch", _loss(result.losses[:1]), _loss(result.losses[-1:]), f"{result.seconds_per_epoch:.2e}",
         sparkline(result.losses, width, low, high)],
    ]
    emit.table(["", _("first loss"), _("last loss"), _("s/epoch"), _("loss per epoch")],
               _right_aligned_but_last(rows), _("Valor and PyTorch, epoch by epoch:"))
    if result.losses and valor_result.losses:
        first = valor_result.losses[0]
        gap = bridge.difference(first, result.losses[0])
        if gap <= TOLERANCE * max(1.0, abs(first)):
            emit.styled([("ok", _("First-epoch losses differ by {gap:.1e}: the two runs agree.")
                          .format(gap=gap))])
        else:
            emit.warning(_("First-epoch losses differ by {gap:.1e}: the two runs disagree.").format(gap=gap))
    if result.seconds_per_epoch > 0 and valor_per_epoch > 0:
        ratio = valor_per_epoch / result.seconds_per_epoch
        if ratio >= 1:
            emit.text(_("PyTorch was {ratio:.3g}× as fast per epoch.").format(ratio=ratio))
        else:
            emit.text(_("Valor was {ratio:.3g}× as fast per epoch: on so little data, the fixed cost of each "
                        "PyTorch call outweighs its speed on long tensors.").format(ratio=1 / ratio))
    emit.text(_("The PyTorch network is in `torch_model`; `model` and `loss` keep the Valor run."))
    return result


def _loss(losses):
    return f"{losses[0]:.10g}" if losses else "–"


def _right_aligned_but_last(rows):
    aligned = _right_aligned([row[:-1] for row in rows])
    return [row + [original[-1]] for row, original in zip(aligned, rows)]


def _range(values):
    finite = [v for v in values if math.isfinite(v)]
    return (min(finite), max(finite)) if finite else (0.0, 1.0)


def sparkline(values, width, low, high):
    """Values as a row of bar characters, each the mean of its share of the epochs; a
    logarithmic scale when they fall more than a hundredfold, as losses usually do."""
    if not values:
        return ""
    log = low > 0 and high / low > 100

    def height(v):
        if not math.isfinite(v):
            return None
        if log:
            v, lo, hi = math.log(v), math.log(low), math.log(high)
        else:
            lo, hi = low, high
        return (v - lo) / ((hi - lo) or 1.0)

    width = min(width, len(values))
    marks = []
    for x in range(width):
        chunk = values[x * len(values) // width:max(x * len(values) // width + 1, (x + 1) * len(values) // width)]
        heights = [h for h in map(height, chunk) if h is not None]
        marks.append(SPARKS[round(sum(heights) / len(heights) * (len(SPARKS) - 1))] if heights else "?")
    return "".join(marks)


# ---- answer checks for the PyTorch lesson (tensors are not Valors: their numbers need .tolist()) ----

def _judged(answer, name, value, wanted):
    """None when value is what the check needs; else a miss, or Incomplete when the learner has
    not got there yet (it is None, or the input did not touch the name: `model` may still hold
    the Valor network of an earlier :train, and `from torch import nn` is no wrong answer)."""
    if wanted(value):
        return None
    root = re.match(r"\s*([A-Za-z_]\w*)", name)
    if value is None:
        raise Incomplete(_("{name} is still None.").format(name=name))
    if root and root.group(1) not in answer.rebound:
        raise Incomplete(_("{name} is not {kind} yet.").format(name=name, kind=_kind_name(wanted)))
    return _("{name} should be {kind}, but it is a {type}.").format(
        name=name, kind=_kind_name(wanted), type=type(value).__name__)


def _is_tensor(value):
    from .. import bridge
    return bridge.require_torch().is_tensor(value)


def _is_module(value):
    from .. import bridge
    return isinstance(value, bridge.require_torch().nn.Module)


def _kind_name(wanted):
    return _("a torch tensor") if wanted is _is_tensor else _("a torch network (an nn.Module)")


def _tensor(answer, name):
    value = answer.evaluate(name)
    return value, _judged(answer, name, value, _is_tensor)


def is_tensor(answer, name: Expr):
    """`name` is a torch tensor."""
    return _tensor(answer, name)[1]


def tensor_close(answer, name: Expr, value, tolerance: float = 1e-4):
    """`name` is a tensor holding `value` (a number, or nested lists for a bigger tensor)."""
    tensor, problem = _tensor(answer, name)
    if problem:
        return problem
    if not same(tensor.tolist(), value, tolerance):
        return _("{name} should hold {expected}, but it holds {actual}.").format(
            name=name, expected=show(value), actual=show(tensor.tolist()))


def tensor_shape(answer, name: Expr, shape: list):
    """`name` is a tensor of this shape, such as [342, 3]."""
    tensor, problem = _tensor(answer, name)
    if problem:
        return problem
    if list(tensor.shape) != list(shape):
        return _("{name} should have the shape {expected}, but its shape is {actual}.").format(
            name=name, expected=list(shape), actual=list(tensor.shape))


def tensor_below(answer, name: Expr, value: float):
    """`name` is a tensor of one number (a loss, say) below `value`."""
    tensor, problem = _tensor(answer, name)
    if problem:
        return problem
    if tensor.numel() != 1:
        return _("{name} should hold one number, but it holds {n}.").format(name=name, n=tensor.numel())
    if not tensor.item() < value:
        return _("{name} should be below {limit}, but it is {actual}.").format(
            name=name, limit=show(value), actual=show(tensor.item()))


def layer_sizes(answer, name: Expr, sizes: list):
    """`name` is a torch network whose Linear layers take and give these sizes: [3, 8, 4, 1]
    is 3 inputs, then layers of 8, 4 and 1 neurons."""
    from .. import bridge
    torch = bridge.require_torch()
    module = answer.evaluate(name)
    problem = _judged(answer, name, module, _is_module)
    if problem:
        return problem
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    actual = [linears[0].in_features] + [m.out_features for m in linears] if linears else []
    if actual != list(sizes):
        return _("the Linear layers of {name} should go {expected}, but they go {actual}.").format(
            name=name, expected=" → ".join(map(str, sizes)), actual=" → ".join(map(str, actual)) or "–")


@hookimpl
def session_started(session):
    # torch warns on import when numpy is missing; nothing a learner does here needs numpy
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")


@hookimpl
def register_checks(checks):
    for check in (is_tensor, tensor_close, tensor_shape, tensor_below, layer_sizes):
        checks.add(check.__name__, check)


@hookimpl
def register_commands(registry):
    registry.add(torch_command)
