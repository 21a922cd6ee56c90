"""Naive figures next to the estimates.

The snapshot of who waits now, "schadelijk wachten", the pathways the quick scan flags and the
sensitivity without them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.waits.definitions import Norm
from kit.waits.measure import TOTAL

# ------------------------------------------------------------------------------------------
# Naive figures, snapshot and "schadelijk wachten"


def band_labels(weeks: Sequence[int]) -> list[str]:
    """Labels of snapshot bands: ``0–4 weken`` ... ``> 52 weken``."""
    return [f"{a}–{b} weken" for a, b in zip(weeks, weeks[1:], strict=False)] + [
        f"> {weeks[-1]} weken"
    ]


def waiting_now(measured: pd.DataFrame) -> pd.DataFrame:
    """Pathways still waiting at the peildatum, whatever the cohort window (snapshot basis).

    A pathway outside the window counts when no other reason leaves it out (``uit`` names only
    the first reason, so it is not used here): the snapshot is one number for a peildatum.
    """
    return measured[measured["wacht_op_peildatum"].astype(bool)]


def snapshot(measured: pd.DataFrame, *, weeks: Sequence[int]) -> pd.DataFrame:
    """The naive snapshot: who waits at the peildatum, by time waited so far.

    Parameters
    ----------
    measured : pandas.DataFrame
        Output of :func:`measure_waits`; every pathway still waiting at the peildatum counts,
        also when its start lies outside the cohort window.
    weeks : sequence of int
        Band edges in weeks (from ``momentopname.banden_weken``).

    Returns
    -------
    pandas.DataFrame
        ``band, n_wachtend`` with every band (zero included), in order.
    """
    now = waiting_now(measured)
    labels = band_labels(weeks)
    edges = [7 * w for w in weeks] + [np.inf]
    bands = pd.cut(now["dagen"].astype(float), edges, right=False, labels=labels)
    counts = bands.value_counts().reindex(labels, fill_value=0)
    return pd.DataFrame({"band": labels, "n_wachtend": counts.to_numpy(dtype=int)})


def against_norms(measured: pd.DataFrame, *, norms: Sequence[Norm]) -> pd.DataFrame:
    """Who waits at the peildatum, and how many of them longer than each norm.

    Returns
    -------
    pandas.DataFrame
        ``norm, naam, dagen, n_wachtend, n_boven_norm, pct_boven_norm``.
    """
    now = waiting_now(measured)["dagen"]
    rows = [
        {
            "norm": nm.id,
            "naam": nm.name,
            "dagen": nm.days,
            "n_wachtend": len(now),
            "n_boven_norm": int((now > nm.days).sum()),
        }
        for nm in norms
    ]
    out = pd.DataFrame(rows, columns=["norm", "naam", "dagen", "n_wachtend", "n_boven_norm"])
    out["pct_boven_norm"] = (
        100 * out["n_boven_norm"] / out["n_wachtend"].where(out["n_wachtend"] > 0)
    ).round(1)
    return out


def age_band(
    geboortemaand: pd.Series, *, peildatum: pd.Timestamp, edges: Sequence[int]
) -> pd.Series:
    """Age band at the peildatum from ``YYYY-MM`` (age in whole years, birth day unknown).

    Returns
    -------
    pandas.Series of str
        ``0–4``, ``4–12``, ``12–18``, ``18+`` for edges ``[0, 4, 12, 18]``; ``onbekend`` when
        the birth month is missing.
    """
    born = pd.to_datetime(geboortemaand, format="%Y-%m", errors="coerce")
    months = (peildatum.year * 12 + peildatum.month) - (born.dt.year * 12 + born.dt.month)
    years = (months // 12).astype(float)
    labels = [f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    bands = pd.cut(years, [*edges, np.inf], right=False, labels=labels)
    return bands.astype("string").fillna("onbekend")


def protected_children(
    pathways: pd.DataFrame, *, peildatum: pd.Timestamp, categories: Sequence[str]
) -> set[str]:
    """Clients with a current (not withdrawn) toewijzing in ``categories`` at the peildatum."""
    p = pathways[pathways["categorie"].astype("string").isin(categories).fillna(False)]
    active = (
        p["ToewijzingNummer"].notna()
        & ~p["ingetrokken"].astype("boolean").fillna(False)
        & (p["ingangsdatum"] <= peildatum)
        & (p["einddatum"].isna() | (p["einddatum"] >= peildatum))
    )
    return set(p.loc[active.fillna(False).astype(bool), "client_id"].dropna())


def harmful_waits(
    measured: pd.DataFrame,
    pathways: pd.DataFrame,
    *,
    peildatum: str | pd.Timestamp,
    norm: Norm,
    age_edges: Sequence[int],
    categories: Sequence[str],
) -> pd.DataFrame:
    """Children waiting longer than the "schadelijk wachten" norm, by age band and protection.

    Parameters
    ----------
    measured : pandas.DataFrame
        Output of :func:`measure_waits` (all pathways still waiting at the peildatum count).
    pathways : pandas.DataFrame
        The pathway model, to find a parallel toewijzing in ``categories`` (47/48).
    peildatum : str or pandas.Timestamp
    norm : Norm
        The "schadelijk wachten" norm; waiting strictly longer counts.
    age_edges : sequence of int
        Age band edges in years.
    categories : sequence of str
        Categories of a jeugdbescherming / jeugdreclassering toewijzing.

    Returns
    -------
    pandas.DataFrame
        ``leeftijd, jeugdbescherming (ja/nee), kinderen`` (distinct children), every
        combination of the bands and ja/nee (zero included). Counts only.
    """
    peil = pd.Timestamp(peildatum)
    long = waiting_now(measured)
    long = long[long["dagen"] > norm.days]
    protected = protected_children(pathways, peildatum=peil, categories=categories)
    frame = pd.DataFrame(
        {
            "client_id": long["client_id"],
            "leeftijd": age_band(long["geboortemaand"], peildatum=peil, edges=age_edges),
            "jeugdbescherming": np.where(long["client_id"].isin(protected), "ja", "nee"),
        }
    )
    counts = frame.groupby(["leeftijd", "jeugdbescherming"])["client_id"].nunique()
    labels = [f"{a}–{b}" for a, b in zip(age_edges, age_edges[1:], strict=False)]
    labels += [f"{age_edges[-1]}+"] + (["onbekend"] if "onbekend" in set(frame["leeftijd"]) else [])
    full = pd.MultiIndex.from_product(
        [labels, ["ja", "nee"]], names=["leeftijd", "jeugdbescherming"]
    )
    return counts.reindex(full, fill_value=0).rename("kinderen").reset_index()


def flagged_pathways(
    pathways: pd.DataFrame, flags: pd.DataFrame, *, checks: Sequence[str]
) -> list[str]:
    """Pathways whose current 301 or first 305 a quick-scan check flagged.

    Parameters
    ----------
    pathways : pandas.DataFrame
        The pathway model (``rij_301``, ``rij_305`` = store-row keys).
    flags : pandas.DataFrame
        :meth:`kit.checks.ScanResult.flagged` or the failing records kept by
        :func:`kit.checks.write_flags` (``check_id, record`` with store labels).
    checks : sequence of str
        Check ids whose failing records count, e.g. ``["start_automatisch"]``.

    Returns
    -------
    list of str
        ``pathway_id``s, sorted.
    """
    f = flags[flags["check_id"].astype("string").isin(list(checks))]
    if "afwijkend" in f:
        f = f[f["afwijkend"].astype(bool)]
    records = set(f["record"].astype("string"))
    hit = pathways["rij_301"].isin(records) | pathways["rij_305"].isin(records)
    return sorted(pathways.loc[hit.fillna(False).astype(bool), "pathway_id"])


def sensitivity(
    summary: pd.DataFrame, summary_without: pd.DataFrame, n_flagged: pd.Series
) -> pd.DataFrame:
    """Side by side: the estimates with and without the flagged pathways.

    Parameters
    ----------
    summary, summary_without : pandas.DataFrame
        :func:`summarise` output on all pathways and without the flagged ones.
    n_flagged : pandas.Series
        Flagged pathways that would otherwise count, indexed by ``(definitie, groep)``.

    Returns
    -------
    pandas.DataFrame
        ``definitie, groep, n, mediaan_dagen, n_zonder, mediaan_zonder_dagen, n_gemarkeerd,
        verschil_dagen``, only groups with flagged pathways (and ``totaal``).
    """
    key = ["definitie", "groep"]
    merged = summary[[*key, "n", "mediaan_dagen"]].merge(
        summary_without[[*key, "n", "mediaan_dagen"]].rename(
            columns={"n": "n_zonder", "mediaan_dagen": "mediaan_zonder_dagen"}
        ),
        on=key,
        how="left",
    )
    merged["n_zonder"] = merged["n_zonder"].fillna(0).astype(int)
    flagged = n_flagged.rename("n_gemarkeerd").reset_index()
    merged = merged.merge(flagged, on=key, how="left")
    merged["n_gemarkeerd"] = merged["n_gemarkeerd"].fillna(0).astype(int)
    merged["verschil_dagen"] = merged["mediaan_zonder_dagen"] - merged["mediaan_dagen"]
    keep = (merged["groep"] == TOTAL) | (merged["n_gemarkeerd"] > 0)
    return merged[keep].reset_index(drop=True)
