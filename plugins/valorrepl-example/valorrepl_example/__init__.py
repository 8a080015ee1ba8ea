"""An example valorrepl plugin: one command, one data set and one lesson.

valorrepl imports this module through the entry point in pyproject.toml and calls the functions
marked @hookimpl. Each takes only the arguments it needs, by name.
"""

import math
import random
from collections import Counter
from pathlib import Path

from valorrepl import Valor, command, hookimpl, option
from valorrepl.data import Dataset
from valorrepl.graph import walk
from valorrepl.i18n import _, add_catalog

__version__ = "0.1.0"

HERE = Path(__file__).parent

# our own Portuguese messages (locale/pt/LC_MESSAGES/*.po), merged with valorrepl's
add_catalog(HERE / "locale")


# ---- a command ----

def _valor_names(session, word):
    """Completion: the learner's variables that hold a Valor."""
    return sorted(name for name, value in session.namespace.items()
                  if isinstance(value, Valor) and name.startswith(word) and not name.startswith("_"))


@command("ops", aliases=("operacoes",), complete=_valor_names, options=(
    option("name", help="a Valor, e.g. loss"),
    option("--leaves", action="store_true", help="also list the inputs (the leaves of the graph)"),
))
def ops_command(session, args, emit):
    """Count the operations in the graph of a Valor.

    Example:
        >>> a = 2
        >>> b = -3
        >>> c = a * b + a
        >>> :ops c
    """
    graph = walk(session.lookup_valor(args.name))   # a clear error when the name holds no Valor
    counts = Counter(node.op for node in graph.nodes if node.parents)
    rows = [[op, n] for op, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    emit.table([_("operation"), _("count")], rows)
    emit.text(_("nodes: {nodes} · operations: {ops} · inputs: {leaves}").format(
        nodes=len(graph.nodes), ops=sum(counts.values()), leaves=len(graph.leaves)))
    if args.leaves:
        emit.text(", ".join(graph.names[leaf] for leaf in graph.leaves))


@hookimpl
def register_commands(registry):
    registry.add(ops_command)


# ---- a data set ----

def spiral(n=60, turns=1.5, noise=0.04, seed=0):
    """Two spirals wound into each other (labels -1 and +1): hard for a line, easy for an MLP."""
    rng = random.Random(seed)      # a seeded generator: the same points on every machine
    xs, ys = [], []
    for i in range(n):
        arm = i % 2                # alternate arms so any first k points hold both classes
        radius = (i // 2 + 1) / (n // 2 + 1)
        angle = 2 * math.pi * turns * radius + math.pi * arm
        xs.append([radius * math.cos(angle) + rng.gauss(0, noise),
                   radius * math.sin(angle) + rng.gauss(0, noise)])
        ys.append(1.0 if arm else -1.0)
    return Dataset("spiral", xs, ys, ["x1", "x2"], "class", "classification")


@hookimpl
def register_datasets(datasets):
    datasets["spiral"] = spiral


@hookimpl
def session_started(session):
    # also a function the learner can call, as the lesson below does: s = spiral()
    session.namespace["spiral"] = spiral


# ---- a lesson: data only, found in the folder this hook returns ----

@hookimpl
def lesson_dirs():
    return [HERE / "lessons"]
