"""Quality over time: the quick scan's history per peildatum in the store (issue 20).

Each quick scan (``python -m kit quickscan``) keeps its counts in the store table
``kwaliteit_historie`` (``STORE/kwaliteit_historie/historie.parquet``): per peildatum, check,
aanbieder, gemeente and kwartaal (the quarter of the record's reference date) the records
assessed and failing. Writing a peildatum again replaces that peildatum's rows. The table holds
counts only (no record keys, no pseudonyms) and stays in the store.

:func:`quality_scores` gives each check's score (% of assessed records that pass) per kwartaal
per aanbieder, gemeente or the region, with the SPC verdict of :func:`kit.trends.xmr` (the
rules of the trends) when there are enough quarters. :func:`quality_chart` draws it from the
protected frame (:data:`QUALITY_PROTECTION`). The notebook section is at the bottom.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kit import config
from kit.checks import ScanResult, chunk_labels, count_groups

if TYPE_CHECKING:
    import altair as alt

    from kit.sections.quickscan import QuickscanContext
from kit.privacy import Protection
from kit.store import StoreError, write_atomic
from kit.trends import xmr

HISTORY_TABLE = "kwaliteit_historie"
HISTORY_FILE = "historie.parquet"
HISTORY_COLUMNS = [
    "peildatum",
    "check_id",
    "aanbieder",
    "gemeente",
    "kwartaal",
    "n_beoordeeld",
    "n_afwijkend",
]
REGION = "regio"
#: disclosure control of :func:`quality_scores` (a share rests on the records assessed)
QUALITY_PROTECTION = Protection(
    ("n_beoordeeld", "n_afwijkend"),
    {"pct_goed": ["n_beoordeeld"], "oordeel": ["n_beoordeeld"]},
)


def quality_settings(path: str | Path | None = None) -> dict:
    """The ``kwaliteit_in_de_tijd`` block of a checks file (a region's copy overrides the kit's)."""
    settings = dict(config.package_yaml("checks/checks.yaml").get("kwaliteit_in_de_tijd") or {})
    if path:
        own = config.read_yaml(path).get("kwaliteit_in_de_tijd") or {}
        if not isinstance(own, dict):
            raise ValueError(f"{path}: 'kwaliteit_in_de_tijd:' moet naam: waarde-paren bevatten")
        settings |= own
    return settings


def quarter_labels(dates: pd.Series) -> pd.Series:
    """``JJJJ-Kn`` of each date (``2025-K3``); missing stays missing."""
    d = pd.to_datetime(dates)
    label = (
        d.dt.year.astype("Int64").astype("string")
        + "-K"
        + d.dt.quarter.astype("Int64").astype("string")
    )
    return label


def history_rows(result: ScanResult, *, peildatum: str | pd.Timestamp) -> pd.DataFrame:
    """The history rows of one quick scan: counts per check, aanbieder, gemeente and kwartaal.

    Only quarters that ended on or before the peildatum: a quarter still running is incomplete.
    """
    peil = pd.Timestamp(peildatum)
    flags = result.flags
    # the flags hold a row per record and check (tens of millions): each distinct date's
    # quarter is worked out once (chunk_labels); group on the categorical codes (no strings, no
    # copies of the columns); quarters that have not ended and missing dates get no code

    def ended_quarters(days: np.ndarray) -> list:
        days = pd.Series(pd.to_datetime(days))
        ended = days.dt.to_period("Q").dt.end_time.dt.normalize() <= peil
        return [q if done else None for q, done in zip(quarter_labels(days), ended, strict=True)]

    dates = flags["datum"].to_numpy(dtype="datetime64[ns]")
    per_row, quarters = chunk_labels(dates, ended_quarters)
    keys = ["check_id", "aanbieder", "gemeente", "kwartaal"]
    frame = pd.DataFrame(
        {
            "check_id": flags["check_id"].astype("category").array,
            "aanbieder": flags["aanbieder"].astype("category").array,
            "gemeente": flags["gemeente"].astype("category").array,
            "kwartaal": pd.Categorical.from_codes(per_row, categories=quarters),
            "afwijkend": flags["afwijkend"].to_numpy(dtype=bool),
        },
        copy=False,
    )
    out = count_groups(frame, keys, "afwijkend").rename(
        columns={"n": "n_beoordeeld", "n_waar": "n_afwijkend"}
    )
    out = out[out["kwartaal"].notna()]
    for col in keys:
        out[col] = out[col].astype(object).where(out[col].notna(), "onbekend").astype(str)
    out = out.sort_values(keys, kind="mergesort").reset_index(drop=True)
    out.insert(0, "peildatum", str(peil.date()))
    return out[HISTORY_COLUMNS].astype({"n_beoordeeld": "int64", "n_afwijkend": "int64"})


def read_history(store: Path) -> pd.DataFrame:
    """The store's quality history (empty with the columns when no quick scan wrote one)."""
    path = Path(store) / HISTORY_TABLE / HISTORY_FILE
    if not path.exists():
        return pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c.startswith("n_") else "string")
                for c in HISTORY_COLUMNS
            }
        )
    try:
        frame = pq.read_table(path).to_pandas()
    except pa.ArrowException:
        raise StoreError(
            f"Tabel {HISTORY_TABLE}/{HISTORY_FILE} in de store {store} is beschadigd. Verwijder "
            "het bestand en draai de quick scan opnieuw voor elke peildatum."
        ) from None
    return frame.astype({c: "string" for c in HISTORY_COLUMNS if not c.startswith("n_")})


def write_history(result: ScanResult, store: Path, *, peildatum: str | pd.Timestamp) -> Path:
    """Add (or replace) one peildatum's rows in the store's quality history, atomically."""
    rows = history_rows(result, peildatum=peildatum)
    old = read_history(store)
    kept = old[old["peildatum"] != rows["peildatum"].iloc[0]] if len(rows) else old
    merged = pd.concat([kept, rows.astype({c: "string" for c in HISTORY_COLUMNS[:5]})])
    merged = merged.sort_values(HISTORY_COLUMNS[:5], kind="mergesort").reset_index(drop=True)
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(merged, preserve_index=False), buffer, compression="zstd")
    path = Path(store) / HISTORY_TABLE / HISTORY_FILE
    write_atomic(path, buffer.getvalue())
    return path


def with_scan(history: pd.DataFrame, result: ScanResult, *, peildatum: str) -> pd.DataFrame:
    """The history with one scan's rows in place of its peildatum (nothing is written)."""
    rows = history_rows(result, peildatum=peildatum)
    kept = history[history["peildatum"] != str(pd.Timestamp(peildatum).date())]
    return pd.concat(
        [kept, rows.astype({c: "string" for c in HISTORY_COLUMNS[:5]})], ignore_index=True
    )


def quality_scores(
    history: pd.DataFrame,
    *,
    level: str = REGION,
    peildatum: str | None = None,
    min_points: int | None = None,
    min_assessed: int | None = None,
) -> pd.DataFrame:
    """Each check's score per kwartaal and unit, with the SPC verdict where there are enough points.

    Parameters
    ----------
    history : pandas.DataFrame
        :func:`read_history` (or :func:`with_scan`).
    level : str
        ``regio``, ``aanbieder`` or ``gemeente``.
    peildatum : str, optional
        Use this scan's rows; None = per kwartaal the latest peildatum that judged it (the
        most complete view of each quarter).
    min_points, min_assessed : int, optional
        Defaults from ``kwaliteit_in_de_tijd`` in ``checks.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``check_id, eenheid, kwartaal, peildatum, n_beoordeeld, n_afwijkend, pct_goed,
        gemiddelde, ondergrens, bovengrens, oordeel, regels`` (not protected: see
        :data:`QUALITY_PROTECTION`). ``oordeel`` is missing when the unit has fewer than
        ``min_points`` quarters with a score; quarters with fewer than ``min_assessed``
        records have no score.
    """
    settings = quality_settings()
    min_points = settings["min_punten_spc"] if min_points is None else min_points
    min_assessed = max(settings["min_beoordeeld"] if min_assessed is None else min_assessed, 1)
    h = history if peildatum is None else history[history["peildatum"] == peildatum]
    if h.empty:
        return pd.DataFrame(
            columns=[
                "check_id",
                "eenheid",
                "kwartaal",
                "peildatum",
                "n_beoordeeld",
                "n_afwijkend",
                "pct_goed",
                "oordeel",
            ]
        )
    latest = h.groupby("kwartaal")["peildatum"].transform("max")
    h = h[h["peildatum"] == latest]
    unit = pd.Series(REGION, index=h.index, dtype="string") if level == REGION else h[level]
    h = h.assign(eenheid=unit)
    out = (
        h.groupby(["check_id", "eenheid", "kwartaal", "peildatum"], sort=True)[
            ["n_beoordeeld", "n_afwijkend"]
        ]
        .sum()
        .reset_index()
    )
    scored = out["n_beoordeeld"] >= min_assessed
    out["pct_goed"] = (100 * (1 - out["n_afwijkend"] / out["n_beoordeeld"])).where(scored)
    parts = []
    for _, one in out.groupby(["check_id", "eenheid"], sort=False):
        values = one.set_index("kwartaal")["pct_goed"].dropna()
        if len(values) >= max(min_points, 2):
            spc = xmr(values, direction=1)
            spc = spc.rename(columns={"maand": "kwartaal"})[
                ["kwartaal", "gemiddelde", "ondergrens", "bovengrens", "oordeel", "regels"]
            ]
            one = one.merge(spc, on="kwartaal", how="left")
        parts.append(one)
    scores = pd.concat(parts, ignore_index=True)
    for col in ("gemiddelde", "ondergrens", "bovengrens", "oordeel", "regels"):
        if col not in scores:
            scores[col] = pd.NA
    return scores


def quality_chart(scores: pd.DataFrame, *, title: str) -> alt.FacetChart:
    """Per check (one panel each) the score per kwartaal, points coloured by their SPC verdict.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`quality_scores` after :data:`QUALITY_PROTECTION` (aggregates only), with a
        ``naam`` column (the check's Dutch name).
    title : str
        Chart title.
    """
    import altair as alt  # a chart only: the quick scan's command line does without

    from kit.charts import SPC_COLORS, _frame

    data = _frame(scores, ["naam", "eenheid", "kwartaal", "pct_goed", "oordeel"]).dropna(
        subset=["pct_goed"]
    )
    data["oordeel"] = data["oordeel"].astype("string").fillna("te weinig kwartalen voor SPC")
    colors = SPC_COLORS | {"te weinig kwartalen voor SPC": "#bbbbbb"}
    base = alt.Chart(data).encode(
        x=alt.X("kwartaal:O", title=None),
        y=alt.Y("pct_goed:Q", title="% goed", scale=alt.Scale(zero=False)),
    )
    line = base.mark_line(color="#999999").encode(detail="eenheid:N")
    points = base.mark_circle(size=45, opacity=1).encode(
        color=alt.Color(
            "oordeel:N",
            title=None,
            scale=alt.Scale(domain=list(colors), range=list(colors.values())),
            legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
        ),
        tooltip=[
            "naam:N",
            "eenheid:N",
            "kwartaal:O",
            alt.Tooltip("pct_goed:Q", format=".1f"),
            "oordeel:N",
        ],
    )
    return (
        alt.layer(line, points, data=data)
        .properties(width=260, height=110)
        .facet(facet=alt.Facet("naam:N", title=None), columns=3)
        .properties(
            title=title,
            description=(
                f"{title}: één kleine grafiek per controle met het percentage goede berichtregels "
                "per kwartaal; de kleur van een punt is het SPC-oordeel (verbetering, "
                "verslechtering, geen bijzondere variatie of te weinig kwartalen)."
            ),
        )
    )


def named(scores: pd.DataFrame, result: ScanResult) -> pd.DataFrame:
    """The scores with each check's Dutch name (column ``naam``)."""
    names = pd.DataFrame([(c.id, c.name) for c in result.checks], columns=["check_id", "naam"])
    return scores.merge(names, on="check_id", how="left").assign(
        naam=lambda f: f["naam"].fillna(f["check_id"])
    )


def verdict_lines(scores: pd.DataFrame) -> list[str]:
    """Dutch lines: checks whose latest quarter is an SPC improvement or deterioration."""
    if scores.empty or scores["oordeel"].isna().all():
        return []
    last = scores.sort_values("kwartaal").groupby(["naam", "eenheid"]).tail(1)
    moved = last[last["oordeel"].isin(["verbetering", "verslechtering"])]
    return [
        f"{r.naam}{'' if r.eenheid == REGION else f' ({r.eenheid})'}: {r.oordeel} in "
        f"{r.kwartaal} ({r.regels})"
        for r in moved.itertuples()
    ]


def page_section(scores: pd.DataFrame, *, title: str) -> str:
    """HTML for an organisation's improvement-list page: its scores per kwartaal (static SVG).

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`quality_scores` of that one unit, after :data:`QUALITY_PROTECTION`, with ``naam``
        (:func:`named`); empty when the store has no history.
    title : str
        Chart title.
    """
    import html as _html

    import vl_convert

    head = "<h2>Kwaliteit in de tijd</h2>"
    if scores.empty:
        return (
            f"{head}<p>Nog geen historie in de store: elke <code>python -m kit quickscan</code> "
            "voegt een peildatum toe.</p>"
        )
    if scores["pct_goed"].isna().all():
        return f"{head}<p>Te weinig beoordeelde berichtregels per kwartaal voor een score.</p>"
    chart = quality_chart(scores, title=title)
    svg = vl_convert.vegalite_to_svg(chart.to_json())  # static: no script, no data in the page
    lines = verdict_lines(scores)
    text = (
        "<ul>" + "".join(f"<li>{_html.escape(x)}</li>" for x in lines) + "</ul>"
        if lines
        else "<p>Geen controle met een SPC-signaal (verbetering of verslechtering) in het "
        "laatste kwartaal, of te weinig kwartalen voor een oordeel.</p>"
    )
    return (
        f"{head}<p>Per controle op deze lijst het aandeel goede berichtregels per kwartaal (van "
        "de laatste quick scan die dat kwartaal beoordeelde), met het SPC-oordeel van de trends "
        f"als er genoeg kwartalen zijn.</p>{svg}{text}"
    )


def region_scores(ctx: QuickscanContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The history with this notebook's scan, and the region's protected, named scores.

    Only the checks judged in at least two quarters; the notebook's gemeenten apply to the whole
    history (its period only to this scan's rows: earlier quarters come from earlier scans).
    """
    history = with_scan(read_history(ctx.store), ctx.result, peildatum=str(ctx.peildatum.date()))
    if ctx.gemeenten:  # the same gemeenten as the scan of this notebook
        history = history[history["gemeente"].isin(ctx.gemeenten)]
    scores = quality_scores(history, level=REGION)
    safe = named(QUALITY_PROTECTION.apply(scores, ctx.threshold), ctx.result)
    counts = safe.dropna(subset=["pct_goed"]).groupby("check_id")["kwartaal"].nunique()
    return history, safe[safe["check_id"].isin(counts[counts >= 2].index)]
