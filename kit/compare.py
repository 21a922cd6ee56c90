"""Leercirkel comparison: several regions' packages side by side, only on equal definitions.

Figures are put in one table only when the packages used the same definitions (equal content
hash of ``waiting_times.yaml``; for quality scores, of ``checks.yaml``). Packages with other
definitions form their own group, and :func:`definition_differences` says which definition and
which keys differ. The tables here are what the sections of ``notebooks/04_vergelijking.ipynb``
(:mod:`kit.sections.vergelijking`) show; every number comes from the packages, which hold
protected tables only (:mod:`kit.share`).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kit import trends
from kit import waits as wt
from kit.share import Package

HIDDEN = "."  # a blanked count in a package (below the threshold or recomputable from a total)


@dataclass
class Group:
    """Packages computed with the same definitions (or checks): their figures may be compared."""

    hash: str
    packages: list[Package]

    @property
    def regions(self) -> list[str]:
        """The regions of the group's packages, in order."""
        return [p.regio for p in self.packages]


def group_packages(packages: list[Package], *, key: str = "definities") -> list[Group]:
    """Packages grouped by the content hash of their definitions or checks, in the given order.

    ``key`` is ``"definities"`` (``waiting_times.yaml``) or ``"controles"`` (``checks.yaml``).
    """
    groups: dict[str, list[Package]] = {}
    for package in packages:
        groups.setdefault(package.manifest[key]["sha256"], []).append(package)
    return [Group(h, members) for h, members in groups.items()]


def _nl(value: float, *, decimals: int = 0) -> str:
    """Dutch number (:func:`kit.sections.common._nl`; imported late: the sections import this)."""
    from kit.sections.common import _nl as dutch

    return dutch(value, decimals=decimals)


def _count(value: object, threshold: int) -> str:
    """A package count for display: blank -> ``.``, below the report's threshold -> ``<N``."""
    if value is None or pd.isna(value):
        return HIDDEN
    if 0 < float(value) < threshold:
        return f"<{threshold}"
    return _nl(float(value))


def _days(value: object) -> str:
    return wt.days_text(np.nan if value is None or pd.isna(value) else float(value))


def _pct(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{_nl(float(value), decimals=1)}%"


# --------------------------------------------------------------------------------------------
# Overview and definitions


def overview_table(packages: list[Package]) -> pd.DataFrame:
    """One row per package: region, peildatum, period (Dutch dates), kit version, hashes, population."""
    from kit.sections.common import date_text

    rows = []
    for p in packages:
        m = p.manifest
        period = m.get("periode", {})
        start = date_text(period.get("van") or "begin van de gegevens")
        rows.append(
            {
                "Regio": p.regio,
                "Pakket": p.path.name,
                "Peildatum": date_text(m["peildatum"]),
                "Periode": f"{start} t/m {date_text(period.get('tot'))}",
                "Kit-versie": m.get("kit_versie", ""),
                "Definities (hash)": p.definitions_hash[:12],
                "Controles (hash)": p.checks_hash[:12],
                "Drempel": m.get("instellingen", {}).get("min_cel", ""),
                "Bevolking": "ja" if "bevolking" in p.tables else "nee",
            }
        )
    return pd.DataFrame(rows)


def flatten(doc: object, prefix: str = "") -> dict[str, str]:
    """A YAML document as ``{dotted key: value as text}``.

    List items with an ``id`` are keyed by it (``definities[toewijzing_start].stop``), other
    lists are one value.
    """
    out: dict[str, str] = {}
    if isinstance(doc, dict):
        for key, value in doc.items():
            out |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(doc, list) and doc and all(isinstance(i, dict) and "id" in i for i in doc):
        for item in doc:
            base = f"{prefix}[{item['id']}]"
            out[base] = "aanwezig"
            out |= flatten({k: v for k, v in item.items() if k != "id"}, base)
    else:
        out[prefix] = json.dumps(doc, ensure_ascii=False, default=str)
    return out


def definition_differences(groups: list[Group], *, kind: str = "definities") -> pd.DataFrame:
    """What differs between the groups' YAML files: one row per key whose value differs.

    Parameters
    ----------
    groups : list of Group
    kind : str
        ``definities`` (``waiting_times.yaml``) or ``controles`` (``checks.yaml``).

    Returns
    -------
    pandas.DataFrame
        ``onderdeel`` (e.g. ``normen[regionale_norm]``), ``sleutel`` and one column per group
        (its regions) with the value, ``—`` where the key is absent.
    """
    if len(groups) < 2:
        return pd.DataFrame(columns=["onderdeel", "sleutel"])
    flat = []
    for g in groups:
        package = g.packages[0]
        flat.append(flatten(package.definitions if kind == "definities" else package.checks))
    labels = [", ".join(g.regions) for g in groups]
    keys = sorted(set().union(*flat))
    rows = []
    for key in keys:
        values = [f.get(key, "—") for f in flat]
        if len(set(values)) == 1:
            continue
        part, _, rest = key.partition("].")
        part = part + "]" if rest else key
        rows.append(
            {
                "onderdeel": part,
                "sleutel": rest or "(het onderdeel zelf)",
                **{
                    label: (v if len(v) <= 90 else v[:87] + "...")
                    for label, v in zip(labels, values, strict=True)
                },
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Waiting times side by side


def loaded_definitions(package: Package) -> wt.Definitions:
    """The package's ``waiting_times.yaml``, loaded and validated like a region's own copy."""
    with tempfile.TemporaryDirectory(prefix="kit-vergelijk-") as tmp:
        path = Path(tmp) / "waiting_times.yaml"
        path.write_text(package.definitions_text, encoding="utf-8")
        return wt.load_definitions(path)


def waiting_list_rate(package: Package) -> tuple[str, float, float]:
    """The region's waiting list at the end of its last complete month (trends).

    Returns
    -------
    tuple
        ``(maand, wachtlijst, per 1.000 jeugdigen)``; missing values are NaN (the rate when the
        package has no population table).
    """
    series = package.tables.get("trends_maand")
    if series is None:
        return "", np.nan, np.nan
    region = series[(series["niveau"] == "regio") & (series["eenheid"] == trends.REGIO)]
    counts = region[(region["reeks"] == "wachtlijst") & ~region["voorlopig"].astype(bool)]
    if counts.empty:
        return "", np.nan, np.nan
    month = counts["maand"].max()
    count = counts.loc[counts["maand"] == month, "waarde"].iloc[0]
    rate = region[(region["reeks"] == "wachtlijst_per_1000") & (region["maand"] == month)]
    return str(month), count, rate["waarde"].iloc[0] if len(rate) else np.nan


def side_by_side(group: Group, definitie: str, *, threshold: int) -> pd.DataFrame:
    """One definition, the group's regions as rows.

    Columns: trajecten, median, P90, shares within each norm, waiting list (and per 1,000
    jeugdigen).
    Statistics rest on at least ``threshold`` pathways; the packages already left them out
    below the region's own threshold.
    """
    definitions = loaded_definitions(group.packages[0])
    rows = []
    for package in group.packages:
        summary = package.tables["wachttijden_samenvatting"]
        hit = summary[(summary["definitie"] == definitie) & (summary["groep"] == "totaal")]
        row = hit.iloc[0] if len(hit) else pd.Series(dtype=object)
        small = pd.isna(row.get("n")) or float(row.get("n")) < threshold
        month, listed, rate = waiting_list_rate(package)
        out = {
            "Regio": package.regio,
            "Trajecten": _count(row.get("n"), threshold),
            "Gestart": _count(row.get("n_gestart"), threshold),
            "Mediaan (dagen)": "" if small else _days(row.get("mediaan_dagen")),
            "P90": "" if small else _days(row.get("p90_dagen")),
        }
        for norm in definitions.norms:
            column = wt.norm_column(norm)
            out[f"% binnen {norm.name}"] = "" if small else _pct(row.get(column))
        out["Wachtlijst (trends)"] = _count(listed, threshold) + (f" ({month})" if month else "")
        out["Wachtlijst per 1.000 jeugdigen"] = (
            "" if pd.isna(rate) else _nl(float(rate), decimals=2)
        )
        rows.append(out)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Funnel plots across regions


def funnel_points(packages: list[Package], indicator: str) -> pd.DataFrame:
    """The regions' share for one funnel indicator, with funnel limits around the pooled share.

    ``n`` is the package's (rounded) denominator and the share its exact ``pct``; a region whose
    share was blanked is left out.
    """
    rows = []
    for package in packages:
        t = package.tables.get("trends_trechter")
        if t is None:
            continue
        hit = t[(t["indicator"] == indicator) & (t["niveau"] == "regio")]
        if hit.empty or pd.isna(hit["pct"].iloc[0]) or pd.isna(hit["n"].iloc[0]):
            continue
        n = float(hit["n"].iloc[0])
        rows.append({"eenheid": package.regio, "x": hit["pct"].iloc[0] / 100 * n, "n": n})
    if not rows:
        return pd.DataFrame(columns=["eenheid", "x", "n", "pct", "beoordeling"])
    return trends.funnel(pd.DataFrame(rows))


# --------------------------------------------------------------------------------------------
# Data quality across regions


def quality_table(group: Group, *, threshold: int) -> pd.DataFrame:
    """Share of reliable message rows per berichttype (rows) and region (columns)."""
    frames = []
    for package in group.packages:
        s = package.tables["quickscan_scores"].copy()
        small = s["n"].isna() | (s["n"] < threshold)
        s["waarde"] = [
            "" if hide else f"{_pct(pct) or 'afgeschermd'} van {_count(n, threshold)}"
            for hide, pct, n in zip(small, s["pct_betrouwbaar"], s["n"], strict=True)
        ]
        frames.append(s.set_index("berichttype")["waarde"].rename(package.regio))
    table = pd.concat(frames, axis=1).fillna("")
    order = [i for i in table.index if i != "totaal"] + (
        ["totaal"] if "totaal" in table.index else []
    )
    return table.loc[order].rename_axis("Berichtsoort").reset_index()


def checks_table(group: Group, *, threshold: int, top: int = 15) -> pd.DataFrame:
    """The checks with the largest spread in % afwijkend across the group's regions."""
    frames = []
    for package in group.packages:
        f = package.tables["quickscan_bevindingen"]
        f = f[f["groep"] == "totaal"]
        pct = f["pct_afwijkend"].where(f["n_gecontroleerd"] >= threshold)
        key = f["check_id"] + " (" + f["berichttype"] + ")"
        frames.append(pd.Series(pct.to_numpy(), index=key.to_numpy(), name=package.regio))
    table = pd.concat(frames, axis=1)
    table = table[table.notna().sum(axis=1) >= 2]
    spread = (table.max(axis=1) - table.min(axis=1)).sort_values(ascending=False)
    table = table.loc[spread.index[:top]]
    shown = table.apply(lambda col: col.map(_pct))  # noqa: PD011
    return shown.rename_axis("Controle (berichtsoort)").reset_index()
