#!/usr/bin/env bash
# Build the single executable dist/ncjrs-viewer (Linux; Debian or Ubuntu for the packages).
#
#   packaging/build.sh                 set up what the build needs, then build
#   packaging/build.sh --report        ... and write build/pyinstaller/ncjrs-viewer/exclusions.txt
#   packaging/build.sh --keep icu      any other option goes to the spec (see its docstring)
#
# What it sets up:
# - Debian packages: the libraries the X11 platform plugin and Qt load (bundled into the
#   executable from this machine, so they must be installed here), binutils, icu-devtools and
#   zstd for the spec, and what tests/integration/test_frozen.py uses (Xvfb, desktop-file-validate,
#   appstreamcli). Installed when run as root; otherwise the apt-get line is printed.
# - Python: .venv (made with the program installed if missing), plus the pinned
#   packaging/requirements-build.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

APT_PACKAGES=(
    # the spec: strip/readelf/as/ld, and icupkg to trim ICU's data
    binutils icu-devtools
    # the spec packs the payload with zstd (packaging/trim/payload.py); the executable inflates it with libzstd
    zstd libzstd1
    # Qt's X11 platform (xcb) and what it links; Qt names the wrong one when one is missing
    libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0
    # QtGui and QtDBus
    libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
    # tests/integration/test_frozen.py: a virtual X server and the desktop-file validators
    xvfb desktop-file-utils appstream
)

missing=()
if command -v dpkg-query >/dev/null; then
    for package in "${APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
else
    echo "build.sh: not a Debian system; install the equivalents of: ${APT_PACKAGES[*]}" >&2
fi
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    else
        echo "build.sh: these Debian packages are missing; as root, run:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi

PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
if [[ ! -x $PYTHON ]]; then
    python3 -m venv "$ROOT/.venv"
    PYTHON=$ROOT/.venv/bin/python
    "$PYTHON" -m pip install -q -e "$ROOT"
fi
"$PYTHON" -m pip install -q -r "$ROOT/packaging/requirements-build.txt"

# PyInstaller's cache of processed binaries lives in this checkout, not the shared ~/.cache:
# two builds at once (two checkouts, CI beside a session) corrupt a shared cache index.
export PYINSTALLER_CONFIG_DIR=${PYINSTALLER_CONFIG_DIR:-$ROOT/build/pyinstaller-cache}
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/ncjrs-viewer.spec" -- "$@"

exe=$ROOT/dist/ncjrs-viewer
# A smoke run that leaves no unpack cache (~/.cache/ncjrs-viewer) in the builder's home.
NCJRS_VIEWER_NO_CACHE=1 "$exe" --version
echo "built $exe: $(du -m --apparent-size "$exe" | cut -f1) MB"
