"""Step 6 (reports): notebook + parameters -> papermill -> one offline HTML file (and PDF).

- :func:`render` checks the parameters against the notebook's ``parameters`` cell, executes the
  notebook with papermill (``live = False``), keeps the executed ``.ipynb`` and writes one
  self-contained HTML file without code, prompts, widget cells (tag ``live-only``) or external
  scripts, with a header saying what data, peildatum, definitions and kit version produced it.
- :func:`batch` renders a list of units x notebooks for a quarter into
  ``reports/<kwartaal>/<eenheid>/``, in parallel processes if asked, skipping reports whose
  inputs did not change, and writes an ``index.html`` that links them all.
"""

from __future__ import annotations

import ast
import hashlib
import json
import multiprocessing
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from kit import __version__, config
from kit.params import ParameterError, ReportParams, filled_store, for_notebook, resolve

config.skip_rfc3987_syntax()  # before nbformat imports jsonschema

import nbformat  # noqa: E402

TEMPLATES = config.package_path("templates")
REQUIRED = tuple(ReportParams.required())  # regio, store, peildatum
#: the comparison notebook reads regions' packages, not a store
REQUIRED_COMPARISON = ("regio", "peildatum", "pakketten")
#: notebooks that compare regions' packages (kit vergelijk); not run by ``kit rapport`` by default
COMPARISON_NOTEBOOKS = ("04_vergelijking.ipynb",)
REMOVED_TAGS = {"live-only", "parameters", "injected-parameters"}
CAVEATS = [
    "Gemaakt met de leercirkel-data kit uit iJw 3.2-berichten. Het BSN is bij het inlezen "
    "vervangen door een pseudoniem; dit rapport bevat geen BSN, naam of geboortedatum.",
    f"Bescherming van kleine aantallen: aantallen onder de drempel staan als <N of leeg, een "
    f"aantal waarmee zo'n klein aantal uit een totaal terug te rekenen is als '.', en alle "
    f"andere aantallen zijn afgerond op een veelvoud van {config.ROUND_BASE}, zodat ook "
    "totalen, verschillen en voorraad min stromen geen klein aantal prijsgeven; percentages, "
    "medianen en curves rusten alleen op groepen vanaf de drempel en zijn berekend op de "
    "onafgeronde aantallen.",
    "Alleen berichten met een dagtekening tot en met de peildatum tellen mee; dezelfde data en "
    "peildatum geven dezelfde cijfers.",
    "Berichten zeggen wat aanbieders en gemeenten hebben gemeld, niet altijd wat er is gebeurd: "
    "lees de bevindingen over datakwaliteit bij elk cijfer mee.",
]


@dataclass
class Rendered:
    """Files written for one report."""

    html: Path
    notebook: Path
    pdf: Path | None = None
    skipped: bool = False


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The notebook's parameters as papermill sees them: ``{name: {default, inferred_type_name}}``.

    Raises
    ------
    OSError
        When the file cannot be read.
    ParameterError
        When it is not a notebook (not JSON, not the notebook format, no kernel).
    """
    import papermill as pm

    refused = ParameterError(
        f"{Path(notebook).name} is geen bruikbaar Jupyter-notebook (.ipynb van de kit)."
    )
    if Path(notebook).suffix != ".ipynb":
        raise refused
    try:
        return pm.inspect_notebook(str(notebook))
    except (ValueError, TypeError, AttributeError, KeyError):  # nbformat/papermill on non-notebooks
        raise refused from None


def notebook_defaults(notebook: Path) -> dict:
    """The literal defaults of the notebook's parameters cell."""
    out = {}
    for name, info in notebook_parameters(notebook).items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            continue
    return out


def _default_type(default: str) -> type | None:
    """Type of a parameter's literal default in the notebook (None: anything goes)."""
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return None
    return None if value is None else type(value)


def check_parameters(notebook: Path, params: dict) -> dict:
    """Validate report parameters against the notebook's ``parameters`` cell and its model.

    A kit notebook's parameters are then checked as its ``prepare_*`` call checks them: with
    the same model (:mod:`kit.params`), the notebook's own values for what ``params`` leaves out.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook.
    params : dict
        Names and values (JSON types: dates as ISO strings).

    Returns
    -------
    dict
        The parameters with ``live`` set to ``False``.

    Raises
    ------
    ParameterError
        For unknown names, missing required names (regio, store, peildatum), values whose type
        differs from the default's and values the model refuses (a date that does not exist, a
        file that is missing, a period after the peildatum), all listed in one Dutch message.
    """
    known = notebook_parameters(notebook)
    required = REQUIRED_COMPARISON if "pakketten" in known else REQUIRED
    problems = [f"onbekende parameter '{n}'" for n in params if n not in known]
    problems += [
        f"verplichte parameter '{n}' ontbreekt" for n in required if n in known and n not in params
    ]
    absent = [n for n in required if n not in known]  # a kit notebook's parameters cell has them
    if absent:
        problems.append(
            f"het notebook heeft geen parameter {', '.join(absent)} (geen notebook van de kit?)"
        )
    for name, value in params.items():
        if name not in known:
            continue
        expected = _default_type(known[name]["default"])
        if expected is None:
            continue
        if isinstance(value, bool) != (expected is bool) or not isinstance(
            value, (int, float) if expected is float else expected
        ):
            problems.append(
                f"parameter '{name}' moet van type {expected.__name__} zijn, "
                f"niet {type(value).__name__}"
            )
    model = for_notebook(notebook)
    if model is not None and not problems:
        values = {**notebook_defaults(notebook), **params, "live": False}
        problems += model(**{k: v for k, v in values.items() if k in model.spec()}).problems()
    if problems:
        raise ParameterError(f"{notebook.name}: " + "; ".join(problems))
    return {**params, "live": False} if "live" in known else dict(params)


def _title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
    return "Rapport"


def check_inputs(params: dict) -> None:
    """Check the report's store and the region's own files before its notebook runs.

    The checks file, definitions file and population table are read the way the notebook reads
    them, so a mistake in one is a Dutch error here and not a failed cell.

    Raises
    ------
    kit.store.StoreError
        When the store is missing, damaged or empty: one Dutch sentence, the same as the
        notebooks and the other commands give (:func:`kit.store.read_meta`).
    ParameterError
        When a checks, definitions or population file cannot be used (names parameter and file).
    OSError
        When such a file cannot be read.
    """
    from kit import trends, waits
    from kit.checks import load_checks
    from kit.checks.patterns import load_pattern_params

    if params.get("store"):
        filled_store(params["store"])
    if "pakketten" in params:  # the comparison: every package readable and intact
        from kit.share import PackageError, read_package

        if not params["pakketten"]:
            raise ParameterError("parameter 'pakketten': geen deelpakketten opgegeven")
        regions = []
        for package in params["pakketten"]:
            try:
                regions.append(read_package(resolve(package)).regio)
            except PackageError as exc:
                raise ParameterError(f"parameter 'pakketten': {exc}") from None
        twice = sorted({r for r in regions if regions.count(r) > 1})
        if twice:
            raise ParameterError(
                f"parameter 'pakketten': meer dan één pakket van dezelfde regio: {', '.join(twice)}"
            )
    readers = {
        "controles": (load_checks, load_pattern_params),
        "definities": (waits.load_definitions,),
        "bevolking": (trends.read_population,),
    }
    for name, functions in readers.items():
        if not params.get(name):
            continue
        path = resolve(params[name])
        try:
            for read in functions:
                read(path)
        except UnicodeDecodeError:
            raise ParameterError(f"parameter '{name}': {path}: geen tekst in UTF-8") from None
        except ValueError as exc:
            raise ParameterError(f"parameter '{name}': {exc}") from None


def _store_summary(store: str) -> str:
    from kit.store import read_meta

    path = resolve(store)
    meta = read_meta(path)
    rounds = meta["inleesrondes"]
    files = sum(r.get("ingelezen", 0) for r in rounds)
    count = f"{files:,}".replace(",", ".")
    return f"{count} bestanden in {len(rounds)} inleesronde(s) (map {path.name})"


def _gemeenten_names(params: dict) -> str:
    """The gemeenten of a report by name, with their code: ``Kleiwaard (9901)``."""
    from kit.names import display_name, load_names

    codes = params["gemeenten"]
    if not codes:
        return ""
    own = params.get("gemeentenamen")
    names = load_names(gemeenten_csv=resolve(own) if own else None)
    shown = [(display_name(names, "gemeente", c), c) for c in codes]
    return ", ".join(name if code in name else f"{name} ({code})" for name, code in shown)


def header_rows(params: dict) -> list[tuple[str, str]]:
    """Header lines (label, value) that say what produced the report (dates in Dutch)."""
    from kit.sections.common import date_text

    rows = [
        ("Regio", str(params.get("regio", ""))),
        ("Peildatum", date_text(params.get("peildatum", ""))),
    ]
    if "periode_van" in params or "periode_tot" in params:
        # a period always has an end: an empty end is the peildatum, an empty start the data's
        start = date_text(params.get("periode_van") or "begin van de gegevens")
        end = date_text(params.get("periode_tot") or params.get("peildatum", ""))
        rows.append(("Periode", f"{start} t/m {end}"))
    if "gemeenten" in params:
        rows.append(("Gemeenten", _gemeenten_names(params) or "alle"))
    if params.get("store"):
        rows.append(("Data", _store_summary(params["store"])))
    if params.get("pakketten"):
        names = ", ".join(Path(p).name for p in params["pakketten"])
        rows.append(("Data", f"{len(params['pakketten'])} deelpakketten: {names}"))
    for key, label, default in (
        ("controles", "Controles", "kit/checks/checks.yaml"),
        ("definities", "Definities", "kit/waiting_times.yaml"),
    ):
        if key in params:
            rows.append((label, params[key] or f"{default} (standaard)"))
    if "min_cel" in params:
        rows.append(
            (
                "Kleine aantallen",
                f"onder {params['min_cel']} niet getoond, andere aantallen afgerond op "
                f"{config.ROUND_BASE}",
            )
        )
    rows.append(("Kit-versie", __version__))
    return rows


#: Dutch labels of the parameters in a report's footer (a parameter not here keeps its name)
PARAMETER_LABELS = {
    "regio": "Regio",
    "store": "Gegevens (map)",
    "peildatum": "Peildatum",
    "periode_van": "Periode vanaf",
    "periode_tot": "Periode tot en met",
    "gemeenten": "Gemeenten",
    "min_cel": "Kleinste getoonde aantal",
    "aanbieders": "Namen van aanbieders",
    "gemeentenamen": "Namen van gemeenten",
    "controles": "Controles",
    "testdata_toegestaan": "Test-BSN's toegestaan",
    "definities": "Definities",
    "bevolking": "Bevolkingstabel",
    "norm_weken": "Norm (weken)",
    "basislijn_van": "SPC-basisperiode vanaf",
    "basislijn_tot": "SPC-basisperiode tot en met",
    "min_volledigheid": "Maand volledig vanaf",
    "pakketten": "Deelpakketten",
}


#: header and parameter rows whose value is a file or folder the user named (shown as code)
FILE_LABELS = (
    "Controles",
    "Definities",
    "Gegevens (map)",
    "Namen van aanbieders",
    "Namen van gemeenten",
    "Bevolkingstabel",
)


def _parameter_value(name: str, value: object) -> str:
    """One parameter's value for readers: Dutch words and numbers."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list | tuple):
        if not value:
            return "alle" if name == "gemeenten" else "geen"
        return ", ".join(Path(str(v)).name if name == "pakketten" else str(v) for v in value)
    if value == "" or value is None:
        return {"periode_van": "begin van de gegevens", "periode_tot": "peildatum"}.get(
            name, "geen (standaard)"
        )
    if name == "min_volledigheid" and isinstance(value, int | float):
        return f"{100 * value:g}% van de berichten".replace(".", ",")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def parameter_rows(params: dict) -> list[tuple[str, str]]:
    """The parameters of a report as (Dutch label, value) rows, without ``live``."""
    return [
        (PARAMETER_LABELS.get(name, name), _parameter_value(name, value))
        for name, value in sorted(params.items(), key=lambda kv: _order(kv[0]))
        if name != "live"
    ]


def _order(name: str) -> int:
    names = list(PARAMETER_LABELS)
    return names.index(name) if name in names else len(names)


def export_html(executed: nbformat.NotebookNode, params: dict, notebook_name: str) -> str:
    """Executed notebook -> one offline HTML page (no code, prompts or live-only cells)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    nb = nbformat.reads(nbformat.writes(executed), as_version=4)  # sources as plain strings
    nb.metadata.pop("widgets", None)  # widget state would pull a CDN script in
    cfg = Config()
    cfg.TagRemovePreprocessor.remove_cell_tags = REMOVED_TAGS
    cfg.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=cfg,
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="kit_rapport",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        language_code="nl",
    )
    exporter.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    resources = {
        "language_code": "nl",
        "metadata": {"name": _title(nb)},
        "kit": {
            "titel": _title(nb),
            "kop": header_rows(params),
            "voet": [("Notebook", notebook_name)],
            "parameters": parameter_rows(params),
            "bestanden": FILE_LABELS,
            "kanttekeningen": CAVEATS,
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def render(
    notebook: Path,
    params: dict,
    out_dir: Path,
    *,
    name: str | None = None,
    pdf: bool = False,
    ipc_dir: Path | None = None,
) -> Rendered:
    """Execute a notebook with parameters and write its offline HTML report.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook to run.
    params : dict
        Its parameters (checked with :func:`check_parameters`).
    out_dir : pathlib.Path
        Where ``<name>.html`` and the executed ``<name>.ipynb`` go.
    name : str, optional
        File stem; default the notebook's stem.
    pdf : bool
        Also print the HTML to ``<name>.pdf`` with headless Chromium.
    ipc_dir : pathlib.Path, optional
        Folder for the kernel's IPC sockets (default: a temporary folder). The kernel never
        opens TCP ports, so parallel batches cannot race for them.

    Returns
    -------
    Rendered

    Raises
    ------
    ParameterError
        When the parameters do not fit the notebook.
    kit.store.StoreError
        When the store is missing, damaged or empty (checked before the notebook runs).
    papermill.PapermillExecutionError
        When a cell fails; the executed notebook with the error is still written.
    """
    import papermill as pm

    notebook = Path(notebook)
    params = check_parameters(notebook, params)
    check_inputs(params)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = name or notebook.stem
    executed_path = out_dir / f"{stem}.ipynb"
    from jupyter_client.manager import KernelManager

    own_dir = tempfile.TemporaryDirectory(prefix="kit-kernel-") if ipc_dir is None else None
    sockets = Path(own_dir.name if own_dir else ipc_dir) / f"kernel-{uuid.uuid4().hex[:8]}"
    # IPC sockets instead of TCP ports: no port races in parallel batches, no open ports
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets))
    kwargs = {"km": km}
    try:
        executed = pm.execute_notebook(
            str(notebook),
            str(executed_path),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(config.work_dir()),
            **kwargs,
        )
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        if own_dir is not None:
            own_dir.cleanup()
    html_path = out_dir / f"{stem}.html"
    shown = {**notebook_defaults(notebook), **params}  # the header names defaults too
    html_path.write_text(export_html(executed, shown, notebook.name), encoding="utf-8")
    pdf_path = print_pdf(html_path) if pdf else None
    return Rendered(html_path, executed_path, pdf_path)


def chromium() -> str:
    """Path of a Chromium or Chrome binary for printing PDFs."""
    for candidate in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("Voor --pdf is Chromium nodig (Debian/Ubuntu: apt-get install chromium).")


#: Chromium's command-line printing has no paper-size option: it takes the CSS ``@page`` size
#: and prints US Letter without one. The report template sets A4; other pages get this rule.
PRINT_PAGE_CSS = "<style>@page { size: A4; }</style>"


def _a4_source(html: Path, folder: Path) -> Path:
    """The page to print: ``html`` itself when it sets ``@page`` A4, else an A4 copy in folder."""
    text = html.read_text(encoding="utf-8")
    if re.search(r"@page\s*{[^}]*size:\s*A4", text):
        return html
    copy = folder / html.name
    head = re.search(r"</head\s*>", text, flags=re.IGNORECASE)
    at = head.start() if head else 0
    copy.write_text(text[:at] + PRINT_PAGE_CSS + text[at:], encoding="utf-8")
    return copy


def print_pdf(html: Path) -> Path:
    """Print an HTML report to an A4 PDF with headless Chromium (offline, no network)."""
    pdf = html.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as pages:
        source = _a4_source(html, Path(pages))
        subprocess.run(
            [
                chromium(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                "--proxy-server=127.0.0.1:9",
                f"--print-to-pdf={pdf}",
                source.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return pdf


def load_params(path: Path, notebooks: list[Path]) -> dict[Path, dict]:
    """Read a report parameter YAML for one or more notebooks.

    Top-level keys are parameters for every notebook that has them; ``per_notebook:
    {<stem>: {...}}`` adds parameters for one notebook. Dates may be written as YAML dates; they
    become ISO strings (papermill parameters must be JSON).

    Raises
    ------
    ParameterError
        For a file that is not a YAML mapping, a name that no notebook of the kit knows, a
        per_notebook block that is not a mapping of mappings or names a notebook that does not
        exist, or a per_notebook name that notebook does not know.
    """
    doc = _read_yaml(path)
    per_notebook = doc.pop("per_notebook", {}) or {}
    if not isinstance(per_notebook, dict) or not all(
        isinstance(v, dict | None) for v in per_notebook.values()
    ):
        raise ParameterError(
            f"{Path(path).name}: per_notebook moet per notebook namen met waarden geven "
            "(per_notebook: {02_definities: {definities: ...}})."
        )
    # one parameter file serves all notebooks: a name is unknown only if no notebook knows it
    every = list(dict.fromkeys([*notebooks, *default_notebooks()]))
    known = {nb: notebook_parameters(nb) for nb in every}
    stems = {nb.stem for nb in every}
    problems = [
        f"onbekende parameter '{n}'" for n in doc if not any(n in k for k in known.values())
    ]
    problems += [
        f"per_notebook noemt '{stem}', maar dat notebook bestaat niet"
        for stem in per_notebook
        if stem not in stems
    ]
    for nb in every:
        extra = per_notebook.get(nb.stem) or {}
        problems += [
            f"onbekende parameter '{n}' voor {nb.stem}" for n in extra if n not in known[nb]
        ]
    if problems:
        raise ParameterError(f"{Path(path).name}: " + "; ".join(problems))
    out = {}
    for nb in notebooks:
        params = {k: v for k, v in doc.items() if k in known[nb]}
        params |= per_notebook.get(nb.stem, {}) or {}
        out[nb] = {k: _jsonable(v) for k, v in params.items()}
    return out


def _read_yaml(path: Path) -> dict:
    """A parameter or batch file as a mapping; :class:`ParameterError` (Dutch) otherwise."""
    try:
        return config.read_yaml(path)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None


def _jsonable(value: object) -> object:
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def default_notebooks() -> list[Path]:
    """Every region notebook of the kit, in order (:func:`kit.config.notebook_dir`).

    The comparison of packages (``COMPARISON_NOTEBOOKS``) is left out: ``kit vergelijk`` runs it.
    """
    return sorted(
        nb
        for nb in config.notebook_dir().glob("[0-9]*.ipynb")
        if nb.name not in COMPARISON_NOTEBOOKS
    )


def find_notebook(name: str | Path) -> Path:
    """A notebook named on the command line or in a batch file, as an absolute path.

    A path that exists (a relative one from :func:`kit.config.work_dir`) is taken as it is.
    Otherwise a kit notebook's file name, with or without a folder such as ``notebooks/`` in
    front, means that notebook of the kit, so a batch file written for the repository also
    works with the kit installed from a wheel. Anything else comes back resolved but missing
    (the caller reports it in Dutch).
    """
    path = config.project_path(name).resolve()
    if path.exists():
        return path
    own = config.notebook_dir() / Path(name).name
    return own if own.is_file() else path


def prepare_live(store: Path, folder: Path, *, presentatie: bool = False) -> list[Path]:
    """Copies of the notebooks with ``store`` and ``live = True`` injected, for JupyterLab.

    Uses papermill's ``prepare_only`` so the copies are not executed; the originals stay clean.
    With ``presentatie`` the copies hide their code and show the widget cells first
    (:func:`kit.live.presentation_notebook`), and the session's JupyterLab settings (larger
    fonts, no news, Dutch when the language pack is there) are written into ``folder``.
    """
    import papermill as pm

    from kit import live

    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for nb in default_notebooks():
        target = folder / nb.name
        pm.execute_notebook(
            str(nb),
            str(target),
            parameters={"store": str(store), "live": True},
            prepare_only=True,
            kernel_name="python3",
            progress_bar=False,
        )
        if presentatie:
            shown = live.presentation_notebook(nbformat.read(target, as_version=4))
            nbformat.write(nbformat.from_dict(shown), target)
        made.append(target)
    if presentatie:
        live.write_lab_settings(folder, live.lab_settings())
    return made


# --------------------------------------------------------------------------------------------
# Batch


@dataclass
class Job:
    """One report in a batch."""

    unit: str
    notebook: Path
    params: dict
    out_dir: Path
    pdf: bool = False

    @property
    def html(self) -> Path:
        """The report's HTML file in ``out_dir``."""
        return self.out_dir / f"{self.notebook.stem}.html"


@dataclass
class BatchSummary:
    """Outcome of a batch: reports written, skipped and failed (with their error)."""

    index: Path
    done: list[Job] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)


def slug(text: str) -> str:
    """File-system friendly name: lower case, letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "eenheid"


def load_batch(path: Path) -> tuple[str, Path, list[Job]]:
    """Read a batch YAML and return (kwartaal, output folder, jobs).

    The file holds ``kwartaal``, optional ``uit`` (default ``reports``), ``notebooks`` (paths),
    ``gemeenschappelijk`` (parameters for every report) and ``eenheden`` (a list of parameter
    sets, each with a ``naam``; its other keys override the common ones).
    """
    doc = _read_yaml(path)
    missing = [k for k in ("kwartaal", "notebooks", "eenheden") if not doc.get(k)]
    if missing:
        raise ParameterError(f"{path}: ontbrekend: {', '.join(missing)}")
    if not isinstance(doc["notebooks"], list) or not all(
        isinstance(n, str) for n in doc["notebooks"]
    ):
        raise ParameterError(f"{path}: notebooks moet een lijst van notebookbestanden zijn.")
    if not isinstance(doc["eenheden"], list) or not all(
        isinstance(u, dict) for u in doc["eenheden"]
    ):
        raise ParameterError(
            f"{path}: eenheden moet een lijst zijn met per eenheid namen met waarden "
            "(- naam: ..., regio: ..., store: ...)."
        )
    if not isinstance(doc.get("gemeenschappelijk") or {}, dict):
        raise ParameterError(f"{path}: gemeenschappelijk moet namen met waarden geven.")
    kwartaal = str(doc["kwartaal"])
    root = Path(doc.get("uit", "reports"))
    root = config.project_path(root) / kwartaal
    common = dict(doc.get("gemeenschappelijk") or {})
    jobs = []
    for unit in doc["eenheden"]:
        unit = dict(unit)
        name = slug(str(unit.pop("naam", unit.get("regio", "eenheid"))))
        for nb in doc["notebooks"]:
            nb_path = find_notebook(nb)
            known = notebook_parameters(nb_path)
            params = {k: _jsonable(v) for k, v in {**common, **unit}.items() if k in known}
            jobs.append(Job(name, nb_path, params, root / name))
    return kwartaal, root, jobs


def fingerprint(job: Job) -> str:
    """Hash of everything that decides a report: notebook, parameters, store state, kit version."""
    h = hashlib.sha256()
    h.update(job.notebook.read_bytes())
    h.update(json.dumps(job.params, sort_keys=True, default=str).encode())
    store = job.params.get("store")
    if store:
        meta = resolve(store) / "kit-store.json"
        if meta.exists():
            h.update(meta.read_bytes())
    for key in ("controles", "definities", "bevolking"):  # a region's own files
        extra = job.params.get(key)
        if extra and resolve(extra).is_file():
            h.update(resolve(extra).read_bytes())
    for package in job.params.get("pakketten") or []:  # a comparison: the packages themselves
        path = resolve(package)
        if path.is_file():
            h.update(path.read_bytes())
    h.update(__version__.encode())
    return h.hexdigest()


def _run_job(job: Job, ipc_dir: str | None) -> tuple[str, str | None]:
    """Worker: render one job; return (fingerprint, error message or None)."""
    from papermill import PapermillExecutionError

    from kit.store import StoreError

    try:
        render(
            job.notebook,
            job.params,
            job.out_dir,
            pdf=job.pdf,
            ipc_dir=Path(ipc_dir) if ipc_dir else None,
        )
    except PapermillExecutionError as exc:
        return "", f"cel {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except (ParameterError, StoreError) as exc:  # already a Dutch sentence for the user
        return "", str(exc)
    except Exception as exc:  # noqa: BLE001 - one failing report must not stop the batch
        return "", f"{type(exc).__name__}: {exc}"
    return fingerprint(job), None


def run_jobs(jobs: list[Job], *, workers: int = 1) -> Iterator[tuple[Job, str, str | None]]:
    """Render reports, ``workers`` at a time; yield ``(job, fingerprint, error)`` as each ends.

    Each report runs its own kernel over IPC sockets (no TCP ports, so parallel reports cannot
    race for them). A failing report yields its error and does not stop the others.
    """
    with tempfile.TemporaryDirectory(prefix="kit-kernels-") as ipc_dir:
        if workers > 1 and len(jobs) > 1:
            # spawn, not fork: a forked child of a process that already ran a kernel (threads,
            # ZMQ sockets) can hang
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(_run_job, job, ipc_dir): job for job in jobs}
                for future in as_completed(futures):
                    yield futures[future], *future.result()
        else:
            for job in jobs:
                yield job, *_run_job(job, ipc_dir)


def batch(
    path: Path, *, jobs: int = 1, opnieuw: bool = False, progress: bool = True
) -> BatchSummary:
    """Render every unit x notebook of a batch YAML; keep going when one fails.

    Parameters
    ----------
    path : pathlib.Path
        Batch YAML (see :func:`load_batch`).
    jobs : int
        Parallel processes (each runs its kernel over IPC sockets, so no port races).
    opnieuw : bool
        Render again even when the inputs did not change.
    progress : bool
        Show a progress bar.

    Returns
    -------
    BatchSummary
    """
    kwartaal, root, todo = load_batch(path)
    summary = BatchSummary(index=root / "index.html")
    pending = []
    for job in todo:
        stamp = job.out_dir / f"{job.notebook.stem}.kit.json"
        if (
            not opnieuw
            and job.html.exists()
            and stamp.exists()
            and json.loads(stamp.read_text())["vingerafdruk"] == fingerprint(job)
        ):
            summary.skipped.append(job)
        else:
            pending.append(job)
    with tqdm(total=len(pending), desc="Rapporten", unit=" rapport", disable=not progress) as bar:
        for job, stamp, error in run_jobs(pending, workers=jobs):
            _record(summary, job, stamp, error)
            bar.update()
    write_index(summary, kwartaal, todo)
    return summary


def _record(summary: BatchSummary, job: Job, stamp: str, error: str | None) -> None:
    if error is None:
        (job.out_dir / f"{job.notebook.stem}.kit.json").write_text(
            json.dumps({"vingerafdruk": stamp, "parameters": job.params}, indent=2, default=str),
            encoding="utf-8",
        )
        summary.done.append(job)
    else:
        summary.failed.append((job, error))


_INDEX_CSS = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}.fout{background:#fdd}"
)


def write_index(summary: BatchSummary, kwartaal: str, jobs: list[Job]) -> Path:
    """Write ``index.html``: one row per unit, one link per notebook (failures marked).

    Every name and message from the batch file passes :func:`kit.sections.common.esc` (the report
    text helper), links are URL-quoted first: a unit or notebook name stays text.
    """
    from urllib.parse import quote

    from kit.sections.common import esc

    failed = {(j.unit, j.notebook.stem): e for j, e in summary.failed}
    stems = list(dict.fromkeys(j.notebook.stem for j in jobs))
    units = list(dict.fromkeys(j.unit for j in jobs))
    root = summary.index.parent
    rows = []
    for unit in units:
        cells = []
        for stem in stems:
            if (unit, stem) in failed:
                cells.append(f"<td class='fout' title='{esc(failed[(unit, stem)])}'>mislukt</td>")
            elif (root / unit / f"{stem}.html").exists():
                href = esc(quote(f"{unit}/{stem}.html"))
                cells.append(f"<td><a href='{href}'>{esc(stem)}</a></td>")
            else:
                cells.append("<td>-</td>")
        rows.append(f"<tr><th>{esc(unit)}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{esc(s)}</th>" for s in stems)
    html = (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Rapporten {esc(kwartaal)}</title><style>{_INDEX_CSS}</style></head><body>"
        f"<h1>Rapporten {esc(kwartaal)}</h1><table><tr><th>eenheid</th>{head}</tr>"
        f"{''.join(rows)}</table><p>Kit-versie {__version__}.</p></body></html>"
    )
    summary.index.parent.mkdir(parents=True, exist_ok=True)
    summary.index.write_text(html, encoding="utf-8")
    return summary.index
