"""Execute one notebook with papermill in the current Python (run as a child process).

``python -m ecomlib.reports.execute JOB.json`` reads the input and output notebook paths,
the parameters, the working directory, the per-cell time limit and an optional
``PYTHONWARNINGS`` value for the kernel from the job file and
runs papermill. The kernel is started with this very interpreter
(``sys.executable -m ipykernel_launcher``), so a fresh virtualenv works without a
registered kernelspec. Exit status: 0 success, 1 a cell raised (the executed notebook is
written), 3 papermill itself failed (message on stderr), 4 the runner died.

The runner starts this in its own process group. jupyter starts the kernel in a session
of its own, so the kernel's process id is written to the job's ``kernel_pid_file``: the
runner kills both groups when a notebook exceeds its time limit or the run is
interrupted. The kernel's connection file goes to the job's ``runtime_dir`` (the run's
temporary folder), never to the user's Jupyter runtime folder. If the runner itself dies
(``kill -9``), this process notices within a second, stops the kernel and exits.
``python -m ecomlib.reports.execute --serve`` runs one job after another (see :func:`serve`).

papermill writes the whole output notebook (every figure so far, as JSON) when any cell,
markdown included, starts and again when it ends: 144 writes and about 1 s of a 7 s
report. :class:`CodeStartSaves` writes it when a code cell starts (so a notebook stopped
by the time limit still shows which cell was running) and at the end, which gives the
same final notebook.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import uuid

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

KERNEL_NAME = "python3"
#: IPython extension loaded into every report kernel (see :mod:`ecomlib.reports.kernel_setup`)
KERNEL_EXTENSION = "ecomlib.reports.kernel_setup"
#: the papermill engine registered by :func:`execute`
ENGINE_NAME = "ecomlib"


class ThisPythonKernelSpecManager(KernelSpecManager):
    """Kernel specs that always point at the running interpreter."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: D102
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                  f"--ext={KERNEL_EXTENSION}"],
            display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (ecomlib)",
            language="python",
            metadata={},
        )


class ThisPythonKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, started with :class:`ThisPythonKernelSpecManager`."""

    #: where to write the kernel's process id, and the connection file (set by :func:`execute`)
    pid_file: str | None = None
    runtime_dir: str | None = None

    @default("connection_file")
    def _connection_file_default(self) -> str:
        if not self.runtime_dir:
            return ""  # jupyter_client then picks a temporary file
        os.makedirs(self.runtime_dir, exist_ok=True)
        return os.path.join(self.runtime_dir, f"kernel-{uuid.uuid4()}.json")

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return ThisPythonKernelSpecManager(data_dir=self.data_dir)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:  # noqa: D102
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid = getattr(self.provisioner, "pid", None)
        if self.pid_file and pid:
            with open(self.pid_file, "w", encoding="ascii") as handle:
                handle.write(str(pid))


def _engine():
    """papermill's nbclient engine with :class:`CodeStartSaves` as its execution manager.

    Built on first use, so importing this module does not import papermill.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager

    class CodeStartSaves(NotebookExecutionManager):
        """Write the output notebook when a code cell starts and when the run ends, only."""

        _quiet = False

        def save(self, **kwargs):  # noqa: D102
            if not self._quiet:
                super().save(**kwargs)

        def _without_save(self, step, cell, cell_index, kwargs):
            self._quiet = True
            try:
                step(cell, cell_index=cell_index, **kwargs)
            finally:
                self._quiet = False

        def cell_start(self, cell, cell_index=None, **kwargs):  # noqa: D102
            if cell.get("cell_type") == "code":
                super().cell_start(cell, cell_index=cell_index, **kwargs)
            else:  # a markdown cell cannot hang: its state is written with the next code cell
                self._without_save(super().cell_start, cell, cell_index, kwargs)

        def cell_complete(self, cell, cell_index=None, **kwargs):  # noqa: D102
            # written when the next code cell starts, or by notebook_complete at the end
            self._without_save(super().cell_complete, cell, cell_index, kwargs)

    class Engine(NBClientEngine):
        """:class:`papermill.engines.NBClientEngine` with :class:`CodeStartSaves`."""

        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,  # noqa: D102
                             log_output=False, autosave_cell_every=30, **kwargs):
            manager = CodeStartSaves(nb, output_path=output_path, progress_bar=progress_bar,
                                     log_output=log_output, autosave_cell_every=autosave_cell_every)
            manager.notebook_start()
            try:
                cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
            finally:
                manager.cleanup_pbar()
                manager.notebook_complete()  # always writes the final notebook
            return manager.nb

    Engine.manager_class = CodeStartSaves  # for tests and readers
    return Engine


#: the kernel pid file of the job running now (read by the parent watch)
_CURRENT = {"pid_file": None}


def _watch_parent(pid_file: str | None) -> None:
    """Stop the kernel and exit when the runner that started this process is gone."""
    parent = os.getppid()
    _CURRENT["pid_file"] = pid_file

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        try:
            with open(_CURRENT["pid_file"] or "", encoding="ascii") as handle:
                os.killpg(int(handle.read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        os._exit(4)

    threading.Thread(target=watch, daemon=True, name="ecomlib-parent-watch").start()


def execute(job: dict) -> int:
    """Run the job; return the exit status described in the module docstring."""
    import papermill
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError

    papermill_engines.register(ENGINE_NAME, _engine())

    if job.get("python_warnings"):  # the kernel inherits this process's environment
        os.environ["PYTHONWARNINGS"] = job["python_warnings"]
    if job.get("runtime_dir"):  # the kernel's connection file
        os.environ["JUPYTER_RUNTIME_DIR"] = job["runtime_dir"]
    ThisPythonKernelManager.pid_file = job.get("kernel_pid_file")
    ThisPythonKernelManager.runtime_dir = job.get("runtime_dir")

    try:
        papermill.execute_notebook(
            job["input"],
            job["output"],
            parameters=job.get("parameters") or {},
            kernel_name=KERNEL_NAME,
            engine_name=ENGINE_NAME,
            language="python",
            kernel_manager_class=ThisPythonKernelManager,
            progress_bar=False,
            log_output=False,
            cwd=job.get("cwd"),
            execution_timeout=job.get("cell_timeout"),
            start_timeout=job.get("start_timeout", 120),
        )
    except PapermillExecutionError:
        return 1
    except Exception as exc:  # noqa: BLE001 - report any papermill failure as one line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    return 0


def serve(requests=None, replies=None) -> int:
    """Run jobs one after another: a job file's path per line in, its exit status per line out.

    ``ecomlib report all`` keeps one such process for its chapters, so papermill and its
    imports (about 1 s) are loaded once instead of once per chapter; every notebook still
    gets a kernel of its own. While a job runs, this process's stderr (which its kernel
    inherits) goes to the job's ``stderr_file`` and stdout to the null device, so nothing
    a kernel prints can mix with the replies. An empty line or the end of input stops.
    """
    requests = sys.stdin if requests is None else requests
    if replies is None:
        replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    _watch_parent(None)
    saved_stderr = os.dup(2)
    environ = dict(os.environ)
    for line in requests:
        if not line.strip():
            break
        with open(line.strip(), encoding="utf-8") as handle:
            job = json.load(handle)
        _CURRENT["pid_file"] = job.get("kernel_pid_file")
        sys.stderr.flush()
        err = os.open(job["stderr_file"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(err, 2)
        os.close(err)
        try:
            code = execute(job)
        except Exception as exc:  # noqa: BLE001 - one failed job must not stop the next
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
            code = 3
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.environ.clear()  # execute() sets PYTHONWARNINGS and the runtime folder per job
            os.environ.update(environ)
        replies.write(f"{code}\n")
        replies.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m ecomlib.reports.execute JOB.json`` (or ``--serve``)."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--serve":
        return serve()
    with open(args[0], encoding="utf-8") as handle:
        job = json.load(handle)
    _watch_parent(job.get("kernel_pid_file"))
    return execute(job)


if __name__ == "__main__":  # pragma: no cover - exercised through the runner
    raise SystemExit(main())
