"""Provisional months: how complete each month's messages are on the peildatum.

From each message's own lag (Dagtekening - event date), the share of a month's events that has
arrived by the peildatum; series resting on a month below the threshold are ``voorlopig``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.trends.series import series_messages

# ------------------------------------------------------------------------------------------
# Provisional months


def message_lags(pathways: pd.DataFrame, prestaties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Event date and Dagtekening of each message, to learn how late messages arrive.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    prestaties : pandas.DataFrame, optional
        Store table ``prestaties`` (323 lines), cut at the peildatum.

    Returns
    -------
    pandas.DataFrame
        ``bericht, datum, dagtekening``: 301 first Toewijzingsdatum, 305 Begindatum, 307
        Einddatum and 323 ProductPeriode begin date, each with the Dagtekening of that message.
    """
    pairs = [
        ("301", pathways["eerste_toewijzingsdatum"], pathways["eerste_dagtekening"]),
        ("305", pathways["start_begindatum"], pathways["start_dagtekening"]),
        ("307", pathways["stop_einddatum"], pathways["stop_dagtekening"]),
    ]
    if prestaties is not None and len(prestaties):
        debet = prestaties[prestaties["IngediendBedragDebetCredit"].fillna("D") == "D"]
        pairs.append(("323", debet["ProductPeriodeBegindatum"], debet["Dagtekening"]))
    frames = [
        pd.DataFrame({"bericht": b, "datum": d.to_numpy(), "dagtekening": s.to_numpy()})
        for b, d, s in pairs
    ]
    return pd.concat(frames, ignore_index=True).dropna(subset=["datum", "dagtekening"])


def completeness(
    lags: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    months: list[str],
    horizon: int = 180,
    min_events: int = 30,
) -> pd.DataFrame:
    """Estimate per berichttype how complete each month is on the peildatum.

    The lag distribution F (days from event to Dagtekening, negative lags as 0) is learnt from
    the events of the year that ended ``horizon`` days before the peildatum, whose lags up to
    ``horizon`` days have all been observed. A month's completeness is the mean over its days
    d of F(peildatum - d): the expected share of its events that has arrived. Lags longer
    than ``horizon`` are assumed not to occur.

    Parameters
    ----------
    lags : pandas.DataFrame
        Output of :func:`message_lags`.
    peildatum : pandas.Timestamp or str
        Reference date.
    months : list of str
        Months (``JJJJ-MM``) to estimate, none after the peildatum.
    horizon : int
        Longest lag (days) taken into account.
    min_events : int
        Fewer events in the learning year: completeness unknown (missing).

    Returns
    -------
    pandas.DataFrame
        ``bericht, maand, volledigheid`` (0..1), plus ``n_leer`` (events F was learnt from).
    """
    peil = pd.Timestamp(peildatum)
    days = pd.date_range(pd.Period(months[0], "M").start_time, peil, freq="D")
    day_month = days.strftime("%Y-%m")
    age = np.minimum((peil - days).days.to_numpy(), horizon)
    parts = []
    for bericht, group in lags.groupby("bericht", sort=True):
        learn = group[
            group["datum"].between(
                peil - pd.Timedelta(days=horizon + 365), peil - pd.Timedelta(days=horizon)
            )
        ]
        lag = (learn["dagtekening"] - learn["datum"]).dt.days.clip(lower=0, upper=horizon + 1)
        if len(learn) < min_events:
            per_day = np.full(len(days), np.nan)
        else:
            counts = np.bincount(lag.to_numpy(int), minlength=horizon + 2)[: horizon + 1]
            cdf = np.cumsum(counts) / len(learn)
            cdf[-1] = 1.0  # lags beyond the horizon are assumed not to occur
            per_day = cdf[age]
        frame = pd.DataFrame({"maand": day_month, "f": per_day})
        by_month = frame.groupby("maand")["f"].mean().reindex(months)
        parts.append(
            pd.DataFrame(
                {
                    "bericht": bericht,
                    "maand": months,
                    "volledigheid": by_month.to_numpy(),
                    "n_leer": len(learn),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def last_complete(
    volledigheid: pd.DataFrame, bericht: str, *, threshold: float
) -> str | None:
    """The last month of ``bericht`` before the trailing run of provisional months.

    Parameters
    ----------
    volledigheid : pandas.DataFrame
        Output of :func:`completeness`. Unknown completeness counts as complete (as in
        :func:`flag_provisional`).
    bericht : str
        Berichttype, e.g. ``"323"``.
    threshold : float
        Smallest completeness (0..1) of a final month.

    Returns
    -------
    str or None
        ``JJJJ-MM``; None when every month is provisional or the berichttype is unknown.
    """
    rows = volledigheid[volledigheid["bericht"] == bericht].sort_values("maand")
    final = ~(rows["volledigheid"] < threshold).to_numpy()
    if not final.any():
        return None
    return str(rows["maand"].iloc[int(np.flatnonzero(final)[-1])])


def flag_provisional(
    series: pd.DataFrame, volledigheid: pd.DataFrame, *, threshold: float
) -> pd.DataFrame:
    """Add ``voorlopig``: the month of a series rests on a berichttype below ``threshold``.

    Parameters
    ----------
    series : pandas.DataFrame
        Has ``maand`` and ``reeks``.
    volledigheid : pandas.DataFrame
        Output of :func:`completeness`. Unknown completeness does not make a month provisional.
    threshold : float
        Smallest completeness (0..1) of a final month.

    Returns
    -------
    pandas.DataFrame
        ``series`` with a boolean column ``voorlopig``.
    """
    low = volledigheid[volledigheid["volledigheid"] < threshold]
    low_pairs = set(zip(low["bericht"], low["maand"], strict=True))
    messages = {r: series_messages(r) for r in series["reeks"].unique()}
    provisional = {(r, m) for r, bs in messages.items() for b, m in low_pairs if b in bs}
    keys = pd.MultiIndex.from_frame(series[["reeks", "maand"]])
    flag = keys.isin(list(provisional)) if provisional else np.zeros(len(series), bool)
    return series.assign(voorlopig=flag)
