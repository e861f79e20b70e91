#!/usr/bin/env bash
# e-BOK: install the app and the test tools (also chromium and PostgreSQL when possible), run every check and test.
# Usage: bash test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
ebok_install_dev
ebok_system_packages || echo "Uwaga: nie udało się zainstalować pakietów systemowych; testy przeglądarki/PostgreSQL zostaną pominięte."
ebok_start_postgres || true
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/python scripts/check_complexity.py
.venv/bin/python -m pytest "$@"
