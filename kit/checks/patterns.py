"""Named findings per aanbieder: the sending patterns that distort waiting times.

- **automatic 305**: the start is sent within a day of the toewijzing with Begindatum equal to
  the Ingangsdatum, so "wachttijd na toewijzing" is about zero;
- **315 close to the start (gespreksagenda)**: an aanbieder whose care starts far sooner after
  the verzoek om toewijzing (315) than at its peers in the same product category may send the
  315 only when the child leaves its own waiting list; the real wait then lies before the 315.
  Messages cannot prove that, so this is a question for the conversation, never a verdict, and
  it is never asked from starts that look automatic (their Begindatum is the Ingangsdatum, so
  "315 close to the start" would be true by construction);
- **zero-day first declaration**: the first ProductPeriode begins on the Ingangsdatum by rule
  (TR387) whenever care is declared in the first month, so "Ingangsdatum -> first 323" is 0 days.

The thresholds live in ``checks.yaml`` under ``aanbiederspatronen``; a region's own copy of the
checks file overrides them key by key (:func:`load_pattern_params`).
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from kit.checks.base import Param, ScanData, validate_parameters
from kit.checks.starts import judge_automatic
from kit.codelists import group
from kit.config import package_yaml, read_yaml

#: the parameters of the ``aanbiederspatronen`` block (values only in ``checks.yaml``)
PATTERN_PARAMETERS = {
    "auto_aandeel_pct": Param("float", 0),
    "laat_aandeel_pct": Param("float", 0),
    "vot_start_dagen": Param("int", 0),
    "min_n": Param("int", 1),
    "min_aanbieders": Param("int", 1),
    "min_verschil_dagen": Param("float", 0),
    "betrouwbaarheid": Param("float", 0.5, 0.999),
    "vraag": Param("str"),
}


def _pattern_block(doc: dict, where: str) -> dict:
    block = doc.get("aanbiederspatronen") or {}
    if not isinstance(block, dict):
        raise ValueError(f"{where}: 'aanbiederspatronen:' moet sleutels met waarden bevatten.")
    return dict(block)


def load_pattern_params(path: str | Path | None = None) -> dict:
    """The ``aanbiederspatronen`` block of a checks file (the shipped ``checks.yaml`` when None).

    A region's own copy overrides the shipped values key by key; a key it leaves out (or a copy
    without the block) keeps the shipped value.

    Raises
    ------
    ValueError
        When the block is not a mapping or names a key the shipped block does not have.

    Notes
    -----
    What looks like an automatic 305 is the check ``start_automatisch``'s to say: its
    ``max_werkdagen_na_301`` and ``verwacht_categorieen`` (from the same checks file; the kit's
    when a copy leaves the check out) are added as ``auto_werkdagen`` and ``auto_verwacht``, so
    the patterns and the check never disagree.
    """
    from kit.checks import load_checks

    params = _pattern_block(package_yaml("checks/checks.yaml"), "checks.yaml")
    where = "checks.yaml: aanbiederspatronen"
    if path is not None:
        own = _pattern_block(read_yaml(path), str(path))
        unknown = sorted(set(own) - set(params))
        if unknown:
            raise ValueError(
                f"{path}: onbekende sleutel(s) onder 'aanbiederspatronen:': {', '.join(unknown)} "
                f"(bekend: {', '.join(params)})"
            )
        params, where = params | own, f"{path}: aanbiederspatronen"
    params = validate_parameters(params, PATTERN_PARAMETERS, where)
    own_checks = load_checks(Path(path)) if path is not None else []
    auto = next(
        c.parameters
        for c in [*own_checks, *load_checks()]  # a copy without the check: the kit's
        if c.id == "start_automatisch"
    )
    return params | {
        "auto_werkdagen": auto["max_werkdagen_na_301"],
        "auto_verwacht": tuple(auto["verwacht_categorieen"]),
    }


def median_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """Distribution-free interval for the median: two order statistics (sign-test ranks).

    The interval ``[x_(l), x_(n-1-l)]`` (0-based, sorted) with ``l`` the largest rank for which
    ``P(Binomial(n, 1/2) <= l) <= (1 - confidence) / 2``; exact binomial up to n = 1000, the
    normal approximation above. Missing when n is too small for the confidence asked.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    tail = (1 - confidence) / 2
    if n > 1000:
        z = NormalDist().inv_cdf(1 - tail)
        low = int(math.floor(n / 2 - z * math.sqrt(n) / 2)) - 1
    else:
        cumulative, low = 0.0, -1
        for k in range(n + 1):
            cumulative += math.comb(n, k) / 2**n
            if cumulative > tail:
                break
            low = k
    if low < 0:
        return (math.nan, math.nan)
    return (float(x[low]), float(x[n - 1 - low]))


def vot_start_comparison(
    started: pd.DataFrame,
    *,
    min_n: int,
    min_peers: int,
    min_difference: float,
    confidence: float,
) -> pd.DataFrame:
    """Per aanbieder: days from 315 to start compared with its peers in the same category.

    Parameters
    ----------
    started : pandas.DataFrame
        Started pathways with a 315 (``aanbieder, categorie, vot_dagtekening,
        start_begindatum``) whose start does not look automatic.
    min_n : int
        Fewest pathways of the aanbieder to compare, and of another aanbieder in the category
        to count as a peer.
    min_peers : int
        Fewest peers (other aanbieders) in a category to compare with.
    min_difference : float
        The signal needs the whole interval at least this many days below the peers.
    confidence : float
        Confidence of the interval (e.g. 0.95).

    Returns
    -------
    pandas.DataFrame
        Index aanbieder: ``n_vot_vergeleken`` (its pathways in categories with enough peers),
        ``mediaan_vot_start_dagen``, ``verschil_vot_start_dagen`` (median over its pathways of
        the days 315 -> start minus the peers' median in the same category: the median of the
        medians of the other aanbieders, so that each counts once),
        ``verschil_laag, verschil_hoog`` (the rank-based interval of that median, the peers'
        medians taken as known), ``vot_signaal`` (that interval, or the one of a single
        category with at least ``min_n`` pathways, lies wholly below ``-min_difference``) and
        ``vot_signaal_categorieen`` (those categories).
    """
    days = (started["start_begindatum"] - started["vot_dagtekening"]).dt.days.astype(float)
    frame = pd.DataFrame(
        {"aanbieder": started["aanbieder"], "categorie": started["categorie"], "dagen": days}
    ).dropna()
    # each peer counts once (a large slow aanbieder does not make the others look fast): the
    # reference is the median of the medians of the other aanbieders with at least min_n
    sizes = frame.groupby(["aanbieder", "categorie"])["dagen"].agg(["size", "median"])
    medians = sizes.loc[sizes["size"] >= min_n, "median"].rename("dagen").reset_index()

    def far_below(diff: np.ndarray) -> tuple[float, float, bool]:
        if len(diff) < min_n:
            return (np.nan, np.nan, False)
        low, high = median_interval(diff, confidence)
        return (low, high, bool(high <= -min_difference))

    rows = []
    for aanbieder, own in frame.groupby("aanbieder", sort=True):
        differences, flagged = [], []
        for categorie, mine in own.groupby("categorie", sort=True):
            peers = medians.loc[
                (medians["categorie"] == categorie) & (medians["aanbieder"] != aanbieder), "dagen"
            ]
            if len(peers) >= min_peers:
                diff = mine["dagen"].to_numpy() - peers.median()
                differences.append(diff)
                if far_below(diff)[2]:
                    flagged.append(str(categorie))
        diff = np.concatenate(differences) if differences else np.array([])
        low, high, pooled = far_below(diff)
        rows.append(
            {
                "aanbieder": aanbieder,
                "n_vot_vergeleken": len(diff),
                "mediaan_vot_start_dagen": own["dagen"].median(),
                "verschil_vot_start_dagen": np.median(diff) if len(diff) >= min_n else np.nan,
                "verschil_laag": low,
                "verschil_hoog": high,
                "vot_signaal": pooled or bool(flagged),
                "vot_signaal_categorieen": ", ".join(flagged),
            }
        )
    columns = [
        "aanbieder",
        "n_vot_vergeleken",
        "mediaan_vot_start_dagen",
        "verschil_vot_start_dagen",
        "verschil_laag",
        "verschil_hoog",
        "vot_signaal",
        "vot_signaal_categorieen",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("aanbieder")


def provider_patterns(data: ScanData, params: dict | None = None) -> pd.DataFrame:
    """Share of each pattern per aanbieder (not suppressed).

    Parameters
    ----------
    data : ScanData
        The scan's data (pathways are used).
    params : dict, optional
        The ``aanbiederspatronen`` block of ``checks.yaml`` (the shipped one when None) with the
        check ``start_automatisch``'s threshold and categories (``auto_werkdagen``,
        ``auto_verwacht``; see :func:`load_pattern_params`),
        ``auto_aandeel_pct`` (from this share of automatic-looking 305s on, no 315 figure of the
        aanbieder is shown), ``vot_start_dagen`` (care within this many days after the 315
        counts as "VOT bij start"), ``min_n``, ``min_aanbieders``, ``min_verschil_dagen``,
        ``betrouwbaarheid`` (see
        :func:`vot_start_comparison`) and ``vraag`` (the gespreksagenda text).

    Returns
    -------
    pandas.DataFrame
        One row per aanbieder: ``n_starts, n_auto_305, pct_auto_305`` (starts outside crisis
        46 and GI 47/48, where a start on the Ingangsdatum is real or agreed); from starts that
        do not look automatic: ``n_vot_gestart, n_vot_bij_start, pct_vot_bij_start,
        mediaan_vot_toewijzing_dagen, mediaan_toewijzing_start_dagen`` and the peer comparison
        ``n_vot_vergeleken, mediaan_vot_start_dagen, verschil_vot_start_dagen, verschil_laag,
        verschil_hoog, gespreksagenda_vot`` (the question, when the interval lies wholly at
        least ``min_verschil_dagen`` below the peers; "niet te vergelijken" when the
        aanbieder's 305s mostly look automatic); ``n_gedeclareerd, n_nul_dagen_declaratie,
        pct_nul_dagen_declaratie``.
    """
    params = load_pattern_params() if params is None else params
    p = data.pathways[data.pathways["ToewijzingNummer"].notna()]
    p = p[~p["categorie"].isin(group("gi"))]
    started = p[p["start_begindatum"].notna()]
    # crisis starts really at once, a GI start is agreed to follow the 301 right away
    auto, expected = judge_automatic(
        data.calendar,
        started.rename(
            columns={"start_begindatum": "Begindatum", "start_dagtekening": "Dagtekening"}
        ),
        max_workdays=params["auto_werkdagen"],
        expected=params["auto_verwacht"],
    )
    judged = started[~expected.to_numpy()]
    auto = auto[~expected.to_numpy()]
    # a start that looks automatic says nothing about when care began: no 315 or wait figure
    real = judged[~auto.to_numpy()]
    vot = real[real["vot_dagtekening"].notna()]  # a crisis VOT comes after the start
    vot_start_days = params["vot_start_dagen"]
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
                real["start_begindatum"] - real["eerste_toewijzingsdatum"]
            )
            .dt.days.groupby(real[by])
            .median(),
            "n_gedeclareerd": declared.groupby(by).size(),
            "n_nul_dagen_declaratie": zero.groupby(declared[by]).sum(),
        }
    )
    comparison = vot_start_comparison(
        vot,
        min_n=params["min_n"],
        min_peers=params["min_aanbieders"],
        min_difference=params["min_verschil_dagen"],
        confidence=params["betrouwbaarheid"],
    )
    out = out.join(comparison, how="left")
    counts = [c for c in out.columns if c.startswith("n_")]
    out[counts] = out[counts].astype("Float64").fillna(0).astype(int)
    out["pct_auto_305"] = _pct(out["n_auto_305"], out["n_starts"])
    out["pct_vot_bij_start"] = _pct(out["n_vot_bij_start"], out["n_vot_gestart"])
    out["pct_nul_dagen_declaratie"] = _pct(out["n_nul_dagen_declaratie"], out["n_gedeclareerd"])
    mostly_auto = out["pct_auto_305"] >= params["auto_aandeel_pct"]
    agenda = pd.Series(pd.NA, index=out.index, dtype="string")
    signal = out["vot_signaal"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    question = params["vraag"].strip()
    categories = out["vot_signaal_categorieen"].fillna("").astype(str)
    agenda[signal] = [
        f"{question} (productcategorie {c})" if c else question for c in categories[signal]
    ]
    agenda[mostly_auto] = "niet te vergelijken: de 305's lijken automatisch"
    out["gespreksagenda_vot"] = agenda
    figures = [
        "pct_vot_bij_start",
        "mediaan_toewijzing_start_dagen",
        "mediaan_vot_start_dagen",
        "verschil_vot_start_dagen",
        "verschil_laag",
        "verschil_hoog",
    ]
    out.loc[mostly_auto, figures] = np.nan
    order = [
        "n_starts",
        "n_auto_305",
        "pct_auto_305",
        "n_vot_gestart",
        "n_vot_bij_start",
        "pct_vot_bij_start",
        "mediaan_vot_toewijzing_dagen",
        "mediaan_toewijzing_start_dagen",
        "n_vot_vergeleken",
        "mediaan_vot_start_dagen",
        "verschil_vot_start_dagen",
        "verschil_laag",
        "verschil_hoog",
        "gespreksagenda_vot",
        "n_gedeclareerd",
        "n_nul_dagen_declaratie",
        "pct_nul_dagen_declaratie",
    ]
    return out[order].rename_axis(by).reset_index().sort_values(by).reset_index(drop=True)


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(1)
