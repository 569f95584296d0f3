# Sourced by scripts/demo and scripts/test: create .venv and install the pinned requirements when they changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
fi
STAMP=.venv/.requirements.sha256
WANT="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    echo "==> installing requirements (first run takes a few minutes)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
    # face_recognition without its dlib dependency: dlib-bin (in requirements.txt) provides dlib prebuilt.
    .venv/bin/python -m pip install --quiet --no-deps face_recognition==1.3.0
    .venv/bin/python -c "import face_recognition, dlib" || { echo "face_recognition does not import" >&2; exit 1; }
    echo "$WANT" > "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
