"""Command line (Dutch): parses arguments, calls the kit's modules, prints; nothing else."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kit import __version__, config

# argparse's own messages in Dutch (it looks them up through gettext at run time).
_DUTCH = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "show this help message and exit": "deze hulptekst tonen en stoppen",
    "show program's version number and exit": "versie van de kit tonen en stoppen",
    "the following arguments are required: %s": "deze argumenten zijn verplicht: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht één waarde",
}
argparse._ = lambda text: _DUTCH.get(text, text)


def _cmd_inlezen(args: argparse.Namespace) -> int:
    from kit.privacy import PseudonymKeyError, load_pseudonymiser
    from kit.read_tabular import load_column_map
    from kit.read_xml import iter_sources
    from kit.store import StoreError, ingest

    try:
        pseudonymise = load_pseudonymiser(announce=lambda m: print(m, file=sys.stderr))
        column_map = load_column_map(args.kolommen) if args.kolommen else None
        report = ingest(
            iter_sources(args.bron),
            args.store,
            pseudonymise=pseudonymise,
            xsd_dir=args.xsd,
            column_map=column_map,
            workers=args.processen,
            progress=not args.stil,
        )
    except (PseudonymKeyError, StoreError, ValueError, FileNotFoundError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    print(report.text())
    print(f"Inleesverslag opgeslagen in {Path(args.store) / 'inleesverslagen'}")
    counts = report.counts
    if counts["afgewezen"]:
        print(
            f"Waarschuwing: {counts['afgewezen']} bestand(en) afgewezen; zie hierboven.",
            file=sys.stderr,
        )
    if not report.loaded_anything:
        print("Fout: er is niets ingelezen.", file=sys.stderr)
        return 1
    return 0


def _cmd_voorbeeld(args: argparse.Namespace) -> int:
    from kit.example import write_example_region

    truth = write_example_region(
        args.uit, seed=args.seed, n_children=args.kinderen, archive=args.archief, progress=True
    )
    print(
        f"Voorbeeldregio geschreven naar {args.uit} ({int(truth['n'].sum())} ingebrachte "
        "afwijkingen en gedragingen, zie injecties.csv)."
    )
    return 0


def _cmd_overzicht(args: argparse.Namespace) -> int:
    from kit.pathways import pathways_from_store, summarise
    from kit.store import read_meta

    meta = read_meta(args.store)
    if not meta["inleesrondes"]:
        print(
            f"Fout: {args.store} is geen gevulde store; lees eerst berichten in.", file=sys.stderr
        )
        return 1
    pathways = pathways_from_store(args.store)
    print(f"Store {args.store}: {len(meta['inleesrondes'])} inleesronde(s).")
    for by in ("gemeente", "categorie"):
        table = summarise(pathways, by=by, threshold=args.min_cel)
        print(f"\nTrajecten per {by} (aantallen onder {args.min_cel} als '<{args.min_cel}'):")
        print(
            table.drop(columns="onderdrukt")
            .astype("string")
            .fillna(f"<{args.min_cel}")
            .to_string(index=False)
        )
    return 0


def _cmd_quickscan(args: argparse.Namespace) -> int:
    from kit.checks import (
        allow_test_bsns,
        evaluate_checks,
        load_checks,
        prepare_scan,
        quickscan_tables,
        write_flags,
    )
    from kit.checks.patterns import provider_patterns
    from kit.outputs import write_shared
    from kit.store import read_meta

    if not read_meta(args.store)["inleesrondes"]:
        print(
            f"Fout: {args.store} is geen gevulde store; lees eerst berichten in.", file=sys.stderr
        )
        return 1
    try:
        checks = load_checks(args.controles)
    except (ValueError, OSError) as exc:
        print(f"Fout in de controles: {exc}", file=sys.stderr)
        return 2
    if args.testdata_toegestaan:
        checks = allow_test_bsns(checks)
    data = prepare_scan(args.store, peildatum=args.peildatum)
    result = evaluate_checks(data, checks)
    tables = quickscan_tables(result, provider_patterns(data))
    written = write_shared(tables, args.uit, threshold=args.min_cel)
    flags = write_flags(result, args.store, peildatum=args.peildatum)
    scores = result.scores().set_index("berichttype")
    total = scores.loc["totaal"]
    print(
        f"Quick scan op peildatum {args.peildatum}: {total['pct_betrouwbaar']:.0f}% van "
        f"{int(total['n'])} berichtregels betrouwbaar (geen fout of waarschuwing)."
    )
    status = result.status["status"].value_counts()
    print(
        f"Controles: {status.get('beoordeeld', 0)} beoordeeld, "
        f"{status.get('niet te beoordelen', 0)} niet te beoordelen, {status.get('uit', 0)} uit."
    )
    print("Geschreven: " + ", ".join(str(p) for p in written))
    print(f"Vlaggen per bericht (blijven in de store): {flags}")
    return 0


def _cmd_woordenboek(args: argparse.Namespace) -> int:
    from kit.store import data_dictionary

    text = data_dictionary()
    if args.uit:
        Path(args.uit).write_text(text, encoding="utf-8")
        print(f"Datawoordenboek geschreven naar {args.uit}")
    else:
        print(text)
    return 0


def _iso_date(text: str) -> str:
    """Check a date argument (JJJJ-MM-DD) and return it as ISO text."""
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen geldige datum (JJJJ-MM-DD): {text}") from None


def build_parser() -> argparse.ArgumentParser:
    """Return the Dutch argument parser of ``python -m kit``."""
    parser = argparse.ArgumentParser(
        prog="python -m kit",
        description="Leercirkel-data kit: iJw 3.2-berichtenverkeer van een jeugdzorgregio "
        "inlezen en analyseren.",
    )
    parser.add_argument("--versie", action="version", version=f"leercirkel-kit {__version__}")
    sub = parser.add_subparsers(dest="opdracht", required=True, metavar="OPDRACHT")

    p = sub.add_parser(
        "inlezen",
        help="iJw-berichten (XML, mappen, zip/tar) of een tabel-export inlezen",
        description="Leest iJw 3.2-berichten in een store (map met Parquet-tabellen). Het BSN "
        "wordt bij het inlezen gepseudonimiseerd. Bestanden die al eerder zijn ingelezen worden "
        "overgeslagen; elk afgewezen bestand staat met reden in het inleesverslag.",
    )
    p.add_argument(
        "bron",
        nargs="+",
        type=Path,
        metavar="BRON",
        help="XML-bestanden, mappen (ook submappen), .zip- of .tar(.gz/.xz)-archieven, "
        "of .csv-bestanden in het tabelformaat (docs/tabelformaat.md)",
    )
    p.add_argument(
        "--store",
        required=True,
        type=Path,
        metavar="MAP",
        help="map van de store; wordt aangemaakt als die nog niet bestaat",
    )
    p.add_argument(
        "--xsd",
        type=Path,
        metavar="MAP",
        help="map met de officiële iJw 3.2-XSD's; elk bericht wordt ertegen "
        "gevalideerd en ongeldige berichten worden afgewezen",
    )
    p.add_argument(
        "--kolommen",
        type=Path,
        metavar="YAML",
        help="kolomvertaling voor een eigen tabel-export (kolommen: {eigen: iJw-naam})",
    )
    p.add_argument(
        "--processen",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="aantal processen dat tegelijk berichten leest (standaard: 2, of 1 op een "
        "machine met één kern)",
    )
    p.add_argument("--stil", action="store_true", help="geen voortgangsbalk tonen")
    p.set_defaults(func=_cmd_inlezen)

    p = sub.add_parser(
        "voorbeeld",
        help="een fictieve voorbeeldregio met echte iJw 3.2-XML genereren",
        description="Schrijft het berichtenverkeer van een fictieve regio (testreeks-BSN's) met "
        "de patronen uit de praktijk, plus injecties.csv met wat er is ingebracht.",
    )
    p.add_argument("--uit", required=True, type=Path, metavar="MAP", help="doelmap")
    p.add_argument("--kinderen", type=int, default=5000, help="aantal kinderen (standaard 5000)")
    p.add_argument("--seed", type=int, default=2026, help="startwaarde van het toeval")
    p.add_argument(
        "--archief",
        action="store_true",
        help="alles in één berichten.tar.xz in plaats van losse bestanden",
    )
    p.set_defaults(func=_cmd_voorbeeld)

    p = sub.add_parser(
        "overzicht",
        help="samenvatting van een store: trajecten per status",
        description="Telt kinderen en trajecten per gemeente en productcategorie.",
    )
    p.add_argument("--store", required=True, type=Path, metavar="MAP", help="map van de store")
    p.add_argument(
        "--min-cel",
        type=int,
        default=config.MIN_CELL,
        metavar="N",
        help=f"aantallen onder N tonen als '<N' (standaard {config.MIN_CELL})",
    )
    p.set_defaults(func=_cmd_overzicht)

    p = sub.add_parser(
        "quickscan",
        help="quick scan datakwaliteit: alle controles per berichtsoort",
        description="Voert de controles uit kit/checks/checks.yaml (of een eigen kopie) uit op de "
        "store en schrijft bevindingen.csv, scores.csv, aanbieders.csv en controles.csv. Kleine "
        "aantallen worden onderdrukt; de vlaggen per bericht blijven in de store.",
    )
    p.add_argument("--store", required=True, type=Path, metavar="MAP", help="map van de store")
    p.add_argument(
        "--peildatum",
        required=True,
        type=_iso_date,
        metavar="JJJJ-MM-DD",
        help="peildatum: berichten met een latere dagtekening tellen niet mee",
    )
    p.add_argument(
        "--uit", required=True, type=Path, metavar="MAP", help="map voor de CSV-bestanden"
    )
    p.add_argument(
        "--controles",
        type=Path,
        metavar="YAML",
        help="eigen kopie van checks.yaml (controles uitzetten, drempels aanpassen)",
    )
    p.add_argument(
        "--min-cel",
        type=int,
        default=config.MIN_CELL,
        metavar="N",
        help=f"aantallen onder N leeg laten (standaard {config.MIN_CELL})",
    )
    p.add_argument(
        "--testdata-toegestaan",
        action="store_true",
        help="BSN's uit de testreeks niet als fout tellen (voor de voorbeeldregio)",
    )
    p.set_defaults(func=_cmd_quickscan)

    p = sub.add_parser(
        "woordenboek",
        help="het datawoordenboek van de store (Markdown)",
        description="Schrijft de beschrijving van alle tabellen en kolommen.",
    )
    p.add_argument("--uit", type=Path, metavar="BESTAND", help="bestand (standaard: scherm)")
    p.set_defaults(func=_cmd_woordenboek)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
