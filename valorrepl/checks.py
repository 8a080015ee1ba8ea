"""Answer checks for lessons: named predicates a lesson file refers to, never code it carries.

A check is a function `check(answer, **args)`. `answer` tells what the learner's input did
(see `Answer`); `args` come from the lesson file. It returns None when the answer is right,
or one sentence saying in plain words what was expected. It raises `Incomplete` when the
answer is not finished yet (a name the task asks for is not defined): that is not a miss.

Arguments annotated `Expr` are expressions evaluated in the learner's namespace by a small
interpreter (`evaluate`) that allows names, attributes, indexing, arithmetic, comparisons and
calls of the learner's own functions and classes or valorrepl's — no imports, no files, no
names or attributes starting with `_`. `lessons check` parses them before any lesson runs.

Plugins add checks the same way the built-ins below are added:

    @hookimpl
    def register_checks(checks):
        checks.add("is_even", is_even)
"""

import ast
import inspect
import math
import operator
import types
from dataclasses import dataclass

from .engine import Valor
from .errors import CommandConflict
from .hookspecs import hookimpl
from .i18n import _

__all__ = ["Answer", "Incomplete", "Expr", "UnsafeExpression", "CheckRegistry", "evaluate",
           "parse_expression", "BUILTIN_CHECKS"]


class Expr(str):
    """Marks a check argument that is an expression evaluated in the learner's namespace."""


class Incomplete(Exception):
    """The answer is not there yet (a name is still undefined): keep it, count no miss."""


class UnsafeExpression(ValueError):
    """A lesson expression uses something lesson files may not (imports, dunders, files…)."""


@dataclass
class Answer:
    """What one input did, as the checks see it."""
    namespace: dict
    value: object = None              # the value of the input's last expression, if any
    output: str = ""                  # what the input printed (and the value it showed)
    rebound: tuple = ()               # names the input bound or rebound
    session: object = None

    def evaluate(self, expression):
        return evaluate(expression, self.namespace)


# ---- a safe evaluator for the expressions in lesson files ----

SAFE_BUILTINS = {f.__name__: f for f in (len, abs, min, max, sum, round, float, int, str, bool, list,
                                          tuple, sorted, isinstance, callable, range)}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
            ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
_ALLOWED = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Attribute, ast.Subscript, ast.Slice,
            ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.List, ast.Tuple, ast.Call, ast.keyword,
            ast.And, ast.Or, *_BINARY, *_UNARY, *_COMPARE)


def parse_expression(text):
    """The parsed expression; UnsafeExpression (or SyntaxError) names what is not allowed."""
    tree = ast.parse(str(text).strip(), "<lesson>", "eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise UnsafeExpression(_("'{what}' is not allowed in a lesson expression")
                                   .format(what=type(node).__name__))
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) \
            else node.arg if isinstance(node, ast.keyword) else None
        if name is not None and name.startswith("_"):
            raise UnsafeExpression(_("names starting with _ ({name}) are out of reach of lesson expressions")
                                   .format(name=name))
    return tree


def evaluate(text, namespace):
    """Evaluate a lesson expression in the learner's namespace, by walking its tree (no eval)."""
    return _Evaluator(namespace).visit(parse_expression(text).body)


class _Evaluator:
    def __init__(self, namespace):
        self.namespace = namespace

    def visit(self, node):
        return getattr(self, "visit_" + type(node).__name__)(node)

    def visit_Constant(self, node):
        return node.value

    def visit_Name(self, node):
        if node.id in self.namespace:
            return _reachable(self.namespace[node.id], node.id)
        if node.id in SAFE_BUILTINS:
            return SAFE_BUILTINS[node.id]
        raise Incomplete(_("{name} is not defined yet.").format(name=node.id))

    def visit_Attribute(self, node):
        return _reachable(getattr(self.visit(node.value), node.attr), node.attr)

    def visit_Subscript(self, node):
        return self.visit(node.value)[self.visit(node.slice)]

    def visit_Slice(self, node):
        parts = (node.lower, node.upper, node.step)
        return slice(*[self.visit(p) if p is not None else None for p in parts])

    def visit_BinOp(self, node):
        return _BINARY[type(node.op)](self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node):
        return _UNARY[type(node.op)](self.visit(node.operand))

    def visit_BoolOp(self, node):
        values = (self.visit(v) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)

    def visit_Compare(self, node):
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.visit(right_node)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_List(self, node):
        return [self.visit(e) for e in node.elts]

    def visit_Tuple(self, node):
        return tuple(self.visit(e) for e in node.elts)

    def visit_Call(self, node):
        function = self.visit(node.func)
        if not _callable_from_lessons(function):
            raise UnsafeExpression(_("a lesson expression may call only the learner's functions, "
                                     "valorrepl's and a few safe built-ins"))
        return function(*[self.visit(a) for a in node.args],
                        **{k.arg: self.visit(k.value) for k in node.keywords})


def _reachable(value, name):
    if isinstance(value, types.ModuleType):
        raise UnsafeExpression(_("modules ({name}) are out of reach of lesson expressions").format(name=name))
    return value


def _callable_from_lessons(function):
    if any(function is f for f in SAFE_BUILTINS.values()):
        return True
    target = getattr(function, "__func__", function)          # a bound method → its function
    if not isinstance(target, (types.FunctionType, type)):
        target = type(target)                                  # a callable object → its class
    module = getattr(target, "__module__", "") or ""
    return module == "__valorrepl__" or module == "valorrepl" or module.startswith("valorrepl.")


# ---- helpers the checks share ----

def number(value):
    """A Valor (or anything with a numeric .data) counts as its data; None when not a number."""
    data = getattr(value, "data", value)
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        return None
    return float(data)


def close(actual, expected, tolerance):
    return math.isclose(actual, expected, rel_tol=tolerance, abs_tol=tolerance)


def show(value):
    """A value as a learner reads it: 5 rather than 5.0000000001, Valors as their data."""
    n = number(value)
    if n is not None and not isinstance(value, int):
        return f"{n:.6g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


def same(actual, expected, tolerance):
    """Equal with a numeric tolerance; lists item by item; a Valor counts as its data."""
    if isinstance(expected, (list, tuple)):
        return (isinstance(actual, (list, tuple)) and len(actual) == len(expected)
                and all(same(a, e, tolerance) for a, e in zip(actual, expected)))
    if number(expected) is not None and not isinstance(expected, str):
        n = number(actual)
        return n is not None and close(n, float(expected), tolerance)
    return actual == expected


def first_attribute(obj, names):
    """The first of `names` ("parents|progenitor") the object has; (name, value) or (None, None)."""
    for name in names.split("|"):
        if hasattr(obj, name):
            return name, getattr(obj, name)
    return None, None


PARENTS = "parents|progenitor|_prev|_children"
OP = "op|operador_mae|_op"


def graph_nodes(root):
    """Every node reachable through parents (the built-in Valor's or a learner's class)."""
    seen, stack, order = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        _name, parents = first_attribute(node, PARENTS)
        stack.extend(parents or ())
    return order


# ---- the built-in checks ----

def value_equals(answer, name: Expr, value, tolerance: float = 1e-6):
    """`name` has this value: numbers within `tolerance` (a Valor counts as its data), text and
    truth values exactly, lists item by item."""
    actual = answer.evaluate(name)
    if not same(actual, value, tolerance):
        return _("{name} should be {expected}, but it is {actual}.").format(
            name=name, expected=show(value), actual=show(actual))


def value_below(answer, name: Expr, value: float):
    """`name` (a number or a Valor) is below `value` — a loss after training, say."""
    actual = number(answer.evaluate(name))
    if actual is None:
        return _("{name} should be a number.").format(name=name)
    if not actual < value:
        return _("{name} should be below {limit}, but it is {actual}.").format(
            name=name, limit=show(value), actual=show(actual))


def is_valor(answer, name: Expr):
    """`name` is a Valor (the built-in class, or a class built on it)."""
    actual = answer.evaluate(name)
    if not isinstance(actual, Valor):
        return _("{name} should be a Valor, but it is a {type}.").format(name=name, type=type(actual).__name__)


def is_instance(answer, name: Expr, type: str):
    """`name` is an object of the class called `type` (or of a class built on it)."""
    actual = answer.evaluate(name)
    if type not in [cls.__name__ for cls in builtins_type(actual).__mro__]:
        return _("{name} should be a {expected}, but it is a {actual}.").format(
            name=name, expected=type, actual=builtins_type(actual).__name__)


builtins_type = type  # the argument above is called `type`, as lesson files say it


def grad_close(answer, name: Expr, value: float, tolerance: float = 1e-6):
    """The gradient of `name` (its .grad) is `value`, within `tolerance`. A gradient still at 0
    counts as not finished (the learner may be propagating one node at a time), not as wrong."""
    node = answer.evaluate(name)
    grad = number(getattr(node, "grad", None))
    if grad is None:
        return _("{name} should have a gradient (.grad).").format(name=name)
    if grad == 0 and not close(0.0, value, tolerance):
        # nothing has reached it yet: the learner is still on the way (propagating step by step)
        raise Incomplete(_("the gradient of {name} is still 0: backpropagate to it first.").format(name=name))
    if not close(grad, value, tolerance):
        return _("the gradient of {name} should be {expected}, but it is {actual}.").format(
            name=name, expected=show(value), actual=show(grad))


def has_gradient(answer, name: Expr):
    """The gradient of `name` is not 0 any more: backpropagation reached it."""
    grad = number(getattr(answer.evaluate(name), "grad", None))
    if grad is None:
        return _("{name} should have a gradient (.grad).").format(name=name)
    if grad == 0:
        raise Incomplete(_("the gradient of {name} is still 0: backpropagate to it first.").format(name=name))


def output_contains(answer, text: str):
    """What the input printed (or the value it showed) contains `text` (case and spacing ignored)."""
    def plain(s):
        return " ".join(s.split()).casefold()
    if plain(text) not in plain(answer.output):
        return _("the output should show {text}.").format(text=repr(text))


def repr_contains(answer, name: Expr, text: str):
    """repr(name) — what the REPL shows for it — contains `text`."""
    shown = repr(answer.evaluate(name))
    if text not in shown:
        return _("{name} should show {text}, but it shows {shown}.").format(
            name=name, text=repr(text), shown=shown)


def defines_class(answer, name: str, methods: list = ()):
    """A class called `name` is defined, with each of `methods` written by the learner
    (alternatives with |, as "sigmoid|sig")."""
    cls = answer.namespace.get(name)
    if not isinstance(cls, type):
        raise Incomplete(_("the class {name} is not defined yet.").format(name=name))
    for method in methods:
        if _own_method(cls, method) is None:
            return _("the class {name} should define the method {method}.").format(
                name=name, method=method.split("|")[0])


def _own_method(cls, names):
    """The learner's own definition of one of `names` in cls (or a class they wrote under it)."""
    for name in names.split("|"):
        for klass in cls.__mro__:
            if name in vars(klass):
                if klass.__module__ == "__valorrepl__":
                    return getattr(cls, name)
                break
    return None


def has_attributes(answer, name: Expr, attributes: list):
    """The object `name` has every attribute listed (alternatives with |, as "parents|progenitor")."""
    obj = answer.evaluate(name)
    for attribute in attributes:
        if first_attribute(obj, attribute)[0] is None:
            return _("{name} should have an attribute {attribute}.").format(
                name=name, attribute=attribute.split("|")[0])


def length_equals(answer, name: Expr, length: int):
    """`name` is a list (or anything with a length) of `length` items."""
    actual = answer.evaluate(name)
    try:
        size = len(actual)
    except TypeError:
        return _("{name} should be a list of {n} items, but it is a {type}.").format(
            name=name, n=length, type=type(actual).__name__)
    if size != length:
        return _("{name} should have {n} items, but it has {size}.").format(name=name, n=length, size=size)


def graph_has_op(answer, name: Expr, op: str, count: int = 0):
    """The graph that ends in `name` has a node made by the operation `op` ("+", "*", "exp"…);
    with `count`, exactly that many of them."""
    nodes = graph_nodes(answer.evaluate(name))
    found = sum(1 for node in nodes if first_attribute(node, OP)[1] == op)
    if count and found != count:
        return _("the graph of {name} should have {n} '{op}' nodes, but it has {found}.").format(
            name=name, n=count, op=op, found=found)
    if not found:
        return _("the graph of {name} should have a '{op}' node.").format(name=name, op=op)


def graph_size(answer, name: Expr, nodes: int):
    """The graph that ends in `name` has exactly `nodes` nodes (leaves included)."""
    found = len(graph_nodes(answer.evaluate(name)))
    if found != nodes:
        return _("the graph of {name} should have {n} nodes, but it has {found}.").format(
            name=name, n=nodes, found=found)


def method_gives(answer, class_name: str, method: str, value, init: list = (), args: list = (),
                 attribute: str = "", tolerance: float = 1e-6):
    """Make a fresh object `class_name(*init)`, call its `method(*args)` and compare the result —
    or, with `attribute`, that attribute of the object afterwards — with `value`."""
    cls = answer.namespace.get(class_name)
    if not isinstance(cls, type):
        raise Incomplete(_("the class {name} is not defined yet.").format(name=class_name))
    if _own_method(cls, method) is None and method != "__init__":
        return _("the class {name} should define the method {method}.").format(name=class_name, method=method)
    call = f"{class_name}({', '.join(map(repr, init))}).{method}({', '.join(map(repr, args))})"
    try:
        obj = cls(*init)
        result = getattr(obj, method)(*args)
    except Exception as error:
        return _("{call} fails: {error}").format(call=call, error=f"{type(error).__name__}: {error}")
    actual = getattr(obj, attribute, None) if attribute else result
    if not same(actual, value, tolerance):
        what = f"{attribute} " if attribute else ""
        return _("after {call}, {what}should be {expected}, but it is {actual}.").format(
            call=call, what=what, expected=show(value), actual=show(actual))


# cases each method is tried on: (how it reads, input numbers, build(V, numbers) → (result, inputs))
def _binary(op):
    def build(V, xs):
        a, b = V(xs[0]), V(xs[1])
        return op(a, b), [a, b]
    return build


def _with_number(op, n, number_first=False):
    def build(V, xs):
        a = V(xs[0])
        return (op(n, a) if number_first else op(a, n)), [a]
    return build


def _unary(op):
    def build(V, xs):
        a = V(xs[0])
        return op(a), [a]
    return build


def _method(names):
    def build(V, xs):
        a = V(xs[0])
        # the learner's own version first: a class built on Valor inherits the built-in one
        options = names.split("|")
        name = next((n for n in options if _own_method(V, n) is not None),
                    next((n for n in options if hasattr(a, n)), options[0]))
        return getattr(a, name)(), [a]
    return build


REFERENCE_CASES = {
    "__add__": [("2 + 3", (2.0, 3.0), _binary(operator.add)), ("-1.5 + 4", (-1.5, 4.0), _binary(operator.add))],
    "__mul__": [("2 * 3", (2.0, 3.0), _binary(operator.mul)), ("-2 * 0.5", (-2.0, 0.5), _binary(operator.mul))],
    "__radd__": [("1 + a (a = 2)", (2.0,), _with_number(operator.add, 1, True)),
                 ("-3 + a (a = 0.5)", (0.5,), _with_number(operator.add, -3, True))],
    "__rmul__": [("10 * a (a = 2)", (2.0,), _with_number(operator.mul, 10, True)),
                 ("-2 * a (a = 1.5)", (1.5,), _with_number(operator.mul, -2, True))],
    "__truediv__": [("a / b (a = 6, b = 3)", (6.0, 3.0), _binary(operator.truediv)),
                    ("a / 4 (a = 2)", (2.0,), _with_number(operator.truediv, 4))],
    "__pow__": [("a ** 2 (a = 3)", (3.0,), _with_number(operator.pow, 2)),
                ("a ** 3 (a = -2)", (-2.0,), _with_number(operator.pow, 3))],
    "__neg__": [("-a (a = 2)", (2.0,), _unary(operator.neg)), ("-a (a = -0.5)", (-0.5,), _unary(operator.neg))],
    "__sub__": [("a - b (a = 5, b = 2)", (5.0, 2.0), _binary(operator.sub)),
                ("a - 1 (a = 3)", (3.0,), _with_number(operator.sub, 1))],
    "__rsub__": [("1 - a (a = 3)", (3.0,), _with_number(operator.sub, 1, True)),
                 ("10 - a (a = -2)", (-2.0,), _with_number(operator.sub, 10, True))],
    "exp": [("a.exp() (a = 1)", (1.0,), _method("exp")), ("a.exp() (a = -2)", (-2.0,), _method("exp"))],
    "sigmoid|sig": [("a.sigmoid() (a = 0)", (0.0,), _method("sigmoid|sig")),
                    ("a.sigmoid() (a = 2)", (2.0,), _method("sigmoid|sig"))],
}


def method_matches_reference(answer, class_name: str, methods: list, compare: list = ("data",)):
    """Run each of the learner's `methods` of `class_name` on a few cases beside the built-in Valor
    and report the first difference. `compare` picks what must agree: "data", "parents", "op",
    "grad" (the inputs' gradients after backward). Methods: __add__, __mul__, __radd__, __rmul__,
    __truediv__, __pow__, __neg__, __sub__, __rsub__, exp, sigmoid|sig."""
    missing = defines_class(answer, class_name, methods)   # the class and its methods first
    if missing:
        return missing
    cls = answer.namespace[class_name]
    for method in methods:
        for text, xs, build in REFERENCE_CASES[method]:
            problem = _compare_case(cls, method.split("|")[0], text, xs, build, compare)
            if problem:
                return problem


def _compare_case(cls, method, text, xs, build, compare):
    expected, expected_inputs = build(Valor, xs)
    try:
        actual, inputs = build(cls, xs)
    except Exception as error:
        return _("your {method} fails for {case}: {error}").format(
            method=method, case=text, error=f"{type(error).__name__}: {error}")
    # an operation makes a new value and leaves its operands alone (self and other)
    for position, (operand, x) in enumerate(zip(inputs, xs)):
        if number(operand) is None or not close(number(operand), x, 1e-9):
            return _("your {method} changes its operand {name} for {case} (it becomes {value}); leave self "
                     "and other as they are and return a new object.").format(
                method=method, name=("self", "other")[position], case=text, value=show(operand))
    if any(actual is operand for operand in inputs):
        return _("your {method} returns one of its operands for {case}; it should return a new object.").format(
            method=method, case=text)
    data = number(actual)
    if data is None:
        return _("your {method} gives {value} for {case}, not a number or a Valor.").format(
            method=method, value=show(actual), case=text)
    prefix = _("your {method} gives {value} for {case}").format(method=method, value=show(data), case=text)
    if "data" in compare and not close(data, expected.data, 1e-6):
        return prefix + " " + _("but it should give {expected}.").format(expected=show(expected.data))
    if "parents" in compare:
        _name, parents = first_attribute(actual, PARENTS)
        got = sorted(number(p) for p in (parents or ()) if number(p) is not None)
        want = sorted(p.data for p in expected.parents)
        if not parents:
            return prefix + " " + _("but the parent list is empty.")
        if len(got) != len(want) or not all(close(g, w, 1e-9) for g, w in zip(got, want)):
            return prefix + " " + _("but its parents are {got}; they should be {want}.").format(
                got=show(got), want=show(want))
    if "op" in compare:
        _name, op = first_attribute(actual, OP)
        if op != expected.op:
            return prefix + " " + _("but its operation is {got}; it should be {want}.").format(
                got=repr(op), want=repr(expected.op))
    if "grad" in compare:
        expected.backward()
        try:
            actual.backward()
        except Exception as error:
            return _("backward() fails after your {method} for {case}: {error}").format(
                method=method, case=text, error=f"{type(error).__name__}: {error}")
        for position, (mine, reference) in enumerate(zip(inputs, expected_inputs)):
            grad = number(getattr(mine, "grad", None))
            if grad is None or not close(grad, reference.grad, 1e-6):
                return _("after backward() on {case}, input {n} has gradient {got}; it should be {want}.").format(
                    case=text, n="ab"[position], got=show(grad), want=show(reference.grad))
    return None


BUILTIN_CHECKS = (value_equals, value_below, is_valor, is_instance, grad_close, has_gradient, output_contains,
                  repr_contains, defines_class, has_attributes, length_equals, graph_has_op, graph_size,
                  method_gives, method_matches_reference)


# ---- the registry plugins add to ----

def parameters(function):
    """name → inspect.Parameter for a check's lesson args (its first parameter is the answer)."""
    return dict(list(inspect.signature(function).parameters.items())[1:])


def summary(function):
    return inspect.cleandoc(function.__doc__ or "")


class CheckRegistry(dict):
    """name → check function. add() refuses a name that another plugin added already."""

    def __init__(self):
        super().__init__()
        self.owners = {}

    def add(self, name, function, plugin=""):
        if name in self and self[name] is not function:
            raise CommandConflict(_("the check {name} is added by both {first} and {second}").format(
                name=name, first=self.owners.get(name) or "?", second=plugin or "?"))
        self[name] = function
        self.owners[name] = plugin


class _PluginChecks:
    """The registry as one plugin sees it: what it adds is recorded as its own."""

    def __init__(self, registry, plugin):
        self._registry, self._plugin = registry, plugin

    def add(self, name, function):
        self._registry.add(name, function, self._plugin)

    __setitem__ = add


def collect(manager):
    """A CheckRegistry filled by every plugin's register_checks; failures as (plugin, error)."""
    registry, failures = CheckRegistry(), []
    for impl in reversed(manager.hook.register_checks.get_hookimpls()):
        try:
            impl.function(*[_PluginChecks(registry, impl.plugin_name) for _arg in impl.argnames])
        except Exception as error:
            failures.append((impl.plugin_name, error))
    return registry, failures


def builtin_registry():
    registry = CheckRegistry()
    register_checks(registry)
    return registry


@hookimpl
def register_checks(checks):
    for function in BUILTIN_CHECKS:
        checks.add(function.__name__, function)
