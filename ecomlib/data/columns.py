"""Mapping a file's column names onto the canonical ones.

Three sources of names, applied in this order (the first that names a column wins):

1. ``columns=``: a dict ``{"file column": "canonical column"}`` or the path of a YAML or
   JSON file holding that dict. Chinese headers work like any other
   (``{"订单编号": "order_id"}``).
2. a preset's mapping (``preset="online_retail"`` ...).
3. automatic matching: a header equal to a canonical name after lower-casing and turning
   spaces, hyphens and dots into ``_`` (``Order ID`` -> ``order_id``), or one of a few
   common aliases in English and Chinese (:data:`ALIASES`).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecomlib.data.schemas import TableSchema
from ecomlib.errors import ParameterError, SchemaError, shorten
from ecomlib.validation import closest_names

__all__ = ["ALIASES", "MAX_MAPPING_BYTES", "load_mapping", "orient_mapping", "plan_renames", "missing_columns_error", "normalise_header"]

MAX_MAPPING_BYTES = 1_000_000  # size of a YAML/JSON column-map file

# canonical column -> common header names (normalised: lower case, spaces as "_")
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "transactions": {
        "order_id": ("order", "order_no", "order_number", "orderid", "invoice", "invoice_no",
                     "订单号", "订单编号", "订单id", "訂單號", "訂單編號"),
        "order_date": ("date", "order_time", "order_datetime", "created_at", "invoice_date",
                       "订单日期", "下单时间", "订单时间", "日期", "訂單日期", "下單時間"),
        "customer_id": ("customer", "customerid", "user_id", "buyer_id", "客户id", "客户编号",
                        "用户id", "買家id", "顧客編號", "會員編號", "客戶編號"),
        "product_id": ("sku", "stock_code", "stockcode", "item_id", "商品编号", "商品id", "货号",
                       "商品編號", "貨號"),
        "product_name": ("product", "item_name", "description", "商品名称", "商品名稱", "品名"),
        "category": ("product_category", "类目", "品类", "分类", "類別", "分類"),
        "quantity": ("qty", "units", "数量", "數量", "件数"),
        "unit_price": ("price", "单价", "單價", "成交单价", "售价"),
        "revenue": ("amount", "line_total", "sales", "金额", "销售额", "金額", "銷售額"),
        "channel": ("sales_channel", "渠道", "通路", "销售渠道"),
        "country": ("country_code", "国家", "國家"),
        "status": ("order_status", "订单状态", "訂單狀態", "状态", "狀態"),
    }
}


def normalise_header(name: Any) -> str:
    """Lower case, outer spaces stripped, spaces, hyphens and dots as ``_``.

    Examples
    --------
    >>> normalise_header(" Order-ID ")
    'order_id'
    >>> normalise_header("Lineitem quantity")
    'lineitem_quantity'
    """
    return re.sub(r"[\s\-.]+", "_", str(name).strip().lower()).strip("_")


def _read_map_file(path: Path, param: str) -> Any:
    """The content of a YAML or JSON map file; YAML aliases (``*a``) are refused, since nested
    aliases expand exponentially (the "billion laughs")."""
    size = path.stat().st_size
    if size > MAX_MAPPING_BYTES:
        raise ParameterError(f"`{param}` file {str(path)!r} has {size:,} bytes; a column map has at most "
                             f"{MAX_MAPPING_BYTES:,}.", fix="Pass a file that maps file columns to canonical names.")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"`{param}` file {str(path)!r} is not valid JSON: {shorten(exc)}") from None
    import yaml

    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise ParameterError(
                f"`{param}` file {str(path)!r} uses YAML aliases (*name); a column map must spell out each name.",
                fix='Write one line per column, e.g. "Order No: order_id".',
            )
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"`{param}` file {str(path)!r} is not valid YAML: {shorten(exc)}") from None
    except RecursionError:  # thousands of nested [ or { : no column map looks like that
        raise ParameterError(f"`{param}` file {str(path)!r} is nested too deeply to be a column map.",
                             fix="A column map is flat: one 'your column: canonical column' per line.") from None


def load_mapping(columns: Any, param: str = "columns") -> dict[str, str]:
    """Return ``columns`` as a dict of file column -> canonical column.

    ``columns`` may be ``None``, a dict, or the path of a ``.yaml``/``.yml``/``.json`` file
    (at most :data:`MAX_MAPPING_BYTES`, without YAML aliases) holding a flat map of text to text.
    """
    if columns is None:
        return {}
    if isinstance(columns, str | os.PathLike):
        path = Path(columns)
        if not path.is_file():
            raise ParameterError(
                f"`{param}` must be a dict or the path of a YAML/JSON file, but {shorten(columns)!r} "
                "is not an existing file.",
                fix='Pass e.g. columns={"Order No": "order_id"}, or the path of a file holding that map.',
            )
        columns = _read_map_file(path, param)
    if not isinstance(columns, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise ParameterError(
            f"`{param}` must map file column names (text) to canonical names (text), but "
            f"{shorten(repr(columns))} was passed.",
            fix='Example: columns={"訂單編號": "order_id", "數量": "quantity"}.',
        )
    return dict(columns)


def orient_mapping(mapping: Mapping[str, str], names: set[str]) -> dict[str, str]:
    """Return ``mapping`` as file column -> canonical column.

    The documented direction is ``{"file column": "canonical"}``. A pair written the other
    way round (``{"order_id": "InvoiceNo"}``: key canonical, value not) is flipped, so both
    spellings of a map work.
    """
    return {(v if k in names and v not in names else k): (k if k in names and v not in names else v)
            for k, v in mapping.items()}


def plan_renames(found: list[str], schema: TableSchema, mapping: Mapping[str, str],
                 preset_map: Mapping[str, str] | None = None, param: str = "columns") -> dict[str, str]:
    """Decide which file column becomes which canonical column.

    Returns
    -------
    dict
        file column -> canonical column, one entry per canonical column found.

    Raises
    ------
    ParameterError
        When ``mapping`` targets a name that is not a canonical column of the table.
    SchemaError
        When ``mapping`` names a file column that is not in the file, maps two file columns
        onto one canonical column, or when a repeated header (two columns with the same
        name) would become a canonical column.
    """
    names = set(schema.names)
    mapping = orient_mapping(mapping, names)
    for target in mapping.values():
        if target not in names:
            near = closest_names(target, names, n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise ParameterError(
                f"`{param}` maps to {target!r}, which is not a column of the {schema.name} table. "
                f"Allowed: {list(schema.names)}.{hint}"
            )
    absent = [k for k in mapping if k not in found]
    if absent:
        hints = [f"{k!r} (found {closest_names(k, found, n=1)[0]!r}?)" for k in absent
                 if closest_names(k, found, n=1)]
        raise SchemaError(
            f"`{param}` names column(s) {shorten(absent)} that are not in the data. Found: {shorten(found)}."
            + (f" Closest: {', '.join(hints)}." if hints else ""),
            fix="Use the header exactly as it appears in the file (it is case-sensitive).",
        )
    targets = Counter(mapping.values())
    if clash := [t for t, n in targets.items() if n > 1]:
        sources = [k for k, v in mapping.items() if v == clash[0]]
        raise SchemaError(
            f"`{param}` maps {len(sources)} columns {sources} onto the one canonical column {clash[0]!r}.",
            fix=f"Keep one of them in the map, e.g. columns={{{sources[0]!r}: {clash[0]!r}}}.",
        )
    renames: dict[str, str] = {}
    taken: set[str] = set()

    def take(col: str, target: str) -> None:
        if col not in renames and target not in taken:
            renames[col] = target
            taken.add(target)

    for col, target in mapping.items():
        take(col, target)
    for col, target in (preset_map or {}).items():
        if col in found:
            take(col, target)
    normalised = {col: normalise_header(col) for col in found}
    for col, norm in normalised.items():
        if norm in names:
            take(col, norm)
    aliases = ALIASES.get(schema.name, {})
    for target, alias_names in aliases.items():
        for col, norm in normalised.items():
            if norm in alias_names:
                take(col, target)
    _check_repeated(found, renames)
    return renames


def _check_repeated(found: list[str], renames: Mapping[str, str]) -> None:
    """A header that appears twice cannot become one canonical column: which one is meant?"""
    counts = Counter(found)
    repeated = [c for c in renames if counts[c] > 1]
    if repeated:
        name = repeated[0]
        positions = [i + 1 for i, c in enumerate(found) if c == name]
        raise SchemaError(
            f"The data have {len(positions)} columns named {shorten(name, 80)!r} (columns {positions[:10]}), "
            f"which would both become {renames[name]!r}.",
            fix="Rename or delete the repeated column in the file, then map the one you mean with "
            f"columns={{{shorten(name, 80)!r}: {renames[name]!r}}}.",
        )


def _reading_hint(found: list[str], source: Any) -> tuple[str, str]:
    """What was detected while reading (for the message) and how to read it otherwise (for the fix)."""
    if source is None:
        return "", ""
    seen = source.describe()
    said = f" Read as: {seen}." if seen else ""
    tips = []
    if getattr(source, "encoding", None):
        one = found[0] if len(found) == 1 else ""
        if one and any(sep in one for sep in ";\t|,"):
            said += f" The header was read as one column {shorten(one, 80)!r}: the separator may be unusual."
        tips.append("if the headers look garbled, name the file's encoding: encoding='gb18030' | 'big5' | "
                    "'utf-16' ... (--encoding for `ecomlib data check`, -p encoding=... for `ecomlib report`)")
    if len(getattr(source, "sheets", ())) > 1:
        others = [s for s in source.sheets if s != source.sheet]
        tips.append(f"to read another sheet of the workbook, pass sheet={others[0]!r} (--sheet; -p sheet=... "
                    "for `ecomlib report`)")
    return said, ("; ".join(tips) + ".") if tips else ""


def missing_columns_error(missing: list[str], required: tuple[str, ...], found: list[str],
                          table: str, where: str, suggestion: str = "", *, source: Any = None) -> SchemaError:
    """The :class:`SchemaError` for absent required columns, with closest matches and the fix.

    ``source`` (a :class:`~ecomlib.data.sources.RawSource`) adds what was detected while
    reading (encoding, separator, sheet) and how to read the file otherwise.
    """
    hints = []
    for col in missing:
        pool = [f for f in found if f]
        close = closest_names(col, pool, n=1) or closest_names(col, [normalise_header(f) for f in pool], n=1)
        if close:
            hints.append(f"{col!r} <- {close[0]!r}?")
    hint_text = f" Closest matches: {', '.join(hints)}." if hints else ""
    example = ", ".join(f'"<your column>": "{c}"' for c in missing[:2])
    shown = found if len(found) <= 30 else found[:30] + [f"... ({len(found) - 30} more)"]
    if table == "transactions":
        fix = (f"Pass columns={{{example}}} (a dict, or a YAML/JSON file of that map), or a preset "
               "(preset='online_retail' | 'shopify' | 'olist'); on the command line: --columns MAP or --preset P.")
    else:
        fix = (f"Pass columns={{{example}}} (a dict, or a YAML/JSON file of that map); "
               "on the command line: --columns MAP.")
    said, reread = _reading_hint(found, source)
    shown = [shorten(f, 80) for f in shown]
    return SchemaError(
        f"{where} lacks required {table} column(s) {missing}. Required: {list(required)}; "
        f"found: {shown}.{hint_text}{suggestion}{said}",
        fix=fix + (f" Or {reread}" if reread else ""),
    )
