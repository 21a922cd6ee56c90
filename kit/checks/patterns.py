"""Named findings per aanbieder: the sending patterns that distort waiting times.

- **automatic 305**: the start is sent within a day of the toewijzing with Begindatum equal to
  the Ingangsdatum, so "wachttijd na toewijzing" is about zero;
- **late VOT**: the verzoek om toewijzing (315) is sent only when the child leaves the
  aanbieder's internal waiting list, so care starts soon after the request and the real wait lies
  before the 315;
- **zero-day first declaration**: the first ProductPeriode begins on the Ingangsdatum by rule
  (TR387) whenever care is declared in the first month, so "Ingangsdatum -> first 323" is 0 days.
"""

from __future__ import annotations

import pandas as pd

from kit.checks.base import ScanData
from kit.checks.starts import looks_automatic

GI_CATEGORIES = ("47", "48")
# categories where a start on the Ingangsdatum right after the toewijzing is real (crisis) or
# agreed (GI), see check start_automatisch
EXPECTED_AUTO = ("46", *GI_CATEGORIES)


def provider_patterns(
    data: ScanData, *, auto_days: int = 1, vot_start_days: int = 14, late_vot_share: float = 50.0
) -> pd.DataFrame:
    """Share of each pattern per aanbieder (not suppressed).

    Parameters
    ----------
    data : ScanData
        The scan's data (pathways are used).
    auto_days : int
        A 305 at most this many working days after it could first be sent counts as possibly
        automatic (see :func:`kit.checks.starts.looks_automatic`).
    vot_start_days : int
        Care starting within this many days after the 315 counts as "VOT bij start".
    late_vot_share : float
        From this percentage of "VOT bij start" on, the aanbieder's VOT timing is "laat".

    Returns
    -------
    pandas.DataFrame
        One row per aanbieder: ``n_starts, n_auto_305, pct_auto_305`` (starts outside crisis
        46 and GI 47/48, where a start on the Ingangsdatum is real or agreed), ``n_vot_gestart,
        n_vot_bij_start, pct_vot_bij_start, mediaan_vot_toewijzing_dagen,
        mediaan_toewijzing_start_dagen, vot_timing`` (vroeg/laat), ``n_gedeclareerd,
        n_nul_dagen_declaratie, pct_nul_dagen_declaratie``.
    """
    p = data.pathways[data.pathways["ToewijzingNummer"].notna()]
    p = p[~p["categorie"].isin(GI_CATEGORIES)]
    started = p[p["start_begindatum"].notna()]
    judged = started[~started["categorie"].isin(EXPECTED_AUTO)]  # crisis starts really at once
    auto = looks_automatic(
        data.calendar,
        sent_301=judged["eerste_dagtekening"],
        ingang=judged["ingangsdatum"],
        begin=judged["start_begindatum"],
        sent_305=judged["start_dagtekening"],
        max_workdays=auto_days,
    )
    vot = judged[judged["vot_dagtekening"].notna()]  # a crisis VOT comes after the start
    vot_at_start = (vot["start_begindatum"] - vot["vot_dagtekening"]).dt.days <= vot_start_days
    declared = p[p["eerste_productperiode"].notna()]
    zero = declared["eerste_productperiode"] == declared["ingangsdatum"]

    by = "aanbieder"
    out = pd.DataFrame(
        {
            "n_starts": judged.groupby(by).size(),
            "n_auto_305": auto.groupby(judged[by]).sum(),
            "n_vot_gestart": vot.groupby(by).size(),
            "n_vot_bij_start": vot_at_start.groupby(vot[by]).sum(),
            "mediaan_vot_toewijzing_dagen": (
                vot["eerste_toewijzingsdatum"] - vot["vot_dagtekening"]
            )
            .dt.days.groupby(vot[by])
            .median(),
            "mediaan_toewijzing_start_dagen": (
                started["start_begindatum"] - started["eerste_toewijzingsdatum"]
            )
            .dt.days.groupby(started[by])
            .median(),
            "n_gedeclareerd": declared.groupby(by).size(),
            "n_nul_dagen_declaratie": zero.groupby(declared[by]).sum(),
        }
    )
    counts = [c for c in out.columns if c.startswith("n_")]
    out[counts] = out[counts].fillna(0).astype(int)
    out["pct_auto_305"] = _pct(out["n_auto_305"], out["n_starts"])
    out["pct_vot_bij_start"] = _pct(out["n_vot_bij_start"], out["n_vot_gestart"])
    out["pct_nul_dagen_declaratie"] = _pct(out["n_nul_dagen_declaratie"], out["n_gedeclareerd"])
    out["vot_timing"] = pd.Series(pd.NA, index=out.index, dtype="string")
    has_vot = out["n_vot_gestart"] > 0
    out.loc[has_vot, "vot_timing"] = (out.loc[has_vot, "pct_vot_bij_start"] >= late_vot_share).map(
        {True: "laat", False: "vroeg"}
    )
    order = [
        "n_starts",
        "n_auto_305",
        "pct_auto_305",
        "n_vot_gestart",
        "n_vot_bij_start",
        "pct_vot_bij_start",
        "mediaan_vot_toewijzing_dagen",
        "mediaan_toewijzing_start_dagen",
        "vot_timing",
        "n_gedeclareerd",
        "n_nul_dagen_declaratie",
        "pct_nul_dagen_declaratie",
    ]
    return out[order].rename_axis(by).reset_index().sort_values(by).reset_index(drop=True)


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(1)
