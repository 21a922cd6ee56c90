"""Bad user input: every command stops with one Dutch line ('Fout: ...') and exit code 2.

Two tables. The first runs every command that reads a store on each kind of unusable store
(missing, a file, an empty folder, a folder that is not a store, an empty or damaged
``kit-store.json``, no ingest round): the same message everywhere, naming what to do
(``inlezen``, or ``inlezen --herstel`` for a damaged store); the notebooks raise that message
too, and show it without a traceback. The second table runs ``python -m kit`` as a process on
bad dates, missing or malformed YAML/CSV files and folders that are files: never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_KEY
from fixtures import jw301, jw305, jw315

from kit.config import PROJ_ROOT
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources
from kit.store import StoreError, ingest, read_meta

PEILDATUM = "2026-03-31"
READ_IN = "lees eerst berichten in met: python -m kit inlezen BRON --store "
REPAIR = "Herstel met: python -m kit inlezen --herstel --store "


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A usable store: one toewijzing, one start, one verzoek om toewijzing."""
    src = tmp_path_factory.mktemp("bron")
    for name, data in (("301.xml", jw301()), ("305.xml", jw305()), ("315.xml", jw315())):
        (src / name).write_bytes(data)
    store = tmp_path_factory.mktemp("klein") / "store"
    ingest(iter_sources([src]), store, pseudonymise=Pseudonymiser(EXAMPLE_KEY.encode()))
    return store


def _damaged(text: str | None):
    def make(store: Path) -> None:
        store.mkdir()
        (store / "inleesverslagen").mkdir()
        if text is None:  # kit-store.json is a folder: unreadable
            (store / "kit-store.json").mkdir()
        else:
            (store / "kit-store.json").write_text(text, encoding="utf-8")

    return make


# state -> (how to make it at the store path, what the message must say)
STORE_STATES = {
    "bestaat_niet": (lambda p: None, "bestaat niet; " + READ_IN),
    "is_een_bestand": (lambda p: p.write_text("x"), "is een bestand, geen store"),
    "lege_map": (lambda p: p.mkdir(), "is leeg; " + READ_IN),
    "geen_store": (
        lambda p: (p.mkdir(), (p / "notities.txt").write_text("x")),
        "is geen store van de kit (er staat geen kit-store.json in)",
    ),
    "lege_json": (_damaged(""), REPAIR),
    "kapotte_json": (_damaged('{"inleesrondes": [{"id": '), REPAIR),
    "json_zonder_rondes": (_damaged('{"formaat": 1}'), REPAIR),
    "json_geen_object": (_damaged("[1, 2]"), REPAIR),
    "json_is_een_map": (_damaged(None), REPAIR),
    "nul_rondes": (_damaged('{"formaat": 1, "sleutel": null, "inleesrondes": []}'), READ_IN),
}


@pytest.fixture(scope="module")
def bad_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("slecht")
    stores = {}
    for name, (make, _) in STORE_STATES.items():
        stores[name] = root / name
        make(stores[name])
    return stores


def _argv(command: str, store: Path, tmp_path: Path) -> list[str]:
    if command == "overzicht":
        return [command, "--store", str(store)]
    if command == "live":
        return [command, "--store", str(store), "--map", str(tmp_path / "sessie")]
    if command == "rapport":
        params = tmp_path / "rapport.yaml"
        params.write_text(
            json.dumps({"regio": "R", "store": str(store), "peildatum": PEILDATUM}),
            encoding="utf-8",
        )
        return [command, "--params", str(params), "--uit", str(tmp_path / "rapporten")]
    return [command, "--store", str(store), "--peildatum", PEILDATUM, "--uit", str(tmp_path)]


STORE_COMMANDS = (
    "overzicht",
    "quickscan",
    "wachttijden",
    "trends",
    "rapport",
    "live",
    "verbeterlijst",
)


@pytest.mark.parametrize("state", list(STORE_STATES))
@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_an_unusable_store_is_one_dutch_line(command, state, bad_stores, tmp_path, capsys):
    from kit.__main__ import main

    store = bad_stores[state]
    argv = _argv(command, store, tmp_path)
    if command == "live":
        argv.append("--alleen-klaarzetten")
    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fout: "), err
    assert STORE_STATES[state][1] in lines[0]
    assert str(store) in lines[0]
    with pytest.raises(StoreError) as raised:  # the one check every entry point shares
        read_meta(store, filled=True)
    assert lines[0] == f"Fout: {raised.value}"
    assert not (tmp_path / "sessie").exists() and not (tmp_path / "rapporten").exists()


def test_a_damaged_store_can_still_be_read_in_after_herstel(bad_stores, tmp_path, capsys):
    """The message's advice works: after ``inlezen --herstel`` the store is usable again."""
    from kit.__main__ import main

    store = tmp_path / "store"
    _damaged("")(store)
    assert main(["overzicht", "--store", str(store)]) == 2
    assert REPAIR in capsys.readouterr().err
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
        assert main(["inlezen", "--herstel", "--store", str(store)]) == 0
    # no ingest round survived (no load report): the store is now empty, and says so
    assert main(["overzicht", "--store", str(store)]) == 2
    assert "is leeg (nog geen inleesronde); " + READ_IN in capsys.readouterr().err


def test_a_batch_marks_a_unit_with_a_damaged_store_and_goes_on(bad_stores, tmp_path):
    from kit.report import batch

    config = tmp_path / "batch.yaml"
    config.write_text(
        json.dumps(
            {
                "kwartaal": "2026-K1",
                "uit": str(tmp_path / "rapporten"),
                "notebooks": ["notebooks/01_quickscan.ipynb"],
                "gemeenschappelijk": {"peildatum": PEILDATUM},
                "eenheden": [
                    {"naam": "kapot", "regio": "K", "store": str(bad_stores["lege_json"])},
                    {"naam": "weg", "regio": "W", "store": str(bad_stores["bestaat_niet"])},
                ],
            }
        ),
        encoding="utf-8",
    )
    summary = batch(config, progress=False)
    errors = {job.unit: error for job, error in summary.failed}
    assert errors["kapot"].startswith("kit-store.json in de store") and REPAIR in errors["kapot"]
    assert "bestaat niet; " + READ_IN in errors["weg"]
    assert "Traceback" not in summary.index.read_text(encoding="utf-8")


NOTEBOOK_CALLS = {
    "01_quickscan": ("prepare_quickscan", {"periode_van": "2025-04-01", "periode_tot": PEILDATUM}),
    "02_definities": (
        "prepare_definities",
        {"periode_van": "2025-04-01", "periode_tot": PEILDATUM},
    ),
    "03_trends": ("prepare_trends", {}),
}


@pytest.mark.parametrize("state", ["bestaat_niet", "lege_json", "geen_store", "nul_rondes"])
@pytest.mark.parametrize("notebook", list(NOTEBOOK_CALLS))
def test_notebooks_raise_the_same_message(notebook, state, bad_stores):
    from kit import sections

    function, extra = NOTEBOOK_CALLS[notebook]
    prepare = getattr(sections, function)
    common = {"regio": "R", "peildatum": PEILDATUM, "gemeenten": []}
    with pytest.raises(StoreError) as in_notebook:
        prepare(store=str(bad_stores[state]), **common, **extra)
    with pytest.raises(StoreError) as shared:
        read_meta(bad_stores[state], filled=True)
    assert str(in_notebook.value) == str(shared.value)
    assert STORE_STATES[state][1] in str(in_notebook.value)


def test_a_notebook_shows_the_store_error_without_a_traceback(bad_stores, capsys):
    """IPython (Jupyter, papermill) shows a StoreError as its one Dutch line."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.user_ns["store"] = str(bad_stores["lege_json"])
        result = shell.run_cell(
            "from kit.sections import prepare_trends\n"
            "prepare_trends(regio='R', store=store, peildatum='2026-03-31', gemeenten=[])"
        )
    finally:
        InteractiveShell.clear_instance()
    assert isinstance(result.error_in_exec, StoreError)
    out, err = capsys.readouterr()
    shown = (out + err).strip()
    assert "Traceback" not in shown and "prepare_trends" not in shown
    assert shown.splitlines() == [f"Fout: {result.error_in_exec}"]
    assert REPAIR in shown


# ------------------------------------------------------------------------------------------
# Bad input to every command, as a process: exit 2, one line 'Fout: ...', never a traceback


def _files(root: Path, store: Path) -> dict[str, Path]:
    """Bad input files by name."""
    texts = {
        "kapot.yaml": "a: [1, 2\n",
        "lijst.yaml": "- a\n- b\n",
        "tekst.yaml": "alleen tekst\n",
        "controles_geen_lijst.yaml": "controles: {a: 1}\n",
        "definities_strings.yaml": "definities: [a, b]\nnormen: []\n",
        "normen_getallen.yaml": "definities:\n  - id: x\nnormen: [1]\n",
        "bevolking.csv": "gemeente,jaar\n0599,2025\n",
        "bevolking_leeg.csv": "",
        "bevolking_quote.csv": 'gemeente,jaar,aantal_0_17\n0599,2025,"100\n',
        "params_per_notebook.yaml": f"regio: R\nstore: {store}\npeildatum: 2026-03-31\n"
        "per_notebook: [1]\n",
        "params_ok.yaml": f"regio: R\nstore: {store}\npeildatum: 2026-03-31\n",
        "params_datum.yaml": f"regio: R\nstore: {store}\npeildatum: 2026-02-30\n",
        "params_datum_tekst.yaml": f"regio: R\nstore: {store}\npeildatum: '2026-02-30'\n",
        "params_maand.yaml": f"regio: R\nstore: {store}\npeildatum: 2026-03-31\n"
        "basislijn_van: '2024-13'\n",
        "params_controles.yaml": f"regio: R\nstore: {store}\npeildatum: 2026-03-31\n"
        "controles: bestaat/niet.yaml\n",
        "batch_eenheden.yaml": "kwartaal: 2026-K1\nnotebooks: [notebooks/01_quickscan.ipynb]\n"
        "eenheden: [a, b]\n",
        "batch_notebooks.yaml": "kwartaal: 2026-K1\nnotebooks: notebooks/01_quickscan.ipynb\n"
        "eenheden: [{naam: a}]\n",
        "batch_notebook_weg.yaml": "kwartaal: 2026-K1\nnotebooks: [notebooks/bestaat_niet.ipynb]\n"
        "eenheden: [{naam: a}]\n",
    }
    for key, value in (
        ("controles", root / "controles_geen_lijst.yaml"),
        ("definities", root / "kapot.yaml"),
        ("bevolking", root / "binair.yaml"),
    ):
        texts[f"params_{key}_inhoud.yaml"] = (
            f"regio: R\nstore: {store}\npeildatum: 2026-03-31\n{key}: {value}\n"
        )
    texts["leeg.ipynb"] = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    texts["lijst.ipynb"] = "[1, 2]"
    out = {}
    for name, text in texts.items():
        out[name] = root / name
        out[name].write_text(text, encoding="utf-8")
    out["binair.yaml"] = root / "binair.yaml"
    out["binair.yaml"].write_bytes(b"\xff\xfe\x00regio: R")
    out["bestand"] = root / "bestand"
    out["bestand"].write_text("x", encoding="utf-8")
    out["map"] = root / "map"
    out["map"].mkdir()
    out["weg.yaml"] = root / "weg.yaml"
    return out


# (command and options; {s} = a usable store, {f[name]} = a bad file) -> part of the message
CASES = [
    ("quickscan --store {s} --peildatum 2026-02-30 --uit {u}", "--peildatum: geen geldige datum"),
    ("quickscan --store {s} --peildatum 31-03-2026 --uit {u}", "--peildatum: geen geldige datum"),
    ("trends --store {s} --peildatum 2026-3-31 --uit {u}", "--peildatum: geen geldige datum"),
    ("wachttijden --store {s} --peildatum 2026-03-31 --van 2026-13-01 --uit {u}", "--van: geen"),
    ("wachttijden --store {s} --peildatum 2026-03-31 --tot gisteren --uit {u}", "--tot: geen"),
    (
        "wachttijden --store {s} --peildatum 2026-03-31 --van 2026-04-01 --uit {u}",
        "De periode moet lopen van periode_van tot periode_tot, niet na de peildatum.",
    ),
    ("quickscan --peildatum 2026-03-31 --uit {u}", "deze argumenten zijn verplicht: --store"),
    ("quickscan --store {s} --uit {u}", "deze argumenten zijn verplicht: --peildatum"),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {u} --controles {f[weg.yaml]}",
        "weg.yaml: bestaat niet",
    ),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {u} --controles {f[kapot.yaml]}",
        "kapot.yaml: geen geldige YAML (regel 2, kolom 1)",
    ),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {u} --controles {f[lijst.yaml]}",
        "maar het bestand is een lijst",
    ),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {u} --controles {f[binair.yaml]}",
        "geen tekst in UTF-8",
    ),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {u} --controles {f[map]}",
        "is een map, geen bestand",
    ),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {u} "
        "--controles {f[controles_geen_lijst.yaml]}",
        "verwacht een lijst 'controles:'",
    ),
    (
        "quickscan --store {s} --peildatum 2026-03-31 --uit {f[bestand]}",
        "bestand: bestaat al als bestand",
    ),
    (
        "wachttijden --store {s} --peildatum 2026-03-31 --uit {u} --definities {f[weg.yaml]}",
        "definities: " + "{f[weg.yaml]}: bestaat niet",
    ),
    (
        "wachttijden --store {s} --peildatum 2026-03-31 --uit {u} --definities {f[kapot.yaml]}",
        "geen geldige YAML (regel 2",
    ),
    (
        "wachttijden --store {s} --peildatum 2026-03-31 --uit {u} --definities {f[tekst.yaml]}",
        "maar het bestand is losse tekst",
    ),
    (
        "wachttijden --store {s} --peildatum 2026-03-31 --uit {u} "
        "--definities {f[definities_strings.yaml]}",
        "'definities:' moet een lijst zijn",
    ),
    (
        "wachttijden --store {s} --peildatum 2026-03-31 --uit {u} "
        "--definities {f[normen_getallen.yaml]}",
        "'normen:' moet een lijst zijn",
    ),
    (
        "trends --store {s} --peildatum 2026-03-31 --uit {u} --bevolking {f[weg.yaml]}",
        "--bevolking: {f[weg.yaml]}: bestaat niet",
    ),
    (
        "trends --store {s} --peildatum 2026-03-31 --uit {u} --bevolking {f[binair.yaml]}",
        "bevolkingstabel: geen tekst in UTF-8",
    ),
    (
        "trends --store {s} --peildatum 2026-03-31 --uit {u} --bevolking {f[bevolking.csv]}",
        "ontbreken: aantal_0_17",
    ),
    (
        "trends --store {s} --peildatum 2026-03-31 --uit {u} --bevolking {f[bevolking_leeg.csv]}",
        "bevolking_leeg.csv: het bestand is leeg",
    ),
    (
        "trends --store {s} --peildatum 2026-03-31 --uit {u} --bevolking {f[bevolking_quote.csv]}",
        "bevolking_quote.csv: geen geldige CSV",
    ),
    ("trends --store {s} --peildatum 2026-03-31 --uit {u} --volledig 2", "--volledig: moet"),
    ("trends --store {s} --peildatum 2026-03-31 --uit {u} --norm-weken inf", "geen getal: inf"),
    ("trends --store {s} --peildatum 9999-12-31 --uit {u}", "--peildatum: geen geldige datum"),
    ("wachttijden --store {s} --peildatum 2026-03-31 --van 1800-01-01 --uit {u}", "--van: geen"),
    ("overzicht --store {s} --min-cel 0", "--min-cel: moet minstens 1 zijn"),
    ("overzicht --store {s} --min-cel tien", "--min-cel: geen geheel getal"),
    ("rapport --params {f[weg.yaml]} --uit {u}", "weg.yaml: bestaat niet"),
    ("rapport --params {f[kapot.yaml]} --uit {u}", "geen geldige YAML (regel 2, kolom 1)"),
    ("rapport --params {f[lijst.yaml]} --uit {u}", "maar het bestand is een lijst"),
    ("rapport --params {f[binair.yaml]} --uit {u}", "geen tekst in UTF-8"),
    ("rapport --params {f[params_per_notebook.yaml]} --uit {u}", "per_notebook moet"),
    ("rapport --params {f[params_datum.yaml]} --uit {u}", "datum bestaat niet: 2026-02-30"),
    (
        "rapport --params {f[params_datum_tekst.yaml]} --uit {u}",
        "parameter 'peildatum': geen geldige datum (JJJJ-MM-DD): 2026-02-30",
    ),
    (
        "rapport --params {f[params_maand.yaml]} --uit {u}",
        "parameter 'basislijn_van': geen maand (JJJJ-MM) of datum",
    ),
    (
        "rapport --params {f[params_controles.yaml]} --uit {u}",
        "parameter 'controles': bestaat/niet.yaml: bestaat niet",
    ),
    (
        "rapport --params {f[params_datum_tekst.yaml]} --uit {u} --notebook {f[map]}/weg.ipynb",
        "{f[map]}/weg.ipynb: bestaat niet",
    ),
    (
        "rapport --params {f[params_controles_inhoud.yaml]} --uit {u}",
        "parameter 'controles': {f[controles_geen_lijst.yaml]}: verwacht een lijst 'controles:'",
    ),
    (
        "rapport --params {f[params_definities_inhoud.yaml]} --uit {u}",
        "parameter 'definities': {f[kapot.yaml]}: geen geldige YAML (regel 2, kolom 1)",
    ),
    (
        "rapport --params {f[params_bevolking_inhoud.yaml]} --uit {u}",
        "parameter 'bevolking': {f[binair.yaml]}: geen tekst in UTF-8",
    ),
    (
        "rapport --params {f[params_datum_tekst.yaml]} --uit {u} --notebook {f[leeg.ipynb]}",
        "het notebook heeft geen parameter regio, store, peildatum",
    ),
    (
        "rapport --params {f[params_datum_tekst.yaml]} --uit {u} --notebook {f[lijst.ipynb]}",
        "lijst.ipynb is geen bruikbaar Jupyter-notebook",
    ),
    (
        "rapport --params {f[params_datum_tekst.yaml]} --uit {u} --notebook {f[kapot.yaml]}",
        "kapot.yaml is geen bruikbaar Jupyter-notebook",
    ),
    (
        "rapport --params {f[params_ok.yaml]} --uit {f[bestand]} "
        "--notebook notebooks/01_quickscan.ipynb",
        "bestand: bestaat al als bestand (geef een map)",
    ),
    ("batch {f[weg.yaml]}", "weg.yaml: bestaat niet"),
    ("batch {f[kapot.yaml]}", "geen geldige YAML (regel 2, kolom 1)"),
    ("batch {f[tekst.yaml]}", "maar het bestand is losse tekst"),
    ("batch {f[params_datum.yaml]}", "datum bestaat niet: 2026-02-30"),
    ("batch {f[batch_eenheden.yaml]}", "eenheden moet een lijst zijn met per eenheid"),
    ("batch {f[batch_notebooks.yaml]}", "notebooks moet een lijst"),
    ("batch {f[batch_notebook_weg.yaml]}", "bestaat_niet.ipynb: bestaat niet"),
    ("batch {f[kapot.yaml]} --jobs 0", "--jobs: moet minstens 1 zijn"),
    ("inlezen {f[map]} --store {u} --kolommen {f[kapot.yaml]}", "geen geldige YAML (regel 2"),
    ("inlezen {f[map]} --store {u} --kolommen {f[weg.yaml]}", "weg.yaml: bestaat niet"),
    ("inlezen {f[map]} --store {f[bestand]}", "bestand: bestaat al als bestand"),
    ("inlezen {f[map]} --store {u} --processen 0", "--processen: moet minstens 1 zijn"),
    ("inlezen {f[map]} --store {u} --max-mb inf", "--max-mb: geen getal: inf"),
    ("inlezen {f[map]} --store {u} --max-mb 0", "--max-mb: moet groter dan 0 zijn"),
    ("voorbeeld --uit {u} --kinderen 0", "--kinderen: moet minstens 1 zijn"),
    ("voorbeeld --uit {f[bestand]} --kinderen 5", "bestand: bestaat al als bestand"),
    ("woordenboek --uit {f[weg.yaml]}/woordenboek.md", "woordenboek.md: bestaat niet"),
    ("woordenboek --uit {f[map]}", "map: is een map, geen bestand"),
    # a file named after a child: the BSN does not reach the message
    ("woordenboek --uit {f[map]}/999941033/x.md", "map/<bsn>/x.md: bestaat niet"),
    ("live --store {s} --map {f[bestand]} --alleen-klaarzetten", "bestaat al als bestand"),
    ("onbekend", "ongeldige keuze: 'onbekend'"),
    ("", "deze argumenten zijn verplicht: OPDRACHT"),
]


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory, tiny_store: Path) -> dict[str, Path]:
    return _files(tmp_path_factory.mktemp("invoer"), tiny_store)


@pytest.mark.parametrize("line,message", CASES, ids=[c[0] or "leeg" for c in CASES])
def test_bad_input_is_one_dutch_line(line, message, tiny_store, bad_files, tmp_path):
    fill = {"s": tiny_store, "u": tmp_path / "uit", "f": bad_files}
    argv = line.format(**fill).split()
    env = {**os.environ, "KIT_PSEUDONIEM_SLEUTEL": EXAMPLE_KEY}
    proc = subprocess.run(
        [sys.executable, "-m", "kit", *argv],
        capture_output=True,
        text=True,
        cwd=PROJ_ROOT,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Fout: "), proc.stderr
    assert message.format(**fill) in lines[0]


@pytest.fixture(scope="module")
def damaged_table(tiny_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny store with its messages table cut off halfway (a disk full, a bad copy)."""
    import shutil

    store = tmp_path_factory.mktemp("kapotte_tabel") / "store"
    shutil.copytree(tiny_store, store)
    for part in (store / "berichten").glob("*.parquet"):
        part.write_bytes(part.read_bytes()[:100])
    return store


@pytest.mark.parametrize("command", ["quickscan", "wachttijden", "trends", "verbeterlijst"])
def test_a_damaged_table_is_one_dutch_line(command, damaged_table, tmp_path, capsys):
    from kit.__main__ import main

    argv = _argv(command, damaged_table, tmp_path)
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f"Fout: Tabel berichten/inlees-0001.parquet in de store {damaged_table}"
    )
    assert "is beschadigd" in lines[0] and "--store NIEUWE_MAP" in lines[0]


def test_a_notebook_on_a_damaged_table_raises_the_store_error(damaged_table):
    from kit.sections import prepare_trends

    with pytest.raises(StoreError, match="berichten/inlees-0001.parquet .* is beschadigd"):
        prepare_trends(regio="R", store=str(damaged_table), peildatum=PEILDATUM, gemeenten=[])


def test_herstel_says_what_it_did(tiny_store, tmp_path, capsys, monkeypatch):
    from kit.__main__ import main

    monkeypatch.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
    assert main(["inlezen", "--herstel", "--store", str(tmp_path / "weg")]) == 2
    err = capsys.readouterr().err
    assert err == f"Fout: De store {tmp_path / 'weg'} bestaat niet; er is niets te herstellen.\n"
    assert not (tmp_path / "weg").exists()
    before = (tiny_store / "kit-store.json").read_bytes()
    assert main(["inlezen", "--herstel", "--store", str(tiny_store)]) == 0
    assert (
        "kit-store.json" in (out := capsys.readouterr().out) and "is in orde, niets hersteld" in out
    )
    assert (tiny_store / "kit-store.json").read_bytes() == before
