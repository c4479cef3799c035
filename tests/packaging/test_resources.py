"""Every bundled file is found through ecomlib.resources (importlib.resources), nowhere else."""

import importlib.resources
import re
from pathlib import Path

import ecomlib
from ecomlib import resources
from ecomlib.reports.chapters import CHAPTERS

PACKAGE = Path(ecomlib.__file__).resolve().parent


def test_the_package_folder_comes_from_importlib_resources():
    assert resources.package_dir() == importlib.resources.files("ecomlib")
    assert resources.package_dir().resolve() == PACKAGE


def test_each_bundled_resource_is_where_the_resource_module_says():
    assert {p.stem for p in resources.notebooks_dir().glob("*.ipynb")} >= set(CHAPTERS.values())
    assert (resources.sample_dir() / "manifest.json").is_file()
    assert (resources.sample_dir() / "truth.json").is_file()
    assert (resources.real_data_dir("online_retail") / "online_retail.csv.gz").is_file()
    assert (resources.real_data_dir("cdnow") / "CDNOW_sample.txt").is_file()
    assert resources.real_data_dir("cdnow").parent == resources.real_data_dir()
    assert resources.font_path().is_file()


def test_the_path_constants_of_the_reports_are_the_resource_folders():
    from ecomlib.datasets import sample_data_dir
    from ecomlib.datasets.cdnow import cdnow_dir
    from ecomlib.datasets.online_retail import online_retail_path
    from ecomlib.reports import chapters, execution_record
    from ecomlib.viz import cjk_font_path

    assert chapters.NOTEBOOK_DIR == resources.notebooks_dir()
    assert execution_record.SAMPLE_DIR == sample_data_dir() == resources.sample_dir()
    assert cdnow_dir() == resources.real_data_dir("cdnow")
    assert online_retail_path().parent == resources.real_data_dir("online_retail")
    assert cjk_font_path() == resources.font_path()


def test_no_other_module_computes_a_path_from_its_own_location():
    """A path built from ``__file__`` breaks once the package is installed from a wheel."""
    pattern = re.compile(r"__file__|\.parents\[|Path\(ecomlib")
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.name != "resources.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
