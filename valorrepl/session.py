"""The session: a namespace, commands and plugins, and `run(text, emit) → Outcome`.

Front ends (the terminal REPL, pipe mode, the Jupyter kernel, tests) hand one input at a time
to `Session.run` and render the `Reply` objects it emits. Nothing here prints or knows about
terminals; nothing the learner types makes `run` raise.
"""

import ast
import contextlib
import difflib
import io
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field

from . import data, engine, nn, plugins, train
from .engine import Valor
from .errors import CommandConflict, CommandError, PluginFailure
from .i18n import _, detect_language, set_language
from .registry import CommandRegistry

__all__ = ["Session", "Reply", "Outcome", "Table", "Image", "Progress", "Styled", "Markdown"]


# ---- what a session sends out ----

@dataclass(frozen=True)
class Table:
    headers: list
    rows: list                    # lists of cells (str or numbers)
    title: str = ""


@dataclass(frozen=True)
class Image:
    mime: str                     # "image/svg+xml" or "image/png"
    data: bytes
    path: str = ""                # where it was written, if anywhere
    description: str = ""         # the picture told in words (screen readers, plain terminals)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""


@dataclass(frozen=True)
class Styled:
    """Text in pieces, each with a style class (grad.positive, grad.negative, muted, ok, …).
    Front ends colour the classes as they like; the plain text never relies on colour."""
    fragments: list               # (style_class, text) pairs


@dataclass(frozen=True)
class Markdown:
    """Prose in Markdown (a lesson's step): terminals show it as it is, notebooks render it."""
    source: str


@dataclass(frozen=True)
class Reply:
    """One piece of output. `text` is always a complete plain-text rendering of it."""
    kind: str                     # text, value, stdout, table, image, progress, warning, error
    text: str
    data: object = None           # value → the object; table → Table; image → Image; …


@dataclass
class Outcome:
    status: str = "ok"            # ok, error or cancelled
    value: object = None          # the value of a final expression, if any
    error: BaseException = None

    @property
    def ok(self):
        return self.status == "ok"


class Emitter:
    """What commands call to send output: emit.text(...), emit.table(...), emit(Reply)."""

    def __init__(self, sink):
        self.sink = sink

    def __call__(self, reply):
        self.sink(reply)

    def text(self, text):
        self.sink(Reply("text", text))

    def warning(self, text):
        self.sink(Reply("warning", text))

    def error(self, text):
        self.sink(Reply("error", text))

    def styled(self, fragments):
        self.sink(Reply("text", "".join(text for _style, text in fragments), Styled(list(fragments))))

    def markdown(self, text):
        self.sink(Reply("text", text, Markdown(text)))

    def value(self, value):
        self.sink(Reply("value", _safe_repr(value), value))

    def table(self, headers, rows, title=""):
        self.sink(Reply("table", format_table(headers, rows, title), Table(headers, rows, title)))

    def image(self, image, text=""):
        self.sink(Reply("image", text or image.description or image.path, image))

    def progress(self, done, total, message=""):
        self.sink(Reply("progress", message, Progress(done, total, message)))


def format_table(headers, rows, title=""):
    """Columns padded to fit; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.rjust(w) if num else c.ljust(w)
                         for c, w, num in zip(row, widths, numeric)).rstrip()

    out = [title] if title else []
    out += [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    return "\n".join(out)


def _cell(value):
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _safe_repr(value):
    try:
        return repr(value)
    except Exception as error:  # a learner's class with a broken __repr__
        return f"<{type(value).__name__} object; repr failed: {type(error).__name__}: {error}>"


# ---- the namespace a learner starts with ----

def fresh_namespace():
    namespace = {"__name__": "__valorrepl__", "__builtins__": __builtins__, "__valor__": Valor}
    for module in (engine, nn):
        namespace.update({name: getattr(module, name) for name in module.__all__})
    namespace.update(
        MLP=nn.MLP, sse=train.sse, mse=train.mse, hinge=train.hinge, fit=train.fit,
        gradient_descent_step=train.gradient_descent_step, load_csv=data.load_csv,
        course_data=data.course, xor=data.xor, moons=data.moons, circles=data.circles,
        penguins=data.penguins,
    )
    return namespace


class _Literals(ast.NodeTransformer):
    """`a = 2` → `a = __valor__(2)`: a number typed on its own becomes a Valor."""

    def visit_Assign(self, node):
        if _is_number(node.value):
            node.value = ast.copy_location(
                ast.Call(ast.Name("__valor__", ast.Load()), [node.value], []), node.value)
        return node


def _is_number(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def _assigned_names(tree):
    names = []
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


class _StdoutToEmit(io.TextIOBase):
    """print() inside the learner's code becomes stdout replies, a line at a time."""

    def __init__(self, emit):
        self.emit, self.pending = emit, ""

    def writable(self):
        return True

    def write(self, text):
        self.pending += text
        if "\n" in self.pending:
            complete, _, self.pending = self.pending.rpartition("\n")
            self.emit(Reply("stdout", complete))
        return len(text)

    def flush(self):
        if self.pending:
            self.emit(Reply("stdout", self.pending))
            self.pending = ""


# ---- the session ----

class Session:
    """One learner's workspace. Commands, lessons and plugins all hang off it."""

    def __init__(self, language=None, load_plugins=True, plugin_files=(), plugin_dirs=(),
                 lesson_dirs=(), traceback=False):
        self.language = set_language(detect_language(language))
        self.namespace = fresh_namespace()
        self.commands = CommandRegistry()
        self.datasets = dict(data.DATASETS)
        self.auto_valor = True            # `a = 2` makes a Valor; lessons on plain Python turn it off
        self.show_tracebacks = traceback
        self.last_error = None            # (exception, text of the input) for :tb
        self.state = {}                   # per-plugin state: state["lessons"], …
        self.plugins = {}                 # name → plugins.PluginInfo
        self.plugin_failures = []         # PluginFailure, in the order they happened
        self.lesson_dirs = list(lesson_dirs)
        self.status = ""                  # one line for a toolbar (the current lesson and step)
        self.width = 80                   # columns the front end can show; drawings fit in it
        self.color = True                 # False: front ends show no colour (NO_COLOR, --no-color)
        self.pending = None               # a function(emit) that an empty input runs (--step)
        self.inputs = []                  # every input that ran without error, for :save
        self.quit_requested = False       # set by :quit; front ends check it after each input
        self._stop = threading.Event()
        self._started = False
        self.manager = plugins.new_manager()
        self._load_plugins(load_plugins, plugin_files, plugin_dirs)

    # -- plugins --

    def _load_plugins(self, third_party, plugin_files, plugin_dirs):
        for name in plugins.DEFAULT_PLUGINS:
            self.add_plugin(lambda name=name: __import__(name, fromlist=["_"]), name, "built-in")
        if third_party and not plugins.autoload_disabled():
            for name, loader, source, version in plugins.entry_point_plugins():
                self.add_plugin(loader, name, source, version)
        if third_party:
            from .paths import config_dir
            for folder in [config_dir() / "plugins", *plugin_dirs]:
                for path in plugins.folder_plugins(folder):
                    self.add_plugin(lambda p=path: plugins.load_file(p), path.stem, str(path))
        for path in plugin_files:
            self.load_plugin_file(path)
        self.manager.hook.session_started(session=self)
        self._started = True

    def load_plugin_file(self, path):
        from pathlib import Path
        return self.add_plugin(lambda: plugins.load_file(path), Path(path).stem, str(path))

    def add_plugin(self, loader, name, source, version=""):
        """Load one plugin and let it register; a failure is recorded and False returned."""
        if name in self.plugins:
            self.plugin_failures.append(PluginFailure(name, source, CommandConflict(
                _("a plugin named {name} is already loaded from {other}").format(
                    name=name, other=self.plugins[name].source))))
            return False
        info = plugins.PluginInfo(name, source, version)
        try:
            module = loader()
            self.manager.register(module, name=name)
        except Exception as error:
            self.plugin_failures.append(PluginFailure(name, source, error))
            return False
        self.plugins[name] = info
        try:
            self._register_from(module, info)
        except Exception as error:
            self.commands.remove_plugin(name)
            self.manager.unregister(name=name)
            del self.plugins[name]
            self.plugin_failures.append(PluginFailure(name, source, error))
            return False
        return True

    def _register_from(self, module, info):
        caller = self.manager.subset_hook_caller  # call only this plugin's hooks
        others = [p for p in self.manager.get_plugins() if p is not module]
        before = set(self.commands.commands)
        caller("register_commands", others)(registry=_PluginRegistry(self.commands, info.name))
        info.added += [":" + name for name in self.commands.commands if name not in before]
        datasets_before = set(self.datasets)
        caller("register_datasets", others)(datasets=_Checked(self.datasets, info.name, "data set"))
        info.added += [_("data set {name}").format(name=n) for n in self.datasets if n not in datasets_before]
        for folders in caller("lesson_dirs", others)():
            self.lesson_dirs += list(folders or [])
        if self._started:  # loaded later, by :plugin load
            caller("session_started", others)(session=self)

    # -- running input --

    def run(self, text, emit=None):
        """Run one input — Python, or `:command` lines — and return how it went. Never raises
        for what the learner typed; KeyboardInterrupt becomes a cancelled outcome."""
        emitter = emit if isinstance(emit, Emitter) else Emitter(emit or (lambda reply: None))
        outcome = Outcome()
        if not text.strip():
            return self._run_pending(emitter)
        self._call_hook("before_run", emitter, session=self, source=text)
        try:
            for kind, chunk in split_input(text):
                outcome = (self._run_command(chunk, emitter) if kind == "command"
                           else self._run_python(chunk, emitter))
                if not outcome.ok:
                    break
        except KeyboardInterrupt as error:
            emitter.warning(_("Interrupted."))
            outcome = Outcome("cancelled", error=error)
        if outcome.ok:
            self.inputs.append(text)
        self._call_hook("after_run", emitter, session=self, source=text, outcome=outcome, emit=emitter)
        return outcome

    def _run_pending(self, emit):
        # an empty input (Enter) continues what a command left pending, such as :grad --step
        pending, self.pending = self.pending, None
        if pending is None:
            return Outcome()
        try:
            pending(emit)
        except KeyboardInterrupt:
            self.pending = None
            return Outcome("cancelled")
        return Outcome()

    def _call_hook(self, name, emitter, **kwargs):
        """Call one hook in every plugin; a plugin that fails there is named, and the rest go on."""
        for impl in reversed(getattr(self.manager.hook, name).get_hookimpls()):
            try:
                impl.function(*[kwargs[arg] for arg in impl.argnames])
            except KeyboardInterrupt:
                raise
            except Exception as error:
                self.last_error = (error, name)
                emitter.error(_("Plugin {plugin} failed in {hook}: {error}. Type :tb for details.")
                           .format(plugin=impl.plugin_name, hook=name, error=describe(error)))

    def _run_python(self, text, emit):
        try:
            tree = ast.parse(text, "<input>", "exec")
        except (SyntaxError, ValueError) as error:  # ValueError: text that is not Unicode (lone surrogates)
            return self._fail(error, text, emit)
        if self.auto_valor:
            tree = ast.fix_missing_locations(_Literals().visit(tree))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        stdout = _StdoutToEmit(emit)
        value = None
        try:
            with contextlib.redirect_stdout(stdout):
                exec(compile(tree, "<input>", "exec"), self.namespace)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), "<input>", "eval"), self.namespace)
        except Exception as error:
            stdout.flush()
            return self._fail(error, text, emit)
        finally:
            stdout.flush()
        self._label_new_valors(_assigned_names(tree))
        if value is not None:
            self.namespace["_"] = value
            emit.value(value)
        return Outcome("ok", value)

    def _label_new_valors(self, names):
        # `c = a*b` gives the new node the name it was given; an existing label is kept
        for name in names:
            value = self.namespace.get(name)
            if isinstance(value, Valor) and not value.label:
                value.label = name

    def _run_command(self, line, emit):
        name, _sep, rest = line.strip()[1:].partition(" ")
        cmd = None
        try:
            cmd = self.commands.get(name.strip())
            args = cmd.parse(rest)
            with (self._cancellable() if cmd.cancellable else contextlib.nullcontext()):
                result = cmd.run(self, args, emit)
            return result if isinstance(result, Outcome) else Outcome("ok", result)
        except CommandError as error:
            self.last_error = (error, line)
            emit.error(str(error) + (f"\n{error.usage}" if error.usage else ""))
            return Outcome("error", error=error)
        except KeyboardInterrupt:
            raise
        except (ValueError, ArithmeticError, LookupError, OSError, TypeError, NameError) as error:
            # a learner's value or file the command could not use: one plain line
            return self._fail(error, line, emit)
        except Exception as error:
            self.last_error = (error, line)
            emit.error(_("Error inside :{command} (plugin {plugin}): {error}. Type :tb for details.")
                       .format(command=cmd.name, plugin=cmd.plugin, error=describe(error)))
            return Outcome("error", error=error)

    def _fail(self, error, text, emit):
        self.last_error = (error, text)
        message = describe(error)
        if self.show_tracebacks:
            message = self.format_traceback() or message
        emit.error(message)
        return Outcome("error", error=error)

    def format_traceback(self):
        """The last error's traceback, without valorrepl's own frames."""
        if self.last_error is None:
            return ""
        error = self.last_error[0]
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if "valorrepl" not in f.filename.replace("\\", "/").split("/")[-2:-1]
                  or f.filename == "<input>"]
        lines = ["Traceback (most recent call last):\n"] if frames else []
        lines += traceback.format_list(frames)
        lines += traceback.format_exception_only(type(error), error)
        return "".join(lines).rstrip()

    # -- helpers for commands --

    def evaluate(self, expression):
        """The value of a Python expression in the learner's namespace (for command arguments)."""
        return eval(compile(expression, "<argument>", "eval"), self.namespace)

    def lookup_valor(self, expression):
        """A Valor named by the learner (`c`, `loss`, `model(x)`); a clear error otherwise."""
        try:
            value = self.evaluate(expression)
        except NameError:
            raise CommandError(_("name '{name}' is not defined").format(name=expression)
                               + self._did_you_mean(expression)) from None
        except SyntaxError:
            raise CommandError(_("'{text}' is not a Python expression").format(text=expression)) from None
        if not isinstance(value, Valor):
            raise CommandError(_("{name} is a {type}, not a Valor").format(
                name=expression, type=type(value).__name__))
        return value

    def _did_you_mean(self, name):
        close = difflib.get_close_matches(name, [k for k in self.namespace if not k.startswith("_")], 3)
        return (" " + _("Did you mean {names}?").format(names=", ".join(close))) if close else ""

    def should_stop(self):
        """True once the learner pressed Ctrl-C during a cancellable command."""
        return self._stop.is_set()

    def request_stop(self):
        self._stop.set()

    @contextlib.contextmanager
    def _cancellable(self):
        # the first Ctrl-C asks the command to stop between steps (keeping its work);
        # a second one interrupts it at once
        self._stop.clear()
        main = threading.current_thread() is threading.main_thread()
        previous = signal.getsignal(signal.SIGINT) if main else None

        def on_interrupt(signum, frame):
            if self._stop.is_set():
                raise KeyboardInterrupt
            self._stop.set()

        if main:
            signal.signal(signal.SIGINT, on_interrupt)
        try:
            yield
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
            self._stop.clear()

    def reset(self):
        """A clean namespace, as at start (plugins keep their additions)."""
        self.namespace = fresh_namespace()
        self.manager.hook.session_started(session=self)


class _PluginRegistry:
    """The command registry as one plugin sees it: what it adds is recorded as its own."""

    def __init__(self, registry, plugin):
        self._registry, self._plugin = registry, plugin

    def add(self, cmd):
        return self._registry.add(cmd, plugin=self._plugin)

    def __getattr__(self, name):
        return getattr(self._registry, name)


class _Checked(dict):
    """A dict a plugin adds to; a name that is taken already is a conflict, not a silent win."""

    def __init__(self, target, plugin, what):
        super().__init__()
        self._target, self._plugin, self._what = target, plugin, what

    def __setitem__(self, key, value):
        if key in self._target:
            raise CommandConflict(_("{what} {name} exists already; plugin {plugin} cannot add it again")
                                  .format(what=_(self._what), name=key, plugin=self._plugin))
        self._target[key] = value

    def __contains__(self, key):
        return key in self._target


def describe(error):
    """`TypeName: message`, one line, as Python prints the last line of a traceback."""
    if isinstance(error, SyntaxError):
        where = f" ({_('line')} {error.lineno})" if error.lineno else ""
        return f"SyntaxError: {error.msg}{where}"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def split_input(text):
    """[("python", block) | ("command", line)]: each line starting with ':' is a command;
    the Python lines between commands run together as one block."""
    chunks, block = [], []
    for line in text.splitlines():
        if line.lstrip().startswith(":"):
            if block:
                chunks.append(("python", "\n".join(block)))
                block = []
            chunks.append(("command", line))
        else:
            block.append(line)
    if block and any(line.strip() for line in block):
        chunks.append(("python", "\n".join(block)))
    return chunks
