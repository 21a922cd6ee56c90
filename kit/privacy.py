"""Privacy at the door and at the exit: BSN -> keyed pseudonym; disclosure control of counts.

Disclosure control (:class:`Protection`): counts below the threshold blanked, counts that would
give one back through a total or a row sum blanked too, every other count rounded to
``config.ROUND_BASE``, statistics on small groups (or with a small rest) blanked.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import math
import os
import re
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kit import config

TEST_BSN_LOW, TEST_BSN_HIGH = 999900006, 999999990
MIN_KEY_BITS = 256  # a key must hold at least 32 bytes of entropy
MAKE_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'
# Key check value in kit-store.json: scrypt (memory-hard, ~50 ms) of the key with a fixed salt,
# so the stored value does not let anyone test guessed keys quickly. "scrypt:" marks the format.
_CHECK_SALT = b"leercirkel-kit-sleutelcontrole-v2"
_CHECK_PREFIX = "scrypt:"


class PseudonymKeyError(Exception):
    """Raised when the pseudonymisation key cannot be found or is unsafe."""


@dataclass(frozen=True)
class Pseudonymiser:
    """Keyed pseudonym for BSNs (HMAC-SHA256, first 16 hex characters).

    The key never leaves memory; ``fingerprint`` identifies the key without revealing it, so a
    store can refuse data pseudonymised with another key.
    """

    key: bytes
    _seen: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _digest_key: bytes = field(init=False, compare=False, repr=False)
    _check: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # BLAKE2b takes keys of at most 64 bytes: derive one from the region's key
        object.__setattr__(self, "_digest_key", hashlib.sha256(b"kit-digest|" + self.key).digest())

    def __call__(self, bsn: str) -> str:
        """Return the pseudonym of one BSN (digits only, leading zeros kept).

        An 8-digit BSN is taken as one whose leading zero was lost (e.g. in a spreadsheet): it
        gets the pseudonym of the 9-digit BSN.
        """
        pseudonym = self._seen.get(bsn)
        if pseudonym is None:  # a child occurs in many messages: compute each pseudonym once
            digits = bsn.strip()
            if len(digits) == 8 and digits.isdigit():
                digits = "0" + digits
            pseudonym = hmac.digest(self.key, digits.encode("ascii", "replace"), "sha256").hex()[
                :16
            ]
            if len(self._seen) < 1_000_000:
                self._seen[bsn] = pseudonym
        return pseudonym

    def digest(self, text: str) -> str:
        """Keyed digest (BLAKE2b-256 in keyed mode, hex) of any text that may hold personal data.

        Used for file signatures, one per input file: keyed BLAKE2b is a MAC like HMAC-SHA256
        but several times cheaper, which a re-run over hundreds of thousands of files notices.
        """
        data = text.encode("utf-8", "replace")
        return hashlib.blake2b(data, key=self._digest_key, digest_size=32).hexdigest()

    @property
    def fingerprint(self) -> str:
        """Check value of the key, stored in ``kit-store.json`` to detect another key.

        ``scrypt:`` + scrypt(key, fixed salt, n=2**14, r=8) as hex: memory-hard and slow on
        purpose, so the stored value cannot be used to test guessed keys quickly (a plain HMAC of
        a constant, as before, gave a weak key away at once). Computed once per instance.
        """
        found = self._check.get("v2")
        if found is None:
            derived = hashlib.scrypt(
                self.key, salt=_CHECK_SALT, n=2**14, r=8, p=1, maxmem=64 * 2**20, dklen=16
            )
            found = self._check["v2"] = _CHECK_PREFIX + derived.hex()
        return found

    def matches(self, stored: str | None) -> bool:
        """Whether a store's key check value (``kit-store.json``) belongs to this key.

        None (a new store) matches. A value in the old format (12 hex characters of an HMAC,
        stores of kit versions before the scrypt check) is compared the old way; the next ingest
        replaces it by the new value.
        """
        if stored is None:
            return True
        if stored.startswith(_CHECK_PREFIX):
            return hmac.compare_digest(stored, self.fingerprint)
        legacy = hmac.new(self.key, b"leercirkel-kit-sleutel", hashlib.sha256).hexdigest()[:12]
        return hmac.compare_digest(stored, legacy)

    def __repr__(self) -> str:  # never print the key
        return f"Pseudonymiser(fingerprint={self.fingerprint})"


def load_pseudonymiser(
    *, create: bool = True, announce: Callable[[str], object] = print
) -> Pseudonymiser:
    """Find the region's pseudonymisation key and return a :class:`Pseudonymiser`.

    The key comes from environment variable ``KIT_PSEUDONIEM_SLEUTEL`` (the key itself), else from
    the file named by ``KIT_SLEUTELBESTAND``, else from ``~/.config/leercirkel-kit/pseudoniem.key``.
    A missing key file is created with a random key (and a message) when ``create`` is true.

    Parameters
    ----------
    create : bool
        Create a new key file when none exists.
    announce : callable
        Receives the Dutch message shown when a key file is created.

    Returns
    -------
    Pseudonymiser

    Raises
    ------
    PseudonymKeyError
        If the key file lies inside the project repository, is empty, or is missing and
        ``create`` is false.
    """
    env_key = os.environ.get(config.ENV_KEY)
    if env_key:
        _require_strong(env_key.strip(), f"omgevingsvariabele {config.ENV_KEY}")
        return Pseudonymiser(env_key.encode("utf-8"))
    path = Path(os.environ.get(config.ENV_KEY_FILE) or config.DEFAULT_KEY_FILE).expanduser()
    if path.resolve().is_relative_to(config.PROJ_ROOT):
        raise PseudonymKeyError(
            f"Het sleutelbestand {path} staat in de map van de kit. Zet het buiten de repository, "
            "zodat het nooit wordt meegecommit."
        )
    if not path.exists():
        if not create:
            raise PseudonymKeyError(f"Geen pseudonimiseringssleutel gevonden ({path}).")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:  # 0600 from the first byte: never readable by others, not even for a moment
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # created by another run at the same moment: use that one
            fd = None
        if fd is not None:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
            announce(
                f"Nieuwe pseudonimiseringssleutel aangemaakt: {path}\n"
                "Bewaar dit bestand veilig en deel het niet. Met dezelfde sleutel krijgt een kind "
                "bij een volgende inleesronde hetzelfde pseudoniem; met een andere sleutel niet."
            )
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise PseudonymKeyError(f"Het sleutelbestand {path} is leeg.")
    _require_strong(key, f"sleutelbestand {path}")
    return Pseudonymiser(key.encode("utf-8"))


def key_entropy_bits(key: str) -> float:
    """Estimate the entropy of a key in bits (an upper bound for a key a person typed).

    Hex text counts 4 bits per character; other text log2 of the size of the character classes
    it uses (lower case 26, upper case 26, digits 10, other 33) per character. Repetition is
    punished: at most 8 characters count per distinct character and at most twice the key's
    zlib-compressed size, so ``aaaa...``, ``abab...`` or ``0123456789abcdef`` repeated stay weak
    however long they are.
    """
    if not key:
        return 0.0
    if all(c in "0123456789abcdefABCDEF" for c in key):
        per_char = 4.0
    else:
        alphabet = sum(
            size
            for test, size in (
                (str.islower, 26),
                (str.isupper, 26),
                (str.isdigit, 10),
                (lambda c: not c.isalnum(), 33),
            )
            if any(test(c) for c in key)
        )
        per_char = math.log2(alphabet)
    # a repeated pattern compresses well: count at most twice the compressed size
    compressed = len(zlib.compress(key.encode("utf-8"), 9)) - 8  # minus zlib header/checksum
    counted = min(len(key), 8 * len(set(key)), 2 * compressed)
    return counted * per_char


def _require_strong(key: str, where: str) -> None:
    """Raise a Dutch :class:`PseudonymKeyError` for a key under :data:`MIN_KEY_BITS` (no key text)."""
    bits = key_entropy_bits(key)
    if bits < MIN_KEY_BITS:
        raise PseudonymKeyError(
            f"De pseudonimiseringssleutel uit {where} is te zwak (geschat {bits:.0f} bits; "
            f"nodig: minstens {MIN_KEY_BITS} bits, 32 bytes toeval). Met zo'n sleutel is uit een "
            "pseudoniem het BSN terug te vinden. Maak een sterke sleutel met\n"
            f"    {MAKE_KEY}\n"
            "en zet die in het sleutelbestand of in de omgevingsvariabele. Let op: met een nieuwe "
            "sleutel krijgen kinderen andere pseudoniemen; gebruik dan een nieuwe store."
        )


def bsn_elfproef(bsn: str) -> bool:
    """Return whether a BSN passes the 11-proef (CS002): weights 9..2 and -1."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    d = [ord(c) - 48 for c in bsn]
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7]
    return (total - d[8]) % 11 == 0 and any(d)


def bsn_is_test(bsn: str) -> bool:
    """Return whether a BSN lies in the official test range 999900006-999999990."""
    return bsn.isdigit() and TEST_BSN_LOW <= int(bsn) <= TEST_BSN_HIGH


@dataclass(frozen=True)
class Totals:
    """Where a table holds a total row that its other rows add up to.

    Without care a blanked count can be recomputed: total minus the counts shown. Given this,
    :func:`suppress_small_cells` also blanks the smallest shown count of the same parts
    (complementary suppression).

    Attributes
    ----------
    column : str
        Column that labels the rows; the total row has ``label`` in it.
    label : str
        Label of the total row.
    within : tuple of str
        Columns that split the table into independent blocks, each with its own total row
        (e.g. ``definitie`` or ``maand``).
    partition : str, optional
        Column that separates several breakdowns of the same total (e.g. ``niveau``: the
        gemeenten add up to the region, and so do the categorieen). Without it, labels of the form
        ``<breakdown>=<value>`` (``gemeente=0599``) are grouped by the text before ``=``.
    parts : str, optional
        Only rows whose label starts with this are parts of the total (``stops_`` for the stops
        by reason, beside other series in the same block); the other rows take no part.
    """

    column: str
    label: str = "totaal"
    within: tuple[str, ...] = ()
    partition: str | None = None
    parts: str | None = None


def round_counts(
    values: pd.Series, *, base: int = config.ROUND_BASE, threshold: int = 0
) -> pd.Series:
    """Round counts to a multiple of ``base`` (halves up: 12 -> 10, 13 -> 15); 0 stays 0.

    A rounded count is never below the smallest multiple of ``base`` at or above
    ``threshold``, so a shown count never looks like a suppressed one. Missing stays missing.
    """
    values = pd.to_numeric(values, errors="coerce").astype(float)
    if base <= 1:
        return values.round()
    floor = base * np.ceil(threshold / base) if threshold > 0 else 0
    rounded = np.floor(values / base + 0.5) * base
    return rounded.where(values.eq(0) | values.isna(), np.maximum(rounded, floor))


@dataclass(frozen=True)
class Protection:
    """How one table is protected before it is shown or shared, declared where it is computed.

    Counts below the threshold (and above 0) are blanked; counts that would reveal one through
    a total are blanked too (``totals``); every other count is rounded to ``config.ROUND_BASE``
    (see :func:`round_counts`); statistics computed from blanked counts are blanked
    (``derived``). Statistics are computed from the unrounded data.

    Attributes
    ----------
    counts : tuple of str
        Count columns.
    derived : dict
        ``{column: [count columns]}``: a percentage, median or other statistic computed from
        those counts.
    totals : Totals, optional
        The table's total rows.
    same : dict
        ``{column: count column}``: a column that holds the count itself in some rows (a
        monthly series' ``waarde`` is its ``n`` for a count series); where it equals the count,
        it is shown rounded like the count.
    sums : dict
        ``{total column: (part columns)}``: columns that add up within each row.
    rates : dict
        ``{column: (count column, label column, suffix)}``: in rows whose label ends with
        ``suffix`` the column is the count times a known factor (per 1,000 jeugdigen of a
        public population); it is shown as the published count times that factor.
    """

    counts: tuple[str, ...]
    derived: dict[str, list[str]] = field(default_factory=dict)
    totals: Totals | tuple[Totals, ...] | None = None
    same: dict[str, str] = field(default_factory=dict)
    sums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rates: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def apply(self, frame: pd.DataFrame, threshold: int = config.MIN_CELL) -> pd.DataFrame:
        """The protected copy (see :func:`suppress_small_cells`)."""
        return suppress_small_cells(
            frame,
            list(self.counts),
            threshold=threshold,
            derived=self.derived,
            totals=self.totals,
            same=self.same,
            sums=self.sums,
            rates=self.rates,
        )


def suppress_small_cells(
    frame: pd.DataFrame,
    columns: list[str],
    *,
    threshold: int = config.MIN_CELL,
    derived: dict[str, list[str]] | None = None,
    totals: Totals | tuple[Totals, ...] | None = None,
    same: dict[str, str] | None = None,
    sums: dict[str, tuple[str, ...]] | None = None,
    rates: dict[str, tuple[str, str, str]] | None = None,
    rounding: int = config.ROUND_BASE,
) -> pd.DataFrame:
    """Blank counts below ``threshold`` and everything derived from them, round the other counts.

    Parameters
    ----------
    frame : pandas.DataFrame
        Aggregated table (one row per group).
    columns : list of str
        Count columns to check; a value ``0 < n < threshold`` is replaced by missing.
        Zero stays zero (it discloses nothing about a person).
    threshold : int
        Smallest count shown.
    derived : dict, optional
        ``{column: [count columns]}``: a percentage, median or other statistic computed from
        those counts. It is blanked when any of its counts was blanked or is below the
        threshold (a median of 3 waits discloses as much as the count 3). It is not rounded.
        A column named ``pct...`` with two counts ``[part, whole]`` is a share: it is also
        blanked when ``whole - part`` is small (97.0% of about 100 gives the 3 others back).
    totals : Totals or tuple of Totals, optional
        The table's total rows (one or more breakdowns): counts that could be recomputed from a
        total are blanked too (see :func:`complementary_cells`).
    same : dict, optional
        ``{column: count column}``: where ``column`` equals the count, it shows the published
        (rounded) count.
    sums : dict, optional
        ``{total column: (part columns)}``: in every row the parts add up to the total (``n =
        n_gestart + n_wachtend + n_uitgevallen``); a hidden part is not left alone to be
        recomputed (:func:`_row_complements`).
    rates : dict, optional
        ``{column: (count column, label column, suffix)}``: where the label ends with
        ``suffix``, ``column`` is the count times a factor (a rate per 1,000 with a public
        population would give the exact count back); it shows the published count times it.
    rounding : int
        Shown counts are rounded to a multiple of this (:func:`round_counts`); 1 = not rounded.

    Returns
    -------
    pandas.DataFrame
        A copy with the small counts blanked, the others rounded (nullable integers) and a
        boolean column ``onderdrukt`` that is true where anything in the row was blanked.
    """
    out = frame.copy()
    mask = pd.Series(False, index=out.index)
    blanked = {}
    values = {col: pd.to_numeric(out[col], errors="coerce") for col in columns}
    hidden = {col: v.gt(0) & v.lt(threshold) for col, v in values.items()}
    all_totals = () if totals is None else totals if isinstance(totals, tuple) else (totals,)
    changed = True
    while changed:  # complements of one kind can call for complements of the other
        changed = False
        for col, total_rows in itertools.product(columns, all_totals):
            extra = complementary_cells(
                frame, values[col], hidden[col], total_rows, threshold=threshold
            )
            if (extra & ~hidden[col]).any():
                hidden[col] |= extra
                changed = True
        for total, parts in (sums or {}).items():
            extra = _row_complements(values, hidden, total, list(parts), threshold=threshold)
            for col, cells in extra.items():
                if (cells & ~hidden[col]).any():
                    hidden[col] |= cells
                    changed = True
    for col in columns:
        hide = hidden[col]
        blanked[col] = hide | values[col].lt(threshold) & values[col].ne(0) | values[col].isna()
        mask |= hide
        rounded = round_counts(values[col].mask(hide), base=rounding, threshold=threshold)
        out[col] = rounded.astype("Int64")
    for col, sources in (derived or {}).items():
        if col not in out.columns:
            continue  # a view of the table without this statistic
        hide = pd.Series(False, index=out.index)
        for source in sources:
            hide |= blanked[source] & pd.to_numeric(frame[source], errors="coerce").ne(0)
        if col.startswith("pct") and len(sources) == 2:  # a share: 100 * part / whole
            part, whole = (pd.to_numeric(frame[c], errors="coerce") for c in sources)
            rest = whole - part
            hide |= rest.gt(0) & rest.lt(threshold)
        mask |= hide & out[col].notna()
        out[col] = out[col].mask(hide)
    for col, count in (same or {}).items():
        if col not in out.columns:
            continue
        equal = pd.to_numeric(frame[col], errors="coerce").eq(
            pd.to_numeric(frame[count], errors="coerce")
        )
        out[col] = out[col].where(~equal, out[count].astype(float))
    for col, (count, label, suffix) in (rates or {}).items():
        if col not in out.columns:
            continue
        raw = pd.to_numeric(frame[count], errors="coerce")
        is_rate = frame[label].astype("string").str.endswith(suffix).fillna(False) & raw.gt(0)
        factor = pd.to_numeric(frame[col], errors="coerce") / raw.where(is_rate)
        published = (out[count].astype(float) * factor).round(3)
        out[col] = out[col].where(~is_rate, published)
    out["onderdrukt"] = mask
    return out


def _row_complements(
    values: dict[str, pd.Series],
    hidden: dict[str, pd.Series],
    total: str,
    parts: list[str],
    *,
    threshold: int,
) -> dict[str, pd.Series]:
    """Cells to hide so that no row's hidden part follows from its total minus its other parts.

    In a row whose total is shown: while one part is hidden, or the hidden parts add up to less
    than ``threshold``, the smallest shown non-zero part is hidden too; when none is left, the
    total. Rounded counts narrow such a difference to a few values; with rounding at its
    extremes, to one.
    """
    vals = np.column_stack([values[c].fillna(0).to_numpy(dtype=float) for c in parts])
    hide = np.column_stack([hidden[c].fillna(False).to_numpy(dtype=bool) for c in parts])
    hide_total = hidden[total].fillna(False).to_numpy(dtype=bool).copy()
    start = hide.copy(), hide_total.copy()
    while True:
        n_hidden = hide.sum(axis=1)
        hidden_sum = (vals * hide).sum(axis=1)
        need = (n_hidden >= 1) & ~((n_hidden >= 2) & (hidden_sum >= threshold)) & ~hide_total
        if not need.any():
            break
        candidates = np.where(~hide & (vals > 0), vals, np.inf)
        smallest = candidates.argmin(axis=1)
        has = np.isfinite(candidates.min(axis=1))
        rows = np.flatnonzero(need & has)
        hide[rows, smallest[rows]] = True
        none = need & ~has
        hide_total |= none & (values[total].fillna(0).to_numpy(dtype=float) > 0)
        if not (need & has).any():
            break
    index = values[total].index
    out = {c: pd.Series(hide[:, i] & ~start[0][:, i], index=index) for i, c in enumerate(parts)}
    out[total] = pd.Series(hide_total & ~start[1], index=index)
    return out


def complementary_cells(
    frame: pd.DataFrame,
    values: pd.Series,
    hidden: pd.Series,
    totals: Totals,
    *,
    threshold: int = config.MIN_CELL,
) -> pd.Series:
    """Cells to blank as well, so that no hidden count follows from a total.

    Within each block and breakdown whose total row is shown: while one part is hidden, or the
    hidden parts add up to less than ``threshold`` (total minus the shown parts would give
    them), the smallest shown non-zero part is hidden too; when no part is left, the total.
    A block without exactly one total row is left as it is.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (for its label, block and breakdown columns).
    values : pandas.Series
        One count column of ``frame``.
    hidden : pandas.Series of bool
        The cells already blanked (primary suppression).
    totals : Totals
    threshold : int

    Returns
    -------
    pandas.Series of bool
        Cells to blank in addition to ``hidden``.
    """
    labels = frame[totals.column].astype("string")
    if totals.parts is not None:  # only the rows of this breakdown take part
        involved = (labels.str.startswith(totals.parts) | labels.eq(totals.label)).fillna(False)
        keep = involved.to_numpy(dtype=bool)
        sub = complementary_cells(
            frame[keep],
            values[keep],
            hidden[keep],
            replace(totals, parts=None),
            threshold=threshold,
        )
        extra = np.zeros(len(frame), dtype=bool)
        extra[keep] = sub.to_numpy(dtype=bool)
        return pd.Series(extra, index=frame.index)
    is_total = labels.eq(totals.label).fillna(False).to_numpy(dtype=bool)
    if totals.partition is not None:
        breakdown = frame[totals.partition].astype("string").fillna("")
    else:
        breakdown = labels.str.split("=", n=1).str[0].where(labels.str.contains("="), "")
    keys = pd.DataFrame({c: frame[c].to_numpy() for c in totals.within})
    block = (
        keys.groupby(list(totals.within), dropna=False, sort=False).ngroup().to_numpy()
        if totals.within
        else np.zeros(len(frame), dtype=np.int64)
    )
    part = pd.DataFrame({"block": block, "breakdown": breakdown.to_numpy()})
    part = part.groupby(["block", "breakdown"], dropna=False, sort=False).ngroup().to_numpy()
    vals = values.fillna(0).to_numpy(dtype=float)
    hide = hidden.fillna(False).to_numpy(dtype=bool).copy()
    extra = np.zeros(len(frame), dtype=bool)
    totals_of = pd.Series(np.flatnonzero(is_total), index=block[is_total])
    totals_of = totals_of[~totals_of.index.duplicated(keep=False)]  # one total row per block
    positions = np.flatnonzero(~is_total)
    members = pd.Series(positions).groupby(part[positions]).indices
    for group in np.unique(part[hide & ~is_total]):
        rows = positions[members[group]]
        total = totals_of.get(block[rows[0]])
        if total is None:
            continue  # no total to recompute from
        while not hide[total]:
            secret = hide[rows]
            if secret.sum() >= 2 and vals[rows][secret].sum() >= threshold:
                break
            shown = rows[~secret & (vals[rows] > 0)]
            if len(shown) == 0:
                hide[total] = extra[total] = vals[total] > 0
                break
            smallest = shown[np.argmin(vals[shown])]
            hide[smallest] = extra[smallest] = True
    return pd.Series(extra, index=frame.index)


def scrub(text: str) -> str:
    """Remove anything that may be a BSN or a date from a message meant for logs or users."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "<datum>", text)
    return re.sub(r"\d{6,}", "<nummer>", text)
