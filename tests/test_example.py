"""Tests for kit.example: the seeded generator of a fictional region's iJw 3.2 traffic.

The generated XML is parsed here with lxml, independently of the generator, and several injected
defect counts are recomputed from the parsed messages, so that injecties.csv is checked against
what is really in the files.
"""

from __future__ import annotations

import hashlib
import tarfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from lxml import etree

from kit.example import DEFECTS, write_example_region

N_MODERATE = 600
N_SMALL = 120
NS_BASIS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
CONTRACT = yaml.safe_load(
    (Path(__file__).parents[1] / "kit" / "berichten.yaml").read_text(encoding="utf-8")
)
CODES = {bt: str(v["code"]) for bt, v in CONTRACT["berichten"].items()}
RETOUR = {bt: v["retour"] for bt, v in CONTRACT["berichten"].items() if "retour" in v}


# ---------------------------------------------------------------------------------------------
# a tiny independent reader
# ---------------------------------------------------------------------------------------------


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _find(el: etree._Element, path: str) -> etree._Element | None:
    for part in path.split("/"):
        if el is None:
            return None
        el = next((c for c in el if isinstance(c.tag, str) and _local(c) == part), None)
    return el


def _text(el: etree._Element, path: str) -> str | None:
    found = _find(el, path)
    return None if found is None else found.text


def _all(el: etree._Element, path: str) -> list[etree._Element]:
    parts = path.split("/")
    current = [el]
    for part in parts:
        current = [c for e in current for c in e if isinstance(c.tag, str) and _local(c) == part]
    return current


def _d(s: str) -> date:
    return date.fromisoformat(s)


def _wd(a: date, b: date) -> int:
    """Weekdays in (a, b]."""
    if b <= a:
        return 0
    return int(np.busday_count(np.datetime64(a) + 1, np.datetime64(b) + 1))


def _elfproef(bsn: str) -> bool:
    total = sum(int(c) * w for c, w in zip(bsn[:8], range(9, 1, -1), strict=True)) - int(bsn[8])
    return total % 11 == 0


def _read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "berichten").rglob("*.xml"))
    }


def _parse(files: dict[str, bytes]) -> list[dict]:
    """One dict per file: name, berichttype, root element, header fields."""
    out = []
    for rel, data in files.items():
        name = rel.rsplit("/", 1)[1]
        root = etree.fromstring(data)
        header = _find(root, "Header")
        folder = rel.split("/")[1]
        dag = _d(_text(header, "BerichtIdentificatie/Dagtekening"))
        # an injected typing error writes the Dagtekening ten years ahead (dagtekening_toekomst);
        # a retour copies it from its heenbericht
        toekomst = dag.year - int(folder[:4]) >= 9
        out.append(
            {
                "rel": rel,
                "name": name,
                "folder": folder,
                "bt": name[:3],
                "root": root,
                "ns": etree.QName(root).namespace,
                "code": _text(header, "BerichtCode"),
                "afz": _text(header, "Afzender"),
                "ont": _text(header, "Ontvanger"),
                "ident": _text(header, "BerichtIdentificatie/Identificatie"),
                "dag": dag.replace(year=dag.year - 10) if toekomst else dag,
                "toekomst": toekomst,
                "retour": name.endswith("_retour.xml"),
                "kopie": name.endswith(("_1.xml", "_bom.xml")),
                "bom": data.startswith(b"\xef\xbb\xbf"),
                "sha": hashlib.sha256(data).hexdigest(),
            }
        )
    return out


def _inj(df: pd.DataFrame, defect: str, bt: str | None = None) -> int:
    sel = df[df["defect"] == defect]
    if bt is not None:
        sel = sel[sel["berichttype"] == bt]
    return int(sel["n"].sum())


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("regio")
    injecties = write_example_region(out, n_children=N_MODERATE, seed=7)
    files = _read_tree(out)
    return {"out": out, "injecties": injecties, "files": files, "msgs": _parse(files)}


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    a = tmp_path_factory.mktemp("klein_a")
    b = tmp_path_factory.mktemp("klein_b")
    c = tmp_path_factory.mktemp("klein_tar")
    write_example_region(a, n_children=N_SMALL, seed=11)
    write_example_region(b, n_children=N_SMALL, seed=11)
    write_example_region(c, n_children=N_SMALL, seed=11, archive=True)
    return {"a": a, "b": b, "tar": c}


# ---------------------------------------------------------------------------------------------
# files, namespaces, headers
# ---------------------------------------------------------------------------------------------


def test_every_file_parses_with_matching_namespace_and_code(region: dict) -> None:
    msgs = region["msgs"]
    assert len(msgs) > 5000
    seen = Counter(m["bt"] for m in msgs)
    assert set(seen) == set(CODES)  # all 14 message types occur
    for m in msgs:
        assert m["ns"] == f"http://www.istandaarden.nl/ijw/3_2/jw{m['bt']}/schema", m["rel"]
        assert m["root"].nsmap["ijw"] == NS_BASIS
        assert _local(m["root"]) == "Bericht"
        assert m["code"] == CODES[m["bt"]], m["rel"]
        assert _text(_find(m["root"], "Header"), "BerichtVersie") == "3"
        assert _text(_find(m["root"], "Header"), "BerichtSubversie") == "2"
        assert len(m["ident"]) <= 12
        assert date(2023, 4, 3) <= m["dag"] <= date(2026, 3, 31)
    typed_ahead = [m for m in msgs if m["toekomst"] and not m["retour"] and not m["kopie"]]
    assert len(typed_ahead) == _inj(region["injecties"], "dagtekening_toekomst") > 0
    assert {m["bt"] for m in typed_ahead} <= {"305", "307"}


def test_files_are_utf8_without_bom_and_in_their_month_folder(region: dict) -> None:
    bom = {m["rel"]: m for m in region["msgs"] if m["bom"]}
    assert len(bom) == _inj(region["injecties"], "bom_tweeling") > 0
    originals = {m["rel"]: m for m in region["msgs"]}
    for rel, data in region["files"].items():
        if rel in bom:  # a BOM twin: the same bytes as its original after the BOM
            assert rel.endswith("_bom.xml"), rel
            assert data[3:] == region["files"][rel.replace("_bom.xml", ".xml")], rel
            assert rel.replace("_bom.xml", ".xml") in originals
        else:
            assert not data.startswith(b"\xef\xbb\xbf"), rel
        data.decode("utf-8-sig")
    for m in region["msgs"]:
        if m["retour"]:
            dag = _d(_text(_find(m["root"], "Header"), "DagtekeningRetour"))
        else:
            dag = m["dag"]
        assert m["folder"] == f"{dag:%Y-%m}", m["rel"]


def test_senders_and_receivers(region: dict) -> None:
    for m in region["msgs"]:
        bt = int(m["bt"])
        gemeente_stuurt = bt in (301, 302, 319, 320, 325)
        afz_len, ont_len = (4, 8) if gemeente_stuurt else (8, 4)
        assert len(m["afz"]) == afz_len and len(m["ont"]) == ont_len, m["rel"]
        gem = m["afz"] if gemeente_stuurt else m["ont"]
        agb = m["ont"] if gemeente_stuurt else m["afz"]
        assert "9901" <= gem <= "9908"
        assert "98000001" <= agb <= "98000025"
        if not m["retour"] and not m["kopie"]:
            assert m["name"] == f"{m['bt']}_{m['afz']}_{m['ident']}.xml"


def test_identificatie_unique_per_sender_and_type(region: dict) -> None:
    keys = Counter(
        (m["afz"], m["bt"], m["ident"])
        for m in region["msgs"]
        if not m["retour"] and not m["kopie"]
    )
    assert max(keys.values()) == 1


def test_bsns_in_test_range_and_elfproef(region: dict) -> None:
    bsns = [
        el.text
        for m in region["msgs"]
        for el in m["root"].iter()
        if isinstance(el.tag, str) and _local(el) == "Bsn"
    ]
    assert len(bsns) > 1000
    assert all(999900006 <= int(b) <= 999999990 for b in bsns)
    fout = {b for b in bsns if not _elfproef(b)}
    assert 1 <= len(fout) <= 10  # only the injected children
    # the 305 rows of those children match the injected count exactly
    n305 = sum(
        1
        for m in region["msgs"]
        if m["bt"] == "305" and not m["kopie"] and _text(m["root"], "Client/Bsn") in fout
    )
    assert n305 == _inj(region["injecties"], "bsn_elfproef", "305")


def test_retours_copy_the_heenbericht_header(region: dict) -> None:
    heen = {
        (m["bt"], m["afz"], m["ident"]): m
        for m in region["msgs"]
        if not m["retour"] and not m["kopie"]
    }
    retours = [m for m in region["msgs"] if m["retour"]]
    assert retours
    for r in retours:
        bron = next(h for h in RETOUR if RETOUR[h] == r["bt"])
        h = heen[(bron, r["afz"], r["ident"])]
        assert (h["ont"], h["dag"]) == (r["ont"], r["dag"])
        retourdag = _d(_text(_find(r["root"], "Header"), "DagtekeningRetour"))
        assert 1 <= _wd(h["dag"], retourdag) <= 3
    # every retour type occurs and approved retours have no RetourCodes
    assert {r["bt"] for r in retours} == set(RETOUR.values())
    goedgekeurd = [r for r in retours if _find(r["root"], "Client") is None]
    assert all(_find(r["root"], "Header/RetourCodes") is None for r in goedgekeurd)


# ---------------------------------------------------------------------------------------------
# injecties.csv and the ground truth
# ---------------------------------------------------------------------------------------------


def test_injecties_columns_and_all_defects_present(region: dict) -> None:
    df = region["injecties"]
    assert list(df.columns) == ["defect", "berichttype", "aanbieder", "gemeente", "n"]
    on_disk = pd.read_csv(
        region["out"] / "injecties.csv",
        dtype={"berichttype": str, "aanbieder": str, "gemeente": str},
    )
    pd.testing.assert_frame_equal(df, on_disk)
    assert (df["n"] > 0).all()
    assert not df.duplicated(["defect", "berichttype", "aanbieder", "gemeente"]).any()
    totals = df.groupby("defect")["n"].sum()
    missing = sorted(set(DEFECTS) - set(totals.index))
    assert not missing, missing
    assert set(totals.index) <= set(DEFECTS)
    profielen = pd.read_csv(region["out"] / "aanbieders.csv", dtype=str).set_index("aanbieder")
    for defect, profiel in (("auto_305", "auto_305"), ("late_vot", "late_vot"), ("traag", "traag")):
        agbs = set(df.loc[df["defect"] == defect, "aanbieder"])
        assert agbs and set(profielen.loc[sorted(agbs), "profiel"]) == {profiel}


def test_region_tables(region: dict) -> None:
    a = pd.read_csv(region["out"] / "aanbieders.csv", dtype=str)
    g = pd.read_csv(region["out"] / "gemeenten.csv", dtype=str)
    assert list(a.columns) == ["aanbieder", "naam", "profiel"]
    assert list(a["aanbieder"]) == [f"980000{i:02d}" for i in range(1, 26)]
    assert a["profiel"].value_counts()[["auto_305", "late_vot"]].tolist() == [3, 3]
    assert 2 <= a["profiel"].value_counts()["traag"] <= 3
    assert list(g["gemeente"]) == [f"990{i}" for i in range(1, 9)]


def test_waarheid_trajecten(region: dict) -> None:
    w = pd.read_csv(region["out"] / "waarheid_trajecten.csv", dtype=str, keep_default_na=False)
    assert list(w.columns)[:8] == [
        "gemeente",
        "ToewijzingNummer",
        "aanbieder",
        "ProductCategorie",
        "true_aanmelding",
        "true_start",
        "true_einde",
        "uitval",
    ]
    assert not any("bsn" in c.lower() for c in w.columns)
    met_nummer = w[w["ToewijzingNummer"] != ""]
    assert not met_nummer.duplicated(["gemeente", "ToewijzingNummer"]).any()
    # every pathway with a number has a 301 with that number in that gemeente
    toewijzingen = {
        (m["afz"], _text(tp, "ToewijzingNummer"))
        for m in region["msgs"]
        if m["bt"] == "301"
        for tp in _all(m["root"], "Client/ToegewezenProducten/ToegewezenProduct")
    }
    assert (
        set(zip(met_nummer["gemeente"], met_nummer["ToewijzingNummer"], strict=True))
        <= toewijzingen
    )
    # ToewijzingNummer ranges overlap between gemeenten: the key needs the gemeente
    assert met_nummer["ToewijzingNummer"].duplicated().any()
    gestart = w[w["true_start"] != ""]
    assert (gestart["true_start"] >= gestart["true_aanmelding"]).all()
    beeindigd = w[w["true_einde"] != ""]
    assert (beeindigd["true_einde"] >= beeindigd["true_start"]).all()
    assert set(w["uitval"]) <= {"", "afgewezen", "woonplaatsbeginsel", "ingetrokken", "afgehaakt"}
    assert (w.loc[w["uitval"] != "", "true_start"] == "").all()


# ---------------------------------------------------------------------------------------------
# recount injected defects from the parsed XML
# ---------------------------------------------------------------------------------------------


def _heen(region: dict, bt: str) -> list[dict]:
    return [m for m in region["msgs"] if m["bt"] == bt and not m["kopie"]]


def test_recount_301_defects(region: dict) -> None:
    df = region["injecties"]
    versies: dict[tuple[str, str], dict[tuple[str, str], tuple[dict, etree._Element]]] = (
        defaultdict(dict)
    )
    afgekeurd_ids = set()
    for r in _heen(region, "302"):
        if _find(r["root"], "Client") is not None:
            codes = [
                el.text
                for el in r["root"].iter()
                if isinstance(el.tag, str) and _local(el) == "RetourCode"
            ]
            assert "9332" in codes
            afgekeurd_ids.add((r["afz"], r["ident"]))
    for m in _heen(region, "301"):
        if (m["afz"], m["ident"]) in afgekeurd_ids:
            continue
        for tp in _all(m["root"], "Client/ToegewezenProducten/ToegewezenProduct"):
            key = (m["afz"], _text(tp, "ToewijzingNummer"))
            vkey = (_text(tp, "Toewijzingsdatum"), _text(tp, "Toewijzingstijd"))
            versies[key].setdefault(vkey, (m, tp))
    assert len(afgekeurd_ids) == _inj(df, "afgekeurd_301")
    reden = Counter(_text(tp, "RedenWijziging") for vs in versies.values() for _, tp in vs.values())
    assert reden["04"] + reden["05"] == _inj(df, "wijziging_301")
    assert reden["13"] == _inj(df, "ingetrokken_301")
    assert reden["07"] == _inj(df, "verhuizing")
    volgorde = 0
    for vs in versies.values():
        ordered = sorted(vs)  # by Toewijzingsdatum + Toewijzingstijd
        eerste_map = vs[ordered[0]][0]["folder"]
        if any(vs[k][0]["folder"] < eerste_map for k in ordered[1:]):
            volgorde += 1
    assert volgorde == _inj(df, "versie_volgorde") > 0
    for vs in versies.values():
        for _, tp in vs.values():
            if _text(tp, "RedenWijziging") == "13":
                assert _text(tp, "Einddatum") == _text(tp, "Ingangsdatum")


def test_recount_305_307_defects(region: dict) -> None:
    df = region["injecties"]
    eerste301: dict[tuple[str, str], date] = {}
    afgekeurd = {
        (r["afz"], r["ident"])
        for r in _heen(region, "302")
        if _find(r["root"], "Client") is not None
    }
    for m in _heen(region, "301"):
        if (m["afz"], m["ident"]) in afgekeurd:
            continue
        for tp in _all(m["root"], "Client/ToegewezenProducten/ToegewezenProduct"):
            key = (m["afz"], _text(tp, "ToewijzingNummer"))
            eerste301[key] = min(eerste301.get(key, m["dag"]), m["dag"])
    starts = []
    for m in _heen(region, "305"):
        sp = _find(m["root"], "Client/StartProducten/StartProduct")
        starts.append(
            (
                m,
                (m["ont"], _text(sp, "ToewijzingNummer")),
                _d(_text(sp, "Begindatum")),
                _text(sp, "StatusAanlevering"),
            )
        )
    gewist = {(k, b) for _, k, b, s in starts if s == "3"}
    assert len(gewist) == _inj(df, "correctie_305") > 0
    late = sum(
        1
        for m, k, b, s in starts
        if s == "1" and (k, b) not in gewist and _wd(max(b, eerste301[k]), m["dag"]) > 5
    )
    assert late == _inj(df, "late_305") > 0
    stops = []
    for m in _heen(region, "307"):
        sp = _find(m["root"], "Client/StopProducten/StopProduct")
        stops.append(
            (
                m,
                (m["ont"], _text(sp, "ToewijzingNummer")),
                _d(_text(sp, "Begindatum")),
                _d(_text(sp, "Einddatum")),
                _text(sp, "RedenBeeindiging"),
            )
        )
    tijdelijk = {(k, b) for _, k, b, _, r in stops if r == "20"}
    assert sum(1 for *_, r in stops if r == "20") == _inj(df, "tijdelijke_stop") > 0
    late307 = sum(
        1
        for m, k, b, e, r in stops
        if (r == "20" or (k, b) not in tijdelijk) and _wd(e, m["dag"]) > 5
    )
    assert late307 == _inj(df, "late_307") > 0
    # a 307 always refers to an earlier 305 with the same key
    for m, k, b, _e, _r in stops:
        assert any(k2 == k and b2 == b and m2["dag"] < m["dag"] for m2, k2, b2, _ in starts)
    # auto_305: Begindatum equals the 301 Ingangsdatum, sent within a day or so of the 301
    auto = [
        s for s in starts if s[0]["afz"] in set(df.loc[df["defect"] == "auto_305", "aanbieder"])
    ]
    assert len(auto) == _inj(df, "auto_305") + sum(1 for s in auto if s[3] == "3")


def test_recount_319_and_retour_defects(region: dict) -> None:
    df = region["injecties"]
    antwoorden = [_find(m["root"], "Antwoord") for m in _heen(region, "319")]
    assert sum(_text(a, "VerzoekAntwoord") == "2" for a in antwoorden) == _inj(
        df, "vot_in_onderzoek"
    )
    assert sum(_text(a, "VerzoekAntwoord") == "1" for a in antwoorden) == _inj(df, "afwijzing_319")
    wpb = [a for a in antwoorden if _text(a, "RedenAfwijzingVerzoek") == "8"]
    assert len(wpb) == _inj(df, "woonplaatsbeginsel") > 0
    assert all(_text(a, "Woonplaatsbeginsel/Gemeente") for a in wpb)
    # missing retours: heenberichten without retour although the retour would be in the period
    retours = {(r["bt"], r["afz"], r["ident"]) for r in region["msgs"] if r["retour"]}
    zonder = Counter()
    for m in region["msgs"]:
        if m["bt"] in RETOUR and not m["kopie"]:
            if (RETOUR[m["bt"]], m["afz"], m["ident"]) not in retours and m["dag"] < date(
                2026, 3, 25
            ):
                zonder[RETOUR[m["bt"]]] += 1
    assert sum(zonder.values()) == _inj(df, "missing_retour") > 0
    # duplicates are byte-identical copies
    by_sha = Counter(m["sha"] for m in region["msgs"])
    kopie = [m for m in region["msgs"] if m["kopie"] and not m["bom"]]
    assert len(kopie) == _inj(df, "dubbel_bestand") >= 3
    assert all(by_sha[m["sha"]] == 2 for m in kopie)


def test_declaraties(region: dict) -> None:
    df = region["injecties"]
    totaal_tag = CONTRACT["tabellen"]["declaraties"]["velden"]["TotaalIngediendBedrag"]["pad"]
    per_sleutel = Counter()
    late = nagekomen = 0
    ident323 = {}
    for m in _heen(region, "323"):
        d = _find(m["root"], "Declaratie")
        begin = _d(_text(d, "DeclaratiePeriode/Begindatum"))
        per_sleutel[(m["afz"], m["ont"], begin)] += 1
        ident323[(m["afz"], m["ident"])] = d
        assert _text(d, "DeclaratieDagtekening") == m["dag"].isoformat()
        prestaties = _all(d, "Clienten/Client/Prestaties/Prestatie")
        assert prestaties
        som = 0
        for p in prestaties:
            bedrag = int(_text(p, "IngediendBedrag/Bedrag"))
            assert bedrag == int(_text(p, "GeleverdVolume")) * int(_text(p, "ProductTarief"))
            som += bedrag
            pb = _d(_text(p, "ProductPeriode/Begindatum"))
            pe = _d(_text(p, "ProductPeriode/Einddatum"))
            assert pb <= pe and (pb.year, pb.month) == (pe.year, pe.month)
            if (pb.year, pb.month) < (begin.year, begin.month):
                nagekomen += 1
        assert int(_text(d, totaal_tag)) == som
        volgende = (begin.month % 12 + 1, begin.year + begin.month // 12)
        eind_volgende = pd.Timestamp(volgende[1], volgende[0], 1) + pd.offsets.MonthEnd(0)
        late += m["dag"] > eind_volgende.date()
    assert max(per_sleutel.values()) == 1  # one 323 per aanbieder x gemeente x month
    assert late == _inj(df, "late_323") > 0
    assert nagekomen == _inj(df, "nagekomen_prestatie") > 0
    afgewezen = 0
    for m in _heen(region, "325"):
        kop = _find(m["root"], "Header")
        key = (m["ont"], _text(kop, "DeclaratieIdentificatie/Identificatie"))
        assert key in ident323
        rejected = _all(m["root"], "DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie")
        afgewezen += len(rejected)
        assert all(_text(p, "RetourCodes/RetourCode") == "0611" for p in rejected)
    assert afgewezen == _inj(df, "afgekeurde_prestatie") > 0


def test_first_productperiode_follows_ingangsdatum(region: dict) -> None:
    ingang = {}
    for m in _heen(region, "301"):
        for tp in _all(m["root"], "Client/ToegewezenProducten/ToegewezenProduct"):
            ingang[(m["afz"], _text(tp, "ToewijzingNummer"))] = _d(_text(tp, "Ingangsdatum"))
    checked = 0
    for m in _heen(region, "323"):
        for p in _all(m["root"], "Declaratie/Clienten/Client/Prestaties/Prestatie"):
            key = (m["ont"], _text(p, "ToewijzingNummer"))
            pb = _d(_text(p, "ProductPeriode/Begindatum"))
            assert pb >= ingang[key]
            assert pb.day == 1 or pb == ingang[key]  # TR387
            checked += 1
    assert checked > 1000


# ---------------------------------------------------------------------------------------------
# determinism and archive
# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(small_runs: dict) -> None:
    a, b = small_runs["a"], small_runs["b"]
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert len(files_a) > 500
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_other_seed_differs(small_runs: dict, tmp_path: Path) -> None:
    write_example_region(tmp_path, n_children=N_SMALL, seed=12)
    assert (tmp_path / "injecties.csv").read_bytes() != (
        small_runs["a"] / "injecties.csv"
    ).read_bytes()


def test_archive_has_the_same_tree(small_runs: dict, tmp_path: Path) -> None:
    folder = small_runs["a"]
    tar_path = small_runs["tar"] / "berichten.tar.xz"
    assert not (small_runs["tar"] / "berichten").exists()
    with tarfile.open(tar_path, "r:xz") as tar:
        members = tar.getmembers()
        names = [m.name for m in members if m.isfile()]
        expected = sorted(
            p.relative_to(folder).as_posix() for p in (folder / "berichten").rglob("*.xml")
        )
        assert names == expected  # same files, added in sorted order
        assert {m.mtime for m in members} == {members[0].mtime}
        for name in names[:: max(1, len(names) // 50)]:
            assert tar.extractfile(name).read() == (folder / name).read_bytes()
    for csv in ("injecties.csv", "waarheid_trajecten.csv", "aanbieders.csv", "gemeenten.csv"):
        assert (small_runs["tar"] / csv).read_bytes() == (folder / csv).read_bytes()
    # the archive itself is reproducible
    write_example_region(tmp_path, n_children=N_SMALL, seed=11, archive=True)
    assert (tmp_path / "berichten.tar.xz").read_bytes() == tar_path.read_bytes()


def test_content_rules(region: dict) -> None:
    """Dates respect the technical rules the generator does not break on purpose."""
    for m in _heen(region, "301"):
        for tp in _all(m["root"], "Client/ToegewezenProducten/ToegewezenProduct"):
            assert _d(_text(tp, "Toewijzingsdatum")) <= m["dag"]
            assert _d(_text(tp, "Einddatum")) >= _d(_text(tp, "Ingangsdatum"))  # CS003
            assert len(_text(tp, "Toewijzingstijd")) == 8
            assert _text(tp, "RedenWijziging") in (None, "04", "05", "07", "13")
    for m in _heen(region, "305"):
        sp = _find(m["root"], "Client/StartProducten/StartProduct")
        assert _d(_text(sp, "Begindatum")) <= m["dag"]  # TR134
        assert _text(sp, "StatusAanlevering") in ("1", "3")  # CS058
    for m in _heen(region, "307"):
        sp = _find(m["root"], "Client/StopProducten/StopProduct")
        assert _d(_text(sp, "Begindatum")) <= _d(_text(sp, "Einddatum")) <= m["dag"]  # TR018/TR134
    refs = Counter()
    for m in _heen(region, "315"):
        ap = _find(m["root"], "Client/AangevraagdeProducten/AangevraagdProduct")
        refs[(m["afz"], _text(ap, "ReferentieAanbieder"))] += 1
        assert _text(ap, "Verwijzer/Type") in ("01", "02", "03", "04", "05", "06", "08")
    assert max(refs.values()) == 1  # TR347: unique per aanbieder
    for m in _heen(region, "319"):
        a = _find(m["root"], "Antwoord")
        assert (_text(a, "RedenAfwijzingVerzoek") is None) == (_text(a, "VerzoekAntwoord") == "2")
        assert (_text(a, "RedenAfwijzingVerzoek") == "8") == (
            _find(a, "Woonplaatsbeginsel") is not None
        )
    for m in _heen(region, "317"):
        assert _find(m["root"], "Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct") is not None


def test_recount_declarations_before_the_start_month(region: dict) -> None:
    """vroeg_gedeclareerd: a prestatie in a month before the month of the reported start."""
    df = region["injecties"]
    gewist, begin = set(), {}
    for m in _heen(region, "305"):
        sp = _find(m["root"], "Client/StartProducten/StartProduct")
        key = (m["ont"], _text(sp, "ToewijzingNummer"))
        if _text(sp, "StatusAanlevering") == "3":
            gewist.add((key, _text(sp, "Begindatum")))
    for m in _heen(region, "305"):
        sp = _find(m["root"], "Client/StartProducten/StartProduct")
        key = (m["ont"], _text(sp, "ToewijzingNummer"))
        b = _text(sp, "Begindatum")
        if _text(sp, "StatusAanlevering") == "1" and (key, b) not in gewist:
            begin[key] = min(begin.get(key, _d(b)), _d(b))
    early = set()
    for m in _heen(region, "323"):
        for p in _all(m["root"], "Declaratie/Clienten/Client/Prestaties/Prestatie"):
            key = (m["ont"], _text(p, "ToewijzingNummer"))
            pb = _d(_text(p, "ProductPeriode/Begindatum"))
            if key in begin and (pb.year, pb.month) < (begin[key].year, begin[key].month):
                early.add(key)
    assert len(early) == _inj(df, "vroeg_gedeclareerd") > 0


def test_committed_example_region_is_what_the_generator_writes(tmp_path: Path) -> None:
    """data/example is reproducible: the default region, file by file and byte by byte.

    Guards refactors of kit/example/ (a changed draw order or template shows up here); after an
    intended change of the generator, regenerate data/example with ``kit voorbeeld --archief``.
    """
    committed = Path(__file__).parents[1] / "data" / "example"
    write_example_region(tmp_path)
    for csv in (
        "injecties.csv",
        "waarheid_trajecten.csv",
        "waarheid_records.csv",
        "aanbieders.csv",
        "gemeenten.csv",
    ):
        assert (tmp_path / csv).read_bytes() == (committed / csv).read_bytes(), csv
    written = _read_tree(tmp_path)
    with tarfile.open(committed / "berichten.tar.xz", "r:xz") as tar:
        archived = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    assert sorted(archived) == sorted(written)
    assert len(written) > 40_000
    differing = [name for name, data in written.items() if archived[name] != data]
    assert differing == []
