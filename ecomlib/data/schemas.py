"""Schemas of the canonical tables: column names, dtypes, required columns and value checks.

Every table of the data model (see ``DESIGN.md``) has one :class:`TableSchema`. A schema
says which columns a loader must find (``required``), which it keeps when present
(``optional``), the dtype each column ends up with, and the value checks the cleaned
table must pass. The value checks are declared as :class:`Rule` s, which become `pandera
<https://pandera.readthedocs.io>`_ checks only when a table is validated (importing pandera
takes 0.15 s, which every chapter notebook would otherwise pay for the table names alone);
:meth:`TableSchema.validate` runs them and turns a failure into an :class:`~ecomlib.errors.DataError` or :class:`~ecomlib.errors.SchemaError`
with our own message and fix.

Examples
--------
>>> from ecomlib.data.schemas import SCHEMAS
>>> SCHEMAS["transactions"].required
('order_id', 'order_date', 'product_id', 'quantity', 'unit_price')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ecomlib.errors import DataError, SchemaError
from ecomlib.validation import check_argument

if TYPE_CHECKING:
    import pandera.errors as pa_errors
    import pandera.pandas as pa

__all__ = ["ColumnSpec", "Rule", "TableSchema", "SCHEMAS", "TABLES", "STATUSES", "FUNNEL_STEPS", "get_schema"]

STATUSES = ("completed", "cancelled", "returned")
FUNNEL_STEPS = ("view", "product", "cart", "checkout", "purchase")

# dtype each column kind ends up with after cleaning
KIND_DTYPES = {
    "str": "str",
    "datetime": "datetime64[us]",
    "int": "int64",
    "float": "float64",
    "bool": "bool",
}


@dataclass(frozen=True)
class Rule:
    """A value check of a column: the name of a ``pandera.Check`` constructor and its arguments.

    ``Rule("ge", (0,))`` is ``pandera.Check.ge(0)``; ``Rule("isin", (STATUSES,))`` is
    ``pandera.Check.isin(STATUSES)``. Built into a pandera check by :meth:`to_pandera`.
    """

    name: str
    args: tuple = ()

    def to_pandera(self) -> pa.Check:
        """The pandera check this rule stands for."""
        import pandera.pandas as pa

        return getattr(pa.Check, self.name)(*self.args)


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column.

    Parameters
    ----------
    name : str
        Canonical column name.
    kind : {"str", "datetime", "int", "float", "bool"}
        What the values are; sets the dtype after cleaning (see ``KIND_DTYPES``).
    required : bool
        Whether a loader raises :class:`SchemaError` when the column is absent.
    nullable : bool
        Whether missing values are allowed after cleaning.
    checks : tuple of Rule
        Value checks (ranges, allowed sets).
    description : str
        Meaning and unit, shown in error messages and docs.
    """

    name: str
    kind: str
    required: bool = True
    nullable: bool = False
    checks: tuple = ()
    description: str = ""

    @property
    def dtype(self) -> str:
        return KIND_DTYPES[self.kind]


@dataclass(frozen=True)
class TableSchema:
    """The canonical shape of one table: its columns, in order, and their checks."""

    name: str
    columns: tuple[ColumnSpec, ...]
    description: str = ""
    _by_name: dict[str, ColumnSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    def __getitem__(self, name: str) -> ColumnSpec:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        """All canonical column names, required first in table order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    def to_pandera(self, present: list[str] | None = None) -> pa.DataFrameSchema:
        """Return the pandera schema for the columns in ``present`` (default: the required ones)."""
        names = self.required if present is None else [n for n in self.names if n in present]
        import pandera.pandas as pa

        cols = {
            # a whole-number column with gaps is held as float64 (NaN), so its dtype is not checked
            n: pa.Column(None if self[n].kind == "int" and self[n].nullable else self[n].dtype,
                         checks=[rule.to_pandera() for rule in self[n].checks], nullable=self[n].nullable)
            for n in names
        }
        return pa.DataFrameSchema(cols, name=self.name, strict=False, coerce=False)

    def validate(self, df: pd.DataFrame, param: str = "data") -> pd.DataFrame:
        """Check ``df`` against this schema; return it unchanged or raise a readable error.

        Missing required columns raise :class:`SchemaError`; wrong dtypes raise
        :class:`SchemaError`; values failing a check (out of range, not in the allowed set,
        missing where not allowed) raise :class:`DataError` with up to five examples.
        """
        missing = [c for c in self.required if c not in df.columns]
        if missing:
            raise SchemaError(
                f"`{param}` ({self.name}) is missing required column(s) {missing}. "
                f"Required: {list(self.required)}; found: {[str(c) for c in df.columns]}.",
                fix="Load the table with ecomlib.data.load_table, which maps and cleans columns.",
            )
        import pandera.errors as pa_errors

        schema = self.to_pandera(list(df.columns))
        try:
            schema.validate(df, lazy=True)
        except pa_errors.SchemaErrors as exc:
            raise _readable(exc, self.name, param) from None
        return df


def _readable(exc: pa_errors.SchemaErrors, table: str, param: str) -> DataError | SchemaError:
    """Turn pandera's failure cases into one plain message (ours, not pandera's)."""
    cases = exc.failure_cases
    dtype_rows = cases[cases["check"].astype(str).str.startswith("dtype(")]
    if len(dtype_rows):
        parts = [f"{c!r} is {fc} but must be {chk[6:-1]}" for c, chk, fc in
                 zip(dtype_rows["column"], dtype_rows["check"], dtype_rows["failure_case"], strict=True)]
        return SchemaError(
            f"`{param}` ({table}) has column(s) of the wrong type: {'; '.join(parts)}.",
            fix="Load the table with ecomlib.data.load_table, which converts text to numbers and dates.",
        )
    lines = []
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        examples = group["failure_case"].head(5).tolist()
        lines.append(f"{column!r} fails {check} in {len(group)} row(s), e.g. {examples}")
    return DataError(
        f"`{param}` ({table}) has values outside what is allowed: " + "; ".join(lines) + ".",
        fix="Correct these rows in the source file, or drop them before loading.",
    )


def _c(name: str, kind: str, required: bool = True, nullable: bool = False, checks: tuple = (),
       description: str = "") -> ColumnSpec:
    return ColumnSpec(name, kind, required, nullable, checks, description)


_ge0 = (Rule("ge", (0,)),)
_1to5 = (Rule("in_range", (1, 5)),)
_share = (Rule("in_range", (0, 1)),)


SCHEMAS: dict[str, TableSchema] = {
    t.name: t
    for t in [
        TableSchema("transactions", (
            _c("order_id", "str", description="order (invoice) number"),
            _c("order_date", "datetime", description="time of the order"),
            _c("product_id", "str", description="product (SKU, stock code)"),
            _c("quantity", "int", description="units; negative = return line"),
            _c("unit_price", "float", checks=_ge0, description="paid price per unit, CNY"),
            _c("customer_id", "str", False, True, description="customer; missing allowed"),
            _c("product_name", "str", False, True),
            _c("category", "str", False, True),
            _c("revenue", "float", False, description="quantity x unit_price, CNY"),
            _c("channel", "str", False, True),
            _c("country", "str", False, True),
            _c("status", "str", False, checks=(Rule("isin", (STATUSES,)),),
               description="completed / cancelled / returned"),
            _c("unit_cost", "float", False, True, _ge0, "cost per unit, CNY"),
            _c("discount", "float", False, True, description="money off the line vs list price, CNY"),
            _c("promo_id", "str", False, True),
            _c("device", "str", False, True),
        ), "one row per order line"),
        TableSchema("products", (
            _c("product_id", "str"),
            _c("category", "str", nullable=True),
            _c("unit_cost", "float", nullable=True, checks=_ge0, description="CNY per unit"),
            _c("list_price", "float", nullable=True, checks=_ge0, description="CNY per unit"),
            _c("product_name", "str", False, True),
            _c("launch_date", "datetime", False, True),
        )),
        TableSchema("categories", (
            _c("product_id", "str"),
            _c("category", "str"),
        ), "optional mapping product_id -> category, for exports without a category column"),
        TableSchema("customers", (
            _c("customer_id", "str"),
            _c("signup_date", "datetime", nullable=True),
            _c("acquisition_channel", "str", nullable=True),
            _c("region", "str", nullable=True),
            _c("is_member", "bool", False),
        )),
        TableSchema("sessions", (
            _c("session_id", "str"),
            _c("visitor_id", "str"),
            _c("date", "datetime"),
            _c("channel", "str", nullable=True),
            _c("device", "str", nullable=True),
            _c("step", "str", checks=(Rule("isin", (FUNNEL_STEPS,)),),
               description="furthest funnel step: view < product < cart < checkout < purchase"),
            _c("customer_id", "str", False, True),
            _c("order_id", "str", False, True),
            _c("is_new_visitor", "bool", False),
        )),
        TableSchema("marketing_spend", (
            _c("date", "datetime"),
            _c("channel", "str"),
            _c("spend", "float", checks=_ge0, description="CNY"),
            _c("impressions", "int", False, True, _ge0),
            _c("clicks", "int", False, True, _ge0),
        )),
        TableSchema("promotions", (
            _c("promo_id", "str"),
            _c("start", "datetime", description="first day, inclusive"),
            _c("end", "datetime", description="last day, inclusive"),
            _c("kind", "str", checks=(Rule("isin", (("discount", "coupon", "bundle", "festival"),)),)),
            _c("discount", "float", nullable=True, checks=_share, description="fraction of list price"),
            _c("name", "str", False, True),
            _c("scope_type", "str", False, True,
               (Rule("isin", (("all", "category", "product"),)),)),
            _c("scope", "str", False, True, description="semicolon-separated categories or product ids"),
            _c("cost", "float", False, True, _ge0, "fixed cost, CNY"),
        )),
        TableSchema("experiment", (
            _c("user_id", "str"),
            _c("variant", "str", checks=(Rule("isin", (("control", "treatment"),)),)),
            _c("converted", "bool"),
            _c("revenue", "float", False, True, description="CNY"),
        )),
        TableSchema("touchpoints", (
            _c("user_id", "str"),
            _c("timestamp", "datetime"),
            _c("channel", "str"),
            _c("converted", "bool"),
        )),
        TableSchema("market", (
            _c("year", "int"),
            _c("segment", "str"),
            _c("market_size", "float", checks=_ge0, description="CNY"),
        )),
        TableSchema("competitors", (
            _c("company", "str"),
            _c("year", "int"),
            _c("sales", "float", nullable=True, checks=_ge0, description="CNY"),
            _c("avg_price", "float", False, True, _ge0, "CNY"),
            _c("rating", "float", False, True),
        )),
        TableSchema("risk_register", (
            _c("risk", "str"),
            _c("likelihood", "int", checks=_1to5, description="1 (rare) to 5 (almost certain)"),
            _c("impact", "int", checks=_1to5, description="1 (minor) to 5 (severe)"),
            _c("category", "str", False, True),
            _c("owner", "str", False, True),
            _c("response", "str", False, True,
               (Rule("isin", (("avoid", "reduce", "transfer", "accept"),)),)),
        )),
        TableSchema("suppliers", (
            _c("supplier", "str"),
            _c("share_of_purchases", "float", checks=_share, description="fraction 0-1"),
            _c("lead_time_days", "float", False, True, _ge0, "days"),
            _c("defect_rate", "float", False, True, _share, "fraction 0-1"),
        )),
        TableSchema("kpis_daily", (
            _c("date", "datetime"),
        ), "one row per day, one column per KPI (sales, orders, sessions, ...)"),
        TableSchema("price_survey", (
            _c("respondent_id", "str"),
            _c("too_cheap", "float", checks=_ge0, description="CNY"),
            _c("cheap", "float", checks=_ge0, description="CNY"),
            _c("expensive", "float", checks=_ge0, description="CNY"),
            _c("too_expensive", "float", checks=_ge0, description="CNY"),
            _c("category", "str", False, True),
        ), "Van Westendorp price-sensitivity answers"),
        TableSchema("tickets", (
            _c("ticket_id", "str"),
            _c("created", "datetime"),
            _c("first_response", "datetime", False, True),
            _c("resolved", "datetime", False, True),
            _c("channel", "str", False, True),
            _c("reason", "str", False, True),
            _c("contacts", "int", False, True, _ge0, "customer contacts on the ticket"),
            _c("csat", "float", False, True, (Rule("isin", ((1, 2, 3, 4, 5),)),), "1-5, missing = no answer"),
            _c("customer_id", "str", False, True),
            _c("order_id", "str", False, True),
            _c("agent_id", "str", False, True),
        ), "customer-service tickets, one row per ticket"),
        TableSchema("service_team", (
            _c("agent_id", "str"),
            _c("team", "str", False, True),
            _c("employment", "str", False, True),
            _c("hire_date", "datetime", False, True),
            _c("hourly_cost", "float", False, True, _ge0, "CNY"),
            _c("trained", "bool", False, True),
            _c("trained_on", "datetime", False, True, description="day of the training course; missing = untrained"),
        ), "service and operations team, one row per agent"),
        TableSchema("team_survey", (
            _c("agent_id", "str"),
            _c("team", "str", False, True),
        ), "engagement survey, one row per respondent, one column per Likert item (1-5)"),
        TableSchema("launches", (
            _c("product_id", "str"),
            _c("launch_date", "datetime"),
            _c("launch_id", "str", False, True),
            _c("category", "str", False, True),
        ), "new-product launches, one row per launch"),
        TableSchema("launch_sales", (
            _c("product_id", "str"),
            _c("week", "datetime", description="Monday of the week"),
            _c("units", "float", checks=_ge0, description="units sold in the week"),
            _c("launch_id", "str", False, True),
            _c("week_number", "int", False, True, (Rule("ge", (1,)),), "1 = launch week"),
        ), "weekly units of each launched product since its launch"),
        TableSchema("reviews", (
            _c("product_id", "str"),
            _c("rating", "float", checks=_1to5, description="stars, 1-5"),
            _c("review_id", "str", False, True),
            _c("date", "datetime", False, True),
            _c("verified", "bool", False, True, description="written by a verified buyer"),
        ), "product reviews, one row per review"),
        TableSchema("platforms", (
            _c("platform", "str"),
            _c("platform_type", "str", False, True,
               (Rule("isin", (("own_site", "marketplace", "live_commerce", "cross_border"),)),)),
            _c("commission_rate", "float", checks=_share, description="share of GMV"),
            _c("payment_fee_rate", "float", checks=_share, description="share of GMV"),
            _c("ad_take_rate", "float", checks=_share, description="share of GMV"),
            _c("fulfilment_per_order", "float", checks=_ge0, description="CNY per order"),
            _c("fixed_fee_per_month", "float", checks=_ge0, description="CNY per month"),
            _c("start_date", "datetime", False, True, description="first day the shop sells there"),
            _c("note", "str", False, True),
        ), "fee schedule, one row per sales platform"),
        TableSchema("order_platforms", (
            _c("order_id", "str"),
            _c("platform", "str"),
        ), "the platform each order was sold on, one row per order"),
        TableSchema("channel_panel", (
            _c("category", "str"),
            _c("week", "datetime", description="Monday"),
            _c("gmv", "float", checks=_ge0, description="CNY, all platforms"),
            _c("treated", "bool", description="the category was opened on the new channel"),
            _c("post", "bool", description="week on or after the channel's launch week"),
            _c("new_channel_gmv", "float", False, True, _ge0, "CNY sold on the new channel"),
        ), "weekly GMV per category around a new channel's launch"),
        TableSchema("partner_deliveries", (
            _c("delivery_id", "str"),
            _c("partner", "str"),
            _c("partner_type", "str", False, True, (Rule("isin", (("supplier", "logistics"),)),)),
            _c("ordered_date", "datetime", False, True),
            _c("promised_date", "datetime"),
            _c("delivered_date", "datetime", False, True),
            _c("quantity_ordered", "int", checks=_ge0, description="units"),
            _c("quantity_delivered", "int", False, True, _ge0, "units"),
            _c("defective_units", "int", False, True, _ge0, "units"),
            _c("damaged_units", "int", False, True, _ge0, "units"),
        ), "deliveries from suppliers and logistics partners, one row per delivery"),
    ]
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)
#: Tables that only help to complete another one (a ``categories`` map for the transactions):
#: read when present, never listed as missing.
HELPER_TABLES: tuple[str, ...] = ("categories",)


def get_schema(table: Any) -> TableSchema:
    """Return the schema of ``table``, or raise :class:`ParameterError` naming the tables."""
    if table not in SCHEMAS:
        check_argument("table", list(SCHEMAS), table)
    return SCHEMAS[table]

