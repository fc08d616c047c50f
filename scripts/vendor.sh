#!/usr/bin/env bash
# Vendor the browser libraries the pages use into src/jieyou/web/static/vendor/.
# The app never loads anything from a CDN: run this to upgrade, then commit the files.
set -euo pipefail
cd "$(dirname "$0")/.."

HTMX_VERSION="${HTMX_VERSION:-2.0.4}"
DEST=src/jieyou/web/static/vendor
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

npm install --silent --no-audit --no-fund --prefix "$TMP" "htmx.org@${HTMX_VERSION}"
mkdir -p "$DEST"
cp "$TMP/node_modules/htmx.org/dist/htmx.min.js" "$DEST/htmx.min.js"
cp "$TMP/node_modules/htmx.org/LICENSE" "$DEST/htmx.LICENSE"
echo "htmx.org ${HTMX_VERSION} -> $DEST/htmx.min.js"
