"""Where the chapter notebooks are: every *.ipynb in ecomlib.resources.notebooks_dir(), so new chapters are picked up."""

from pathlib import Path

from ecomlib.resources import notebooks_dir

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
COMMITTED_NOTEBOOKS = NOTEBOOKS + sorted((ROOT / "tests").rglob("fixtures/*.ipynb"))
