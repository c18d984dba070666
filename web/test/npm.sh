#!/bin/sh
# Installs the browser tests' npm packages (web/package-lock.json, `npm ci`)
# into web/node_modules, only when they are missing or the lockfile changed
# since: offline, a tree that has them installs nothing. Usage: npm.sh WEB_DIR
set -eu
cd "$1"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.dacc-lock ] && [ "$(cat node_modules/.dacc-lock)" = "$want" ]; then
    echo "web: npm packages installed ($want)"
    exit 0
fi
npm ci --no-audit --no-fund
echo "$want" > node_modules/.dacc-lock
echo "web: npm packages installed from the lockfile"
