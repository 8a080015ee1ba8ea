"""The session: a namespace, commands and plugins, and `run(text, emit) → Outcome`.

Front ends (the terminal REPL, pipe mode, the Jupyter kernel, tests) hand one input at a time
to `Session.run` and render the `Reply` objects it emits. Nothing here prints or knows about
terminals; nothing the learner types makes `run` raise.
"""

import ast
import contextlib
import io
import signal
import sys
import textwrap
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import data, engine, nn, plugins, train
from .engine import Valor, fewer_collections
from .errors import CommandConflict, CommandError, PluginFailure
from .i18n import N_, _, detect_language, set_language
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

    def table(self, headers, rows, title="", width=None):
        """Rows under headers; with `width` (session.width), the text fits in that many columns."""
        self.sink(Reply("table", format_table(headers, rows, title, width), Table(headers, rows, title)))

    def image(self, image, text=""):
        self.sink(Reply("image", text or image.description or image.path, image))

    def progress(self, done, total, message=""):
        self.sink(Reply("progress", message, Progress(done, total, message)))


def format_table(headers, rows, title="", width=None):
    """Columns padded to fit; numbers right-aligned. With `width`, a table wider than that
    wraps its last text column at word boundaries, each further line indented to that column,
    and shortens other text columns with … if it must; numbers are never cut."""
    cells = [[str(h) for h in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(headers))]
    if width is not None:
        widths = _fit_widths(widths, numeric, width)

    def lines(row):
        parts = [_wrap(c, w) if not num and i == len(row) - 1 else [_shorten(c, w)]
                 for i, (c, w, num) in enumerate(zip(row, widths, numeric))]
        out = []
        for k in range(max(len(p) for p in parts)):
            pieces = [(p[k] if k < len(p) else "") for p in parts]
            out.append("  ".join(c.rjust(w) if num else c.ljust(w)
                                 for c, w, num in zip(pieces, widths, numeric)).rstrip())
        return out

    out = textwrap.wrap(title, width) if title and width else [title] if title else []
    out += lines(cells[0]) + ["  ".join("-" * w for w in widths)]
    for row in cells[1:]:
        out += lines(row)
    return "\n".join(out)


MIN_TEXT_COLUMN = 20     # a text column is never squeezed narrower than this


def _fit_widths(widths, numeric, width):
    """Column widths that add up to at most `width` (with two spaces between columns): the last
    text column gives way first, then the widest other text column; number columns never."""
    widths = list(widths)
    text_columns = [i for i, num in enumerate(numeric) if not num]
    order = text_columns[-1:] + sorted(text_columns[:-1], key=lambda i: -widths[i])
    for i in order:
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        if excess <= 0:
            break
        widths[i] = max(min(widths[i], MIN_TEXT_COLUMN), widths[i] - excess)
    return widths


def _wrap(text, width):
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""] if len(text) > width else [text]


def _shorten(text, width):
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def format_number(x):
    """A float for a table: 4 decimals where they are readable, else 4 significant digits in
    scientific notation (1.0000e+309 would take 300 digits; 1e-07 would show as 0.0000)."""
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)                       # nan, inf, -inf
    if x == 0 or 1e-4 <= abs(x) < 1e9:
        return f"{x:.4f}"
    return f"{x:.4g}"


def _cell(value):
    return format_number(value) if isinstance(value, float) else str(value)


def _safe_repr(value):
    try:
        return repr(value)
    except Exception as error:  # a learner's class with a broken __repr__
        return f"<{type(value).__name__} object; repr failed: {type(error).__name__}: {error}>"


# ---- the namespace a learner starts with ----

def _preloaded_names():
    return {k for k in fresh_namespace() if not k.startswith("_")}


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


def _numbers_to_valors(tree):
    """`a = 2` → `a = __valor__(2)`: a number typed on its own into a variable becomes a Valor.
    Only top-level assignments to plain names: attributes (`a.grad = 1`), items and the bodies
    of functions, classes and loops keep their plain numbers."""
    for statement in tree.body:
        if (isinstance(statement, ast.Assign) and _is_number(statement.value)
                and all(isinstance(target, ast.Name) for target in statement.targets)):
            statement.value = ast.copy_location(
                ast.Call(ast.Name("__valor__", ast.Load()), [statement.value], []), statement.value)
    return tree


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
        self.datasets = {}                # name → function returning a Dataset (register_datasets)
        self.auto_valor = True            # `a = 2` makes a Valor; lessons on plain Python turn it off
        self.show_tracebacks = traceback
        self.last_error = None            # (exception, text of the input) for :tb
        self.state = {}                   # per-plugin state: state["lessons"], …
        self.plugins = {}                 # name → plugins.PluginInfo
        self.plugin_failures = []         # PluginFailure, in the order they happened
        self.hooks_off = set()            # (plugin, hook) pairs turned off after they raised
        self.lesson_dirs = list(lesson_dirs)
        self.status = ""                  # one line for a toolbar (the current lesson and step)
        self.width = 80                   # columns the front end can show; drawings fit in it
        self.color = True                 # False: front ends show no colour (NO_COLOR, --no-color)
        self.pending = None               # a function(emit) that an empty input runs (--step)
        self.inputs = []                  # every input that ran without error, for :save
        self.recorders = []               # functions(text, emitter) → emitter, told of each input as it
                                          # starts, Enter included (:transcript records through one)
        self.quit_requested = False       # set by :quit; front ends check it after each input
        self._stop = threading.Event()
        self._started = False
        self.manager = plugins.new_manager()
        self._load_plugins(load_plugins, plugin_files, plugin_dirs)

    # -- plugins --

    def _load_plugins(self, third_party, plugin_files, plugin_dirs):
        """Built-ins first; then, unless --no-plugins, installed packages and the user's plugins
        folder; then the folders and files named with --plugins-dir and --plugin."""
        self.checks = {}                  # answer checks for lessons: name → function (register_checks)
        for name in plugins.DEFAULT_PLUGINS:
            self.add_plugin(lambda name=name: plugins.import_builtin(name), name, "built-in")
        if third_party and not plugins.autoload_disabled():
            for name, loader, source, version in plugins.entry_point_plugins():
                self.add_plugin(loader, name, source, version)
        if third_party:
            from .paths import config_dir
            for path in plugins.folder_plugins(config_dir() / "plugins"):
                self.load_plugin_file(path)
        for folder in plugin_dirs:
            if not plugins.is_folder(folder):
                self.plugin_failures.append(plugins.failure(str(folder), "--plugins-dir", NotADirectoryError(
                    _("no such folder: {folder}").format(folder=folder))))
            for path in plugins.folder_plugins(folder):
                self.load_plugin_file(path)
        for path in plugin_files:
            self.load_plugin_file(path)
        self._start_plugins()
        self._started = True

    def load_plugin_file(self, path):
        """Load one Python file as a plugin (--plugin, --plugins-dir, :plugin load); False if it failed."""
        return self.add_plugin(lambda: plugins.load_file(path), plugins.file_plugin_name(path),
                               plugins.file_source(path))

    def add_plugin(self, loader, name, source, version=""):
        """Load one plugin and let it register what it adds. Any failure (an import error, a bad hook,
        a hook that raises, a name another plugin has) is recorded in plugin_failures, nothing the
        plugin added is left behind, and False is returned."""
        if name in self.plugins:
            self.plugin_failures.append(plugins.failure(name, source, CommandConflict(
                _("a plugin named {name} is already loaded from {other}").format(
                    name=name, other=self.plugins[name].source))))
            return False
        info = plugins.PluginInfo(name, source, version)
        module = None
        try:
            module = loader()
            info.version = version or plugins.version_of(module, source)
            self.manager.register(module, name=name)
            plugins.check_hook_names(self.manager, module, name)
            self.plugins[name] = info
            self._register_from(module, info)
            if self._started:  # loaded later, by :plugin load
                self._call_plugin_hook(module, info, "session_started", session=self)
        except (Exception, SystemExit) as error:  # a plugin's sys.exit() must not end the REPL
            if module is not None:
                self._unload(module, info)
            self.plugin_failures.append(plugins.failure(name, source, error))
            return False
        return True

    def _register_from(self, module, info):
        """Call this plugin's registration hooks, and only its own: the others ran when they loaded."""
        def call(hook, **kwargs):
            return self._call_plugin_hook(module, info, hook, **kwargs)

        call("register_commands", registry=_PluginRegistry(self.commands, info))
        call("register_datasets", datasets=_Checked(self, info, "datasets", N_("data set")))
        call("register_checks", checks=_Checked(self, info, "checks", N_("check")))
        for folders in call("lesson_dirs"):
            for folder in plugins.as_folders(folders):
                info.lesson_dirs.append(folder)
                self.lesson_dirs.append(folder)

    def _call_plugin_hook(self, module, info, hook, **kwargs):
        """One plugin's implementation of a hook; a failure names the plugin and the hook."""
        others = [plugin for plugin in self.manager.get_plugins() if plugin is not module]
        try:
            return self.manager.subset_hook_caller(hook, others)(**kwargs)
        except Exception as error:
            raise plugins.failure(info.name, info.source, error, hook) from error

    def _start_plugins(self):
        """session_started in every plugin, in the order they loaded; one that raises is unloaded."""
        for info in list(self.plugins.values()):
            module = self.manager.get_plugin(info.name)
            try:
                self._call_plugin_hook(module, info, "session_started", session=self)
            except PluginFailure as failure:
                self._unload(module, info)
                self.plugin_failures.append(failure)

    def unload_plugin(self, name):
        """Take a loaded plugin out again (`:plugin load` of the same file after an edit)."""
        self._unload(self.manager.get_plugin(name), self.plugins[name])

    def _unload(self, module, info):
        """Take back everything a plugin added, so that a half-registered plugin leaves nothing behind."""
        self.commands.remove_plugin(info.name)
        for name in info.datasets:
            self.datasets.pop(name, None)
        for name in info.checks:
            self.checks.pop(name, None)
        for folder in info.lesson_dirs:
            if folder in self.lesson_dirs:
                self.lesson_dirs.remove(folder)
        if self.manager.get_plugin(info.name) is module:
            self.manager.unregister(name=info.name)
        if self.plugins.get(info.name) is info:
            del self.plugins[info.name]

    def _owner(self, kind, name):
        """The plugin that added a data set (kind "datasets"), a check ("checks")…"""
        for info in self.plugins.values():
            if name in getattr(info, kind):
                return info.name
        return "valorrepl"

    # -- running input --

    def run(self, text, emit=None):
        """Run one input — Python, or `:command` lines — and return how it went. Never raises
        for what the learner typed; KeyboardInterrupt becomes a cancelled outcome."""
        emitter = emit if isinstance(emit, Emitter) else Emitter(emit or (lambda reply: None))
        for recorder in self.recorders:
            emitter = recorder(text, emitter)
        outcome = Outcome()
        if not text.strip():
            return self._run_pending(emitter)
        self._call_hook("before_run", emitter, session=self, source=text, emit=emitter)
        try:
            with fewer_collections():  # Valor graphs hold no cycles: see engine.fewer_collections
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
        """Call one hook in every plugin; a plugin that fails there is named once, its hook is
        turned off for the rest of the session, and the rest go on."""
        for impl in reversed(getattr(self.manager.hook, name).get_hookimpls()):
            if (impl.plugin_name, name) in self.hooks_off:
                continue
            try:
                impl.function(*[kwargs[arg] for arg in impl.argnames])
            except KeyboardInterrupt:
                raise
            except Exception as error:
                self.last_error = (error, name)
                self.hooks_off.add((impl.plugin_name, name))
                info = self.plugins.get(impl.plugin_name)
                self.plugin_failures.append(plugins.failure(
                    impl.plugin_name, info.source if info else "?", error, name))
                emitter.error(_("Plugin {plugin} failed in {hook}: {error}. That hook of it is turned off; "
                                "type :tb for details.")
                              .format(plugin=impl.plugin_name, hook=name, error=describe(error)))

    def _run_python(self, text, emit):
        if "\n" not in text.strip():
            text = text.strip()   # one line typed with a space before it (" 2 ") is no indent error
        try:
            tree = ast.parse(text, "<input>", "exec")
            if self.auto_valor:
                tree = ast.fix_missing_locations(_numbers_to_valors(tree))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            # ValueError: text that is not Unicode; the others: nesting too deep to parse
            return self._fail(error, text, emit)
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

    def lookup_valor(self, expression, like=False):
        """A Valor named by the learner (`c`, `loss`, `model(x)`); a clear error otherwise.
        With `like`, an object of the learner's own Valor-like class is copied into Valors."""
        try:
            value = self.evaluate(expression)
        except NameError:
            raise CommandError(_("name '{name}' is not defined").format(name=expression)
                               + self._did_you_mean(expression)) from None
        except SyntaxError:
            raise CommandError(_("'{text}' is not a Python expression").format(text=expression)) from None
        if like and not isinstance(value, Valor):
            from .graph import from_valor_like, looks_like_valor
            if looks_like_valor(value):
                copy = from_valor_like(value)
                copy.label = copy.label or (expression if expression.isidentifier() else "")
                return copy
        if not isinstance(value, Valor):
            raise CommandError(_("{name} is a {type}, not a Valor").format(
                name=expression, type=type(value).__name__))
        return value

    def _did_you_mean(self, name):
        import difflib   # only for a mistyped name: it costs every start-up ~3 ms at the top
        # the learner's own names first; the preloaded ones (hinge, moons…) only when very close
        preloaded = _preloaded_names()
        own = [k for k in self.namespace if not k.startswith("_") and k not in preloaded]
        close = (difflib.get_close_matches(name, own, 3)
                 or difflib.get_close_matches(name, sorted(preloaded), 3, cutoff=0.8))
        return (". " + _("Did you mean {names}?").format(names=", ".join(close))) if close else ""

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
        self._start_plugins()


class _PluginRegistry:
    """The command registry as one plugin sees it: what it adds is written down as its own."""

    def __init__(self, registry, info):
        self._registry, self._info = registry, info

    def add(self, cmd):
        cmd = self._registry.add(cmd, plugin=self._info.name)
        if cmd.plugin == self._info.name:
            self._info.commands.append(cmd.name)
        return cmd

    def __getattr__(self, name):
        return getattr(self._registry, name)


class _Checked(Mapping):
    """A name → thing table (data sets, checks) as one plugin sees it: it may read every name and
    add new ones (`table[name] = thing` or `table.add(name, thing)`); a name that is taken is a
    conflict naming both plugins, never a silent win."""

    def __init__(self, session, info, kind, what):
        # kind: the session's table and the PluginInfo list alike ("datasets", "checks")
        self._session, self._target, self._info = session, getattr(session, kind), info
        self._kind, self._what = kind, what

    def __setitem__(self, name, value):
        if name in self._target:
            first = self._session._owner(self._kind, name)
            raise CommandConflict(_("{what} {name} is added by both {first} and {second}").format(
                what=_(self._what), name=name, first=first, second=self._info.name))
        self._target[name] = value
        getattr(self._info, self._kind).append(name)

    def add(self, name, value):
        self[name] = value

    def update(self, other=(), **more):
        for name, value in dict(other, **more).items():
            self[name] = value

    def __getitem__(self, name):
        return self._target[name]

    def __iter__(self):
        return iter(self._target)

    def __len__(self):
        return len(self._target)


def describe(error):
    """`TypeName: message`, one line, as Python prints the last line of a traceback; Python's own
    messages that beginners meet most are in the learner's language (the type name stays)."""
    if isinstance(error, SyntaxError):
        where = f" ({_('line')} {error.lineno})" if error.lineno else ""
        return f"SyntaxError: {python_message(error.msg or '')}{where}"
    if isinstance(error, OSError) and error.errno in OS_ERRORS:
        text = os_error_text(error) + (f": {error.filename!r}" if error.filename else "")
        return f"{type(error).__name__}: {text}"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = python_message(text) + _valor_hint(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# Python's English for the errors a beginner meets most: pattern → message to translate
PYTHON_MESSAGES = (
    (r"name '(?P<name>\w+)' is not defined", N_("name '{name}' is not defined")),
    (r"'(?P<type>\w+)' object has no attribute '(?P<name>\w+)'",
     N_("'{type}' object has no attribute '{name}'")),
    (r"unsupported operand type\(s\) for (?P<op>\S+): '(?P<left>\w+)' and '(?P<right>\w+)'",
     N_("unsupported operand type(s) for {op}: '{left}' and '{right}'")),
    (r"'(?P<type>\w+)' object is not callable", N_("'{type}' object is not callable")),
    (r"(float )?division by zero", N_("division by zero")),
    (r"invalid syntax", N_("invalid syntax")),
    (r"invalid syntax\. Perhaps you forgot a comma\?", N_("invalid syntax. Perhaps you forgot a comma?")),
    (r"'(?P<bracket>.)' was never closed", N_("'{bracket}' was never closed")),
    (r"unexpected indent", N_("unexpected indent")),
    (r"expected an indented block.*", N_("expected an indented block")),
    (r"unterminated string literal.*", N_("unterminated string literal")),
    (r"expected ':'", N_("expected ':'")),
)

# errno → words, for the file errors a learner meets (the English is Linux's own)
OS_ERRORS = {2: N_("No such file or directory"), 13: N_("Permission denied"), 30: N_("Read-only file system"),
             20: N_("Not a directory"), 21: N_("Is a directory")}


def python_message(text):
    import re
    for pattern, message in PYTHON_MESSAGES:
        match = re.fullmatch(pattern, text)
        if match:
            return _(message).format(**match.groupdict())
    return text


def os_error_text(error):
    """What went wrong with a file, in the learner's language for the usual errno values."""
    return _(OS_ERRORS[error.errno]) if error.errno in OS_ERRORS else (error.strerror or str(error))


def _valor_hint(error):
    # `0.5.tanh()`: the learner wanted a Valor's method on a plain number
    if (isinstance(error, AttributeError) and isinstance(getattr(error, "obj", None), (int, float))
            and not isinstance(error.obj, bool) and getattr(error, "name", None) in dir(Valor)
            and not error.name.startswith("_")):
        return " " + _("({name} belongs to Valor; wrap the number: Valor({number}))").format(
            name=error.name, number=error.obj)
    return ""


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
