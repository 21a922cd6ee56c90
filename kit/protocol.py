"""The region's supplement to the protocol: its checks.yaml and waiting_times.yaml as a document.

The werkgroep's agreements (thresholds, definitions, norms, what was switched off) and the
kit's configuration are one thing: :func:`protocol_html` renders the two YAML files a region
uses as one offline Dutch HTML page, with the kit version and a SHA-256 of each file. Both files
are validated first (:func:`kit.checks.load_checks`, :func:`kit.waits.load_definitions`),
so the document never describes a configuration the kit would refuse.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from kit import __version__
from kit.config import load_yaml, package_path


def _source(path: str | Path | None, name: str) -> tuple[str, str]:
    """(label, text) of a YAML file: the region's copy or the kit's own (``name`` in ``kit/``)."""
    if path:
        return str(path), Path(path).read_text(encoding="utf-8")
    text = package_path(*name.split("/")).read_text(encoding="utf-8")
    return f"kit: {name.rsplit('/', 1)[-1]} (standaard)", text


def _value(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return " ".join(str(value).split())


def _table(head: list[str], rows: list[list[object]]) -> str:
    esc = html.escape
    cells = "".join(
        "<tr>" + "".join(f"<td>{esc(_value(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        "<table class='kit-tabel'><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr>{cells}</table>"
    )


def protocol_html(
    checks_file: str | Path | None = None, definitions_file: str | Path | None = None
) -> str:
    """The supplement as one self-contained HTML page (Dutch, no scripts).

    Raises
    ------
    ValueError
        When a file is not a valid checks or definitions file (Dutch message from its loader).
    """
    from kit.checks import load_checks
    from kit.verbeterlijst import check_actions, report_css
    from kit.waits import load_definitions

    load_checks(checks_file)  # validate: the document describes only what the kit accepts
    load_definitions(definitions_file)
    actions = check_actions(checks_file).set_index("check_id")
    checks_label, checks_text = _source(checks_file, "checks/checks.yaml")
    defs_label, defs_text = _source(definitions_file, "waiting_times.yaml")
    checks_doc, defs_doc = load_yaml(checks_text), load_yaml(defs_text)
    esc = html.escape
    entries = checks_doc["controles"]
    off = [e for e in entries if not e.get("aan", True)]
    shipped = {
        e["id"]: e for e in load_yaml(_source(None, "checks/checks.yaml")[1])["controles"]
    }
    check_rows = [
        [
            e["id"],
            e["naam"],
            e["berichttype"],
            e["ernst"],
            " ".join(map(str, e["regels"])),
            e.get("parameters") or {},
            "aan" if e.get("aan", True) else "UIT",
            actions.loc[e["id"], "gewicht"] if e["id"] in actions.index else "",
            _changed(e, shipped.get(e["id"], {})) if checks_file else "",
        ]
        for e in entries
    ]
    left_out = sorted(set(shipped) - {e["id"] for e in entries})
    check_blocks = "".join(
        f"<h3>{esc(_value(e['naam']))} ({esc(e['id'])})</h3><p>{esc(_value(e['uitleg']))}</p>"
        + (
            f"<p><strong>Wat te doen:</strong> {esc(actions.loc[e['id'], 'wat_te_doen'])}</p>"
            if e["id"] in actions.index
            else ""
        )
        for e in entries
    )
    extra = {k: v for k, v in checks_doc.items() if k != "controles" and isinstance(v, dict)}
    norms = [[n["id"], n["naam"], _norm_length(n), n.get("uitleg", "")] for n in defs_doc["normen"]]
    definitions = [
        [
            d["id"],
            d["naam"],
            d.get("soort", ""),
            f"{d['start'].get('bericht', '')} {d['start'].get('veld', '')}",
            f"{d['stop'].get('bericht', '')} {d['stop'].get('veld', '')}",
            d.get("negatieve_duur", ""),
            d.get("uitval") or [],
            d.get("filters") or [],
        ]
        for d in defs_doc["definities"]
    ]
    definition_blocks = "".join(
        f"<h3>{esc(_value(d['naam']))} ({esc(d['id'])})</h3><p>{esc(_value(d.get('uitleg', '')))}</p>"
        f"<p><strong>Vertekening:</strong> {esc(_value(d.get('vertekening', '')))}</p>"
        for d in defs_doc["definities"]
    )
    exits = [
        [
            x["id"],
            x["naam"],
            {k: v for k, v in x.items() if k not in ("id", "naam", "uitleg")},
            x.get("uitleg", ""),
        ]
        for x in defs_doc.get("uitval") or []
    ]
    settings = {k: v for k, v in defs_doc.items() if k not in ("normen", "definities", "uitval")}
    digest = {
        label: hashlib.sha256(text.encode("utf-8")).hexdigest()
        for label, text in ((checks_label, checks_text), (defs_label, defs_text))
    }
    off_text = (
        "Uitgezet: " + ", ".join(esc(f"{e['id']} ({e['naam']})") for e in off) + "."
        if off
        else "Geen controle is uitgezet."
    )
    if left_out:
        off_text += " Niet in het bestand (dus niet uitgevoerd): " + esc(", ".join(left_out)) + "."
    body = (
        "<header class='kit-kop'><div class='kit-titel'>Regionale aanvulling op het Standaard "
        "Administratie Protocol</div><p>De controles van de quick scan en de wachttijddefinities "
        "zoals deze regio ze heeft afgesproken en zoals de kit ze gebruikt: dit document en de "
        "configuratie van de kit zijn hetzelfde.</p><table>"
        + "".join(
            f"<tr><td>{esc(label)}</td><td>SHA-256 {esc(h)}</td></tr>"
            for label, h in digest.items()
        )
        + f"<tr><td>Kit-versie</td><td>{esc(__version__)}</td></tr></table></header>"
        f"<h2>1. Controles van de quick scan ({len(entries)})</h2><p>{off_text}</p>"
        "<p>Ernst: <em>fout</em> had door de berichtcontrole afgekeurd moeten worden; "
        "<em>waarschuwing</em> is in strijd met een bedrijfsregel of termijn; <em>signaal</em> "
        "is een aanwijzing die de werkgroep duidt. Gewicht: de volgorde op de verbeterlijst "
        "(5 raakt een verzoek-, start- of stopdatum; 0 staat niet op de lijst).</p>"
        + _table(
            [
                "id",
                "naam",
                "bericht",
                "ernst",
                "iJw-regels",
                "drempels",
                "status",
                "gewicht",
                "anders dan de kit",
            ],
            check_rows,
        )
        + check_blocks
        + "".join(
            f"<h3>{esc(k)}</h3>" + _table(["instelling", "waarde"], [[a, b] for a, b in v.items()])
            for k, v in extra.items()
        )
        + f"<h2>2. Normen ({len(norms)})</h2>"
        + _table(["id", "naam", "lengte", "uitleg"], norms)
        + f"<h2>3. Wachttijd- en procestijddefinities ({len(definitions)})</h2>"
        + _table(
            [
                "id",
                "naam",
                "soort",
                "begint bij",
                "eindigt bij",
                "negatieve duur",
                "uitval",
                "filters",
            ],
            definitions,
        )
        + definition_blocks
        + f"<h2>4. Uitval: wachten dat eindigt zonder zorg ({len(exits)})</h2>"
        + _table(["id", "naam", "regel", "uitleg"], exits)
        + "<h2>5. Overige instellingen</h2>"
        + _table(["instelling", "waarde"], [[k, v] for k, v in settings.items()])
        + "<footer class='kit-voet'>Gemaakt met de leercirkel-data kit "
        f"{esc(__version__)}. Past de werkgroep een afspraak aan, dan verandert het YAML-bestand "
        "en daarmee het controlegetal hierboven.</footer>"
    )
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Regionale aanvulling op het protocol</title><style>{report_css()}"
        "body{font-family:sans-serif;max-width:1300px;margin:0 auto;padding:0 1em}</style>"
        f"</head><body>{body}</body></html>"
    )


def _changed(entry: dict, shipped: dict) -> str:
    """The fields of a region's check that differ from the kit's (Dutch, for the document)."""
    fields = {"parameters": "drempels", "aan": "aan/uit", "gewicht": "gewicht"}
    fields |= {"wat_te_doen": "wat te doen", "ernst": "ernst", "regels": "regels"}
    differ = [label for key, label in fields.items() if entry.get(key) != shipped.get(key)]
    return ", ".join(differ) or "—"


def _norm_length(norm: dict) -> str:
    if "weken" in norm:
        return f"{norm['weken']} weken"
    if "maanden" in norm:
        return f"{norm['maanden']} maanden"
    return _value({k: v for k, v in norm.items() if k not in ("id", "naam", "uitleg")})


def write_protocol(
    out: Path,
    *,
    checks_file: str | Path | None = None,
    definitions_file: str | Path | None = None,
    pdf: bool = False,
) -> tuple[Path, Path | None]:
    """Write the supplement to ``out`` (HTML) and, when asked, a PDF next to it (Chromium)."""
    from kit.report import print_pdf

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(protocol_html(checks_file, definitions_file), encoding="utf-8")
    return out, (print_pdf(out) if pdf else None)
