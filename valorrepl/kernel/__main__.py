"""`python -m valorrepl.kernel -f CONNECTION_FILE`: what Jupyter runs (see install.kernel_json)."""

import sys

from .install import MissingExtra, require_jupyter

try:
    require_jupyter()
except MissingExtra as error:
    print(error, file=sys.stderr)
    sys.exit(1)

from ipykernel.kernelapp import IPKernelApp  # noqa: E402

from .kernel import ValorKernel  # noqa: E402

IPKernelApp.launch_instance(kernel_class=ValorKernel)
