#!/usr/bin/env bash
# Vendor the browser libraries the pages use into src/jieyou/web/static/vendor/.
# The app never loads anything from a CDN: run this to upgrade, then commit the files.
set -euo pipefail
cd "$(dirname "$0")/.."

HTMX_VERSION="${HTMX_VERSION:-2.0.4}"
ECHARTS_VERSION="${ECHARTS_VERSION:-5.6.0}"
SWAGGER_UI_VERSION="${SWAGGER_UI_VERSION:-5.35.0}"
DEST=src/jieyou/web/static/vendor
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$TMP" \
  "htmx.org@${HTMX_VERSION}" "echarts@${ECHARTS_VERSION}" \
  "swagger-ui-dist@${SWAGGER_UI_VERSION}"
mkdir -p "$DEST"
cp "$TMP/node_modules/htmx.org/dist/htmx.min.js" "$DEST/htmx.min.js"
cp "$TMP/node_modules/htmx.org/LICENSE" "$DEST/htmx.LICENSE"
echo "htmx.org ${HTMX_VERSION} -> $DEST/htmx.min.js"
# ECharts (Apache-2.0) for the dashboard: the full minified build (map, line, bar, visualMap).
cp "$TMP/node_modules/echarts/dist/echarts.min.js" "$DEST/echarts.min.js"
cp "$TMP/node_modules/echarts/LICENSE" "$DEST/echarts.LICENSE"
cp "$TMP/node_modules/echarts/NOTICE" "$DEST/echarts.NOTICE"
echo "echarts ${ECHARTS_VERSION} -> $DEST/echarts.min.js"
# Swagger UI (Apache-2.0) for the API docs at /docs; started by our own docs.js, not inline.
mkdir -p "$DEST/swagger-ui"
cp "$TMP/node_modules/swagger-ui-dist/swagger-ui-bundle.js" "$DEST/swagger-ui/"
cp "$TMP/node_modules/swagger-ui-dist/swagger-ui.css" "$DEST/swagger-ui/"
cp "$TMP/node_modules/swagger-ui-dist/LICENSE" "$DEST/swagger-ui/LICENSE"
cp "$TMP/node_modules/swagger-ui-dist/NOTICE" "$DEST/swagger-ui/NOTICE"
echo "swagger-ui-dist ${SWAGGER_UI_VERSION} -> $DEST/swagger-ui/"
