"""Ground truth of the core simulator and the one-line documentation of every key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets import core_calendar as cal
from ecomlib.datasets import core_catalog
from ecomlib.datasets import core_customers as cc
from ecomlib.datasets import core_orders as co
from ecomlib.datasets import core_sessions as cs

__all__ = ["core_truth"]


def core_truth(*, ctx, plan, products, index, days, multiplier, latent, customers, extra,
               promo_truth, pair_truth, shop_name):
    """Return ``(truth, truth_doc)`` of the core simulator."""
    cats = cal.CATEGORIES
    price_index = pd.DataFrame({
        "date": np.tile(days.values, len(cats)),
        "category": np.repeat(cats["category"].to_numpy(), len(days)),
        "index": np.round(index.reshape(-1), 6),
    }).astype({"category": "str", "date": "datetime64[us]"})
    ch = cal.ACQUISITION_CHANNELS.merge(extra["acquisition_channel_expected_share"], on="channel")
    realised = customers["acquisition_channel"].value_counts()
    ch["new_customers"] = realised.reindex(ch["channel"]).fillna(0).astype("int64").to_numpy()
    ch = ch.astype({"channel": "str"})
    acq = pd.DataFrame({
        "date": np.repeat(days.values, len(ch)),
        "channel": np.tile(ch["channel"].to_numpy(), len(days)),
        "expected_new_customers": np.round(
            (ctx.n_customers * extra["acquisition_day_weight"][:, None]
             * ch["expected_share"].to_numpy()[None, :]).reshape(-1), 6),
    }).astype({"channel": "str", "date": "datetime64[us]"})
    latent_out = latent.rename(columns={"lam": "purchase_rate_per_week", "p_drop": "dropout_probability",
                                        "g": "basket_multiplier"})
    latent_out = latent_out.drop(columns=["acquired_at", "country"])
    latent_out["acquisition_channel"] = customers["acquisition_channel"].to_numpy()
    member_share = float(customers["is_member"].mean()) if len(customers) else 0.0
    years = pd.Series(multiplier, index=days)
    choice_share = core_catalog.choice_shares(products).to_numpy()
    truth = {
        "shop_name": shop_name,
        "currency": "CNY",
        "categories": cats[["category", "elasticity", "spend_share", "median_price", "cost_ratio",
                            "return_rate"]].assign(
            choice_share=choice_share,
            choice_exponent=cats["elasticity"].to_numpy() / (1 - choice_share)).astype({"category": "str"}),
        "elasticity": dict(zip(cats["category"], cats["elasticity"].astype(float), strict=True)),
        "price_index": price_index,
        "bgnbd": {**{k: float(v) for k, v in cc.BGNBD.items()}, "time_unit": "week"},
        "order_value": {
            "mean_expected_order_value": float(latent["expected_order_value"].mean()),
            "basket_shape": cc.BASKET_SHAPE,
            "currency": "CNY",
        },
        "customer_latent": latent_out,
        "intensity_multiplier": pd.DataFrame({"date": days.values, "multiplier": np.round(multiplier, 8)}),
        "intensity_mean_by_half_year": {
            f"{y}H{h}": float(g.mean())
            for (y, h), g in years.groupby([years.index.year, (years.index.month > 6) + 1])
        },
        "membership": {
            "rate_multiplier": cc.MEMBER_RATE_MULTIPLIER,
            "selection_logit_intercept": cc.MEMBER_SELECTION[0],
            "selection_logit_slope": cc.MEMBER_SELECTION[1],
            "member_share": member_share,
            "observed_rate_ratio": extra["member_observed_rate_ratio"],
        },
        "acquisition_channels": ch,
        "acquisition_daily": acq,
        "repeat_channel_mix": dict(cal.REPEAT_CHANNEL_MIX),
        "repeat_same_channel": cal.REPEAT_SAME_CHANNEL,
        "device_shares": co.device_shares().astype({"channel": "str", "device": "str"}),
        "step_rates": cs.step_rates(),
        "promotion_effects": promo_truth,
        "guest_order_share": co.GUEST_SHARE,
        "cancel_share": co.CANCEL_SHARE,
        "lines_per_order": {"extra_lines_mean": co.EXTRA_LINES, "max": co.MAX_LINES},
        "units_per_line": {"extra_units_mean": co.EXTRA_UNITS},
        "return_delay_days": list(co.RETURN_DELAY_DAYS),
        "basket_pairs": pair_truth,
    }
    doc = {
        "shop_name": "name of the sample shop (it appears under this name among competitors)",
        "currency": "currency of every money amount in the sample shop",
        "categories": "per category: constant price elasticity of units to paid price (unitless), "
                      "spend share of order value at base prices, median base list price (CNY), unit "
                      "cost as a share of list price, return rate (share of completed units returned), "
                      "choice_share m (share of the line choice weight at base prices) and "
                      "choice_exponent elasticity / (1 - m) of the line choice model",
        "elasticity": "category -> constant own-price elasticity d log(units) / d log(paid price) of "
                      "the category's units when its prices move together, other prices fixed "
                      "(exact at base prices; units per line do not depend on the price)",
        "price_index": "daily list-price index per category (1 = each product's base list_price in "
                       "products; list prices change in steps every 5-10 weeks)",
        "bgnbd": "BG/NBD purchase process: purchase rate lambda ~ Gamma(shape r, rate alpha) per week, "
                 "dropout after each repeat purchase with p ~ Beta(a, b); time unit one week; the first "
                 "purchase is the acquisition day",
        "order_value": "order value (CNY, before returns, completed orders) = sum of units x paid "
                       "price over the order's lines; lines min(1 + Poisson(extra_lines_mean x g), max) "
                       "with the customer's basket multiplier g ~ Gamma(basket_shape, rate basket_shape), "
                       "units per line 1 + Poisson(extra_units_mean x g), products by the daily choice model, "
                       "plus the planted pairs' lines (basket_pairs). "
                       "mean_expected_order_value: mean over customers of customer_latent."
                       "expected_order_value (what a Gamma-Gamma model's population mean estimates); "
                       "order values are not Gamma-Gamma, so there are no true p, q, gamma",
        "customer_latent": "per customer: purchase rate (per week), dropout probability, basket "
                           "multiplier g (mean 1), membership, the purchase rate the customer would "
                           "have without membership (per week), expected_order_value (CNY: the mean over "
                           "the customer's completed orders of the expected value of an order with "
                           "their g on that day) and acquisition channel",
        "intensity_multiplier": "daily multiplier m(t) of every customer's purchase rate (weekday, "
                                "yearly cycle, festival peaks and post-festival dips); mean 1 over each "
                                "calendar year; purchases follow Poisson in operational time sum(m)/7 weeks",
        "intensity_mean_by_half_year": "mean of the intensity multiplier per half year: expected "
                                       "purchases in a holdout of that half year scale by this factor",
        "membership": "membership multiplies a customer's purchase rate by rate_multiplier (causal); "
                      "members are also selected: logit P(member) = intercept + slope * log(lambda / "
                      "E[lambda]); observed_rate_ratio = mean lambda of members / non-members (both effects)",
        "acquisition_channels": "per acquisition channel: nominal share, tilt of the share with the "
                                "standardised log purchase rate, expected share and realised new customers",
        "acquisition_daily": "expected new customers per day and acquisition channel (customers per "
                             "day); realised counts are in customers.signup_date",
        "repeat_channel_mix": "channel of a repeat order when it does not reuse the acquisition channel",
        "repeat_same_channel": "probability a repeat order comes through the acquisition channel",
        "device_shares": "share of orders by device within each order channel",
        "step_rates": "true funnel step rates per channel and device: P(reach step | reached the "
                      "previous step), steps view < product < cart < checkout < purchase",
        "promotion_effects": "per promotion: true lift (relative increase in expected in-scope units "
                             "during the promotion vs without it), pull_forward (relative dip in in-scope "
                             "units over post_weeks after), cannibalisation (relative drop in non-promoted "
                             "products of the same category during it), halo (relative rise in "
                             "halo_category units during it), others_change (relative change in the units of "
                             "the categories outside its scope during it: lines per order do not follow "
                             "prices, so a category promotion draws lines from them; a comparison "
                             "against them estimates log(1 + lift) - log(1 + others_change); NaN for "
                             "shop-wide festivals), and the simulation settings behind them. A "
                             "festival's incidence_boost and post_dip_setting act on repeat purchases "
                             "only (first purchases follow the acquisition trend), so its lift and "
                             "pull_forward on all units are smaller than the settings suggest",
        "guest_order_share": "share of completed orders placed by guests (missing customer_id); guests "
                             "are one-off buyers outside the BG/NBD process",
        "cancel_share": "share of all orders that are cancelled attempts (a twin placed minutes before "
                        "a completed order of the same buyer; status cancelled)",
        "lines_per_order": "lines per order before merging lines of the same product: 1 + "
                           "Poisson(extra_lines_mean x g), capped at max (g: the customer's basket multiplier)",
        "units_per_line": "units of a line before merging: 1 + Poisson(extra_units_mean x g), independent "
                          "of the product and its price (g: the customer's basket multiplier)",
        "return_delay_days": "a return line is dated this many days after the sale (uniform, "
                             "[low, high)); returns after the period's end are not recorded",
        "basket_pairs": "product pairs planted in the baskets (ours): a completed order holding the "
                        "antecedent and not the consequent gets one line of the consequent with "
                        "probability pi (its cancelled twin copies it; its units are returned at the "
                        "category's rate). Over completed orders, from the choice model (not from the "
                        "drawn lines): antecedent_support, consequent_support, support (shares of "
                        "orders), confidence P(consequent | antecedent), lift support / (antecedent "
                        "support x consequent support), the same without planting (baseline_confidence, "
                        "baseline_lift: below 1, larger baskets hold more of everything) and "
                        "expected_planted_lines (lines in completed orders)",
    }
    return truth, doc
