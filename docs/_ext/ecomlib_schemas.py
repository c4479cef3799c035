"""``{ecomlib-schemas}``: the canonical tables, drawn from ``ecomlib.data.schemas`` at build time.

The data guide lists every table and column the loaders know, with kind, whether it is
required, and its meaning, straight from :data:`ecomlib.data.schemas.SCHEMAS`, so the page
cannot drift from the code.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ecomlib.data.schemas import SCHEMAS

HEADERS = ("column", "kind", "required", "meaning")


def _row(cells: list[nodes.Node | str], *, header: bool = False) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", cell if isinstance(cell, nodes.Node) else nodes.Text(cell))
        row += entry
    return row


def schema_table(schema) -> nodes.table:
    """A docutils table of one :class:`~ecomlib.data.schemas.TableSchema`."""
    table = nodes.table(classes=["ecomlib-schema"])
    group = nodes.tgroup(cols=len(HEADERS))
    table += group
    group += [nodes.colspec(colwidth=w) for w in (20, 10, 10, 60)]
    head = nodes.thead()
    head += _row(list(HEADERS), header=True)
    body = nodes.tbody()
    for column in schema.columns:
        body += _row([nodes.literal(text=column.name), column.kind,
                      "yes" if column.required else "no", column.description])
    group += [head, body]
    return table


class SchemasDirective(SphinxDirective):
    """Insert one titled table per canonical table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for name, schema in SCHEMAS.items():
            section = nodes.section(ids=[f"table-{name}"], names=[f"table {name}"])
            section += nodes.title(text=f"{name}")
            if schema.description:
                section += nodes.paragraph(text=schema.description)
            section += schema_table(schema)
            out.append(section)
        return out


def setup(app):
    app.add_directive("ecomlib-schemas", SchemasDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
