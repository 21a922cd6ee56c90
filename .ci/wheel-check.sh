#!/usr/bin/env bash
# Builds the wheel, installs it in a venv outside the repository and makes one report with it;
# run by `make test` (so by .ci/run). Proves that a non-editable install carries everything the
# kit reads (YAML, CSV, report template, notebooks) and finds it without the checkout.
#
# - The wheel is built from a copy of the working tree (tracked and new files, not ignored
#   ones): a stale build/ folder cannot slip old modules in, and the repository gets no
#   build/ or *.egg-info.
# - The venv holds only the wheel and its dependencies. Installing those takes a minute or
#   more, so the venv is kept in $KIT_WHEEL_CACHE (default ~/.cache/leercirkel-kit), one per
#   Python version and dependency list (the wheel's Requires-Dist); the kit itself is
#   reinstalled from the new wheel on every run. KIT_WHEEL_CACHE=none: a new venv every time.
# - Everything runs from a temporary folder with PYTHONPATH unset, so `import kit` can only
#   find the installed wheel (checked), and with a throw-away pseudonym key.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
base_python="${PYTHON:-python3}"
build_python="$repo/.venv/bin/python"
[ -x "$build_python" ] || build_python="$base_python"
start=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/kit-wheel-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
unset PYTHONPATH
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf 'wielcontrole (%3ds): %s\n' "$((SECONDS - start))" "$1"; }
fail() { echo "wielcontrole MISLUKT: $1" >&2; exit 1; }

step "wiel bouwen"
mkdir "$work/src"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$repo/$f" ] && printf '%s\0' "$f"; done |
    tar -C "$repo" --null -T - -cf - | tar -xf - -C "$work/src"
"$build_python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/src"
wheel="$(ls "$work"/dist/leercirkel_kit-*.whl)"

contents="$("$build_python" -m zipfile -l "$wheel")"
for shipped in kit/checks/checks.yaml kit/berichten.yaml kit/templates/kit_rapport/index.html.j2 \
    kit/notebooks/01_quickscan.ipynb kit/notebooks/02_definities.ipynb kit/notebooks/03_trends.ipynb; do
    grep -q "^$shipped " <<<"$contents" || fail "$shipped ontbreekt in $(basename "$wheel")"
done

key="$( { "$base_python" -c 'import sys; print(sys.version)'
          "$build_python" - "$wheel" <<'PY'
import sys, zipfile
wheel = zipfile.ZipFile(sys.argv[1])
meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
print(*sorted(l for l in wheel.read(meta).decode().splitlines() if l.startswith("Requires-Dist")), sep="\n")
PY
        } |
        sha256sum | cut -c1-16)"
cache="${KIT_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leercirkel-kit}"
if [ "$cache" = none ]; then
    venv="$work/venv"
else
    venv="$cache/wheel-check-$key"
fi
case "$venv" in "$repo"/*) fail "de venv ($venv) moet buiten de repository staan" ;; esac
if [ -x "$venv/bin/leercirkel-kit" ]; then
    step "wiel installeren in bestaande venv $venv (alleen de kit opnieuw)"
    "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$wheel"
else
    step "nieuwe venv $venv met het wiel en zijn afhankelijkheden"
    mkdir -p "$(dirname "$venv")"
    new="$(mktemp -d "$venv.new.XXXXXX")"  # own folder: a parallel run cannot interfere
    "$base_python" -m venv "$new"
    "$new/bin/python" -m pip install --quiet "$wheel"
    rm -rf "$venv"
    mv -T "$new" "$venv" 2>/dev/null || rm -rf "$new"  # a parallel run was first: use its venv
    # console scripts name their interpreter by path: make them again at the final place
    "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$wheel"
fi
"$venv/bin/python" -m pip check >/dev/null || fail "afhankelijkheden in $venv kloppen niet (pip check)"

cd "$work"
mkdir run && cd run
KIT_PSEUDONIEM_SLEUTEL="$("$base_python" -c 'import secrets; print(secrets.token_hex(32))')"
export KIT_PSEUDONIEM_SLEUTEL
kit="$venv/bin/leercirkel-kit"
where="$("$venv/bin/python" -c 'import kit; print(kit.__file__)')"
case "$where" in "$venv"/*) ;; *) fail "import kit vindt $where, niet het geïnstalleerde wiel" ;; esac
version="$("$venv/bin/python" -c 'import kit; print(kit.__version__)')"

step "voorbeeldregio maken en inlezen"
"$kit" voorbeeld --uit regio --kinderen 300 >/dev/null 2>&1
"$kit" inlezen regio/berichten --store store --stil >/dev/null

step "quickscan"
"$kit" quickscan --store store --peildatum 2026-03-31 --uit quickscan --testdata-toegestaan >/dev/null
[ -s quickscan/bevindingen.csv ] || fail "quickscan schreef geen bevindingen.csv"

step "rapport 01_quickscan"
cat >rapport.yaml <<'YAML'
regio: Wielcontrole
store: store
peildatum: "2026-03-31"
periode_van: "2025-04-01"
periode_tot: "2026-03-31"
testdata_toegestaan: true
aanbieders: regio/aanbieders.csv
gemeentenamen: regio/gemeenten.csv
YAML
"$kit" rapport --params rapport.yaml --uit rapporten --notebook 01_quickscan.ipynb --jobs 1 >/dev/null
html=rapporten/01_quickscan.html
[ -s "$html" ] || fail "$html is niet gemaakt"
grep -qF "<td>Kit-versie</td><td>$version</td>" "$html" ||
    fail "$html noemt de kit-versie $version niet"
grep -qF "Belangrijkste bevindingen" "$html" || fail "$html heeft geen blok Belangrijkste bevindingen"

step "klaar: $(basename "$wheel") geïnstalleerd en rapport gemaakt (kit $version)"
