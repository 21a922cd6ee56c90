"""Every trend table at once (:func:`compute_trends`) and the shared CSV tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kit import config
from kit.trends.funnels import auto_305_records, funnel, funnel_counts, late_305_records
from kit.trends.months import LEVELS, last_complete_month
from kit.trends.provisional import completeness, flag_provisional, message_lags
from kit.trends.queue import (
    WIJZER_PROTECTION,
    QueueSettings,
    availability,
    littles_law,
    queue_indicators,
    wait_text,
)
from kit.trends.rates import population_rates
from kit.trends.series import SERIES_PROTECTION, measured_waits, monthly_series, stock_flow

# ------------------------------------------------------------------------------------------
# Everything at once


@dataclass
class Trends:
    """All trend tables of one region on one peildatum (not suppressed).

    Attributes
    ----------
    series : pandas.DataFrame
        :func:`kit.trends.monthly_series` with ``voorlopig`` (and rates per 1,000 when given).
    completeness : pandas.DataFrame
        :func:`kit.trends.completeness` of every berichttype (``volledigheid`` per month).
    stock_flow : pandas.DataFrame
        :func:`kit.trends.stock_flow` on every level.
    little : pandas.DataFrame
        :func:`kit.trends.littles_law` for the region and per categorie.
    funnels : pandas.DataFrame
        :func:`kit.trends.funnel` of every indicator and level.
    availability : pandas.DataFrame
        The Beschikbaarheidswijzer (:func:`kit.trends.availability`; shared as ``wijzer``).
    queue_indicators : pandas.DataFrame
        :func:`kit.trends.queue_indicators`.
    """

    peildatum: pd.Timestamp
    series: pd.DataFrame
    completeness: pd.DataFrame
    stock_flow: pd.DataFrame
    little: pd.DataFrame
    funnels: pd.DataFrame
    availability: pd.DataFrame
    queue_indicators: pd.DataFrame
    threshold_complete: float
    queue: QueueSettings = field(default_factory=QueueSettings)
    norm_days: int = 70
    rates: bool = False


def compute_trends(
    data: object,
    *,
    population: pd.DataFrame | None = None,
    threshold_complete: float | None = None,
    norm_weeks: float | None = None,
    funnel_months: int = 12,
    gemeenten: tuple[str, ...] | list[str] = (),
) -> Trends:
    """Compute every trend table from a scan's data.

    Parameters
    ----------
    data : kit.checks.base.ScanData
        From :func:`kit.checks.prepare_scan` (messages after the peildatum left out).
    population : pandas.DataFrame, optional
        :func:`read_population`; adds ``<reeks>_per_1000`` series.
    threshold_complete : float, optional
        Months of a series below this completeness (0..1) are ``voorlopig``; default
        ``voorlopig.min_volledigheid`` of the shipped ``waiting_times.yaml``
        (:func:`kit.config.min_complete`).
    norm_weeks : float, optional
        Waiting-time norm for ``binnen_norm`` and the queueing indicators; default
        ``trends.norm_weken`` of ``waiting_times.yaml`` (:func:`kit.config.trend_settings`).
    funnel_months : int
        Period of the funnel indicators (complete months up to the peildatum).
    gemeenten : sequence of str
        Keep only these gemeenten (empty = all); the ``regio`` level is then their total.
        Message lateness is still learnt from the whole store.

    Returns
    -------
    Trends
    """
    if threshold_complete is None:
        threshold_complete = config.min_complete()
    if norm_weeks is None:
        norm_weeks = config.trend_settings()["norm_weken"]
    peil = data.peildatum
    p = data.pathways
    auto, late = auto_305_records(data), late_305_records(data)
    if gemeenten:
        p = p[p["gemeente"].isin(list(gemeenten))].reset_index(drop=True)
        auto = auto[auto["gemeente"].isin(list(gemeenten))]
        late = late[late["gemeente"].isin(list(gemeenten))]
    waits = measured_waits(p, peildatum=peil)
    series = monthly_series(p, peildatum=peil, waits=waits)
    if population is not None:
        series = pd.concat([series, population_rates(series, population)], ignore_index=True)
    months = sorted(series["maand"].unique())
    lags = message_lags(data.pathways, data.tables.get("prestaties"))
    compl = completeness(lags, peildatum=peil, months=months)
    series = flag_provisional(series, compl, threshold=threshold_complete)
    # a month after the last message in the store cannot be complete, whatever the lags say
    last_sent = data.tables["berichten"]["Dagtekening"].max()
    after = series["maand"] > (str(last_sent)[:7] if pd.notna(last_sent) else "")
    series["voorlopig"] = series["voorlopig"] | after
    norm_days = int(round(norm_weeks * 7))
    counts = funnel_counts(
        p, auto, waits, peildatum=peil, months=funnel_months, norm_days=norm_days, late305=late
    )
    funnels = pd.concat(
        [
            funnel(group.drop(columns=["indicator", "niveau"])).assign(indicator=ind, niveau=lvl)
            for (ind, lvl), group in counts.groupby(["indicator", "niveau"], sort=False)
        ]
        # no unit to judge (say, no toewijzing yet): an empty table with the same columns
        or [
            funnel(counts.drop(columns=["indicator", "niveau"]), target=0.0).assign(
                indicator="", niveau=""
            )
        ],
        ignore_index=True,
    )
    queue = QueueSettings.from_yaml(norm_weeks)
    return Trends(
        peildatum=peil,
        series=series,
        completeness=compl,
        stock_flow=stock_flow(series, levels=LEVELS),
        little=pd.concat(
            [littles_law(p, peildatum=peil, level=lvl) for lvl in ("regio", "categorie")],
            ignore_index=True,
        ),
        funnels=funnels,
        availability=availability(p, peildatum=peil, waits=waits),
        queue_indicators=queue_indicators(p, peildatum=peil, settings=queue),
        threshold_complete=threshold_complete,
        queue=queue,
        norm_days=norm_days,
        rates=population is not None,
    )


def shared_tables(trends: Trends) -> dict:
    """The CSV tables of ``python -m kit trends``, for :func:`kit.outputs.write_shared`.

    Returns
    -------
    dict of kit.outputs.SharedTable
        ``maand`` (``maand, niveau, eenheid, reeks, waarde, voorlopig, n``: ``waarde`` is
        blanked with ``n``) and ``wijzer`` (the Beschikbaarheidswijzer with
        ``verwachte_wachttijd`` as text; medians blanked with their cohort counts).
    """
    from kit.outputs import SharedTable

    maand = trends.series[["maand", "niveau", "eenheid", "reeks", "waarde", "voorlopig", "n"]]
    maand = maand.assign(waarde=maand["waarde"].round(3)).sort_values(
        ["niveau", "eenheid", "reeks", "maand"]
    )
    w = trends.availability
    last = last_complete_month(trends.peildatum)
    provisional = trends.completeness[
        (trends.completeness["bericht"] == "305") & (trends.completeness["maand"] == last)
    ]["volledigheid"]
    wijzer = w.assign(
        verwachte_wachttijd=[
            wait_text(*row)
            for row in w[["mediaan_dagen", "ci_laag_dagen", "ci_hoog_dagen"]]
            .astype(float)
            .itertuples(index=False)
        ],
        voorlopig=bool((provisional < trends.threshold_complete).any()),
    )
    for col in ("mediaan_dagen", "ci_laag_dagen", "ci_hoog_dagen", "mediaan_vorig_dagen"):
        wijzer[col] = wijzer[col].replace(np.inf, np.nan).round(1)
    wijzer = wijzer.drop(columns=["max_duur", "max_duur_vorig"])
    return {
        "maand": SharedTable.protected(maand.reset_index(drop=True), SERIES_PROTECTION),
        "wijzer": SharedTable.protected(wijzer, WIJZER_PROTECTION),
    }
