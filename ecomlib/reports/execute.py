"""Execute one notebook with papermill in the current Python (run as a child process).

``python -m ecomlib.reports.execute JOB.json`` reads the input and output notebook paths,
the parameters, the working directory, the per-cell time limit and an optional
``PYTHONWARNINGS`` value for the kernel from the job file and
runs papermill. The kernel is started with this very interpreter
(``sys.executable -m ipykernel_launcher``), so a fresh virtualenv works without a
registered kernelspec. Exit status: 0 success, 1 a cell raised (the executed notebook is
written), 3 papermill itself failed (message on stderr).

The runner starts this in its own process group so that a notebook exceeding its total
time limit can be stopped together with its kernel.
"""

from __future__ import annotations

import json
import os
import sys

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

KERNEL_NAME = "python3"


class ThisPythonKernelSpecManager(KernelSpecManager):
    """Kernel specs that always point at the running interpreter."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: D102
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (ecomlib)",
            language="python",
            metadata={},
        )


class ThisPythonKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, started with :class:`ThisPythonKernelSpecManager`."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return ThisPythonKernelSpecManager(data_dir=self.data_dir)


def execute(job: dict) -> int:
    """Run the job; return the exit status described in the module docstring."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if job.get("python_warnings"):  # the kernel inherits this process's environment
        os.environ["PYTHONWARNINGS"] = job["python_warnings"]

    try:
        papermill.execute_notebook(
            job["input"],
            job["output"],
            parameters=job.get("parameters") or {},
            kernel_name=KERNEL_NAME,
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


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m ecomlib.reports.execute JOB.json``."""
    args = sys.argv[1:] if argv is None else argv
    with open(args[0], encoding="utf-8") as handle:
        job = json.load(handle)
    return execute(job)


if __name__ == "__main__":  # pragma: no cover - exercised through the runner
    raise SystemExit(main())
