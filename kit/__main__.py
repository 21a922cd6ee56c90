"""Command line (Dutch): parses arguments, calls the kit's modules, prints; nothing else."""

from __future__ import annotations

import argparse
import errno
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kit import __version__, config

if TYPE_CHECKING:
    from kit.checks import ScanResult
    from kit.params import ReportParams

# argparse's own messages in Dutch (it looks them up through gettext at run time).
_DUTCH = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "show this help message and exit": "deze hulptekst tonen en stoppen",
    "show program's version number and exit": "versie van de kit tonen en stoppen",
    "the following arguments are required: %s": "deze argumenten zijn verplicht: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht één waarde",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
}
argparse._ = lambda text: _DUTCH.get(text, text)


class _Parser(argparse.ArgumentParser):
    """argparse with its errors as one Dutch line, like every other error of the kit."""

    def error(self, message: str) -> NoReturn:
        from kit.sources import mask_bsn_like

        self.exit(2, f"Fout: {mask_bsn_like(message)} (zie: {self.prog} --help)\n")


_OS_REASONS = {
    errno.ENOENT: "bestaat niet",
    errno.EISDIR: "is een map, geen bestand",
    errno.ENOTDIR: "is geen map (of een deel van het pad is een bestand)",
    errno.EEXIST: "bestaat al als bestand (geef een map)",
    errno.EACCES: "geen toegang (rechten)",
    errno.EPERM: "geen toegang (rechten)",
    errno.ENOSPC: "de schijf is vol",
    errno.EROFS: "alleen-lezen bestandssysteem",
}


def _reason(exc: BaseException) -> str:
    """The user's side of an error in Dutch: a file problem names the file and what is wrong.

    A BSN-like number in it (a file named after a child) is masked.
    """
    from kit.sources import mask_bsn_like

    if isinstance(exc, OSError) and exc.filename is not None:
        why = _OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
        return mask_bsn_like(f"{exc.filename}: {why}")
    if isinstance(exc, UnicodeDecodeError):
        return "geen tekst in UTF-8; sla het bestand op als UTF-8"
    return mask_bsn_like(str(exc))


def _cmd_inlezen(args: argparse.Namespace) -> int:
    from kit.privacy import PseudonymKeyError, load_pseudonymiser
    from kit.read_tabular import load_column_map
    from kit.sources import iter_sources
    from kit.store import META_FILE, StoreError, ingest, read_meta, rebuild_meta

    if not args.bron and not args.herstel:
        print("Fout: geef minstens één BRON (bestand, map of archief).", file=sys.stderr)
        return 2
    try:
        pseudonymise = load_pseudonymiser(announce=lambda m: print(m, file=sys.stderr))
        if args.herstel:
            if not Path(args.store).is_dir():
                raise StoreError(f"De store {args.store} bestaat niet; er is niets te herstellen.")
            try:
                intact = (Path(args.store) / META_FILE).exists() and read_meta(args.store)
            except StoreError:
                intact = False
            meta = intact or rebuild_meta(args.store, pseudonymise)
            state = "is in orde, niets hersteld" if intact else "hersteld"
            print(
                f"{META_FILE} van {args.store} {state}: {len(meta['inleesrondes'])} inleesronde(s)."
            )
            if not args.bron:
                return 0
        column_map = load_column_map(args.kolommen) if args.kolommen else None
        report = ingest(
            iter_sources(args.bron, max_bytes=round(args.max_mb * 2**20)),
            args.store,
            pseudonymise=pseudonymise,
            xsd_dir=args.xsd,
            column_map=column_map,
            workers=args.processen,
            progress=not args.stil,
        )
    except (PseudonymKeyError, StoreError, ValueError, OSError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
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


def _store(store: Path) -> dict:
    """The metadata of a store with at least one ingest round (:func:`kit.params.filled_store`).

    A relative path is taken from the working folder. A missing, damaged or empty store raises
    :class:`kit.store.StoreError`, which :func:`main` prints as one Dutch line.
    """
    from kit.params import filled_store

    return filled_store(store, base=Path())[1]


class _ModelDefault:
    """An option's default: the report model's own (shown in ``--help``, left to the model)."""

    def __init__(self, model: type[ReportParams], name: str) -> None:
        self.model, self.name = model, name

    def __str__(self) -> str:
        return str(self.model.default(self.name))


def _model_options(
    p: argparse.ArgumentParser,
    model: type[ReportParams],
    helps: dict[str, str],
    *,
    metavars: dict[str, str] | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """Add one option per parameter of a report model (:mod:`kit.params`), in ``helps`` order.

    The option is the parameter's name (``--periode-van`` for ``periode_van``), its check the
    model's (:func:`kit.params.cli_type`), its default the model's; ``store`` and ``peildatum``
    are required. ``aliases`` maps a parameter to an older option name that keeps working but
    is not shown in ``--help``.
    """
    from kit.params import cli_type

    spec, metavars, aliases = model.spec(), metavars or {}, aliases or {}
    for name, text in helps.items():
        kind = spec[name].metadata["kind"]
        kwargs: dict = {"dest": name, "help": text}
        if kind == "vlag":
            kwargs["action"] = "store_true"
        else:
            kwargs["type"] = Path if kind == "map" else cli_type(kind)
            kwargs["metavar"] = metavars.get(name, {"map": "MAP", "datum": "JJJJ-MM-DD"}.get(kind))
        if name in model.required():
            kwargs["required"] = True
        else:
            kwargs["default"] = _ModelDefault(model, name)
        p.add_argument("--" + name.replace("_", "-"), **kwargs)
        if name in aliases:
            hidden = {k: v for k, v in kwargs.items() if k not in ("default", "required")}
            p.add_argument(
                aliases[name], **hidden | {"help": argparse.SUPPRESS, "default": argparse.SUPPRESS}
            )


def _params(args: argparse.Namespace, model: type[ReportParams]) -> ReportParams:
    """The report model from the command line's options, validated (:meth:`validate`).

    Parameters the command has no option for keep the model's default; ``regio`` (a title) is
    empty and ``live`` off.
    """
    names = set(model.spec())
    values = {
        k: str(v) if k == "store" else v
        for k, v in vars(args).items()
        if k in names and not isinstance(v, _ModelDefault)
    }
    return model(**{"regio": "", "live": False} | values).validate()


def _cmd_overzicht(args: argparse.Namespace) -> int:
    from kit.pathways import pathways_from_store, summarise

    meta = _store(args.store)
    pathways = pathways_from_store(args.store)
    print(f"Store {args.store}: {len(meta['inleesrondes'])} inleesronde(s).")
    if pathways.empty:
        print(
            "Geen trajecten: de store heeft geen verzoek om toewijzing (315), toewijzing (301), "
            "start (305) of stop (307). Afgewezen bestanden staan met reden in het "
            "inleesverslag (STORE/inleesverslagen/)."
        )
        return 0
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
    from kit.checks.patterns import load_pattern_params, provider_patterns
    from kit.outputs import write_shared
    from kit.params import QuickscanParams

    p = _params(args, QuickscanParams)
    _store(args.store)
    own = p.controles or None
    try:
        checks = load_checks(own)
        pattern_params = load_pattern_params(own)
    except (ValueError, OSError) as exc:
        print(f"Fout: controles: {_reason(exc)}", file=sys.stderr)
        return 2
    if p.testdata_toegestaan:
        checks = allow_test_bsns(checks)
    data = prepare_scan(args.store, peildatum=p.peildatum)
    result = evaluate_checks(data, checks)
    patterns = provider_patterns(data, pattern_params)
    # from here only the record keys are needed: the scan's tables go (GBs at national scale)
    result = replace(result, keys=result.keys.narrowed())
    del data
    tables = quickscan_tables(result, patterns)
    written = write_shared(tables, args.uit, threshold=p.min_cel)
    flags = write_flags(result, args.store, peildatum=p.peildatum)
    history = _write_quality_history(result, args.store, p.peildatum)
    scores = tables["scores"].frame.set_index("berichttype")  # result.scores(), once
    total = scores.loc["totaal"]
    if total["n"] == 0:
        print(
            f"Quick scan op peildatum {p.peildatum}: geen berichtregels op of vóór de "
            "peildatum, dus geen aandeel betrouwbaar te berekenen."
        )
    else:
        print(
            f"Quick scan op peildatum {p.peildatum}: {total['pct_betrouwbaar']:.0f}% van "
            f"{_count_text(total['n'], p.min_cel)} berichtregels betrouwbaar (geen fout of "
            "waarschuwing)."
        )
    status = result.status["status"].value_counts()
    print(
        f"Controles: {status.get('beoordeeld', 0)} beoordeeld, "
        f"{status.get('niet te beoordelen', 0)} niet te beoordelen, {status.get('uit', 0)} uit."
    )
    if result.only_test_bsns():
        print(
            "Alle BSN's in de store zijn test-BSN's: zijn het testgegevens (zoals de "
            "voorbeeldregio), draai dan opnieuw met --testdata-toegestaan."
        )
    print("Geschreven: " + ", ".join(str(p) for p in written))
    print(f"Vlaggen per bericht (blijven in de store): {flags}")
    print(f"Kwaliteitshistorie (per peildatum, blijft in de store): {history}")
    return 0


def _write_quality_history(result: ScanResult, store: Path, peildatum: str) -> Path:
    """Keep this scan's counts in the store's quality history (replaces the same peildatum)."""
    from kit.quality_history import write_history

    return write_history(result, store, peildatum=peildatum)


def _cmd_verbeterlijst(args: argparse.Namespace) -> int:
    from kit.verbeterlijst import build_lists

    _store(args.store)
    try:
        folders = build_lists(
            args.store,
            peildatum=args.peildatum,
            out_dir=args.uit,
            checks_file=args.controles,
            allow_test=args.testdata_toegestaan,
            threshold=args.min_cel,
        )
    except (ValueError, OSError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    if not folders:
        print(
            f"Verbeterlijsten op peildatum {args.peildatum}: geen enkel bericht wijkt af, dus "
            "geen lijsten geschreven."
        )
        return 0
    print(
        f"Verbeterlijsten op peildatum {args.peildatum}: {len(folders)} organisaties, elk een "
        f"eigen map in {args.uit} (verbeterlijst.csv en verbeterlijst.html). Elke lijst is "
        "alleen bestemd voor die organisatie: stuur elke map alleen naar de eigen organisatie."
    )
    stale = sorted(
        p.parent.name for p in Path(args.uit).glob("*/verbeterlijst.csv") if p.parent not in folders
    )
    if stale:
        print(
            f"Let op: {len(stale)} map(pen) in {args.uit} zijn van een eerdere keer en niet "
            f"bijgewerkt (nu geen afwijkende berichten): {', '.join(stale)}. Verstuur die niet.",
            file=sys.stderr,
        )
    return 0


def _cmd_protocol(args: argparse.Namespace) -> int:
    from kit.protocol import write_protocol

    try:
        html_path, pdf_path = write_protocol(
            args.uit, checks_file=args.controles, definitions_file=args.definities, pdf=args.pdf
        )
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    print(f"Regionale aanvulling op het protocol geschreven: {html_path}")
    if pdf_path:
        print(f"PDF: {pdf_path}")
    return 0


def _cmd_wachttijden(args: argparse.Namespace) -> int:
    from kit.outputs import write_shared
    from kit.params import DefinitiesParams
    from kit.waits import days_text, load_definitions, shared_tables, waits_from_store

    p = _params(args, DefinitiesParams)
    _store(args.store)
    try:
        definitions = load_definitions(p.definities or None)
    except (ValueError, OSError) as exc:
        print(f"Fout: definities: {_reason(exc)}", file=sys.stderr)
        return 2
    min_n = max(definitions.min_group, p.min_cel)
    results = waits_from_store(
        args.store,
        peildatum=p.peildatum,
        van=p.periode_van or None,
        tot=p.periode_tot or None,
        definitions=definitions,
        min_n=min_n,
    )
    written = write_shared(shared_tables(results), args.uit, threshold=p.min_cel)
    total = results.summary[results.summary["groep"] == "totaal"]
    print(
        f"Wachttijden op peildatum {p.peildatum} (cohort: start "
        f"{p.periode_van or 'begin data'} t/m {p.periode_tot or p.peildatum}); mediaan volgens "
        f"Kaplan-Meier, geen cijfers op minder dan {min_n} trajecten:"
    )
    waiting = results.snapshot.groupby("definitie")["n_wachtend"].sum()
    population = results.population.set_index("definitie")
    for row in total.itertuples():
        median = days_text(row.mediaan_dagen)
        if median == "—":  # withheld: say why
            if row.n < min_n:
                median += f" (minder dan {min_n} trajecten)"
            elif row.n_gestart == 0:
                median += " (nog niemand gestart)"
            else:
                median += " (niet te schatten: te weinig trajecten in beeld aan het begin)"
        count = _count_text(row.n, p.min_cel)
        scope = ""  # the population next to the figure: which pathways the filters leave out
        if row.definitie in population.index:
            pop = population.loc[row.definitie]
            if pop["populatie"] != "alle trajecten":
                left_out = _count_text(pop["n_buiten_populatie"], p.min_cel)
                scope = f" ({pop['populatie']}: {left_out} weggelaten)"
        line = f"  {row.definitie:<28} {count:>7} trajecten{scope}, mediaan {median}"
        if row.definitie in waiting:
            line += (
                f"; wachtend op de peildatum: {_count_text(waiting[row.definitie], p.min_cel)}"
            )
        print(line)
    print("  (wachtend op de peildatum = momentopname, hetzelfde voor elk cohort)")
    for definitie, day in sorted(results.complete_until.items()):
        print(
            f"  {definitie}: voorlopig, geteld tot en met {day.date()} (de berichten van de "
            "stopgebeurtenis zijn daarna nog niet compleet; ook de momentopname is van die dag)"
        )
    summary = results.summary
    refused = summary[
        (summary["n"] >= min_n) & (summary["n_gestart"] > 0) & summary["mediaan_dagen"].isna()
    ]
    if len(refused):
        print(
            f"Niet te schatten bij {len(refused)} definitie(s) x groep(en): wie vanaf het begin "
            "van de gegevens in beeld was, is al weg voordat de later ingestroomde trajecten "
            "meetellen (Kaplan-Meier met late instroom); samenvatting.csv laat die cijfers leeg."
        )
    if (total["n"] == 0).all():
        print(
            "Geen enkel traject in het cohort: geen wachttijd te berekenen (zijn er toewijzingen "
            "en starts op of vóór de peildatum?)."
        )
    print("Geschreven: " + ", ".join(str(p) for p in written))
    return 0


def _cmd_trends(args: argparse.Namespace) -> int:
    from kit.checks import ANALYSIS_COLUMNS, prepare_scan
    from kit.outputs import write_shared
    from kit.params import TrendsParams
    from kit.trends import REGIO, NoTrendsError, compute_trends, read_population, shared_tables

    p = _params(args, TrendsParams)
    _store(args.store)
    try:
        population = read_population(p.bevolking) if p.bevolking else None
    except (ValueError, OSError) as exc:
        print(f"Fout: bevolkingstabel: {_reason(exc)}", file=sys.stderr)
        return 2
    data = prepare_scan(args.store, peildatum=p.peildatum, columns=ANALYSIS_COLUMNS)
    try:
        result = compute_trends(
            data,
            population=population,
            threshold_complete=p.min_volledigheid,
            norm_weeks=p.norm_weken,
        )
    except NoTrendsError as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    written = write_shared(shared_tables(result), args.uit, threshold=p.min_cel)
    region = result.series[result.series["niveau"] == "regio"]
    months = sorted(region["maand"].unique())
    provisional = sorted(region.loc[region["voorlopig"], "maand"].unique())
    listed = region[(region["reeks"] == "wachtlijst") & (region["maand"] == months[-1])]
    print(
        f"Trends op peildatum {p.peildatum}: {months[0]} t/m {months[-1]}, niveaus regio, "
        f"gemeente, aanbieder en categorie ({REGIO} = de hele regio)."
    )
    late = " (voorlopig)" if bool(listed["voorlopig"].iloc[0]) else ""
    print(
        f"Wachtlijst eind {months[-1]}: {_count_text(listed['waarde'].iloc[0], p.min_cel)} "
        f"toewijzingen{late}."
    )
    last_sent = data.tables["berichten"]["Dagtekening"].max()
    if str(last_sent)[:7] < months[-1]:
        print(
            f"Let op: het laatste bericht is van {str(last_sent)[:10]}; over de maanden daarna "
            "zeggen de reeksen niets (er zijn nog geen berichten over)."
        )
    if provisional:
        print(
            "Voorlopig (berichten nog niet compleet): " + ", ".join(provisional) + "; zie de "
            "kolom voorlopig."
        )
    print(
        f"Aantallen onder {p.min_cel} zijn leeg gelaten (kolom onderdrukt), andere aantallen "
        f"afgerond op {config.ROUND_BASE}."
    )
    print("Geschreven: " + ", ".join(str(p) for p in written))
    return 0


def _cmd_deelpakket(args: argparse.Namespace) -> int:
    import tempfile

    from kit.share import PackageError, build_package, package_text, read_package

    if args.pakket is not None:  # show an existing package
        if not args.toon:
            print("Fout: een bestaand pakket kan alleen getoond worden (--toon).", file=sys.stderr)
            return 2
        try:
            print(package_text(read_package(args.pakket)))
        except PackageError as exc:
            print(f"Fout: {_reason(exc)}", file=sys.stderr)
            return 2
        return 0
    missing = [
        opt
        for opt, value in (
            ("--store", args.store),
            ("--peildatum", args.peildatum),
            ("--regio", args.regio),
        )
        if not value
    ]
    if not args.uit and not args.toon:
        missing.append("--uit (of --toon)")
    if missing:
        print(f"Fout: deze opties zijn verplicht: {', '.join(missing)}.", file=sys.stderr)
        return 2
    _store(args.store)
    try:
        if args.bevolking:
            from kit.trends import read_population

            read_population(args.bevolking)
        with tempfile.TemporaryDirectory(prefix="kit-deelpakket-") as tmp:
            out = Path(args.uit) if args.uit else Path(tmp) / "deelpakket.zip"
            manifest = build_package(
                args.store,
                out,
                peildatum=args.peildatum,
                regio=args.regio,
                definities=args.definities,
                controles=args.controles,
                bevolking=args.bevolking,
                testdata_toegestaan=args.testdata_toegestaan,
                min_cel=args.min_cel,
                norm_weken=args.norm_weken,
            )
            if args.toon:
                print(package_text(read_package(out)))
    except (PackageError, ValueError, OSError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    if args.uit:
        n_files = len(manifest["bestanden"]) + 1
        print(
            f"Deelpakket geschreven: {args.uit} ({n_files} bestanden met manifest.json). Alleen "
            f"geaggregeerde tabellen: aantallen onder {args.min_cel} leeg, andere afgerond op "
            f"{config.ROUND_BASE}. Bekijk alles wat de regio verlaat met: "
            f"python -m kit deelpakket --toon {args.uit}"
        )
    return 0


def _cmd_vergelijk(args: argparse.Namespace) -> int:
    from kit.report import ParameterError, render
    from kit.share import PackageError, read_package

    try:
        packages = [read_package(p) for p in args.pakket]
    except PackageError as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    peildata = sorted({p.manifest["peildatum"] for p in packages})
    params = {
        "regio": args.titel,
        "peildatum": args.peildatum or peildata[-1],
        "pakketten": [str(Path(p).resolve()) for p in args.pakket],
        "min_cel": args.min_cel,
    }
    notebook = config.notebook_dir() / "04_vergelijking.ipynb"
    out = Path(args.uit)
    print(f"Vergelijking van {len(packages)} deelpakketten maken ...", flush=True)
    try:
        rendered = render(notebook, params, out.parent, name=out.stem)
    except (ParameterError, OSError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a failed cell: papermill's error names it
        print(f"Fout: het rapport is niet gelukt: {_reason(exc)}", file=sys.stderr)
        return 1
    print(f"Rapport: {rendered.html}")
    return 0


def _count_text(value: float, threshold: int) -> str:
    """A count for the console: below ``threshold`` (but not 0) as ``<threshold``, else rounded.

    Rounded like every published count (:func:`kit.privacy.round_counts`).
    """
    import pandas as pd

    from kit.privacy import round_counts

    if 0 < value < threshold:
        return f"<{threshold}"
    return f"{round_counts(pd.Series([value]), threshold=threshold).iloc[0]:.0f}"


def _cmd_rapport(args: argparse.Namespace) -> int:
    from kit.report import (
        Job,
        ParameterError,
        check_inputs,
        check_parameters,
        chromium,
        default_notebooks,
        find_notebook,
        load_params,
        run_jobs,
    )
    from kit.store import StoreError

    notebooks = [find_notebook(Path(n).resolve()) for n in args.notebook] or default_notebooks()
    try:
        params = load_params(args.params, notebooks)
        for nb in notebooks:  # every notebook's parameters are checked before any runs
            check_parameters(nb, params[nb])
        if args.pdf:
            chromium()
        for nb in notebooks:  # and its store and the region's own files
            check_inputs(params[nb])
        Path(args.uit).mkdir(parents=True, exist_ok=True)
    except (ParameterError, StoreError, OSError, RuntimeError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    jobs = [Job("", nb, params[nb], args.uit, pdf=args.pdf) for nb in notebooks]
    names = ", ".join(nb.name for nb in notebooks)
    print(f"Rapporten maken ({args.jobs} tegelijk): {names} ...", flush=True)
    failed = 0
    for job, _, error in run_jobs(jobs, workers=args.jobs):
        if error:
            from kit.sources import mask_bsn_like

            executed = job.out_dir / f"{job.notebook.stem}.ipynb"
            where = f"; het notebook met de fout staat in {executed}" if executed.exists() else ""
            print(
                f"Fout: rapport {job.notebook.stem} is mislukt: {mask_bsn_like(error)}{where}",
                file=sys.stderr,
            )
            failed += 1
            continue
        pdf = job.html.with_suffix(".pdf")
        print(f"  {job.html}" + (f"\n  {pdf}" if job.pdf else ""), flush=True)
    print(f"Rapporten staan in {Path(args.uit).resolve()}")
    return 1 if failed else 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from kit.report import ParameterError, batch

    try:
        summary = batch(args.config, jobs=args.jobs, opnieuw=args.opnieuw)
    except (ParameterError, OSError) as exc:
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2
    print(
        f"Gemaakt: {len(summary.done)}, overgeslagen (niets veranderd): {len(summary.skipped)}, "
        f"mislukt: {len(summary.failed)}."
    )
    for job, error in summary.failed:
        print(f"  MISLUKT {job.unit}/{job.notebook.name}: {error}", file=sys.stderr)
    print(f"Overzicht: {summary.index}")
    return 1 if summary.failed else 0


def _cmd_live(args: argparse.Namespace) -> int:
    from kit import live
    from kit.report import prepare_live

    store = Path(args.store).resolve()
    _store(store)
    folder = Path(args.map).resolve()
    made = prepare_live(store, folder, presentatie=args.presentatie)
    print(f"{len(made)} notebooks klaargezet in {folder} (store: {store}).")
    if args.presentatie:
        print(
            "Presentatiemodus: code verborgen, keuzelijsten bovenaan, grotere letters, geen "
            f"nieuwsmeldingen. JupyterLab-instellingen in {folder / live.SESSION_DIR}."
        )
        if live.TRANSLATION_PLUGIN not in live.lab_settings():
            print(
                "JupyterLab blijft Engels: het Nederlandse taalpakket ontbreekt "
                "(pip install jupyterlab-language-pack-nl-NL)."
            )
    if args.alleen_klaarzetten:
        return 0
    as_root = _is_root()
    if as_root:
        print(
            "Let op: de kit draait als root (gebruiker 0, gewoon in een container); JupyterLab "
            "start daarom met --allow-root. Op een gedeelde machine liever als gewone gebruiker."
        )
    print("JupyterLab starten; stoppen met Ctrl+C.")
    if args.presentatie:
        print(
            "Kies in het notebook Uitvoeren > Run All Cells en scroll daarna naar boven: "
            "daar staat de keuzelijst."
        )
    command = live_command(
        folder,
        port=args.poort,
        browser=not args.geen_browser,
        as_root=as_root,
        presentatie=args.presentatie,
    )
    if args.presentatie:  # JupyterLab's settings and state in the session folder only
        return subprocess.call(command, env=live.lab_environment(folder, os.environ))
    return subprocess.call(command)


def _is_root() -> bool:
    """Whether this process runs as root (effective user id 0; never on Windows)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def live_command(
    folder: Path, *, port: int, browser: bool, as_root: bool, presentatie: bool = False
) -> list[str]:
    """The JupyterLab command line of ``python -m kit live``.

    Jupyter refuses to start as root unless told ``--allow-root``; ``as_root`` adds it.
    ``presentatie`` opens the quick scan at once and turns off the news feed and update check
    (:data:`kit.live.LAB_OPTIONS`).
    """
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--notebook-dir={folder}",
        f"--port={port}",
    ]
    if not browser:
        command.append("--no-browser")
    if as_root:
        command.append("--allow-root")
    if presentatie:
        from kit import live

        command += live.LAB_OPTIONS
        first = sorted(folder.glob("[0-9]*.ipynb"))
        if first:
            command.append(f"--LabApp.default_url=/lab/tree/{first[0].name}")
    return command


def _cmd_woordenboek(args: argparse.Namespace) -> int:
    from kit.store import data_dictionary

    text = data_dictionary()
    if args.uit:
        Path(args.uit).write_text(text, encoding="utf-8")
        print(f"Datawoordenboek geschreven naar {args.uit}")
    else:
        print(text)
    return 0


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"geen geheel getal: {text}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"moet minstens {minimum} zijn, niet {text}")
        return value

    return whole


def _min_cel_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--min-cel N`` (at least 1, default :data:`kit.config.MIN_CELL`); ``what`` says its use."""
    p.add_argument(
        "--min-cel",
        type=_at_least(1),
        default=config.MIN_CELL,
        metavar="N",
        help=f"{what} (standaard {config.MIN_CELL})",
    )


def _testdata_option(p: argparse.ArgumentParser) -> None:
    """``--testdata-toegestaan``: BSNs of the test range are no error (the example region)."""
    p.add_argument(
        "--testdata-toegestaan",
        action="store_true",
        help="BSN's uit de testreeks niet als fout tellen (voor de voorbeeldregio)",
    )


def _iso_date(text: str) -> str:
    """Check a date argument (JJJJ-MM-DD, years 1900-2199) and return it as ISO text."""
    if not config.is_iso_date(text):
        raise argparse.ArgumentTypeError(f"geen geldige datum (JJJJ-MM-DD): {text}")
    return text


def _add_deelpakket_parser(sub: argparse._SubParsersAction) -> None:
    from kit.params import cli_type

    p = sub.add_parser(
        "deelpakket",
        help="deelpakket voor de leercirkel: alleen beschermde tabellen, met definities",
        description="Maakt één zip-bestand dat een regio naar de leercirkel kan sturen: "
        "quick-scan-scores per berichtsoort en controle, wachttijden en curvepunten per "
        "definitie, maandreeksen, per gemeente en productcategorie; met dezelfde bescherming "
        "van kleine aantallen als de rapporten. Plus manifest.json (kit-versie, peildatum, "
        "periode, regio, elk bestand met aantal rijen en SHA-256) en de gebruikte definities "
        "en controles (de YAML-bestanden, met inhoudshash). Geen pseudoniem, geen record. "
        "Met --toon: alles wat de regio zou verlaten op het scherm.",
    )
    p.add_argument(
        "pakket",
        nargs="?",
        type=Path,
        metavar="PAKKET",
        help="een bestaand deelpakket (zip) om te tonen met --toon",
    )
    p.add_argument("--store", type=Path, metavar="MAP", help="map van de store")
    p.add_argument(
        "--peildatum",
        type=_iso_date,
        metavar="JJJJ-MM-DD",
        help="peildatum: berichten met een latere dagtekening tellen niet mee",
    )
    p.add_argument("--regio", metavar="NAAM", help="naam van de regio in de leercirkel")
    p.add_argument("--uit", type=Path, metavar="ZIP", help="het deelpakket dat wordt geschreven")
    p.add_argument(
        "--toon",
        action="store_true",
        help="elke tabel en elk getal uit het pakket tonen (zonder --uit wordt niets geschreven)",
    )
    p.add_argument(
        "--definities",
        type=Path,
        metavar="YAML",
        help="eigen kopie van waiting_times.yaml (definities en normen)",
    )
    p.add_argument("--controles", type=Path, metavar="YAML", help="eigen kopie van checks.yaml")
    p.add_argument(
        "--bevolking",
        type=Path,
        metavar="CSV",
        help="bevolkingstabel (gemeente, jaar, aantal_0_17): gaat mee in het pakket en geeft "
        "de wachtlijst per 1.000 jeugdigen",
    )
    p.add_argument(
        "--norm-weken",
        type=cli_type("positief"),
        metavar="W",
        help="wachttijdnorm in weken voor de trechter 'gestart binnen de norm' (standaard "
        "trends.norm_weken in waiting_times.yaml)",
    )
    _min_cel_option(p, "aantallen onder N leeg laten")
    _testdata_option(p)
    p.set_defaults(func=_cmd_deelpakket)


def _add_vergelijk_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "vergelijk",
        help="deelpakketten van regio's naast elkaar zetten (offline HTML-rapport)",
        description="Leest de deelpakketten, controleert elk pakket (bestanden tegen het "
        "manifest; een beschadigd pakket wordt geweigerd) en maakt met notebook "
        "04_vergelijking één HTML-rapport: per definitie de regio's naast elkaar, "
        "trechtergrafieken en datakwaliteit. Cijfers met verschillende definities komen "
        "nooit in één tabel: ze staan in aparte groepen, met wat er verschilt.",
    )
    p.add_argument("pakket", nargs="+", type=Path, metavar="PAKKET", help="deelpakketten (zip)")
    p.add_argument("--uit", required=True, type=Path, metavar="HTML", help="het rapport")
    p.add_argument(
        "--titel", default="Leercirkel", metavar="NAAM", help="naam bovenaan het rapport"
    )
    p.add_argument(
        "--peildatum",
        type=_iso_date,
        metavar="JJJJ-MM-DD",
        help="peildatum in de kop (standaard: de laatste peildatum van de pakketten)",
    )
    _min_cel_option(p, "drempel voor kleine aantallen in het rapport")
    p.set_defaults(func=_cmd_vergelijk)


def _add_verbeterlijst_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verbeterlijst",
        help="per aanbieder en gemeente de eigen afwijkende berichten (CSV en HTML)",
        description="Voert de quick scan uit en schrijft per organisatie die berichten verstuurde "
        "een eigen map (aanbieder_AGB of gemeente_CODE) met verbeterlijst.csv en "
        "verbeterlijst.html: elk afwijkend bericht met berichttype, Identificatie, "
        "ToewijzingNummer/ReferentieAanbieder, Dagtekening, de controle, de iJw-regel en wat te "
        "doen. Geen BSN of pseudoniem. Elke lijst is alleen voor de eigen organisatie.",
    )
    p.add_argument("--store", required=True, type=Path, metavar="MAP", help="map van de store")
    p.add_argument(
        "--peildatum",
        required=True,
        type=_iso_date,
        metavar="JJJJ-MM-DD",
        help="peildatum: berichten met een latere dagtekening tellen niet mee",
    )
    p.add_argument("--uit", required=True, type=Path, metavar="MAP", help="map voor de lijsten")
    p.add_argument(
        "--controles",
        type=Path,
        metavar="YAML",
        help="eigen kopie van checks.yaml (controles, gewicht en wat te doen)",
    )
    _min_cel_option(p, "drempel voor de grafiek 'kwaliteit in de tijd'")
    _testdata_option(p)
    p.set_defaults(func=_cmd_verbeterlijst)


def _add_protocol_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "protocol",
        help="de eigen controles en definities van de regio als leesbaar document",
        description="Schrijft de regionale aanvulling op het Standaard Administratie Protocol: "
        "alle controles (drempels, gewicht, wat te doen, wat uit staat) en alle "
        "wachttijddefinities en normen, als één HTML-bestand dat zonder internet opent, met de "
        "kit-versie en een controlegetal (SHA-256) van de YAML-bestanden.",
    )
    p.add_argument("--uit", required=True, type=Path, metavar="BESTAND", help="HTML-bestand")
    p.add_argument("--controles", type=Path, metavar="YAML", help="eigen kopie van checks.yaml")
    p.add_argument(
        "--definities", type=Path, metavar="YAML", help="eigen kopie van waiting_times.yaml"
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="ook een PDF maken (met Chromium zonder scherm; apt-get install chromium)",
    )
    p.set_defaults(func=_cmd_protocol)


def build_parser() -> argparse.ArgumentParser:
    """Return the Dutch argument parser of ``python -m kit``."""
    from kit.params import DefinitiesParams, QuickscanParams, TrendsParams, cli_type

    parser = _Parser(
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
        "overgeslagen; elk afgewezen bestand staat met reden in het inleesverslag. Ook een "
        "bericht dat base64-gecodeerd in een StUF-GGk-envelop zit (ggk0210 xmlBestand, ggk0310 "
        "bericht) wordt gelezen. De sleutel (KIT_PSEUDONIEM_SLEUTEL of een sleutelbestand) moet "
        "minstens 32 bytes toeval hebben.",
    )
    p.add_argument(
        "bron",
        nargs="*",
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
        type=_at_least(1),
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="aantal processen dat tegelijk berichten leest (standaard: 2, of 1 op een "
        "machine met één kern)",
    )
    p.add_argument(
        "--max-mb",
        type=cli_type("positief"),
        default=config.MAX_FILE_MB,
        metavar="MB",
        help=f"grootste bestand (ook in een archief) dat wordt gelezen; groter wordt afgewezen "
        f"(standaard {config.MAX_FILE_MB})",
    )
    p.add_argument(
        "--herstel",
        action="store_true",
        help="een beschadigde kit-store.json opnieuw opbouwen uit de inleesverslagen in de store "
        "(met dezelfde sleutel als eerder)",
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
    p.add_argument(
        "--kinderen", type=_at_least(1), default=5000, help="aantal kinderen (standaard 5000)"
    )
    p.add_argument("--seed", type=_at_least(0), default=2026, help="startwaarde van het toeval")
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
    _min_cel_option(p, "aantallen onder N tonen als '<N'")
    p.set_defaults(func=_cmd_overzicht)

    p = sub.add_parser(
        "quickscan",
        help="quick scan datakwaliteit: alle controles per berichtsoort",
        description="Voert de controles uit kit/checks/checks.yaml (of een eigen kopie) uit op de "
        "store en schrijft bevindingen.csv, scores.csv, aanbieders.csv en controles.csv. Kleine "
        "aantallen worden onderdrukt; de vlaggen per bericht blijven in de store.",
    )
    _model_options(
        p,
        QuickscanParams,
        {
            "store": "map van de store",
            "peildatum": "peildatum: berichten met een latere dagtekening tellen niet mee",
            "controles": "eigen kopie van checks.yaml (controles uitzetten, drempels aanpassen)",
            "min_cel": "aantallen onder N leeg laten (standaard %(default)s)",
            "testdata_toegestaan": "BSN's uit de testreeks niet als fout tellen (voor de "
            "voorbeeldregio)",
        },
        metavars={"controles": "YAML", "min_cel": "N"},
    )
    p.add_argument(
        "--uit", required=True, type=Path, metavar="MAP", help="map voor de CSV-bestanden"
    )
    p.set_defaults(func=_cmd_quickscan)

    _add_verbeterlijst_parser(sub)
    _add_protocol_parser(sub)

    p = sub.add_parser(
        "wachttijden",
        help="wachttijddefinities naast elkaar: Kaplan-Meier, uitval, momentopname",
        description="Meet elke definitie uit kit/waiting_times.yaml (of een eigen kopie) op de "
        "trajecten van de store, met wie nog wacht als gecensureerd, en schrijft "
        "samenvatting.csv (per definitie en groep), km.csv (curvepunten), "
        "cumulatieve_incidentie.csv, aansluiting.csv, momentopname.csv, "
        "wachtenden_per_norm.csv, schadelijk_wachten.csv en gevoeligheid.csv. Kleine aantallen "
        "worden onderdrukt, andere afgerond op 5.",
    )
    _model_options(
        p,
        DefinitiesParams,
        {
            "store": "map van de store",
            "peildatum": "peildatum: wie dan nog wacht telt als gecensureerd; latere berichten "
            "tellen niet mee",
            "periode_van": "cohort: alleen trajecten waarvan de startgebeurtenis op of na deze "
            "datum ligt (standaard: alle)",
            "periode_tot": "cohort: startgebeurtenis op of vóór deze datum (standaard: de "
            "peildatum)",
            "definities": "eigen kopie van waiting_times.yaml (definities en normen)",
            "min_cel": "aantallen onder N leeg laten en geen mediaan op minder dan N trajecten "
            "(standaard %(default)s)",
        },
        metavars={"periode_van": "JJJJ-MM-DD", "periode_tot": "JJJJ-MM-DD",
                  "definities": "YAML", "min_cel": "N"},
        aliases={"periode_van": "--van", "periode_tot": "--tot"},
    )
    p.add_argument(
        "--uit", required=True, type=Path, metavar="MAP", help="map voor de CSV-bestanden"
    )
    p.set_defaults(func=_cmd_wachttijden)

    p = sub.add_parser(
        "trends",
        help="maandreeksen: instroom, wachtlijst, starts en stops; beschikbaarheidswijzer",
        description="Telt per maand (regio, gemeente, aanbieder, productcategorie) de verzoeken "
        "(315), nieuwe toewijzingen (301), starts (305), stops (307, ook per reden), de "
        "wachtlijst en wie in zorg is op het eind van de maand, en de wachttijd. Schrijft "
        "maand.csv (maand, niveau, eenheid, reeks, waarde, voorlopig, n) en wijzer.csv "
        "(beschikbaarheidswijzer per aanbieder en productcategorie). Recente maanden waarvan "
        "de berichten nog niet compleet zijn, staan als voorlopig. Kleine aantallen worden "
        "onderdrukt, andere afgerond op 5.",
    )
    _model_options(
        p,
        TrendsParams,
        {
            "store": "map van de store",
            "peildatum": "peildatum: latere berichten tellen niet mee; de reeksen lopen tot en "
            "met de laatste volle maand",
            "bevolking": "bevolkingstabel met kolommen gemeente, jaar, aantal_0_17 (bijvoorbeeld "
            "uit CBS StatLine); geeft ook reeksen per 1.000 jeugdigen (voorbeeld: "
            "data/example/bevolking.csv)",
            "norm_weken": "wachttijdnorm in weken voor de wachtrij-indicatoren (standaard "
            "%(default)s)",
            "min_volledigheid": "een maand is voorlopig zolang naar schatting minder dan dit deel "
            "van de berichten binnen is (standaard %(default)s, voorlopig.min_volledigheid in "
            "kit/waiting_times.yaml)",
            "min_cel": "aantallen onder N leeg laten, met alles wat ervan is afgeleid "
            "(standaard %(default)s)",
        },
        metavars={"bevolking": "CSV", "norm_weken": "W", "min_volledigheid": "F",
                  "min_cel": "N"},
        aliases={"min_volledigheid": "--volledig"},
    )
    p.add_argument(
        "--uit", required=True, type=Path, metavar="MAP", help="map voor de CSV-bestanden"
    )
    p.set_defaults(func=_cmd_trends)

    p = sub.add_parser(
        "rapport",
        help="een of meer notebooks uitvoeren en als offline HTML-rapport opslaan",
        description="Voert notebooks uit met papermill (parameters uit een YAML-bestand, eerst "
        "gecontroleerd tegen de parameters-cel) en schrijft per notebook één HTML-bestand dat "
        "zonder internet opent, plus het uitgevoerde notebook.",
    )
    p.add_argument(
        "--notebook",
        action="append",
        default=[],
        metavar="IPYNB",
        help="notebook (herhaalbaar; een pad, of de naam van een notebook van de kit; "
        "standaard alle notebooks van de kit)",
    )
    p.add_argument(
        "--params",
        required=True,
        type=Path,
        metavar="YAML",
        help="parameters: regio, store, peildatum, ... (per_notebook: voor één notebook)",
    )
    p.add_argument("--uit", required=True, type=Path, metavar="MAP", help="map voor de rapporten")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="ook een PDF maken (met Chromium zonder scherm; apt-get install chromium)",
    )
    p.add_argument(
        "--jobs",
        type=_at_least(1),
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="aantal rapporten tegelijk (eigen processen; standaard 2, of 1 op één processor)",
    )
    p.set_defaults(func=_cmd_rapport)

    p = sub.add_parser(
        "batch",
        help="rapporten voor een kwartaal maken voor veel regio's of gemeenten",
        description="Maakt voor elke eenheid x notebook uit het YAML-bestand een rapport in "
        "reports/<kwartaal>/<eenheid>/ en een index.html. Een mislukt rapport houdt de andere "
        "niet tegen; rapporten waarvan de invoer niet veranderde, worden overgeslagen.",
    )
    p.add_argument("config", type=Path, metavar="YAML", help="batchbestand (zie README)")
    p.add_argument(
        "--jobs",
        type=_at_least(1),
        default=1,
        metavar="N",
        help="aantal rapporten tegelijk (eigen processen; standaard 1)",
    )
    p.add_argument(
        "--opnieuw",
        action="store_true",
        help="alles opnieuw maken, ook als de invoer niet veranderde",
    )
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser(
        "live",
        help="JupyterLab starten voor een leercirkelsessie",
        description="Zet de notebooks klaar voor een store (met widgets aan) en start JupyterLab.",
    )
    p.add_argument(
        "--store",
        type=Path,
        default=config.project_path("data/example/store"),
        metavar="MAP",
        help="store (standaard de voorbeeldregio: data/example/store)",
    )
    p.add_argument(
        "--map",
        type=Path,
        default=config.project_path("sessie"),
        metavar="MAP",
        help="waar de notebooks voor de sessie komen (standaard sessie/)",
    )
    p.add_argument("--poort", type=_at_least(1), default=8888, help="poort van JupyterLab")
    p.add_argument("--geen-browser", action="store_true", help="geen browser openen")
    p.add_argument(
        "--alleen-klaarzetten",
        action="store_true",
        help="alleen de notebooks klaarzetten, JupyterLab niet starten",
    )
    p.add_argument(
        "--presentatie",
        action="store_true",
        help="voor een groep rond een scherm: code verborgen, keuzelijsten bovenaan, grotere "
        "letters, geen nieuwsmeldingen, JupyterLab in het Nederlands (met taalpakket)",
    )
    p.set_defaults(func=_cmd_live)

    p = sub.add_parser(
        "woordenboek",
        help="het datawoordenboek van de store (Markdown)",
        description="Schrijft de beschrijving van alle tabellen en kolommen.",
    )
    p.add_argument("--uit", type=Path, metavar="BESTAND", help="bestand (standaard: scherm)")
    p.set_defaults(func=_cmd_woordenboek)
    _add_deelpakket_parser(sub)
    _add_vergelijk_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    from kit.memory import return_freed_memory
    from kit.params import ParameterError
    from kit.store import StoreError

    args = build_parser().parse_args(argv)
    return_freed_memory()  # large stores: freed memory goes back to the system
    try:
        return args.func(args)
    except (OSError, StoreError, ParameterError) as exc:  # a file or folder the user named: one Dutch line
        print(f"Fout: {_reason(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
