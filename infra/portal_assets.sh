# Sourced by infra/_venv.sh: the portal's design system, scripts and fonts, from the npm registry as pinned in
# portal/package-lock.json, built into portal/static/vendor/ (git-ignored). Installs Node.js with apt-get when it is
# missing and this runs as root; reinstalls and rebuilds only when the lockfile or the build inputs changed.

portal_assets() {
    local portal="$ROOT/portal" stamp="$ROOT/portal/static/vendor/.built.sha256" wanted
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ]; then
            echo "infra: installing Node.js and npm with apt-get (the portal's assets)" >&2
            DEBIAN_FRONTEND=noninteractive apt-get update -qq \
                && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
        fi
        command -v npm >/dev/null 2>&1 || {
            echo "infra: the portal's assets need Node.js and npm: sudo apt-get install -y nodejs npm" >&2
            return 1
        }
    fi
    wanted="$(cat "$portal/package-lock.json" "$portal/build-assets.mjs" "$portal/static/portal.scss" | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
        return 0
    fi
    (cd "$portal" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm run --silent build) || {
        echo "infra: building the portal's assets failed (see above)" >&2
        return 1
    }
    echo "$wanted" > "$stamp"
}

portal_assets
