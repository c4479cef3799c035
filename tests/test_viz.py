"""Tests of ecomlib.viz: theme, fixed colours, formatters and the CJK font."""

import subprocess
import sys
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

from ecomlib import viz  # noqa: E402
from ecomlib.errors import ParameterError  # noqa: E402


def test_chinese_text_renders_without_missing_glyph_warnings():
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with viz.theme():
            ax = viz.get_ax()
            ax.bar(["美妝 Beauty", "服飾 Apparel", "家居 Home"], [3.0, -1.0, 2.0])
            ax.set_title("銷售額 GMV by 品類")
            ax.yaxis.set_major_formatter(viz.cny_formatter())
            ax.figure.canvas.draw()
        plt.close(ax.figure)
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert glyph == []


def test_without_the_theme_matplotlib_does_warn():
    """Control for the test above: the warning it checks for really appears without our font."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
            fig, ax = plt.subplots()
            ax.set_title("美妝")
            fig.canvas.draw()
        plt.close(fig)
    assert any("Glyph" in str(w.message) for w in caught)


def test_theme_context_restores_settings():
    before = dict(matplotlib.rcParams)
    with viz.theme("talk"):
        assert viz.CJK_FONT_FAMILY in matplotlib.rcParams["font.family"]
    assert matplotlib.rcParams["font.family"] == before["font.family"]
    assert matplotlib.rcParams["font.size"] == before["font.size"]


@pytest.mark.slow
def test_import_has_no_side_effects():
    code = (
        "import matplotlib, copy; before = copy.deepcopy(dict(matplotlib.rcParams));"
        "import ecomlib.viz, ecomlib.teaching;"
        "from matplotlib import font_manager as fm;"
        "assert dict(matplotlib.rcParams) == before;"
        "assert not any('NotoSansCJK' in f.fname for f in fm.fontManager.ttflist)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bad_context_is_a_parameter_error():
    with pytest.raises(ParameterError, match="context"):
        viz.theme_rc("huge")


def test_channel_colours_are_fixed_and_case_insensitive():
    assert viz.channel_color("email") == viz.CHANNEL_COLORS["email"]
    assert viz.channel_color(" Paid Search ") == viz.CHANNEL_COLORS["paid_search"]
    assert viz.channel_palette(["email", "social"]) == {
        "email": viz.CHANNEL_COLORS["email"],
        "social": viz.CHANNEL_COLORS["social"],
    }


@pytest.mark.slow
def test_unseen_names_get_the_same_colour_in_every_process():
    names = ["美妝 Beauty", "服飾 Apparel", "livestream_x", "家居 Home"]
    here = [viz.category_color(n) for n in names] + [viz.channel_color(names[2])]
    code = (
        "from ecomlib import viz; names = " + repr(names) + ";"
        "print(','.join([viz.category_color(n) for n in names] + [viz.channel_color(names[2])]))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip().split(",") == here
    # a category's colour does not depend on which other categories are plotted with it
    assert viz.category_palette(names[:2])[names[1]] == viz.category_palette(names[1:])[names[1]]


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234567, {}, "¥1,234,567"),
        (-1234.5, {"decimals": 2}, "-¥1,234.50"),
        (1234567, {"compact": True}, "¥1.23M"),
        (45600, {"compact": True}, "¥45.6k"),
        (999, {"compact": True}, "¥999"),
        (float("nan"), {}, "–"),
    ],
)
def test_fmt_cny(value, kwargs, expected):
    assert viz.fmt_cny(value, **kwargs) == expected


def test_fmt_pct_and_thousands():
    assert viz.fmt_pct(0.1234) == "12.3%"
    assert viz.fmt_pct(0.04, 0, signed=True) == "+4%"
    assert viz.fmt_pct(-0.04, signed=True) == "-4.0%"
    assert viz.fmt_thousands(1234567) == "1,234,567"
    assert viz.percent_formatter()(0.25, 0) == "25%"
    assert viz.cny_formatter()(2_500_000, 0) == "¥2.50M"
    with pytest.raises(ParameterError, match="value"):
        viz.fmt_pct("abc")


def test_get_ax_returns_given_axes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert viz.get_ax(ax) is ax
    plt.close(fig)


def test_table_formats_and_escapes():
    import pandas as pd

    df = pd.DataFrame(
        {"gmv": [1234.0, 50.0], "share": [0.5, 0.25], "orders": [1200.0, 3.0], "ratio": [1.234, 2.0],
         "name": ["<script>alert(1)</script>", "ok"]},
        index=pd.Index(["<b>x</b>", "y"], name="category"),
    )
    html = viz.table(df, cny=["gmv"], pct=["share"], counts=["orders"]).to_html()
    assert "¥1,234" in html and "50.0%" in html and "1,200" in html and "1.23" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html
    with pytest.raises(ParameterError, match="df"):
        viz.table([1])


def test_table_shows_months_without_clock_time():
    import pandas as pd

    df = pd.DataFrame({"gmv": [1.0, 2.0]}, index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    html = viz.table(df, cny=["gmv"]).to_html()
    assert "2024-01" in html and "00:00:00" not in html
    days = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert "2024-01-01" in viz.table(days).to_html()


def test_sample_shop_categories_get_distinct_fixed_colours():
    names = ["美妝 Beauty", "家居 Home", "食品 Food", "服飾 Apparel", "數碼 Electronics", "圖書 Books",
             "母嬰 Baby", "運動 Sports"]
    colours = [viz.category_color(n) for n in names]
    assert len(set(colours)) == len(names)
    assert viz.category_color("美妝 Beauty") == viz.CATEGORY_COLORS["beauty"]
    assert viz.channel_color("direct") != viz.NEUTRAL


def test_fmt_pct_has_no_negative_zero():
    assert viz.fmt_pct(-0.001, 0) == "0%"
    assert viz.fmt_pct(-0.0001, 1) == "0.0%"
    assert viz.fmt_pct(0.0, 0, signed=True) == "0%"  # a slider at "no change" (trainer panels)


def test_money_is_shown_in_the_display_currency():
    from ecomlib import viz

    old = viz.set_currency("GBP")
    try:
        assert viz.fmt_cny(1299.5, 2) == "£1,299.50"
        assert viz.fmt_cny(-2_500_000, compact=True) == "-£2.50M"
        viz.set_currency("chf")
        assert viz.currency() == "CHF" and viz.fmt_cny(12) == "CHF 12"
    finally:
        viz.set_currency(old)
    assert viz.fmt_cny(1234567) == "¥1,234,567"


def test_open_data_takes_the_presets_currency_and_money_key_figures_follow(tmp_path):
    from ecomlib import reports, viz
    from ecomlib.data.presets import get_preset

    assert get_preset("online_retail").currency == "GBP" and get_preset("olist").currency == "BRL"
    try:
        shop = reports.open_data("online_retail", show=False, end="2010-12-05")
        assert shop.currency == "GBP" and viz.currency() == "GBP"
        reports.record("gmv_test", 1.0, unit="CNY")
        assert reports.recorded()["gmv_test"].unit == "GBP"
        assert reports.open_data("online_retail", currency="usd", show=False, end="2010-12-02").currency == "USD"
    finally:
        viz.set_currency("CNY")
        reports.clear_recorded()


# ---------------------------------------------------------------- tables (issue 14 section 5, issue 15 section 6)
def _cells(html):
    """The text of every <td> of a Styler's HTML, in order."""
    import re
    from html import unescape

    return [unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_table_hides_a_positional_index_but_keeps_a_named_one():
    import pandas as pd

    df = pd.DataFrame({"input": ["demand", "fx"], "x": [1.5, 2.5]})
    assert "row_heading" not in viz.table(df).to_html()
    filtered = df.set_axis([212, 215])  # what is left of a RangeIndex after filtering rows
    assert ">212<" not in viz.table(filtered).to_html()
    named = df.set_index("input")
    assert "row_heading" in viz.table(named).to_html() and ">demand<" in viz.table(named).to_html()
    assert "row_heading" in viz.table(df, index=True).to_html()


def test_table_floats_get_significant_digits_per_column_not_six_decimals():
    import pandas as pd

    df = pd.DataFrame({
        "rank_correlation": [0.879014, 0.172436, -0.160119],  # risk's variance contribution
        "hhi": [2170.0, 1903.916632, 1250.5],                   # risk's concentration table
        "expected": [30.550581, 11951.491024, 0.049519],         # mixed magnitudes: per value
        "order_quantity": [643.0, 512.0, float("nan")],          # whole numbers stored as floats
    })
    assert _cells(viz.table(df).to_html()) == [
        "0.879", "2,170", "30.6", "643",
        "0.172", "1,904", "11,951", "512",
        "-0.160", "1,250", "0.0495", "–",
    ]


def test_table_integers_get_separators_but_ids_and_years_do_not():
    import pandas as pd

    df = pd.DataFrame({"orders": [164887, 3], "year": [2024, 2025], "customer_id": [100234, 7]})
    assert _cells(viz.table(df).to_html()) == ["164,887", "2024", "100234", "3", "2025", "7"]


def test_table_dates_without_a_clock_time_at_midnight():
    import pandas as pd

    df = pd.DataFrame({"start": pd.to_datetime(["2024-06-01", "2024-11-11"]),
                       "seen": pd.to_datetime(["2024-06-01 13:30", "2024-11-11 08:00"])})
    html = viz.table(df).to_html()
    assert "00:00:00" not in html
    assert _cells(html) == ["2024-06-01", "2024-06-01 13:30", "2024-11-11", "2024-11-11 08:00"]


def test_fmt_p():
    assert viz.fmt_p(3e-9) == "< 0.0001"
    assert viz.fmt_p(0.0321) == "0.0321"
    assert viz.fmt_p(0.00012) == "0.0001"
    assert viz.fmt_p(0.2, digits=3) == "0.200" and viz.fmt_p(1e-4, digits=3) == "< 0.001"
    assert viz.fmt_p(float("nan")) == "–"
    with pytest.raises(ParameterError, match="p"):
        viz.fmt_p("small")


def test_table_p_value_columns_and_rows_read_below_not_zero():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"chi2": [40.1, 1.2, np.nan], "p_value": [3e-10, 0.2731, np.nan],
                       "pvalue": [1e-5, 0.5, 0.01], "P-value": [0.04, 1e-7, 0.9],
                       "top_value": [1e-5, 2e-5, 3e-5]})
    html = viz.table(df).to_html()
    assert "&lt; 0.0001" in html and ">< 0" not in html  # the "<" is escaped in the HTML
    cells = _cells(html)
    assert cells[1:4] == ["< 0.0001", "< 0.0001", "0.0400"]
    assert cells[6:8] == ["0.2731", "0.5000"] and cells[11] == "–"
    assert cells[4] != "< 0.0001"  # "top_value" is not a p-value
    # a long summary (traffic's A/B test): the p-value is a row, and the caller asked for 4 decimals
    summary = pd.DataFrame({"quantity": ["users, control", "absolute lift", "p-value"],
                            "estimate": [10000.0, 0.0123, 2e-6], "ci_low": [np.nan, 0.01, np.nan]})
    cells = _cells(viz.table(summary, decimals=4).to_html())
    assert cells[-3:] == ["p-value", "< 0.0001", "–"] and "0.0000" not in cells
    assert cells[4] == "0.0123"


def test_table_shares_become_percentages_only_when_asked():
    import pandas as pd

    df = pd.DataFrame({"conversion_rate": [0.1234, 0.05], "revenue_share": [0.5, 0.5],
                       "exchange_rate": [7.2, 7.3], "separate": [0.5, 0.25]})
    assert _cells(viz.table(df).to_html())[4:6] == ["0.0500", "0.500"]  # median 0.087: 3 digits
    cells = _cells(viz.table(df, auto_pct=True).to_html())
    assert cells[:4] == ["12.3%", "50.0%", "7.20", "0.500"]  # 7.2 is no fraction; "separate" no share
    assert _cells(viz.table(df, pct=["exchange_rate"]).to_html())[2] == "720.0%"  # asked explicitly


def test_table_money_in_the_display_currency_with_cents_for_small_amounts():
    import pandas as pd

    df = pd.DataFrame({"unit_price": [5.2, 6.13], "gmv": [1234567.8, 2500.0], "cu": [22.4, 7.0],
                       "cac": [157.75, 98.05]})
    old = viz.set_currency("GBP")
    try:
        cells = _cells(viz.table(df, money=["unit_price", "gmv"], cny=["cu", "cac"]).to_html())
    finally:
        viz.set_currency(old)
    assert cells == ["£5.20", "£1,234,568", "£22.40", "£158", "£6.13", "£2,500", "£7.00", "£98"]
    assert _cells(viz.table(df, cny=["unit_price"], cny_decimals=0).to_html())[0] == "¥5"


def test_table_explicit_formats_are_kept():
    import pandas as pd

    df = pd.DataFrame({"a": [1234.5678, 2.0], "b": [0.5, 0.25], "c": [1.0, 2.0]})
    cells = _cells(viz.table(df, decimals=2, formats={"c": "{:.1f} days"}).to_html())
    assert cells == ["1,234.57", "0.50", "1.0 days", "2.00", "0.25", "2.0 days"]
    assert viz.format_table(df, pct=["b"]).count("50.0%") == 1


def test_table_escapes_what_a_callable_format_returns():
    import pandas as pd

    df = pd.DataFrame({"p": [3e-9, 0.2], "note": [1.0, 2.0]})
    html = viz.table(df, formats={"p": viz.fmt_p, "note": lambda v: f"<b>{v:.0f}</b>"}).to_html()
    assert "&lt; 0.0001" in html and "&lt;b&gt;1&lt;/b&gt;" in html
    assert "<b>" not in html and "< 0.0001" not in html


def test_table_escapes_column_labels_index_labels_and_their_names():
    import pandas as pd

    bad = "<img src=x onerror=alert(1)>"
    df = pd.DataFrame({bad: [1.0, 2.0], "ok": ["a", "b"]}, index=pd.Index([bad, "y"], name=bad))
    df.columns.name = "<i>cols</i>"
    html = viz.table(df).to_html()
    assert "<img" not in html and "<i>" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 3  # column label, index label, index name
    multi = pd.DataFrame([[1.0]], columns=pd.MultiIndex.from_tuples([("<b>a</b>", bad)]))
    html = viz.table(multi, pct=[("<b>a</b>", bad)]).to_html()
    assert "<b>" not in html and "<img" not in html and "100.0%" in html
    objects = pd.DataFrame({"x": [[bad], 1.5]}, dtype=object)  # a list in a cell is not a str
    assert "<img" not in viz.table(objects).to_html()


def test_table_html_is_the_same_in_every_run():
    """Reproducible reports: a table's HTML ids are counted, not pandas' random uuid."""
    import subprocess
    import sys

    code = ("import pandas as pd; from ecomlib import viz; "
            "print(viz.table(pd.DataFrame({'units': [3, 4], 'share': [0.25, 0.75]})).to_html())")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and 'id="T_ecomlib1"' in runs[0]


def test_percent_ticks_show_the_decimals_their_spacing_needs():
    """Ticks 2.5 % apart read 2.5%, 5.0%, ... (0 decimals wrote 2%, 5%, 8%); whole percents stay whole."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {}
    for top in (0.19, 0.9):
        fig, ax = plt.subplots()
        ax.plot([0, top], [0, top])
        ax.set_ylim(0, top)
        ax.yaxis.set_major_formatter(viz.percent_formatter())
        fig.canvas.draw()
        labels[top] = [t.get_text() for t in ax.get_yticklabels()]
        plt.close(fig)
    assert labels[0.19][:4] == ["0.0%", "2.5%", "5.0%", "7.5%"]
    assert labels[0.9][:3] == ["0%", "10%", "20%"]
    assert viz.percent_formatter(1)(0.25) == "25.0%"  # stated decimals are kept
