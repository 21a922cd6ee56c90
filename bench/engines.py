"""Benchmark: DuckDB against Polars (and today's pandas) on the core of the pathway table.

Not a test: figures for docs/schaal.md, written to bench/out/engines-<store>.json.

    .venv/bin/python bench/engines.py --store /tmp/kit-scale/store-105000

Polars is no dependency of the kit: install it in your own virtualenv for this measurement only
(``.venv/bin/pip install polars``). Each engine runs in its own process (wall time and peak RSS
as in bench/scale.py). The query is the core of :func:`kit.pathways.build_pathways`, read
straight from the Parquet store: the current 301 per toewijzing (latest version), its first
version and number of versions, the first start, the last stop and the declared product periods
per toewijzing, joined on ``gemeente, ToewijzingNummer``. It leaves out what the kit adds on top
(rejected messages, deleted starts/stops by logical key, the verzoek link), so ``pandas`` (the
kit's real ``pathways_from_store``) does more work: a reference, not a like-for-like figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from common import OUT, measure

KEY = ["gemeente", "ToewijzingNummer"]

SQL = """
WITH toew AS (SELECT * FROM read_parquet('{s}/toewijzingen/*.parquet')),
cur AS (
    SELECT gemeente, ToewijzingNummer, client_id, aanbieder, ProductCategorie, Toewijzingsdatum,
           Ingangsdatum, Einddatum, RedenWijziging
    FROM toew
    QUALIFY row_number() OVER (
        PARTITION BY gemeente, ToewijzingNummer
        ORDER BY Toewijzingsdatum DESC NULLS LAST, Toewijzingstijd DESC NULLS LAST,
                 Dagtekening DESC NULLS LAST, Identificatie DESC NULLS LAST, regel DESC
    ) = 1
),
eerste AS (
    SELECT gemeente, ToewijzingNummer, min(Toewijzingsdatum) AS eerste_toewijzingsdatum,
           min(Dagtekening) AS eerste_dagtekening,
           count(DISTINCT (Toewijzingsdatum, Toewijzingstijd)) AS n_versies
    FROM toew GROUP BY ALL
),
st AS (
    SELECT gemeente, ToewijzingNummer, min(Begindatum) AS start_begindatum, count(*) AS n_starts
    FROM read_parquet('{s}/starts/*.parquet') WHERE StatusAanlevering IS DISTINCT FROM '3'
    GROUP BY ALL
),
sp AS (
    SELECT gemeente, ToewijzingNummer, max(Einddatum) AS stop_einddatum
    FROM read_parquet('{s}/stops/*.parquet') WHERE StatusAanlevering IS DISTINCT FROM '3'
    GROUP BY ALL
),
pr AS (
    SELECT gemeente, ToewijzingNummer, min(ProductPeriodeBegindatum) AS eerste_productperiode,
           max(ProductPeriodeEinddatum) AS laatste_productperiode, count(*) AS n_prestaties
    FROM read_parquet('{s}/prestaties/*.parquet') GROUP BY ALL
)
SELECT * FROM cur
LEFT JOIN eerste USING (gemeente, ToewijzingNummer)
LEFT JOIN st USING (gemeente, ToewijzingNummer)
LEFT JOIN sp USING (gemeente, ToewijzingNummer)
LEFT JOIN pr USING (gemeente, ToewijzingNummer)
"""


def run_duckdb(store: Path):
    import duckdb

    return duckdb.sql(SQL.format(s=store)).df()


def run_polars(store: Path):
    import polars as pl

    def scan(table: str) -> pl.LazyFrame:
        return pl.scan_parquet(store / table / "*.parquet")

    toew = scan("toewijzingen")
    order = ["Toewijzingsdatum", "Toewijzingstijd", "Dagtekening", "Identificatie", "regel"]
    cur = (
        toew.sort([*KEY, *order], nulls_last=False)
        .group_by(KEY)
        .last()
        .select(
            *KEY,
            "client_id",
            "aanbieder",
            "ProductCategorie",
            "Toewijzingsdatum",
            "Ingangsdatum",
            "Einddatum",
            "RedenWijziging",
        )
    )
    eerste = toew.group_by(KEY).agg(
        pl.col("Toewijzingsdatum").min().alias("eerste_toewijzingsdatum"),
        pl.col("Dagtekening").min().alias("eerste_dagtekening"),
        pl.struct("Toewijzingsdatum", "Toewijzingstijd").n_unique().alias("n_versies"),
    )
    not_deleted = pl.col("StatusAanlevering").ne_missing("3")
    st = (
        scan("starts")
        .filter(not_deleted)
        .group_by(KEY)
        .agg(pl.col("Begindatum").min().alias("start_begindatum"), pl.len().alias("n_starts"))
    )
    sp = (
        scan("stops")
        .filter(not_deleted)
        .group_by(KEY)
        .agg(pl.col("Einddatum").max().alias("stop_einddatum"))
    )
    pr = (
        scan("prestaties")
        .group_by(KEY)
        .agg(
            pl.col("ProductPeriodeBegindatum").min().alias("eerste_productperiode"),
            pl.col("ProductPeriodeEinddatum").max().alias("laatste_productperiode"),
            pl.len().alias("n_prestaties"),
        )
    )
    query = cur
    for other in (eerste, st, sp, pr):
        query = query.join(other, on=KEY, how="left", nulls_equal=True)
    return query.collect(engine="streaming").to_pandas()


def run_pandas(store: Path):
    from kit.pathways import pathways_from_store

    return pathways_from_store(store)


def _one(engine: str, store: Path) -> None:
    """Run one engine in this process and print a fingerprint of its result."""
    t = time.perf_counter()
    frame = {"duckdb": run_duckdb, "polars": run_polars, "pandas": run_pandas}[engine](store)
    seconds = time.perf_counter() - t
    toew = frame[frame["ToewijzingNummer"].notna()] if engine == "pandas" else frame
    fingerprint = {"rows": len(toew), "n_starts": int(toew["n_starts"].fillna(0).sum())}
    if engine != "pandas":
        fingerprint |= {
            "n_prestaties": int(frame["n_prestaties"].fillna(0).sum()),
            "met_stop": int(frame["stop_einddatum"].notna().sum()),
        }
    print(json.dumps({"seconds_inside": round(seconds, 2), **fingerprint}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--engines", default="duckdb,polars,pandas")
    parser.add_argument("--een", help=argparse.SUPPRESS)  # internal: run one engine here
    args = parser.parse_args()
    store = args.store.resolve()
    if args.een:
        _one(args.een, store)
        return
    figures: dict = {"store": str(store), "load_1min_before": round(os.getloadavg()[0], 2)}
    here = Path(__file__).resolve()
    for engine in args.engines.split(","):
        cmd = [sys.executable, str(here), "--store", str(store), "--een", engine]
        figures[engine] = measure(cmd, dict(os.environ), here.parents[1])
        figures[engine] |= json.loads(figures[engine].pop("uitvoer")[-1])
        print(engine, figures[engine], flush=True)
    figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    OUT.mkdir(exist_ok=True)
    (OUT / f"engines-{store.name}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
