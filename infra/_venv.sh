# Sourced by infra/run and infra/test: cd to the repo root and make .venv hold the project as pyproject.toml describes it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ ! -x .venv/bin/python ]; then
    python="$(command -v python3.11 || command -v python3 || true)"
    if [ -z "$python" ]; then
        echo "infra: python3.11 is needed: sudo apt-get install -y python3 python3-venv" >&2
        exit 1
    fi
    "$python" -m venv .venv || {
        echo "infra: could not create .venv: sudo apt-get install -y python3-venv" >&2
        exit 1
    }
fi

installed_stamp=.venv/.rso-pyproject.sha256
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$installed_stamp" 2>/dev/null)" != "$wanted" ]; then
    .venv/bin/pip install --quiet -e ".[dev]"
    echo "$wanted" > "$installed_stamp"
fi

source "$ROOT/infra/portal_assets.sh"
