"""Where the chapter notebooks are: every notebooks/*.ipynb, so new chapters are picked up."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COMMITTED_NOTEBOOKS = NOTEBOOKS + sorted((ROOT / "tests").rglob("fixtures/*.ipynb"))
