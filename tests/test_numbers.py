"""Numbers print as the sources reported them."""

import pandas as pd
import pytest

from mrcreview.numbers import format_value


def row(value_text, unit, **extra):
    base = {
        "value_text": value_text,
        "unit": unit,
        "ci_lower_text": None,
        "ci_upper_text": None,
        "ci_level": None,
        "bound": None,
    }
    return pd.Series(base | extra)


@pytest.mark.parametrize(
    "value_text, unit, printed",
    [
        # (as stored in outcomes.csv, unit, as the source printed it)
        ("0.875", "proportion", "87.5%"),  # Picardi: pain reduced or stopped in 87.5%
        ("1.0", "proportion", "100%"),  # Picardi: bleeding reduced or stopped in 100%
        ("0.240", "proportion", "24.0%"),  # Custers: major LARS 24.0% at 12 months
        ("0.035", "proportion", "3.5%"),  # Ptok: distant metastases 3.5% in pT2
        ("1194", "count", "1,194"),  # PROSPECT: 1,194 eligible
        ("30.0", "months", "30.0 months"),  # ORCHESTRA: median OS 30.0 months
    ],
)
def test_value_keeps_reported_precision(value_text, unit, printed):
    assert format_value(row(value_text, unit)) == printed


def test_ratio_with_interval():
    # ORCHESTRA: HR 0.88 (95% CI 0.70-1.10)
    shown = format_value(row("0.88", "hazard_ratio", ci_lower_text="0.70", ci_upper_text="1.10", ci_level=0.95))
    assert shown == "HR 0.88 (95% CI 0.70–1.10)"


def test_proportion_interval_and_bound():
    # Cercek: 100% (95% CI 74-100); the review's "about 32%" for Custers
    assert (
        format_value(row("1.0", "proportion", ci_lower_text="0.74", ci_upper_text="1.0", ci_level=0.95))
        == "100% (95% CI 74–100%)"
    )
    assert format_value(row("0.32", "proportion", bound="about")) == "about 32%"
