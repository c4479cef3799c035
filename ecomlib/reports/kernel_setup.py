"""An IPython extension the report runner loads into every report kernel.

With the inline backend, matplotlib's REPL hook (``pyplot._draw_all_if_interactive``,
registered on IPython's ``post_execute``) draws every new figure once more just before
matplotlib-inline renders it to PNG and closes it: a full draw thrown away per figure,
about 0.8 s of a 7 s market report. Before each cell, this extension disconnects that
hook (``pyplot.uninstall_repl_displayhook``) when the backend is inline, so each figure is
drawn once, for its PNG; the images are the same. Other backends (a student's
interactive ``%matplotlib widget``) keep the hook: there the redraw is what shows the
figure. Chapter notebooks opened in JupyterLab never load this extension.

The runner starts the kernel with ``--ext=ecomlib.reports.kernel_setup``.
"""

from __future__ import annotations

import sys

INLINE = "module://matplotlib_inline.backend_inline"


def _drop_redraw_hook(*_args) -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:  # no figure yet, so no hook yet
        return
    import matplotlib

    if matplotlib.get_backend() == INLINE:
        pyplot.uninstall_repl_displayhook()


def load_ipython_extension(ip) -> None:
    """Called by IPython when the kernel starts with ``--ext=ecomlib.reports.kernel_setup``."""
    ip.events.register("pre_run_cell", _drop_redraw_hook)
