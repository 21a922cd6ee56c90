"""Rates per 1,000 jeugdigen from a public population table (fair comparison of gemeenten)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.trends.months import REGIO

#: count series that get a rate per 1,000 jeugdigen when a population table is given
RATE_SERIES = (
    "verzoeken",
    "toewijzingen",
    "starts",
    "stops",
    "wachtlijst",
    "wachtlijst_kinderen",
    "in_zorg",
    "in_zorg_kinderen",
)
POPULATION_COLUMNS = ("gemeente", "jaar", "aantal_0_17")

# ------------------------------------------------------------------------------------------
# Rates per 1,000 jeugdigen


def read_population(path: Path | str) -> pd.DataFrame:
    """Read a population table: one row per gemeente and year.

    Expected columns (more are ignored): ``gemeente`` (the gemeentecode as in the messages,
    e.g. ``0363``), ``jaar`` (e.g. 2025) and ``aantal_0_17`` (inhabitants aged 0 to 17 on
    1 January of that year, as in CBS StatLine table "Bevolking; geslacht, leeftijd en
    burgerlijke staat, 1 januari"). Comma separated, UTF-8.

    Parameters
    ----------
    path : pathlib.Path or str
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        ``gemeente`` (string, 4 digits), ``jaar`` (int), ``aantal_0_17`` (int).

    Raises
    ------
    ValueError
        Naming the file and the column that is missing or holds a wrong value.
    """
    try:
        frame = pd.read_csv(path, dtype={"gemeente": "string"})
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: het bestand is leeg") from None
    except pd.errors.ParserError:
        raise ValueError(
            f"{path}: geen geldige CSV (een regel met te veel velden of een aanhalingsteken "
            "zonder sluitteken)"
        ) from None
    missing = [c for c in POPULATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: kolom(men) ontbreken: {', '.join(missing)}")
    out = frame[list(POPULATION_COLUMNS)].copy()
    out["gemeente"] = out["gemeente"].str.strip().str.zfill(4)
    for col in ("jaar", "aantal_0_17"):
        number = pd.to_numeric(out[col], errors="coerce")
        if number.isna().any() or (number <= 0).any() or (number % 1 != 0).any():
            raise ValueError(f"{path}: kolom {col} moet overal een positief geheel getal zijn")
        out[col] = number.astype(int)
    if out.duplicated(["gemeente", "jaar"]).any():
        raise ValueError(f"{path}: een gemeente staat meer dan eens in hetzelfde jaar")
    return out


def population_rates(series: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Series per 1,000 jeugdigen for gemeenten and the region.

    A month uses the population of its year, or of the nearest earlier year in the table
    (the nearest later one when there is none). The region's rate is only given when every
    gemeente in the series has a population.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`monthly_series` (levels ``regio`` and ``gemeente`` are used).
    population : pandas.DataFrame
        Output of :func:`read_population`.

    Returns
    -------
    pandas.DataFrame
        Rows like ``series`` for the reeksen in :data:`RATE_SERIES`, named
        ``<reeks>_per_1000``; ``n`` stays the count, so suppression follows the count.
    """
    counts = series[
        series["reeks"].isin(RATE_SERIES) & series["niveau"].isin(["regio", "gemeente"])
    ].copy()
    counts["jaar"] = counts["maand"].str[:4].astype(int)
    gemeenten = sorted(series.loc[series["niveau"] == "gemeente", "eenheid"].unique())
    years = sorted(counts["jaar"].unique())
    lookup = _population_by_year(population, years)
    if set(gemeenten) <= set(population["gemeente"]):
        region = lookup[lookup["gemeente"].isin(gemeenten)].groupby("jaar")["aantal_0_17"].sum()
        lookup = pd.concat([lookup, region.reset_index().assign(gemeente=REGIO)], ignore_index=True)
    merged = counts.merge(
        lookup.rename(columns={"gemeente": "eenheid"}), on=["eenheid", "jaar"], how="inner"
    )
    merged = merged[(merged["niveau"] == "regio") == (merged["eenheid"] == REGIO)]
    merged["waarde"] = 1000 * merged["waarde"] / merged["aantal_0_17"]
    merged["reeks"] = merged["reeks"] + "_per_1000"
    return merged[series.columns].reset_index(drop=True)


def _population_by_year(population: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    wanted = pd.DataFrame(
        [(g, y) for g in population["gemeente"].unique() for y in years],
        columns=["gemeente", "jaar"],
    ).astype({"gemeente": "string", "jaar": "int64"})
    wanted = wanted.sort_values("jaar")
    pop = population.astype({"gemeente": "string", "jaar": "int64"}).sort_values("jaar")
    back = pd.merge_asof(wanted, pop, on="jaar", by="gemeente", direction="backward")
    fwd = pd.merge_asof(wanted, pop, on="jaar", by="gemeente", direction="forward")
    back["aantal_0_17"] = back["aantal_0_17"].fillna(fwd["aantal_0_17"])
    return back.dropna(subset=["aantal_0_17"])
