"""The Jupyter kernel: the same session as the terminal, inside a notebook.

Importing this package stays cheap (the `valorrepl` command lists `kernel` among its
subcommands); ipykernel is imported only by `kernel.py`, when a kernel really starts.
"""
