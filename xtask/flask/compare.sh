#!/usr/bin/env bash
# Side by side: the Flask Mega-Tutorial's microblog (tag v0.10, gunicorn -w 4) against our
# release binary, on the same S world, page by page with wrk. See README.md beside this file.
#
#   compare.sh <rust microblog binary> <abs path of our S db> [seconds]
#
# Environment: FLASK_APP_DIR (default /work/flask/app), FLASK_VENV (default /work/flask/venv),
# PROFILE_USER (default user0001, the profile the bench loads), WARM_SECONDS (default 1),
# KEEP_WORK=1 to keep the temporary directory (databases and server logs).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 <rust microblog binary> <abs path of our S db> [seconds]" >&2
    exit 2
fi
RUST_BIN=$(realpath "$1")
OUR_DB=$(realpath "$2")
SECONDS_PER_PAGE=${3:-5}
FLASK_APP_DIR=$(realpath "${FLASK_APP_DIR:-/work/flask/app}")
FLASK_VENV=$(realpath "${FLASK_VENV:-/work/flask/venv}")
PROFILE_USER=${PROFILE_USER:-user0001}
WARM_SECONDS=${WARM_SECONDS:-1}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# What `cargo xtask bench` uses (xtask/src/bench/seed.rs, xtask/src/bench.rs).
LOGIN_USER=user0000
PASSWORD="benchmark password"
SECRET="benchmark secret key, long enough for the checks"
# wrk sends no User-Agent; logging in with the one wrk then sends keeps Flask-Login's
# session protection (a hash of address and agent) from flagging every request.
AGENT="microblog-bench"
WRK=(wrk -t2 -c16 --latency -H "User-Agent: $AGENT")

PY="$FLASK_VENV/bin/python"
[[ -x "$RUST_BIN" ]] || { echo "not executable: $RUST_BIN" >&2; exit 2; }
[[ -f "$OUR_DB" ]] || { echo "no database at $OUR_DB" >&2; exit 2; }
[[ -f "$FLASK_APP_DIR/microblog.py" ]] || { echo "no microblog.py in $FLASK_APP_DIR (FLASK_APP_DIR)" >&2; exit 2; }
[[ -x "$FLASK_VENV/bin/gunicorn" ]] || { echo "no gunicorn in $FLASK_VENV (FLASK_VENV)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }

WORK=$(mktemp -d /tmp/flask-compare.XXXXXX)
RUST_PID= FLASK_PID=
cleanup() {
    local status=$?
    for pid in $RUST_PID $FLASK_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $RUST_PID $FLASK_PID; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ ${KEEP_WORK:-0} == 1 || $status -ne 0 ]]; then
        echo "work files kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. The two databases: a copy of ours (through SQLite, so its WAL comes along) and the
# Flask app's, seeded from it.
echo "copying $OUR_DB..." >&2
"$PY" - "$OUR_DB" "$WORK/rust.db" <<'EOF'
import sqlite3, sys
src = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close(); src.close()
EOF
mkdir -p "$WORK/flask" "$WORK/rust"
FLASK_APP_DIR="$FLASK_APP_DIR" "$PY" "$HERE/seed.py" "$OUR_DB" "$WORK/flask.db" >&2

# 2. The servers, each with only the environment given here, in a directory of its own
# (our binary reads a .env in its working directory; the Flask app writes logs/ there).
RUST_PORT=$(free_port)
FLASK_PORT=$(free_port)
(
    cd "$WORK/rust"
    exec env -i PATH="$PATH" HOME="$HOME" \
        DATABASE_URL="sqlite://$WORK/rust.db?mode=rwc" \
        SECRET_KEY="$SECRET" \
        RATE_LIMIT_PER_MINUTE=100000 \
        RESET_REQUEST_THROTTLE=1 \
        MAIL_TIMEOUT=10 \
        POSTS_PER_PAGE=25 \
        LOG_FORMAT=json \
        "$RUST_BIN" serve --bind "127.0.0.1:$RUST_PORT"
) >"$WORK/rust.log" 2>&1 &
RUST_PID=$!
# The app's config.py reads SECRET_KEY and DATABASE_URL; POSTS_PER_PAGE is fixed at 25 there.
# MAIL_SERVER unset: no SMTP error handler. FLASK_DEBUG unset: production mode, as gunicorn
# serves it in the tutorial's deployment chapters.
(
    cd "$WORK/flask"
    exec env -i PATH="$PATH" HOME="$HOME" \
        SECRET_KEY="$SECRET" \
        DATABASE_URL="sqlite:///$WORK/flask.db" \
        "$FLASK_VENV/bin/gunicorn" -w 4 -b "127.0.0.1:$FLASK_PORT" --no-control-socket \
        --chdir "$WORK/flask" --pythonpath "$FLASK_APP_DIR" microblog:app
) >"$WORK/flask.log" 2>&1 &
FLASK_PID=$!

RUST="http://127.0.0.1:$RUST_PORT"
FLASK="http://127.0.0.1:$FLASK_PORT"
wait_for() { # name base pid log
    for _ in $(seq 1 150); do
        if [[ $(curl -s -o /dev/null -w '%{http_code}' "$2/login" || true) == 200 ]]; then
            return 0
        fi
        if ! kill -0 "$3" 2>/dev/null; then
            echo "$1 exited; its log:" >&2; tail -n 30 "$4" >&2; exit 1
        fi
        sleep 0.2
    done
    echo "$1 did not answer /login in 30 s; its log:" >&2; tail -n 30 "$4" >&2; exit 1
}
wait_for "our server" "$RUST" "$RUST_PID" "$WORK/rust.log"
wait_for "gunicorn" "$FLASK" "$FLASK_PID" "$WORK/flask.log"

# 3. Log in as a browser would: the CSRF token from the form, then the form posted.
cookie_header() { # Netscape cookie jar -> Cookie header value
    awk -F'\t' '(/^#HttpOnly_/ || !/^#/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$1"
}
login() { # name base -> Cookie header value
    local jar="$WORK/$1.jar" csrf answer
    csrf=$(curl -s -A "$AGENT" -c "$jar" "$2/login" |
        grep -o '<input[^>]*name="csrf_token"[^>]*>' | head -n 1 |
        sed -n 's/.*value="\([^"]*\)".*/\1/p')
    [[ -n $csrf ]] || { echo "$1: no csrf_token on /login" >&2; exit 1; }
    answer=$(curl -s -A "$AGENT" -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
        --data-urlencode "csrf_token=$csrf" --data-urlencode "username=$LOGIN_USER" \
        --data-urlencode "password=$PASSWORD" "$2/login")
    [[ $answer == 30[23]\ */index ]] || { echo "$1: login as $LOGIN_USER failed ($answer)" >&2; exit 1; }
    cookie_header "$jar"
}
RUST_COOKIE=$(login rust "$RUST")
FLASK_COOKIE=$(login flask "$FLASK")

PAGES=(/login /index /explore "/user/$PROFILE_USER")
cookie_for() { # app path -> Cookie header value ('' for /login: a visitor without a session)
    [[ $2 == /login ]] && return 0
    if [[ $1 == flask ]]; then echo "$FLASK_COOKIE"; else echo "$RUST_COOKIE"; fi
}

# 4. Every page answers 200 to both, logged in (and the home page lists the seeded posts).
for app in flask rust; do
    base=$FLASK; [[ $app == rust ]] && base=$RUST
    for path in "${PAGES[@]}"; do
        cookie=$(cookie_for "$app" "$path")
        body="$WORK/$app-$(echo "$path" | tr / _).html"
        status=$(curl -s -A "$AGENT" ${cookie:+-H "Cookie: $cookie"} -o "$body" -w '%{http_code}' "$base$path")
        [[ $status == 200 ]] || { echo "$app $path answered $status" >&2; exit 1; }
        if [[ $path != /login ]]; then
            grep -q "$LOGIN_USER" "$body" || { echo "$app $path: not logged in as $LOGIN_USER" >&2; exit 1; }
        fi
        if [[ $path == /index ]]; then
            grep -q 'benchmarks are a feature\.' "$body" ||
                { echo "$app /index lists no seeded post" >&2; exit 1; }
        fi
    done
done
echo "both apps answer 200 on ${PAGES[*]} (logged in as $LOGIN_USER; /login without a cookie)" >&2

# 5. wrk, page by page: Flask (after a short warm-up run), then ours (the same).
run_wrk() { # seconds url cookie out
    local args=("${WRK[@]}" -d"$1"s)
    [[ -n $3 ]] && args+=(-H "Cookie: $3")
    "${args[@]}" "$2" >"$4"
}
# A sync worker finishes every request it has read even after wrk has gone, so a slow page
# leaves a backlog that would eat into the next run: wait until the server (and its
# workers) use no more CPU.
cpu_ticks() { # pid... -> utime + stime of them and their children, in clock ticks
    local pid total=0 stat rest
    for pid in "$@" $(ps -o pid= --ppid "$*" 2>/dev/null); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        rest=${stat##*) }
        read -r -a f <<<"$rest"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}
settle() { # pid
    local before after quiet=0
    for _ in $(seq 1 240); do
        before=$(cpu_ticks "$1"); sleep 0.25; after=$(cpu_ticks "$1")
        if ((after - before <= 1)); then
            quiet=$((quiet + 1)); ((quiet >= 2)) && return 0
        else
            quiet=0
        fi
    done
    echo "warning: pid $1 still busy after 60 s" >&2
}
parse() { # wrk output -> "req/s p50_ms non2xx timeouts other_errors"
    awk '
        /Requests\/sec:/ { rps = $2 }
        /^ +50% / {
            v = $2
            if (sub(/us$/, "", v)) p50 = v / 1000
            else if (sub(/ms$/, "", v)) p50 = v
            else if (sub(/m$/, "", v)) p50 = v * 60000
            else if (sub(/s$/, "", v)) p50 = v * 1000
        }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ {
            gsub(/,/, ""); for (i = 1; i <= NF; i++) {
                if ($i == "timeout") timeouts = $(i + 1)
                else if ($i ~ /^(connect|read|write)$/) other += $(i + 1)
            }
        }
        END { printf "%s %s %d %d %d\n", rps + 0, p50 + 0, non2xx, timeouts, other }
    ' "$1"
}
fmt_rps() { awk -v r="$1" 'BEGIN { printf (r < 100 ? "%.1f" : "%.0f"), r }'; }
fmt_ms() { awk -v m="$1" 'BEGIN { printf (m < 10 ? "%.2f ms" : (m < 100 ? "%.1f ms" : "%.0f ms")), m }'; }
fmt_ratio() { awk -v r="$1" -v f="$2" 'BEGIN { if (f <= 0) print "n/a"; else { x = r / f; printf (x < 10 ? "%.1f×" : "%.0f×"), x } }'; }

TABLE=("| page | Flask req/s | Flask p50 | Rust req/s | Rust p50 | Rust/Flask |"
    "|---|---:|---:|---:|---:|---:|")
NOTES=()
for path in "${PAGES[@]}"; do
    label="GET $path"
    for app in flask rust; do
        base=$FLASK pid=$FLASK_PID; [[ $app == rust ]] && base=$RUST pid=$RUST_PID
        cookie=$(cookie_for "$app" "$path")
        out="$WORK/wrk-$app-$(echo "$path" | tr / _).txt"
        echo "driving $label on $app..." >&2
        settle "$pid"
        run_wrk "$WARM_SECONDS" "$base$path" "$cookie" "$out.warm"
        settle "$pid"
        run_wrk "$SECONDS_PER_PAGE" "$base$path" "$cookie" "$out"
        read -r rps p50 non2xx timeouts other < <(parse "$out")
        if [[ $app == flask ]]; then f_rps=$rps f_p50=$p50; else r_rps=$rps r_p50=$p50; fi
        if [[ $rps == 0 ]]; then
            NOTES+=("- $app $label: no request completed in ${SECONDS_PER_PAGE} s")
        elif ((non2xx + timeouts + other > 0)); then
            NOTES+=("- $app $label: $non2xx non-2xx/3xx, $timeouts timeouts (wrk's 2 s; not in p50), $other socket errors")
        fi
    done
    TABLE+=("| $label | $(fmt_rps "$f_rps") | $(fmt_ms "$f_p50") | $(fmt_rps "$r_rps") | $(fmt_ms "$r_p50") | $(fmt_ratio "$r_rps" "$f_rps") |")
done

echo
echo "wrk -t2 -c16 -d${SECONDS_PER_PAGE}s --latency per page (after a ${WARM_SECONDS} s warm-up of each app, each run"
echo "started once the server is idle);"
echo "Flask: microblog v0.10, gunicorn -w 4; Rust: $(basename "$RUST_BIN"); both logged in as $LOGIN_USER (/login: no cookie)."
echo
printf '%s\n' "${TABLE[@]}"
if ((${#NOTES[@]})); then
    echo
    printf '%s\n' "${NOTES[@]}"
fi
