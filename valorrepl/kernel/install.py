"""`valorrepl kernel install|remove`: the kernelspec that lets Jupyter start valorrepl.

A kernelspec is a folder holding kernel.json (how to start the kernel) and a logo. It goes
where Jupyter looks for kernels: the user's data folder (--user, the default), this Python's
prefix (--sys-prefix: a virtualenv, or a JupyterHub image), or any --prefix DIR.
"""

import shutil
import sys
import tempfile
from pathlib import Path

from ..i18n import _

__all__ = ["KERNEL_NAME", "DISPLAY_NAME", "kernel_json", "install", "remove", "spec_dir"]

KERNEL_NAME = "valor"
DISPLAY_NAME = "Valor (valorrepl)"
ACTIONS = ("kernel",)   # the `valorrepl kernel …` subcommand

# a small "∂" on a circle; JupyterLab shows logo-svg.svg in its launcher
LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<circle cx="32" cy="32" r="30" fill="#2e7d32"/>
<text x="32" y="44" font-family="serif" font-size="36" text-anchor="middle" fill="#fff">&#8706;</text>
</svg>
"""


class MissingExtra(RuntimeError):
    """ipykernel or jupyter_client is not installed."""


def missing_extra_message():
    return _("The Jupyter kernel needs ipykernel and jupyter_client: pip install 'valorrepl[jupyter]'")


def require_jupyter():
    try:
        import ipykernel  # noqa: F401
        import jupyter_client  # noqa: F401
    except ImportError:
        raise MissingExtra(missing_extra_message()) from None


def kernel_json():
    """How Jupyter starts the kernel: this very Python, so the kernel sees what valorrepl sees."""
    return {
        "argv": [sys.executable, "-m", "valorrepl.kernel", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "interrupt_mode": "signal",   # Ctrl-C semantics: the first stops :train between epochs
        "metadata": {"debugger": False},
    }


def install(user=False, prefix=None):
    """Write the kernelspec and return the folder it went to."""
    require_jupyter()
    import json   # here, not at the top: `valorrepl` imports this module at every start-up
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "kernel.json").write_text(json.dumps(kernel_json(), indent=2) + "\n", encoding="utf-8")
        Path(folder, "logo-svg.svg").write_text(LOGO_SVG, encoding="utf-8")
        destination = KernelSpecManager().install_kernel_spec(
            folder, KERNEL_NAME, user=user, prefix=str(prefix) if prefix else None)
    return Path(destination)


def spec_dir(user=False, prefix=None):
    """Where `install` with the same arguments puts the kernelspec; None: wherever Jupyter finds it."""
    if prefix:
        return Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    if user:
        from jupyter_core.paths import jupyter_data_dir
        return Path(jupyter_data_dir()) / "kernels" / KERNEL_NAME
    from jupyter_client.kernelspec import KernelSpecManager
    found = KernelSpecManager().find_kernel_specs().get(KERNEL_NAME)
    return Path(found) if found else None


def remove(user=False, prefix=None):
    """Delete the kernelspec; returns the folder removed, or None when there was none."""
    require_jupyter()
    folder = spec_dir(user, prefix)
    if folder is None or not (folder / "kernel.json").exists():
        return None
    shutil.rmtree(folder)
    return folder


# ---- the `valorrepl kernel` subcommand ----

def add_parser(subparsers):
    parser = subparsers.add_parser("kernel", help=_("install or remove the Jupyter kernel"))
    actions = parser.add_subparsers(dest="kernel_action", metavar="{install,remove}")
    for name, text in (("install", _("install the kernelspec 'valor' for Jupyter")),
                       ("remove", _("remove the kernelspec 'valor'"))):
        action = actions.add_parser(name, help=text)
        where = action.add_mutually_exclusive_group()
        where.add_argument("--user", action="store_true",
                           help=_("for this user only (the default for install)"))
        where.add_argument("--sys-prefix", action="store_true",
                           help=_("in this Python's prefix (a virtualenv or conda environment)"))
        where.add_argument("--prefix", metavar="DIR", help=_("under DIR/share/jupyter/kernels"))
    parser.set_defaults(kernel_parser=parser)


def run(options):
    if options.kernel_action is None:
        options.kernel_parser.print_usage(sys.stderr)
        return 2
    prefix = sys.prefix if options.sys_prefix else options.prefix
    try:
        if options.kernel_action == "install":
            folder = install(user=not prefix, prefix=prefix)
            print(_("Installed the Jupyter kernel '{name}' ({display}) in {path}").format(
                name=KERNEL_NAME, display=DISPLAY_NAME, path=folder))
            return 0
        folder = remove(user=options.user, prefix=prefix)
    except MissingExtra as error:
        print(error, file=sys.stderr)
        return 1
    if folder is None:
        print(_("No Jupyter kernel '{name}' to remove.").format(name=KERNEL_NAME), file=sys.stderr)
        return 1
    print(_("Removed the Jupyter kernel '{name}' from {path}").format(name=KERNEL_NAME, path=folder))
    return 0
