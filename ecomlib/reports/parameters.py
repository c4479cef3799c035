"""Read a notebook's ``parameters`` cell and check the values a user passes for it.

The first code cell of a chapter notebook is tagged ``parameters`` and declares one
parameter per line::

    from datetime import date  # only needed when a parameter has the type `date`
    data: str = ""  # shop export, file or folder; empty = bundled sample shop [path]
    start: date = ""  # first day to include, YYYY-MM-DD; empty = from the first order
    level: float = 0.95  # confidence level [range 0.5..0.999]
    method: str = "log"  # decomposition method [one of: log, shapley]
    channels: list[str] = []  # channels to show; empty = all

The line is read with :mod:`ast` (name, type, default) and :mod:`tokenize` (the help
comment). The help comment may end with tags in square brackets:

``[range LO..HI]``
    inclusive bounds for ``int``, ``float`` and ``date`` (and for each item of a list);
    either side may be left out: ``[range 0..]``.
``[one of: a, b, c]``
    the allowed values (for a list: the allowed items).
``[path]``
    the value is a file or folder path; the runner makes it absolute. ``data`` is
    always a path.

``docs/parameters.md`` is the full description for chapter authors.
"""

from __future__ import annotations

import ast
import datetime as _dt
import io
import json
import math
import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecomlib.errors import ParameterError
from ecomlib.validation import closest_names

__all__ = [
    "PARAMETER_TYPES",
    "ParameterSpec",
    "parse_parameters",
    "validate_parameters",
    "convert_value",
]

#: Types a parameter may declare.
PARAMETER_TYPES = ("int", "float", "bool", "str", "date", "list")
_ITEM_TYPES = ("int", "float", "str", "date")
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TAG = re.compile(r"\[\s*(range|one of|path)\b\s*:?\s*([^\]]*)\]", re.IGNORECASE)


@dataclass(frozen=True)
class ParameterSpec:
    """One declared notebook parameter.

    Attributes
    ----------
    name : str
        The variable name in the notebook.
    type : str
        One of :data:`PARAMETER_TYPES`.
    default : object
        The default value written in the notebook (dates as ``"YYYY-MM-DD"`` or ``""``).
    help : str
        The help comment without its tags.
    item_type : str or None
        For ``list`` parameters, the type of each item (``"str"`` when not given).
    low, high : object or None
        Inclusive bounds from a ``[range LO..HI]`` tag.
    choices : tuple or None
        Allowed values from a ``[one of: ...]`` tag.
    is_path : bool
        True for ``data`` and for parameters tagged ``[path]``.
    """

    name: str
    type: str
    default: Any
    help: str = ""
    item_type: str | None = None
    low: Any = None
    high: Any = None
    choices: tuple | None = None
    is_path: bool = False

    @property
    def type_label(self) -> str:
        """The type as written in the notebook, e.g. ``list[int]``."""
        return f"list[{self.item_type}]" if self.type == "list" else self.type

    @property
    def allowed(self) -> str:
        """A short human description of the allowed values ('' when anything of the type goes)."""
        if self.choices is not None:
            return "one of " + ", ".join(str(c) for c in self.choices)
        if self.low is not None or self.high is not None:
            lo = "" if self.low is None else str(self.low)
            hi = "" if self.high is None else str(self.high)
            return f"{lo}..{hi}"
        return ""


# --------------------------------------------------------------------------- parsing


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    try:
        for tok in tokens:
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except tokenize.TokenError:  # pragma: no cover - ast.parse already accepted the source
        pass
    return comments


def _annotation_type(node: ast.expr, name: str) -> tuple[str, str | None]:
    if isinstance(node, ast.Name) and node.id in PARAMETER_TYPES:
        return node.id, ("str" if node.id == "list" else None)
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "list"
        and isinstance(node.slice, ast.Name)
        and node.slice.id in _ITEM_TYPES
    ):
        return "list", node.slice.id
    raise ParameterError(
        f"Parameter `{name}` has the type {ast.unparse(node)!r}; allowed types are "
        f"{', '.join(PARAMETER_TYPES)} and list[int|float|str|date].",
        fix="Write the line as `name: type = default  # help` (see docs/parameters.md).",
    )


def _split_items(text: str) -> list[str]:
    return [part.strip().strip("'\"") for part in text.split(",") if part.strip()]


def _parse_tags(comment: str, name: str, type_: str, item_type: str | None) -> dict[str, Any]:
    base = item_type if type_ == "list" else type_
    found: dict[str, Any] = {"help": _TAG.sub("", comment).strip()}
    for match in _TAG.finditer(comment):
        kind, body = match.group(1).lower(), match.group(2).strip()
        if kind == "path":
            found["is_path"] = True
        elif kind == "one of":
            found["choices"] = tuple(_convert_scalar(name, base, item) for item in _split_items(body))
        else:
            if ".." not in body or base not in ("int", "float", "date"):
                raise ParameterError(
                    f"Parameter `{name}`: the tag [range {body}] needs the form LO..HI and a "
                    f"numeric or date type, but the type is {type_!r}.",
                    fix="Write for example `[range 0..1]`, `[range 1..]` or `[range 2020-01-01..]`.",
                )
            lo, hi = (part.strip() for part in body.split("..", 1))
            found["low"] = _convert_scalar(name, base, lo) if lo else None
            found["high"] = _convert_scalar(name, base, hi) if hi else None
    return found


def parse_parameters(source: str) -> dict[str, ParameterSpec]:
    """Parse the source of a ``parameters`` cell into parameter specs.

    Parameters
    ----------
    source : str
        The cell's Python source, one ``name: type = default  # help [tags]`` per line.
        ``import`` lines (``from datetime import date``) and blank lines are allowed.

    Returns
    -------
    dict of str to ParameterSpec
        In the order of the cell.

    Raises
    ------
    ParameterError
        When a line is not of that form, a type is unknown, a default is not a literal or
        does not fit its own type or tags.

    Examples
    --------
    >>> specs = parse_parameters('level: float = 0.95  # confidence [range 0.5..0.999]')
    >>> specs["level"].high
    0.999
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(
            f"The parameters cell is not valid Python (line {exc.lineno}: {exc.msg}).",
            fix="Write one `name: type = default  # help` per line.",
        ) from None
    comments = _comments_by_line(source)
    specs: dict[str, ParameterSpec] = {}
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            raise ParameterError(
                f"Line {node.lineno} of the parameters cell is {ast.unparse(node)!r}; only "
                "`name: type = default  # help` lines are allowed there.",
                fix="Move other code to the next cell.",
            )
        name = node.target.id
        type_, item_type = _annotation_type(node.annotation, name)
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"The default of parameter `{name}` is {ast.unparse(node.value)!r}, which is not "
                "a literal value.",
                fix="Write a literal default such as 0.95, 'log', [] or '' (for 'not set').",
            ) from None
        tags = _parse_tags(comments.get(node.end_lineno or node.lineno, ""), name, type_, item_type)
        spec = ParameterSpec(
            name=name,
            type=type_,
            default=None,
            item_type=item_type,
            is_path=tags.pop("is_path", False) or name == "data",
            **tags,
        )
        # the default must itself pass the declared type and tags ('' is "not set" for dates)
        spec = ParameterSpec(**{**spec.__dict__, "default": convert_value(spec, default)})
        specs[name] = spec
    return specs


# --------------------------------------------------------------------------- conversion


def _fail(name: str, what: str, value: Any) -> ParameterError:
    return ParameterError(f"Parameter `{name}` must be {what}, but {value!r} was passed.")


def _convert_scalar(name: str, type_: str | None, value: Any) -> Any:
    if type_ == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float) or hasattr(value, "__fspath__"):
            return str(value)
        raise _fail(name, "a string", value)
    if type_ == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise _fail(name, "true or false", value)
    if type_ == "int":
        if isinstance(value, bool):
            raise _fail(name, "a whole number", value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        try:  # numpy integers
            if float(value) == int(value) and not isinstance(value, str):
                return int(value)
        except (TypeError, ValueError, OverflowError):
            pass
        raise _fail(name, "a whole number", value)
    if type_ == "float":
        if isinstance(value, bool):
            raise _fail(name, "a number", value)
        try:
            number = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise _fail(name, "a number", value) from None
        if not math.isfinite(number):
            raise _fail(name, "a finite number", value)
        return number
    if type_ == "date":
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if isinstance(value, _dt.datetime):
            return value.date().isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):  # exactly a date, no time or tail
            try:
                return _dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise _fail(name, "a date written YYYY-MM-DD (or empty)", value)
    raise AssertionError(f"unknown type {type_}")  # pragma: no cover


def _convert_list(spec: ParameterSpec, value: Any) -> list:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise _fail(spec.name, "a list such as a,b,c or a JSON list", value) from None
        else:
            value = _split_items(text)
    if not isinstance(value, list | tuple):
        raise _fail(spec.name, "a list", value)
    return [_convert_scalar(spec.name, spec.item_type, item) for item in value]


def _check_allowed(spec: ParameterSpec, value: Any, shown: Any) -> None:
    if spec.type == "date" and value == "":
        return
    if spec.choices is not None and value not in spec.choices:
        close = closest_names(str(value), [str(c) for c in spec.choices], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ParameterError(
            f"Parameter `{spec.name}` must be one of {list(spec.choices)!r}, but {shown!r} "
            f"was passed.{hint}"
        )
    too_low = spec.low is not None and value < spec.low
    too_high = spec.high is not None and value > spec.high
    if too_low or too_high:
        raise ParameterError(
            f"Parameter `{spec.name}` must be in the range {spec.allowed} (inclusive), but "
            f"{shown!r} was passed."
        )


def convert_value(spec: ParameterSpec, value: Any) -> Any:
    """Convert ``value`` (a Python value or a command-line string) to ``spec``'s type.

    Raises :class:`~ecomlib.errors.ParameterError` naming the parameter when the value
    does not convert or lies outside the declared range or set.
    """
    if spec.type == "list":
        converted = _convert_list(spec, value)
        for item in converted:
            _check_allowed(spec, item, item)
        return converted
    converted = _convert_scalar(spec.name, spec.type, value)
    _check_allowed(spec, converted, value)
    return converted


def validate_parameters(
    specs: Mapping[str, ParameterSpec], params: Mapping[str, Any] | None, *, where: str = ""
) -> dict[str, Any]:
    """Check and convert user parameters against the declared specs.

    Parameters
    ----------
    specs : mapping of str to ParameterSpec
        From :func:`parse_parameters`.
    params : mapping of str to object, optional
        The values the user passed (command-line strings or Python values).
    where : str, optional
        Named in messages, e.g. ``"chapter 'basics'"``.

    Returns
    -------
    dict
        The converted values of the parameters the user passed (defaults not included).

    Raises
    ------
    ParameterError
        For an unknown name (the closest valid name is suggested), a value that does not
        convert, or a value out of the declared range or set.
    """
    suffix = f" of {where}" if where else ""
    converted: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if name not in specs:
            close = closest_names(name, specs, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise ParameterError(
                f"`{name}` is not a parameter{suffix}.{hint} Valid parameters: "
                f"{', '.join(specs) or 'none'}.",
                fix="Run `ecomlib report --list` to see each chapter's parameters.",
            )
        converted[name] = convert_value(specs[name], value)
    return converted
