"""Every short example in an ecomlib docstring runs and prints what it says (numpydoc
"Examples" sections are documentation students copy, so they must stay true)."""

import doctest
import importlib
import pkgutil

import pytest

import ecomlib

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(ecomlib.__path__, "ecomlib.")
    if not m.name.endswith("__main__")  # runs the command line on import
)


def test_the_package_has_examples():
    attempted = 0
    for name in MODULES:
        finder = doctest.DocTestFinder()
        attempted += sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
    assert attempted > 250  # 277 examples when this test was written


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail"
