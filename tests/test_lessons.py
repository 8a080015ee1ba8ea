"""Guided lessons through the session core: a scripted learner, progress, checks, lesson files."""

import json
import os
from pathlib import Path

import pytest

from valorrepl import checks
from valorrepl.commands.lessons import tutor
from valorrepl.i18n import set_language
from valorrepl.lessons import ProgressStore, builtin_lessons_dir
from valorrepl.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
LESSON_IDS = ["classes", "graph", "local-gradients", "finishing-valor", "neural-networks", "training"]

# answers that differ from the lessons' solutions in form but not in effect
EQUIVALENT = {
    "classes": {
        "robot-class": "class Robot:\n    def __init__(self, name, battery=100):\n        self.name = name\n"
                       "        self.battery = battery\n\nr = Robot(name='R2')",
        "walk-method": "class Robot:\n    def __init__(self, name):\n        self.name, self.battery = name, 100\n"
                       "    def walk(self, steps):\n        self.battery -= steps",
        "repr-method": "class Robot:\n    def __init__(self, name):\n        self.name, self.battery = name, 100\n"
                       "    def walk(self, steps):\n        self.battery -= steps\n"
                       "    def __repr__(self):\n        return 'Robot ' + self.name + ' ' + str(self.battery)",
    },
    "graph": {
        "mini-data": "class MiniValor:\n    def __init__(self, data):\n        self.data = float(data)\n"
                     "    __repr__ = lambda self: f'MiniValor({self.data})'\n\na = MiniValor(4 / 2)",
        "record-parents": "class MiniValor:\n    def __init__(self, data, progenitor=(), operador_mae=''):\n"
                          "        self.data, self.progenitor, self.operador_mae = data, progenitor, operador_mae\n"
                          "    def __add__(self, other):\n        return MiniValor(other.data + self.data, (other, self), '+')\n"
                          "    def __mul__(self, other):\n        return MiniValor(self.data * other.data, [self, other], '*')",
        "first-graph": "a, b, c = MiniValor(2), MiniValor(-3), MiniValor(10)\nd = a * b\ne = d + c",
        "with-valor": "e = Valor(2) * Valor(-3) + Valor(10)",
    },
    "local-gradients": {
        "by-hand": "dy_dw1 = 120.0",
        "propagate-by-hand": "y.grad = 1.0\ny.propagate()\nk.propagate()\nn.propagate()\ns1.propagate()\ns2.propagate()",
        "backward-all": "for node in y.topological_order():\n    node.grad = 0.0\ny.propagar_tudo()",
        "multi-use-check": "a = Valor(-2.0)\nb = Valor(3.0)\ne = (a + b) + (a * b)\ne.backward()",
    },
    "finishing-valor": {
        "reflected": "class Valor2(Valor):\n    def __radd__(self, other):\n        return self + Valor(other)\n"
                     "    def __rmul__(self, other):\n        return Valor(other).__mul__(self)",
        "neg-sub": "class Valor2(Valor):\n    def __neg__(self):\n        return -1 * Valor(self.data, (self,), 'id', local_grads=(1.0,))\n"
                   "    def __sub__(self, other):\n        return self + other * -1\n"
                   "    def __rsub__(self, other):\n        return Valor(other) + self * -1",
    },
    "neural-networks": {
        "one-neuron": "n = Neuron(2)\nout = n([2.5, 4.25])",
        "by-hand": "total = n.bias\nfor w, xi in zip(n.weights, x):\n    total = total + w * xi\nmine = total.sig()",
        "mlp": "model = MLP(2, [4, 3, 1])\ny = model([2.5, 4.25])",
    },
    "training": {
        "loss": "loss = sse(preds, ys)",
        "gradients": "loss.zero_grad()\nloss.backward()",
        "loop": "for epoch in range(400):\n    loss = sse([model(x) for x in xs], ys)\n    model.zero_grad()\n"
                "    loss.backward()\n    gradient_descent_step(model.parameters(), 0.5)",
    },
}

# answers that run but are wrong
WRONG = {
    "classes": {"robot-class": "class Robot:\n    def __init__(self, name):\n        self.name = name\n"
                               "        self.battery = 50\n\nr = Robot('R2')"},
    "graph": {"record-parents": "class MiniValor:\n    def __init__(self, data, parents=(), op=''):\n"
                                "        self.data, self.parents, self.op = data, parents, op\n"
                                "    def __add__(self, other):\n        return MiniValor(self.data + other.data, (self, other), '+')\n"
                                "    def __mul__(self, other):\n        return MiniValor(self.data * other.data)"},
    "local-gradients": {"by-hand": "dy_dw1 = 60"},
    "finishing-valor": {"neg-sub": "class Valor2(Valor):\n    def __neg__(self):\n        return self * -1\n"
                                   "    def __sub__(self, other):\n        return self + (-other)\n"
                                   "    def __rsub__(self, other):\n        return self + (-other)"},
    "neural-networks": {"layer": "layer = Layer(2, 3)\nh = layer(x)"},
    "training": {"loss": "loss = sum(p - t for p, t in zip(preds, ys))"},
}


class Learner:
    """Types into a session and keeps the replies of the last input."""

    def __init__(self, language="en", **options):
        self.session = Session(language=language, **options)
        self.language = language

    def __call__(self, text):
        self.replies = []
        self.outcome = self.session.run(text, self.replies.append)
        return "\n".join(r.text for r in self.replies)

    @property
    def tutor(self):
        return self.session.state["lessons"]

    def answer(self, step, alternatives=None):
        if step.kind == "code":
            return self((alternatives or {}).get(step.id) or step.solution.get(self.language).strip())
        if step.kind == "choice":
            return self(str(step.answer))
        return self("")

    def complete(self, lesson_id, alternatives=None):
        """Go through every step; returns the text of each answer's replies."""
        self(f":lesson {lesson_id}")
        tutor, texts = self.tutor, []
        while tutor.lesson is not None and tutor.index < len(tutor.lesson.steps) - 1:
            step = tutor.step
            texts.append(self.answer(step, alternatives))
            assert tutor.lesson is not None and tutor.step is not step, \
                f"{lesson_id}/{step.id} did not pass:\n{texts[-1]}"
        assert "Lesson finished!" in texts[-1] or "Lição concluída!" in texts[-1]
        return texts


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


def test_the_six_lessons_follow_the_course_plan(session):
    catalog = tutor(session).catalog()        # with the checks every plugin registered
    assert not catalog.problems
    assert [lesson.id for lesson in catalog.lessons][:6] == LESSON_IDS
    for lesson in catalog.lessons[:6]:
        tasks = [s for s in lesson.steps if s.is_task]
        assert len(lesson.steps) >= 8 and len(tasks) >= 3, lesson.id
        assert any(s.kind == "choice" for s in lesson.steps), lesson.id
        assert all(s.hint is not None for s in tasks), lesson.id
        assert lesson.steps[-1].id == "recap", lesson.id


@pytest.mark.parametrize("language", ["en", "pt"])
@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_a_learner_completes_every_lesson_with_the_solutions(lesson_id, language):
    learner = Learner(language)
    texts = learner.complete(lesson_id)
    assert not any("✗" in text for text in texts)
    record = learner.tutor.store.get(lesson_id)
    assert record["finished"] and not record["skipped"] and not record["wrong"]
    assert learner.session.status.endswith(f"{len(learner.tutor.lesson.steps)}/{len(learner.tutor.lesson.steps)}")
    learner(":next")
    assert learner.tutor.lesson is None and learner.session.status == ""
    assert learner.session.auto_valor      # given back as it was


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_equivalent_answers_pass_too(lesson_id):
    learner = Learner("pt")
    texts = learner.complete(lesson_id, EQUIVALENT[lesson_id])
    assert not any("✗" in text for text in texts)


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_wrong_answers_roll_back_and_bring_the_hint(lesson_id):
    learner = Learner("en")
    learner(f":lesson {lesson_id}")
    tutor = learner.tutor
    wrong = WRONG[lesson_id]
    while tutor.lesson is not None and tutor.index < len(tutor.lesson.steps) - 1:
        step = tutor.step
        if step.id in wrong or step.kind == "choice":
            attempt = wrong.get(step.id) or str(step.answer % len(step.choices["en"]) + 1)
            before = dict(learner.session.namespace)
            first = learner(attempt)
            assert "✗ Not yet:" in first and "Type :hint" not in first and ":hint for a hint" in first
            assert tutor.step is step
            if step.kind == "code":   # the names the try rebound are back as they were
                assert all(learner.session.namespace.get(k) is v for k, v in before.items() if not k.startswith("_"))
            learner(attempt)
            third = learner(attempt)
            assert "Hint: " + step.hint.get("en").strip() in third
            assert ("worked answer" if step.kind == "code" else "The right choice is") in learner(":solution")
        learner.answer(step)
        assert tutor.step is not step
    assert tutor.store.get(lesson_id)["wrong"]


def test_wrong_method_is_reported_by_its_first_differing_case():
    learner = Learner("en")
    learner(":lesson graph")
    tutor = learner.tutor
    while tutor.step.id != "record-parents":
        learner.answer(tutor.step)
    out = learner(WRONG["graph"]["record-parents"])
    assert "your __mul__ gives 6 for 2 * 3 but the parent list is empty." in out
    assert "MiniValor put back as before" in out


def test_any_way_of_writing_five_passes_value_equals():
    for text in ("x = 5.0", "x=5.", "x = 10/2", "x = Valor(5)", "x = 5 + 1e-9"):
        namespace = {}
        exec(text, {"Valor": __import__("valorrepl").Valor}, namespace)
        assert checks.value_equals(checks.Answer(namespace), "x", 5) is None, text
    assert "x should be 5, but it is 4.9" in checks.value_equals(checks.Answer({"x": 4.9}), "x", 5)


def test_lesson_expressions_reach_no_imports_files_or_dunders():
    namespace = {"os": os, "x": 2.0, "getcwd": os.getcwd, "Path": Path}
    for expression in ("__import__('os')", "x.__class__", "os.getcwd()", "getcwd()", "Path('/').exists()",
                       "open('f')", "[i for i in range(3)]", "(lambda: 1)()"):
        with pytest.raises((checks.UnsafeExpression, checks.Incomplete)):
            checks.evaluate(expression, namespace)
    assert checks.evaluate("len([x, x]) + abs(-x)", namespace) == 4.0


def test_unfinished_answers_are_not_misses():
    learner = Learner("en")
    learner(":lesson local-gradients")
    learner("")
    out = learner("x1 = 60")
    assert "Not finished yet: y is not defined yet." in out and "✗" not in out
    assert learner.session.namespace["x1"].data == 60 and not learner.tutor.record["wrong"]


def test_commands_and_portuguese_aliases():
    learner = Learner("pt")
    assert "não começada" in learner(":licoes")
    out = learner(":licao 1")
    assert "Lição 1 · Classes em Python — passo 1 de 10" in out
    total = len(learner.tutor.catalog().lessons)
    assert learner.session.status == f"lição 1/{total} · passo 1/10"
    assert not learner.session.auto_valor          # lesson 1 is on plain Python
    learner(":proximo")
    learner(":proximo")
    assert "Este passo é uma tarefa" in learner(":proximo")
    assert "Dica: " in learner(":dica")
    assert "Uma resposta resolvida" in learner(":solucao")
    assert "Pulada (não feita)" in learner(":pular")
    assert learner.tutor.record["skipped"] == ["robot-class"]
    assert "passo 3 de 10" in learner(":voltar")
    assert "passo 3 de 10" in learner(":onde")
    assert "passo 3 de 10" in learner(":licoes")
    assert "passo 1 de 10" in learner(":recomecar")
    learner(":sair-licao")
    assert learner.session.auto_valor and learner.session.status == ""


def test_progress_survives_a_restart_and_resumes_by_step_id(tmp_path):
    first = Learner("en")
    first(":lesson 3")
    for _ in range(3):
        first.answer(first.tutor.step)
    step_id = first.tutor.step.id
    again = Learner("en")
    assert "step 4 of 14" in again(":lessons")
    out = again(":lesson")
    assert "Welcome back: picking up at step 4." in out and again.tutor.step.id == step_id


def test_a_lesson_changed_since_resumes_at_the_first_step_not_done(tmp_path):
    folder = tmp_path / "pack" / "mine"
    folder.mkdir(parents=True)
    source = (FIXTURES / "good" / "01_first" / "lesson.toml").read_text(encoding="utf-8")
    (folder / "lesson.toml").write_text(source, encoding="utf-8")
    learner = Learner("en", lesson_dirs=[tmp_path / "pack"])
    learner(":lesson first")
    learner("")
    learner("x = 5")
    assert learner.tutor.step.id == "what-is-x"
    # the teacher renames the step the learner stands on and adds one before it
    changed = source.replace('id = "what-is-x"', 'id = "what-kind"').replace(
        '[[steps]]\nid = "make-x"',
        '[[steps]]\nid = "intro-2"\nkind = "text"\ntext = { pt = "Mais.", en = "More." }\n\n[[steps]]\nid = "make-x"')
    (folder / "lesson.toml").write_text(changed, encoding="utf-8")
    again = Learner("en", lesson_dirs=[tmp_path / "pack"])
    again(":lesson first")
    assert again.tutor.step.id == "intro-2"


def test_a_truncated_progress_file_is_moved_aside_once():
    store = ProgressStore()
    store.record("classes")["done"].append("intro")
    store.save()
    text = store.path.read_text(encoding="utf-8")
    store.path.write_text(text[: len(text) // 2], encoding="utf-8")
    learner = Learner("en")
    out = learner(":lessons")
    assert "progress file was damaged" in out and "not started" in out
    assert list(store.path.parent.glob("*.broken-*"))
    assert "damaged" not in learner(":lessons")
    learner(":lesson 1")
    assert json.loads(store.path.read_text(encoding="utf-8"))["lessons"]["classes"]["step"] == "intro"


def test_an_unwritable_progress_folder_warns_once(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("VALORREPL_HOME", str(blocker / "home"))
    learner = Learner("en")
    out = learner(":lesson 1")
    assert "Could not save lesson progress" in out and "Classes in Python" in out
    assert "Could not save" not in learner("")
    assert learner.tutor.index == 1


def test_saving_is_atomic(monkeypatch):
    store = ProgressStore()
    store.record("classes")
    store.save()
    good = store.path.read_text(encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt    # killed between writing the temporary file and renaming it
    monkeypatch.setattr(os, "replace", crash)
    store.record("graph")
    with pytest.raises(KeyboardInterrupt):
        store.save()
    assert store.path.read_text(encoding="utf-8") == good
    assert [p.name for p in store.path.parent.iterdir()] == [store.path.name]


def test_a_broken_lesson_is_reported_with_file_and_line_and_the_others_load():
    learner = Learner("en", lesson_dirs=[FIXTURES / "broken"])
    out = learner(":lessons")
    assert "01_syntax/lesson.toml:6: not valid TOML" in out
    assert "02_schema/lesson.toml:22: step 2 (make-x): field 'hint': missing" in out
    assert "Two lessons have the id 'fine'" in out and "00_fine" in out and "03_twin" in out
    assert "fine" in [lesson.id for lesson in learner.tutor.catalog().lessons]
    assert "Lesson not loaded" not in learner(":lessons")     # told once


def test_lessons_load_adds_a_folder_without_running_code(tmp_path):
    learner = Learner("en")
    out = learner(f":lessons load {FIXTURES / 'good'}")
    assert "Loaded 2 lesson(s)" in out and "first, second" in out
    assert "First" in learner(":lesson first")
    assert "no such folder" in learner(f":lessons load {tmp_path / 'nothing'}")


def test_a_lesson_whose_requirement_is_missing_explains_and_offers_to_skip(tmp_path):
    folder = tmp_path / "pack" / "07_needs"
    folder.mkdir(parents=True)
    source = (FIXTURES / "good" / "01_first" / "lesson.toml").read_text(encoding="utf-8")
    (folder / "lesson.toml").write_text(source.replace('id = "first"', 'id = "needs"').replace(
        'version = "1.0"', 'version = "1.0"\nrequires = ["no_such_package_for_valorrepl"]'), encoding="utf-8")
    (tmp_path / "pack" / "08_after").mkdir()
    (tmp_path / "pack" / "08_after" / "lesson.toml").write_text(source.replace('id = "first"', 'id = "after"'))
    learner = Learner("en", lesson_dirs=[tmp_path / "pack"])
    out = learner(":lesson needs")
    assert "needs no_such_package_for_valorrepl, which is not installed" in out and ":skip" in out
    assert learner.tutor.lesson is None
    out = learner(":skip")
    assert "marked skipped" in out and learner.tutor.lesson.id == "after"
    assert "skipped" in learner(":lessons")


# ---- `valorrepl lessons check` and `lessons new` ----

STARTER = (FIXTURES / "good" / "01_first" / "lesson.toml").read_text(encoding="utf-8")

SCHEMA_ERRORS = [
    ("format_version = 1\n", "", "add format_version = 1"),
    ("format_version = 1", "format_version = 2", "format_version = 1"),
    ('id = "first"', 'id = "First Lesson"', "field 'id': use lowercase"),
    ("stage = 1", 'stage = "one"', "field 'stage'"),
    ('title = { pt = "First", en = "First" }', 'title = { pt = "First" }', "title.en is missing"),
    ('title = { pt = "First", en = "First" }', 'title = { pt = "First", en = "First", de = "Erste" }',
     "'de' is not a language"),
    ('author = "Your name"\n', "", "field 'author': missing"),
    ('kind = "code"', 'kind = "exercise"', "field 'kind': write kind = one of"),
    ('hint.pt = "Escreva x = 5"', 'hnit.pt = "Escreva x = 5"', "field 'hnit': unknown field. Did you mean 'hint'?"),
    ('solution.pt = "x = 5"\nsolution.en = "x = 5"\n', "", "field 'solution': missing"),
    ('check = "value_equals"', 'check = "value_equal"', "no check called 'value_equal'. Did you mean 'value_equals'?"),
    ('args = { name = "x", value = 5 }', 'args = { name = "x" }', "needs the argument 'value'"),
    ('args = { name = "x", value = 5 }', 'args = { name = "x", value = 5, tol = 1 }', "takes no argument 'tol'"),
    ('args = { name = "x", value = 5 }', 'args = { name = "x", value = 5, tolerance = "small" }', "write a number"),
    ('args = { name = "x", value = 5 }', 'args = { name = "__import__(\'os\')", value = 5 }', "out of reach"),
    ('args = { name = "x", value = 5 }', 'args = { name = "x +", value = 5 }', "is not a Python expression"),
    ("answer = 1", "answer = 3", "field 'answer': write the number of the right choice, from 1 to 2"),
    ('choices.en = ["A Valor", "A piece of text"]', 'choices.en = ["A Valor"]', "choices.en is missing or empty"),
    ('id = "what-is-x"', 'id = "make-x"', "the id 'make-x' is used by step 2 already"),
    ('kind = "text"\ntext.pt = "Pronto', 'kind = "text"\ncheck = "is_valor"\ntext.pt = "Pronto',
     "a text step has no check"),
]


def _write(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.toml").write_text(text, encoding="utf-8")
    return folder / "lesson.toml"


@pytest.mark.parametrize("old, new, expected", SCHEMA_ERRORS)
def test_lessons_check_catches_each_kind_of_schema_error(tmp_path, capsys, old, new, expected, ):
    from valorrepl.cli import main
    assert STARTER.count(old) == 1
    path = _write(tmp_path / "lesson", STARTER.replace(old, new))
    assert main(["lessons", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert expected in out and f"{path}:" in out
    line = int(out.split(f"{path}:")[1].split(":")[0]) if f"{path}:" in out.splitlines()[0] else 0
    assert line > 0 or "format_version" in expected


def test_lessons_check_reports_a_figure_that_is_missing(tmp_path, capsys):
    from valorrepl.cli import main
    figure_step = '\n[[steps]]\nid = "pic"\nkind = "figure"\nfigure = "graph.svg"\ntext = { pt = "Um grafo.", en = "A graph." }\n'
    path = _write(tmp_path / "lesson", STARTER + figure_step)
    assert main(["lessons", "check", str(tmp_path / "lesson")]) == 1
    assert "no file graph.svg beside the lesson file" in capsys.readouterr().out
    (tmp_path / "lesson" / "graph.svg").write_text("<svg/>")
    assert main(["lessons", "check", str(path)]) == 0


def test_lessons_check_on_good_and_broken_folders(capsys):
    from valorrepl.cli import main
    assert main(["lessons", "check", str(FIXTURES / "good")]) == 0
    assert "2 lesson(s) checked: all good." in capsys.readouterr().out
    assert main(["lessons", "check", str(FIXTURES / "broken")]) == 1
    out = capsys.readouterr().out
    assert out.count("lesson.toml") >= 3 and "3 problem(s) found." in out
    assert main(["lessons", "check", str(builtin_lessons_dir())]) == 0


def test_lessons_new_writes_a_starter_that_passes_and_runs(tmp_path, capsys):
    from valorrepl.cli import main
    assert main(["lessons", "new", "Minha Lição", "--dir", str(tmp_path)]) == 0
    folder = tmp_path / "minha_licao"
    assert main(["lessons", "check", str(folder)]) == 0
    assert main(["lessons", "new", "Minha Lição", "--dir", str(tmp_path)]) == 1
    learner = Learner("pt", lesson_dirs=[tmp_path])
    learner.complete("minha-licao")


def test_checks_come_through_the_plugin_hook(tmp_path):
    plugin = tmp_path / "evens.py"
    plugin.write_text(
        "from valorrepl import hookimpl\n\n"
        "def is_even(answer, name):\n    '''`name` is an even number.'''\n"
        "    if float(answer.evaluate(name)) % 2:\n        return f'{name} should be even.'\n\n"
        "@hookimpl\ndef register_checks(checks):\n    checks.add('is_even', is_even)\n")
    lesson = STARTER.replace('check = "value_equals"\nargs = { name = "x", value = 5 }',
                             'check = "is_even"\nargs = { name = "x" }')
    _write(tmp_path / "pack" / "even", lesson)
    learner = Learner("en", plugin_files=[plugin], lesson_dirs=[tmp_path / "pack"])
    assert not learner.session.plugin_failures
    learner(":lesson first")
    learner("")
    assert "x should be even." in learner("x = 3")
    assert "Right!" in learner("x = 4")


# ---- what a new learner ran into ----

def _walk_to(learner, lesson_id, step_id):
    learner(f":lesson {lesson_id}")
    while learner.tutor.step.id != step_id:
        step = learner.tutor.step
        learner.answer(step)
        assert learner.tutor.step is not step, f"{lesson_id}/{step.id} did not pass"


def test_only_a_whole_number_typed_alone_answers_a_choice():
    learner = Learner("pt")
    _walk_to(learner, "classes", "what-is-self")
    tutor, step = learner.tutor, learner.tutor.step
    for expression in ("r.battery", "len([1, 2])", "1 + 1"):     # values, not answers (2 is right)
        out = learner(expression)
        assert tutor.step is step and "✗" not in out and "Plugin" not in out, expression
    out = learner(" 5 ")
    warnings = [r.text for r in learner.replies if r.kind in ("warning", "error")]
    assert warnings == ["Não há opção 5 aqui: responda com um número de 1 a 3."]      # one line, one period
    assert "Não há opção 9" in learner(":resposta 9") and not tutor.record["wrong"]
    assert not learner.session.hooks_off and tutor.step is step
    assert "✓" in learner(" 2 ") and tutor.step.id == "methods"
    learner("")
    assert "✓" in learner(tutor.step.solution.get("pt").strip())      # answers are still checked


def test_a_lesson_hook_that_fails_says_so_in_one_line_and_stays_on():
    from valorrepl.commands.lessons import after_run
    from valorrepl.session import Emitter
    learner = Learner("en")
    _walk_to(learner, "classes", "what-is-self")
    replies = []
    after_run(learner.session, "2", None, Emitter(replies.append))     # no outcome: the hook trips
    assert [r.kind for r in replies] == ["warning"] and "\n" not in replies[0].text
    assert "could not check that input" in replies[0].text
    assert "✓" in learner("2")


def test_resuming_in_a_new_session_gives_back_the_setup_and_names_what_to_redo():
    first = Learner("en")
    _walk_to(first, "training", "loss")
    assert {"xs", "ys", "model", "preds"} <= set(first.session.namespace)
    again = Learner("en")                     # valorrepl started again, same data folder
    out = again(":lesson")
    assert "picking up at step 4" in out and "Ready again from the lesson: xs, ys" in out
    assert again.session.namespace["ys"] == [1.0, 0.0, 0.2, 0.5]
    gone = next(r.text for r in again.replies if r.kind == "warning")
    assert gone.startswith("model, preds came from earlier tasks") and "from step 2" in gone
    out = again("loss = sum((p - t) ** 2 for p, t in zip(preds, ys))")
    assert "✗" not in out and "NameError" in out
    again(":back")
    again(":back")
    again("model = MLP(3, [3, 2, 1])\npreds = [model(x) for x in xs]")   # redone: on it goes
    again("")
    assert "✓" in again("loss = sum((p - t) ** 2 for p, t in zip(preds, ys))")


def test_resuming_in_the_same_session_keeps_the_learners_names():
    learner = Learner("en")
    _walk_to(learner, "training", "loss")
    learner("xs = [[1.0, 1.0, 1.0]]")
    learner(":quit-lesson")
    out = learner(":lesson")
    assert "Ready again" not in out and "earlier tasks" not in out
    assert learner.session.namespace["xs"] == [[1.0, 1.0, 1.0]]


def test_a_number_that_is_the_exercise_is_not_given_away():
    learner = Learner("en")
    _walk_to(learner, "local-gradients", "by-hand")
    out = learner("dy_dw1 = 60")
    assert "✗ Not yet: 60 is not ∂y/∂w1 yet — multiply the local derivatives" in out
    assert "120" not in out
    set_language("pt")
    out = learner("dy_dw1 = 2 * 30")
    assert "60 ainda não é ∂y/∂w1" in out and "120" not in out


def test_checks_on_internal_expressions_speak_in_plain_words():
    learner = Learner("en")
    _walk_to(learner, "training", "loss")
    out = learner("loss = sum(p - t for p, t in zip(preds, ys))")
    assert "✗ Not yet: loss should be the sum of squared errors" in out
    assert "sse(" not in out and "loss.data -" not in out
    # every built-in check whose name is an expression (not a name) says its expectation plainly
    for lesson in tutor(learner.session).catalog().lessons:
        for step in lesson.steps:
            for call in step.checks:
                name = call.args.get("name", "")
                if call.check in ("value_equals", "value_below") and not name.replace(".", "_").isidentifier():
                    assert call.expect is not None, f"{lesson.id}/{step.id}: {name}"


def test_expect_and_reveal_are_checked_in_lesson_files(tmp_path):
    from valorrepl.lessons import check_path, load_lesson
    source = (FIXTURES / "good" / "01_first" / "lesson.toml").read_text(encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    good = source.replace('args = { name = "x", value = 5 }',
                          'args = { name = "x", value = 5 }\nreveal = false\n'
                          'expect = { pt = "{actual} ainda não.", en = "{actual} not yet." }')
    assert good != source
    (folder / "lesson.toml").write_text(good, encoding="utf-8")
    call = next(s for s in load_lesson(folder).steps if s.checks).checks[0]
    assert call.reveal is False and call.expect.en == "{actual} not yet."
    (folder / "lesson.toml").write_text(good.replace("reveal = false", 'reveal = "no"')
                                        .replace(', en = "{actual} not yet." ', " "), encoding="utf-8")
    problems = " ".join(map(str, check_path(folder)))
    assert "reveal: write true or false." in problems and "expect.en is missing" in problems
    # reveal = false alone: a message without the expected value
    answer = checks.Answer({"x": 4})
    from valorrepl.lessons import CheckCall, _plainly
    message = checks.value_equals(answer, "x", 5)
    assert _plainly(CheckCall("value_equals", {"name": "x", "value": 5}, None, False), answer, message) == \
        "4 is not the value asked for."


def test_an_add_that_changes_self_and_returns_it_is_wrong():
    learner = Learner("en")
    _walk_to(learner, "graph", "add-mul")
    out = learner("class MiniValor:\n    def __init__(self, data):\n        self.data = data\n"
                  "    def __add__(self, other):\n        self.data = self.data + other.data\n        return self\n"
                  "    def __mul__(self, other):\n        return MiniValor(self.data * other.data)")
    assert "✗" in out and "changes its operand self for 2 + 3 (it becomes 5)" in out
    out = learner("class MiniValor:\n    def __init__(self, data):\n        self.data = data\n"
                  "    def __add__(self, other):\n        return self\n"
                  "    def __mul__(self, other):\n        return MiniValor(self.data * other.data)")
    assert "returns one of its operands" in out


def test_not_finished_yet_is_said_once_while_an_answer_is_typed():
    learner = Learner("en")
    learner(":lesson local-gradients")
    learner("")
    outs = [learner(line) for line in ("x1 = 60", "x2 = 30", "w1 = 2")]
    assert "Not finished yet: y is not defined yet." in outs[0]
    assert not any("Not finished yet" in out for out in outs[1:])


def test_hints_use_the_names_of_their_solution():
    catalog = tutor(Session(language="pt")).catalog()
    for lesson in catalog.lessons:
        for step in lesson.steps:
            if step.kind != "code":
                continue
            for language in ("pt", "en"):
                hint, solution = step.hint.get(language), step.solution.get(language)
                if ".parametros()" in solution:
                    assert ".parameters()" not in hint, f"{lesson.id}/{step.id} ({language})"
                if "sse(" in hint:
                    assert "sse(" in solution, f"{lesson.id}/{step.id} ({language})"


def test_a_progress_file_from_a_newer_valorrepl_is_left_alone():
    store = ProgressStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    newer = json.dumps({"format_version": 99, "lessons": {"classes": {"step": "walk"}}, "new": [1]})
    store.path.write_text(newer, encoding="utf-8")
    learner = Learner("en")
    out = learner(":lessons")
    assert out.count("written by a newer valorrepl") == 1 and "damaged" not in out
    learner(":lesson 1")
    learner("")
    assert "newer valorrepl" not in learner(":lessons")
    assert store.path.read_text(encoding="utf-8") == newer
    assert not list(store.path.parent.glob("*.broken-*"))


def test_the_welcome_offers_to_resume_a_lesson_in_progress():
    from valorrepl.repl.app import banner
    assert "New here?" in banner(Session(language="en"))
    learner = Learner("en")
    learner(":lesson 1")
    text = banner(Session(language="en"))
    assert "New here?" not in text and ":lesson takes you back" in text


def test_looking_at_a_value_is_not_a_wrong_try():
    learner = Learner("en")
    learner(":lesson graph")
    tutor = learner.tutor
    while tutor.step.id != "record-parents":
        learner.answer(tutor.step)
    misses = dict(tutor.record.get("misses", {}))
    out = learner("1 + 1")                      # looking, not answering
    assert "✗" not in out and "put back" not in out and out.startswith("2")
    assert tutor.record.get("misses", {}) == misses and tutor.step.id == "record-parents"
    assert "✗ Not yet:" in learner(WRONG["graph"]["record-parents"])   # a real try still counts
