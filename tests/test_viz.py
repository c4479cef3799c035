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
