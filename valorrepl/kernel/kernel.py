"""ValorKernel: a thin adapter between Jupyter's messages and a valorrepl Session.

Each cell goes to `Session.run`, like one input at the terminal; every Reply it emits becomes a
Jupyter message as it comes (so :train shows its progress while it runs):

    text, stdout        → stream (stdout)          styled text → display_data, coloured HTML
    markdown text       → display_data, text/markdown (a lesson's step, rendered)
    value               → execute_result            table       → display_data, HTML + plain text
    image               → display_data (SVG/PNG + its description as text/plain)
    progress            → one display, updated in place
    warning, error      → stream (stderr)           a failed cell → execute_reply status "error"
"""

import base64
import builtins
import contextlib
import html
import platform
import uuid

from ipykernel.kernelbase import Kernel

from .. import __version__
from ..i18n import _
from ..session import Image, Markdown, Progress, Session, Styled, Table, format_number
from . import introspect

NOTEBOOK_WIDTH = 100   # columns of a notebook's output area, for the text drawings

# the terminal's classes (repl/style.py) as CSS: gradients in the drawing's colour-blind-safe blue
# and orange; colour only adds to the text, which always carries the sign as well
STYLE_CSS = {
    "grad.positive": "color:#3a8fd9", "grad.negative": "color:#e6550d", "grad.zero": "color:#888",
    "grad.large": "font-weight:bold", "hint": "color:#00838f", "muted": "color:#888",
    "ok": "color:#2e7d32;font-weight:bold", "error": "color:#c62828;font-weight:bold",
    "warning": "color:#b26a00", "highlight": "background:rgba(128,128,128,.3)",
    "node.current": "background:rgba(128,128,128,.3);font-weight:bold",
}


class ValorKernel(Kernel):
    implementation = "valorrepl"
    implementation_version = __version__
    language = "python"
    language_version = platform.python_version()
    language_info = {
        "name": "python",
        "version": platform.python_version(),
        "mimetype": "text/x-python",
        "file_extension": ".py",
        "pygments_lexer": "python3",
        "codemirror_mode": {"name": "python", "version": 3},
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # `self.session` is Jupyter's message session; the learner's workspace is `self.valor`
        self.valor = Session()
        self.valor.width = NOTEBOOK_WIDTH
        self.startup_notes = [_("Plugin not loaded: {failure}").format(failure=failure)
                              for failure in self.valor.plugin_failures]

    @property
    def banner(self):
        return _("valorrepl {version}: numbers become Valors. Type :help for the commands.").format(
            version=__version__)

    # ---- execution ----

    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, **_ignored):
        output = CellOutput(self, self.execution_count, silent)
        for note in self.startup_notes:
            output.stream("stderr", note)
        self.startup_notes = []
        with self._input_from_frontend(allow_stdin):
            outcome = self.valor.run(code, output)
        if self.valor.quit_requested:
            # a notebook's kernel ends from the Kernel menu; :quit must not leave it half-dead
            self.valor.quit_requested = False
            output.stream("stdout", _("In a notebook :quit does nothing: use the Kernel menu to shut down."))
        if outcome.status == "cancelled":
            return {"status": "abort", "execution_count": self.execution_count}
        if outcome.status == "error":
            error = outcome.error
            name = type(error).__name__ if error is not None else "Error"
            message = str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
            return {"status": "error", "execution_count": self.execution_count,
                    "ename": name, "evalue": message, "traceback": []}
        return {"status": "ok", "execution_count": self.execution_count, "payload": [],
                "user_expressions": self._user_expressions(user_expressions or {})}

    @contextlib.contextmanager
    def _input_from_frontend(self, allow_stdin):
        # input() in a cell asks the notebook, as in IPython's kernel
        self._allow_stdin = allow_stdin
        saved, builtins.input = builtins.input, self.raw_input
        try:
            yield
        finally:
            builtins.input = saved

    def _user_expressions(self, expressions):
        results = {}
        for key, expression in expressions.items():
            try:
                value = self.valor.evaluate(expression)
                results[key] = {"status": "ok", "data": {"text/plain": repr(value)}, "metadata": {}}
            except Exception as error:
                results[key] = {"status": "error", "ename": type(error).__name__, "evalue": str(error),
                                "traceback": []}
        return results

    # ---- completion and inspection ----

    async def do_complete(self, code, cursor_pos):
        try:
            found = introspect.complete(self.valor, code, cursor_pos)
        except Exception:  # a learner's odd object: no completions rather than a broken kernel
            found = introspect.Completion(cursor_pos, cursor_pos, [])
        return {"status": "ok", "matches": found.matches, "cursor_start": found.start,
                "cursor_end": found.end, "metadata": {}}

    async def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        try:
            text = introspect.inspect_at(self.valor, code, cursor_pos, detail_level)
        except Exception:
            text = None
        return {"status": "ok", "found": text is not None,
                "data": {"text/plain": text} if text is not None else {}, "metadata": {}}

    async def do_is_complete(self, code):
        from ..lines import is_command, is_complete
        last = code.rstrip("\n").split("\n")[-1] if code.strip() else ""
        if is_command(last) or is_complete(code) and not code.rstrip("\n").endswith(":"):
            return {"status": "complete"}
        return {"status": "incomplete", "indent": "    "}


class CellOutput:
    """The emit callback for one cell: each Reply becomes a Jupyter message at once."""

    def __init__(self, kernel, execution_count, silent):
        self.kernel, self.execution_count, self.silent = kernel, execution_count, silent
        self.progress_id = None   # the display that progress updates, while a command reports

    def __call__(self, reply):
        if self.silent:
            return
        if reply.kind != "progress":
            self.progress_id = None
        render = getattr(self, "_" + reply.kind, None) or self._text
        try:
            render(reply)
        except (TypeError, ValueError, UnicodeDecodeError):
            # something Jupyter cannot carry (a value's odd _repr_, a broken picture): its text can
            self.stream("stderr" if reply.kind in ("warning", "error") else "stdout", reply.text)

    def send(self, msg_type, content):
        self.kernel.send_response(self.kernel.iopub_socket, msg_type, content)

    def stream(self, name, text):
        if not self.silent:
            self.send("stream", {"name": name, "text": text + "\n"})

    def display(self, data, msg_type="display_data", **extra):
        self.send(msg_type, {"data": data, "metadata": {}, **extra})

    # one method per reply kind

    def _text(self, reply):
        if isinstance(reply.data, Styled):
            self.display({"text/plain": reply.text, "text/html": styled_html(reply.data)})
        elif isinstance(reply.data, Markdown):
            self.display({"text/plain": reply.text, "text/markdown": reply.data.source})
        else:
            self.stream("stdout", reply.text)

    _stdout = _text

    def _warning(self, reply):
        self.stream("stderr", reply.text)

    _error = _warning

    def _value(self, reply):
        self.display({**rich_reprs(reply.data), "text/plain": reply.text}, "execute_result",
                     execution_count=self.execution_count)

    def _table(self, reply):
        if isinstance(reply.data, Table):
            self.display({"text/plain": reply.text, "text/html": table_html(reply.data)})
        else:
            self.stream("stdout", reply.text)

    def _image(self, reply):
        image = reply.data
        if not isinstance(image, Image):
            return self.stream("stdout", reply.text)
        picture = (image.data.decode("utf-8") if image.mime == "image/svg+xml"
                   else base64.b64encode(image.data).decode("ascii"))
        self.display({image.mime: picture, "text/plain": reply.text or image.description})

    def _progress(self, reply):
        progress = reply.data if isinstance(reply.data, Progress) else Progress(0, 0, reply.text)
        data = {"text/plain": reply.text, "text/html": progress_html(progress)}
        if self.progress_id is None:
            self.progress_id = uuid.uuid4().hex
            self.display(data, transient={"display_id": self.progress_id})
        else:
            self.display(data, "update_display_data", transient={"display_id": self.progress_id})


# ---- HTML renderings (the text/plain beside them says the same) ----

def table_html(table):
    def cells(tag, row):
        return "".join(f'<{tag} style="text-align:{"right" if isinstance(c, (int, float)) else "left"}">'
                       f"{html.escape(_cell(c))}</{tag}>" for c in row)
    caption = f"<caption>{html.escape(table.title)}</caption>" if table.title else ""
    head = "<tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in table.headers) + "</tr>"
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in table.rows)
    return f"<table>{caption}<thead>{head}</thead><tbody>{body}</tbody></table>"


def _cell(value):
    return format_number(value) if isinstance(value, float) else str(value)


def styled_html(styled):
    spans = []
    for style, text in styled.fragments:
        # a fragment may carry several classes ("grad.negative grad.large")
        css = ";".join(STYLE_CSS[name] for name in style.split() if name in STYLE_CSS)
        text = html.escape(text)
        spans.append(f'<span style="{css}">{text}</span>' if css else text)
    return "<pre>" + "".join(spans) + "</pre>"


def progress_html(progress):
    bar = (f'<progress value="{progress.done}" max="{progress.total}"></progress> '
           if progress.total else "")
    return f"{bar}<code>{html.escape(progress.message)}</code>"


def rich_reprs(value):
    """A value's own notebook pictures (_repr_svg_, _repr_html_… as IPython asks for them)."""
    data = {}
    if value is None or isinstance(value, type):
        return data
    try:
        bundle = value._repr_mimebundle_() if hasattr(value, "_repr_mimebundle_") else None
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        if isinstance(bundle, dict):
            data.update({k: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v
                         for k, v in bundle.items() if k != "text/plain"})
        for method, mime in (("_repr_html_", "text/html"), ("_repr_svg_", "image/svg+xml"),
                             ("_repr_png_", "image/png"), ("_repr_markdown_", "text/markdown"),
                             ("_repr_latex_", "text/latex")):
            if mime not in data and hasattr(value, method):
                shown = getattr(value, method)()
                if shown is not None:
                    data[mime] = base64.b64encode(shown).decode("ascii") if isinstance(shown, bytes) else shown
    except Exception:  # a broken _repr_ falls back to the plain text, as IPython does
        return {}
    return data
