#!/usr/bin/env bash
# Instructions per request of each page, counted by callgrind (repeatable whatever the
# machine's load): seeds a fresh SQLite database over HTTP (20 users, 30 posts each, each
# following 9), then serves it under valgrind and drives 200 requests per page after a
# warm-up, with LOG_FORMAT=json as the benchmark does.
#
#   xtask/profile/profile.sh target/release/microblog 5091 target/profile/new
#   callgrind_annotate --inclusive=yes target/profile/new/cg.out.2   # /index, by function
#
# Needs valgrind, curl and python3. Compare two builds by running it on each.
set -u
BIN=$(realpath "$1"); PORT=$2; OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"; cp "$BIN" "$OUT/microblog"; cd "$OUT"
export DATABASE_URL="sqlite://$PWD/prof.db?mode=rwc" SECRET_KEY="profile secret profile secret profile secret 0123"
export RATE_LIMIT_PER_MINUTE=100000 LOG_FORMAT=json PROFILE_COOKIES="$PWD/cookies.txt"
BASE="http://127.0.0.1:$PORT"
wait_up() { for _ in $(seq 1 120); do curl -s -o /dev/null "$BASE/healthz" && return; sleep 0.5; done; }
./microblog serve --bind "127.0.0.1:$PORT" > seed.log 2>&1 &
PID=$!; wait_up
python3 "$HERE/drive.py" "$BASE" seed
kill $PID; wait $PID 2>/dev/null
valgrind --tool=callgrind --callgrind-out-file="$PWD/cg.out" ./microblog serve --bind "127.0.0.1:$PORT" --no-dispatcher > vg.log 2>&1 &
VG=$!; wait_up
python3 "$HERE/drive.py" "$BASE" drive /index 20 > /dev/null
python3 "$HERE/drive.py" "$BASE" drive /login 20 > /dev/null
PAGES=(/login /index /explore /user/user1)
callgrind_control -z $VG > /dev/null
for n in "${!PAGES[@]}"; do
  python3 "$HERE/drive.py" "$BASE" drive "${PAGES[$n]}" 200 > /dev/null
  callgrind_control -d "page$((n + 1))" $VG > /dev/null; callgrind_control -z $VG > /dev/null
done
sleep 1; kill $VG; wait $VG 2>/dev/null
for n in "${!PAGES[@]}"; do
  total=$(awk '/^summary:/ {print $2}' "cg.out.$((n + 1))")
  echo "${PAGES[$n]} $((total / 200)) instructions/request"
done
