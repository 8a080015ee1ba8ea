"""`:check c` — are c's gradients right? Backprop against central finite differences."""

from ..errors import CommandError
from ..hookspecs import hookimpl
from ..i18n import _
from ..registry import command, option
from ..session import Outcome
from .grad import complete_valors, d_of, name_root

NODES = 200            # nodes a check looks at without --all …
WORK = 1_000_000       # … or fewer, so that it re-runs at most about this many nodes (seconds)
PER_OP = 50            # local derivatives checked per operation without --all
PROGRESS_EVERY = 0.5   # seconds between progress replies


@command("check", aliases=("verificar",), cancellable=True, complete=complete_valors, options=(
    option("target", help="the Valor whose gradients to check"),
    option("--tol", type=float, default=1e-5, metavar="TOL",
           help="largest error allowed (default 1e-5)"),
    option("--h", type=float, default=1e-6, metavar="H",
           help="finite-difference step, times max(1, |x|) (default 1e-6)"),
    option("--inner", action="store_true", help="check the inner nodes too, not only the leaves"),
    option("--all", action="store_true",
           help="check every node of a big graph too, and list every node checked, not only the failures"),
))
def check(session, args, emit):
    """Compare backprop's gradients with finite differences, node by node.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = a * b + 10
        >>> :check c
    """
    if not (args.tol > 0 and args.h > 0):
        raise CommandError(_("--tol and --h must be positive numbers"), check.usage())
    root = session.lookup_valor(args.target)
    from ..explain import check_gradients   # imported when used: it is slow to import (dataclasses)
    import time
    last = [time.monotonic()]

    def progress(done, total):
        if time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            emit.progress(done, total, _("checked {done} of {total} nodes").format(done=done, total=total))

    limits = {} if args.all else dict(limit=NODES, work=WORK, per_op=PER_OP)
    result = check_gradients(root, tolerance=args.tol, step=args.h, inner=args.inner,
                             on_node=progress, should_stop=session.should_stop, **limits)
    names = result.graph.names
    root_name = name_root(result.graph, args.target)
    emit.text(_("Gradient check of {root}: {n} nodes, backprop against (f(x+h) − f(x−h)) / 2h "
                "with h = {h:g}·max(1, |x|).").format(root=root_name, n=len(result.checks), h=args.h))
    looked_at = len(result.checks) + len(result.unchecked) + len(result.not_finite)
    if not result.stopped and looked_at < result.candidates:
        emit.text(_("The graph is big: {n} of its {total} nodes were checked (the labelled ones, then "
                    "others evenly spread); :check {target} --all checks every one.").format(
            n=looked_at, total=result.candidates, target=args.target))
    largest = result.largest
    if largest is not None:
        error = largest.error
        emit.styled([("", _("Largest relative error: ")),
                     ("ok" if largest.ok else "error", f"{error:.2g}"),
                     ("", " " + _("at {node}").format(node=names[largest.node]))])

    shown = result.checks if args.all else result.failures
    if shown:
        rows = [[names[c.node], _status(c.ok), c.backprop, c.numeric, f"{c.error:.2g}"] for c in shown]
        emit.table([_("node"), "", "backprop", _("numeric"), _("error")], rows,
                   _("{d}/d node:").format(d=d_of(root_name)), session.width)
    if result.local_failures:
        rows = [[names[c.node], names[c.node.parents[c.position]], c.node.op, c.local, c.numeric,
                 f"{c.error:.2g}"] for c in result.local_failures]
        emit.table([_("node"), _("parent"), _("op"), _("local derivative"), _("numeric"), _("error")], rows,
                   _("Local derivatives that disagree with their operation (the likely cause):"), session.width)
    if result.unknown:
        emit.warning(_("Not checked: {nodes} (an operation valorrepl cannot re-run); "
                       "gradients skipped through them: {n}.").format(
            nodes=", ".join(f"{names[n]} ({n.op or '?'})" for n in result.unknown), n=len(result.unchecked)))
    if result.not_finite:
        shown = ", ".join(names[n] for n in result.not_finite[:10])
        more = len(result.not_finite) - 10
        emit.warning(_("Cannot be checked, not finite (inf or nan): {nodes}.").format(
            nodes=shown + (" " + _("and {n} more").format(n=more) if more > 0 else "")))
    if result.stopped:
        emit.warning(_("Stopped after {n} nodes.").format(n=looked_at))
        return Outcome("cancelled")
    failures = len(result.failures)
    if not result.checks:
        emit.warning(_("Nothing could be checked in the graph of {root}.").format(root=root_name))
    elif result.ok:
        emit.styled([("ok", _("Every gradient agrees within {tol:g} ({n} checked).").format(n=len(result.checks), tol=args.tol))])
    elif failures:
        emit.warning(_("{failed} of {n} gradients disagree by more than {tol:g}.").format(
            failed=failures, n=len(result.checks), tol=args.tol)
            + " " + _("See how each was computed with :grad {root} --explain.").format(root=args.target))
    else:
        emit.warning(_("Every gradient agrees here, but a local derivative is wrong: "
                       "with other numbers the gradients would be too."))


def _status(ok):
    return "ok" if ok else _("WRONG")


@hookimpl
def register_commands(registry):
    registry.add(check)

