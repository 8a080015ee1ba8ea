"""W5: from launching `valorrepl` in a pseudo-terminal to its first prompt, against the floor of
importing what any prompt_toolkit REPL needs (`python -c "import prompt_toolkit, pygments"`)."""

import os
import sys
import time
from pathlib import Path

PROMPT = ">>> "


def valorrepl_command():
    script = Path(sys.executable).with_name("valorrepl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "valorrepl"]


def floor_command():
    return [sys.executable, "-c", "import prompt_toolkit, pygments"]


def time_to_prompt(home, timeout=60):
    """Seconds from spawning valorrepl on a pseudo-terminal to the prompt on its screen, with
    `home` as its data folder (VALORREPL_HOME)."""
    import pexpect

    command = valorrepl_command()
    env = dict(os.environ, TERM="xterm-256color", VALORREPL_LANG="en", VALORREPL_HOME=str(home))
    start = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], env=env, dimensions=(24, 80), timeout=timeout)
    child.expect_exact(PROMPT)
    seconds = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    return seconds


def time_floor(timeout=60):
    """Seconds for the floor command to run to its end, spawned the same way."""
    import pexpect

    command = floor_command()
    start = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], dimensions=(24, 80), timeout=timeout)
    child.expect(pexpect.EOF)
    seconds = time.perf_counter() - start
    child.close()
    return seconds


def imports(code):
    """[(cumulative milliseconds, depth, module)] that `python -X importtime -c code` reports, in
    its order: a module's own imports come before it, one level deeper."""
    import subprocess

    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        fields = line.split(":", 1)[-1].split("|")
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue
        name = fields[2].rstrip()
        rows.append((int(fields[1]) / 1000, (len(name) - len(name.lstrip())) // 2, name.strip()))
    return rows


def slowest_imports(limit=8):
    """What `valorrepl` imports before its prompt beyond what the floor imports too, the costliest
    first: [(milliseconds, module)] for the modules that valorrepl's own modules import."""
    floor_code = floor_command()[-1]
    # the floor first, so that what it loads anyway is counted in no module's time
    code = (floor_code + "; import valorrepl.cli, valorrepl.repl.app, valorrepl.session; "
            "valorrepl.session.Session()")
    floor = {name for _ms, _depth, name in imports(floor_code)}
    found = imports(code)
    rows = []
    for index, (ms, depth, name) in enumerate(found):
        importer = next((other for _ms, d, other in found[index + 1:] if d < depth), "")
        if name not in floor and not name.startswith("valorrepl") and importer.startswith("valorrepl"):
            rows.append((ms, name))
    return sorted(rows, reverse=True)[:limit]


def returning_learner_home(folder):
    """A data folder as a learner leaves it: a history and a lesson in progress."""
    home = Path(folder)
    (home / "progress").mkdir(parents=True, exist_ok=True)
    (home / "history").write_text("\n# 2026-01-01\n+a = 2\n", encoding="utf-8")
    env = dict(os.environ, VALORREPL_HOME=str(home), VALORREPL_LANG="en")
    import subprocess
    subprocess.run([*valorrepl_command()], input=":lesson 1\n\n", text=True, env=env,
                   capture_output=True, timeout=60, check=False)
    return home
