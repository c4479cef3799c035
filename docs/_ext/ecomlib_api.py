"""``.. ecomlib-api:: MODULE``: the reference of a module's public names, taken from ``__all__``.

``automodule :members:`` documents only what it finds in the module's namespace, so a name
that a package loads lazily (``ecomlib.reports.run_report``) would silently be missing. This
directive writes one autodoc entry per name of ``MODULE.__all__`` instead, in that order:
``autoclass`` (with members) for classes, ``autofunction`` for functions, ``py:data`` for
constants (their value shown when it is short, their ``#:`` comment as the text). Submodules listed in ``__all__`` are skipped;
their names are documented where the package re-exports them.
"""

from __future__ import annotations

import importlib
import inspect
import sys

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

#: Longest value repr shown for a constant; longer ones show the name only.
MAX_VALUE_CHARS = 120


def api_lines(module_name: str) -> list[str]:
    """The reST autodoc directives for ``module_name`` and each name of its ``__all__``."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        raise ValueError(f"{module_name} has no __all__; list its public names there")
    lines = [f".. automodule:: {module_name}", "   :no-members:", ""]
    for name in names:
        obj = getattr(module, name)
        target = f"{module_name}.{name}"
        if inspect.ismodule(obj):
            continue
        if inspect.isclass(obj):
            lines += [f".. autoclass:: {target}", "   :members:"]
            if obj.__bases__ != (object,):  # "Bases: object" says nothing
                lines += ["   :show-inheritance:"]
            lines += [""]
        elif callable(obj):
            lines += [f".. autofunction:: {target}", ""]
        else:
            lines += [f".. py:data:: {name}"]  # inside the automodule: module is set
            if len(repr(obj)) <= MAX_VALUE_CHARS:
                lines += [f"   :value: {obj!r}"]
            lines += [""] + [f"   {line}" for line in constant_doc(module_name, name, obj)] + [""]
    return lines


def constant_doc(module_name: str, name: str, obj: object) -> list[str]:
    """The ``#:`` comment above ``name`` where it is defined (the package or a submodule)."""
    for candidate in sorted(m for m in sys.modules if m == module_name or m.startswith(module_name + ".")):
        if getattr(sys.modules[candidate], name, None) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return []


class ApiDirective(SphinxDirective):
    """Document a module's ``__all__``."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        module_name = self.arguments[0]
        source = f"<ecomlib-api {module_name}>"
        content = StringList(api_lines(module_name), source=source)
        node = nodes.container()
        nested_parse_with_titles(self.state, content, node)
        return node.children


def setup(app):
    app.add_directive("ecomlib-api", ApiDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
