#!/usr/bin/env bash
# The package on its own: copies this folder (its tracked and new files, nothing ignored) out of
# the project, installs it with its test extra into a fresh virtualenv (no system site-packages,
# no project install, no PYTHONPATH), and runs its whole test suite there. The sample-project
# tests (tests/test_plugin.py) run pytest over a small pytest-bdd project that names the plugin
# nowhere, so each writes a living documentation page from the installed package; the pages
# written are listed at the end, and none written fails the check.
#
#     bash livingdoc/check_clean_install.sh        (.ci/run calls it; PYTHON=python3.12 to pick)
#
# pip installs from the package index pip is configured with (and its cache): that is why this
# is a script CI runs, not a test in the suite, whose tests never go beyond loopback.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== copy of $here in $work/livingdoc =="
mkdir "$work/livingdoc"
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$here" && git ls-files --cached --others --exclude-standard -z . | tar --null -cf - -T -) |
        tar -xf - -C "$work/livingdoc"
else
    cp -R "$here/." "$work/livingdoc"
fi

echo "== fresh virtualenv ($("$python" --version)), pip install ./livingdoc[test] =="
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$work/livingdoc[test]"
"$work/venv/bin/python" -m pip list --format=freeze | grep -i -E '^(pytest|pytest-bdd|pytest-bdd-livingdoc)=='

# Cucumber's official HTML report (tests/test_official_report.py) needs @cucumber/html-formatter
# from the npm registry: installed here where npm is, else that one test skips and says so.
if command -v npm >/dev/null 2>&1; then
    echo "== npm ci: @cucumber/html-formatter for the official report's test =="
    npm ci --prefix "$work/livingdoc/html-formatter" --no-audit --no-fund --loglevel=error
else
    echo "== no npm: tests/test_official_report.py will skip (install nodejs and npm to run it) =="
fi

echo "== the plugin's tests, from the copy, with the installed package =="
cd "$work/livingdoc"
env -u PYTHONPATH -u PYTHONDONTWRITEBYTECODE -u PYTEST_ADDOPTS -u PYTEST_PLUGINS \
    "$work/venv/bin/python" -m pytest -p no:cacheprovider --basetemp="$work/basetemp"

echo "== living documentation pages the sample projects wrote =="
pages="$(find "$work/basetemp" -path '*/reports/living-docs/index.html' | sort)"
if [ -z "$pages" ]; then
    echo "FATAL: no run of the sample project wrote reports/living-docs/index.html" >&2
    exit 1
fi
echo "$pages" | sed "s|^$work/||"
