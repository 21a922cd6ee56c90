"""The kit's code lists (``kit/codelijsten.yaml``): iJw codes and the named groups the rules use.

``checks.yaml`` and ``waiting_times.yaml`` name a group (``crisis_en_gi``) instead of repeating
its codes; the loaders resolve the name here with :func:`resolve_codes`. Python code takes a
group with :func:`group` and never spells a category code itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kit.config import package_yaml

CODELISTS_FILE = "kit/codelijsten.yaml"


@dataclass(frozen=True)
class CodeLists:
    """The parsed code list file.

    Attributes
    ----------
    lists : dict of str to dict of str to str
        Per codelist (``JZ020``): code -> name.
    groups : dict of str to tuple of str
        Per group name: its codes (groups of groups flattened).
    source : str
        Where the codes come from (``bron``).
    """

    lists: dict[str, dict[str, str]]
    groups: dict[str, tuple[str, ...]]
    source: str


@cache
def load_codelists() -> CodeLists:
    """Read and validate ``kit/codelijsten.yaml`` (once per process).

    Raises
    ------
    ValueError
        In Dutch, naming the group: an unknown codelist, a code not in its codelist, or an
        unknown or circular group reference.
    """
    doc = package_yaml("codelijsten.yaml")
    lists = {
        str(name): {str(code): str(label) for code, label in (entry.get("codes") or {}).items()}
        for name, entry in (doc.get("codelijsten") or {}).items()
    }
    raw = doc.get("groepen") or {}

    def codes_of(name: str, seen: tuple[str, ...]) -> tuple[str, ...]:
        if name not in raw:
            raise ValueError(f"{CODELISTS_FILE}: onbekende groep {name}")
        if name in seen:
            raise ValueError(f"{CODELISTS_FILE}: groep {name} verwijst naar zichzelf")
        entry = raw[name]
        codelist = entry.get("codelijst")
        if codelist not in lists:
            raise ValueError(f"{CODELISTS_FILE}: groep {name}: onbekende codelijst {codelist}")
        codes = [str(c) for c in entry.get("codes") or []]
        unknown = [c for c in codes if c not in lists[codelist]]
        if unknown:
            raise ValueError(
                f"{CODELISTS_FILE}: groep {name}: code {', '.join(unknown)} staat niet in {codelist}"
            )
        for sub in entry.get("groepen") or []:
            codes.extend(codes_of(str(sub), (*seen, name)))
        return tuple(dict.fromkeys(codes))

    groups = {str(name): codes_of(str(name), ()) for name in raw}
    return CodeLists(lists=lists, groups=groups, source=str(doc.get("bron", "")))


def group(name: str) -> tuple[str, ...]:
    """The codes of a named group (``crisis``, ``gi``, ``crisis_en_gi``).

    Raises
    ------
    KeyError
        When the group does not exist.
    """
    groups = load_codelists().groups
    if name not in groups:
        raise KeyError(f"onbekende codegroep {name} (bekend: {', '.join(groups)})")
    return groups[name]


def resolve_codes(value: object, where: str) -> tuple[str, ...]:
    """Codes from a YAML value: a list of codes, a group name, or ``{groep: naam}``.

    Parameters
    ----------
    value : object
        The YAML value.
    where : str
        File and field, for the error message.

    Raises
    ------
    ValueError
        In Dutch, naming ``where``: an unknown group or a value that is neither.
    """
    if isinstance(value, dict) and set(value) == {"groep"}:
        value = value["groep"]
    if isinstance(value, str):
        groups = load_codelists().groups
        if value not in groups:
            raise ValueError(
                f"{where}: onbekende codegroep {value} (bekend: {', '.join(groups)}; "
                f"zie {CODELISTS_FILE})"
            )
        return groups[value]
    if isinstance(value, list | tuple) and all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        return tuple(str(v) for v in value)
    raise ValueError(f"{where}: verwacht een lijst codes of de naam van een codegroep")
