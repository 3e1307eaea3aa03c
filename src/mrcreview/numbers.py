"""Numbers as the book prints them, and their glue into chapters."""

from decimal import Decimal

import pandas as pd

RATIO_LABELS = {"hazard_ratio": "HR", "odds_ratio": "OR", "relative_risk": "RR"}


def _percent(text: str) -> str:
    """'0.875' -> '87.5%': keep the precision the source reported."""
    value = Decimal(text) * 100
    decimals = max(0, -Decimal(text).as_tuple().exponent - 2)
    return f"{value:.{decimals}f}%"


def format_value(row: pd.Series) -> str:
    """The number of one outcomes.csv row as a reader should see it."""
    text, unit = row["value_text"], row["unit"]
    if unit == "proportion":
        shown = _percent(text)
    elif unit == "count":
        shown = f"{int(Decimal(text)):,}"
    elif unit in ("months", "years", "cm"):
        shown = f"{text} {unit}"
    else:
        shown = f"{RATIO_LABELS[unit]} {text}"
    if ci := interval(row):
        shown += f" ({ci})"
    if pd.notna(row.get("bound")):
        shown = f"{row['bound']} {shown}"
    return shown


def interval(row) -> str | None:
    """The confidence interval as reported ("95% CI 0.60–1.05"), or None where none was reported."""
    if pd.isna(row.get("ci_lower_text")) or pd.isna(row.get("ci_upper_text")):
        return None
    low, high = row["ci_lower_text"], row["ci_upper_text"]
    if row["unit"] == "proportion":
        low, high = _percent(low).rstrip("%"), _percent(high)
    return f"{level_text(float(row['ci_level']))} {low}–{high}"


def level_text(level: float) -> str:
    """0.99 -> '99% CI'."""
    return f"{level * 100:g}% CI"


def measured(row) -> str:
    """What a number measured, in whom and when, as readers name it: "response, arm A, 3 months"."""
    parts = [row["outcome"], row["arm"]]
    if pd.notna(row.get("timepoint")):
        parts.append(row["timepoint"])
    return ", ".join(str(part) for part in parts)


def patients(row) -> str:
    """A study's number of patients with what it counts, in the source's word ("1,194 eligible",
    "364 planned", "278 patients"); "not reported" without one."""
    if pd.isna(row["n_patients"]):
        return "not reported"
    n = f"{int(row['n_patients']):,}"
    kind = row.get("n_patients_kind")
    return f"{n} patients" if pd.isna(kind) or kind == "patients" else f"{n} {kind}"


def fraction(row: pd.Series) -> str | None:
    if pd.isna(row["numerator"]) or pd.isna(row["denominator"]):
        return None
    return f"{row['numerator']}/{row['denominator']}"
