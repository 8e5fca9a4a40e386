#!/usr/bin/env bash
# End-to-end benchmark of the gzhlint binary.
#
#   scripts/bench.sh                 # 200 MB corpus (half Markdown, half HTML)
#   BENCH_MB=40 scripts/bench.sh     # smaller corpus
#
# Environment:
#   BENCH_MB        total corpus size in MB, split evenly between Markdown and HTML (default 200)
#   BENCH_THREADS   thread counts to compare (default "1 2")
#   BENCH_RUNS      runs of each start-up / 5-draft timing (default 20)
#   BENCH_REPEAT    runs of each corpus measurement; the fastest is reported (default 3)
#   BENCH_RULES_DEV 0 to skip the extra run with rules-dev/ packs loaded as user packs (default 1)
#   BENCH_NO_INSTALL 1 to never call apt-get (missing tools are then skipped or fatal)
#
# Builds the release binary, replicates fixtures/drafts (and ../shared/corpus/real when present)
# into target/bench-corpus/{md,html}, then runs `gzhlint check --format json --fail-on never`
# with -j 1 and -j 2 under /usr/bin/time -v: wall time, MB/s, files/s, peak RSS, speed-up.
# Also: start-up (`gzhlint rules list`), `check` on 5 typical drafts, ripgrep as a reference.
# Exits non-zero when any step fails.

set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_MB=${BENCH_MB:-200}
BENCH_THREADS=${BENCH_THREADS:-"1 2"}
BENCH_RUNS=${BENCH_RUNS:-20}
BENCH_REPEAT=${BENCH_REPEAT:-3}
BENCH_RULES_DEV=${BENCH_RULES_DEV:-1}
BENCH_NO_INSTALL=${BENCH_NO_INSTALL:-0}
CORPUS=$ROOT/target/bench-corpus
BIN=$ROOT/target/release/gzhlint
FIXTURES=$ROOT/fixtures/drafts
REAL=$ROOT/../shared/corpus/real

die() { echo "bench.sh: error: $*" >&2; exit 1; }
note() { echo "bench.sh: $*" >&2; }

case $BENCH_MB in '' | *[!0-9]*) die "BENCH_MB must be a whole number of MB (got '$BENCH_MB')" ;; esac
case $BENCH_REPEAT in '' | 0 | *[!0-9]*) die "BENCH_REPEAT must be a positive whole number" ;; esac
[ "$BENCH_MB" -ge 2 ] || die "BENCH_MB must be at least 2"

# --- tools -------------------------------------------------------------------------------------

APT_UPDATED=0
apt_install() { # package...
    [ "$BENCH_NO_INSTALL" = 1 ] && return 1
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo="sudo"
    fi
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ "$APT_UPDATED" = 0 ]; then
        $sudo apt-get update -qq >&2 || return 1
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

command -v cargo >/dev/null 2>&1 || die "cargo not found (install Rust from https://rustup.rs)"
[ -x /usr/bin/time ] || apt_install time || die "/usr/bin/time missing (apt-get install time)"
command -v rg >/dev/null 2>&1 || apt_install ripgrep || note "ripgrep unavailable: no reference line"
command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine || note "hyperfine unavailable: timing with a shell loop"
HAVE_RG=0; command -v rg >/dev/null 2>&1 && HAVE_RG=1
HAVE_HF=0; command -v hyperfine >/dev/null 2>&1 && HAVE_HF=1

# --- build -------------------------------------------------------------------------------------

note "cargo build --release"
cargo build --release --quiet || die "cargo build --release failed"
[ -x "$BIN" ] || die "$BIN not built"

# --- corpus ------------------------------------------------------------------------------------

# Sources per format, in a fixed order: fixtures first, then the real corpus.
list_sources() { # ext
    {
        find "$FIXTURES" -maxdepth 1 -type f -name "*.$1" | LC_ALL=C sort
        if [ -d "$REAL" ]; then find "$REAL" -type f -name "*.$1" | LC_ALL=C sort; fi
    }
}

# Fills $CORPUS/$ext with copies of one seed folder (every source once) until it holds $bytes.
build_corpus() { # ext bytes
    local ext=$1 want=$2 dir=$CORPUS/$1 stamp=$CORPUS/$1.stamp
    local sources; sources=$(list_sources "$ext")
    [ -n "$sources" ] || die "no *.$ext drafts in $FIXTURES"
    local key; key="$want $(echo "$sources" | xargs cat | cksum)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
        return 0
    fi
    rm -rf "$dir" "$stamp"
    mkdir -p "$dir/seed"
    local i=0 f
    while IFS= read -r f; do
        i=$((i + 1))
        cp "$f" "$(printf '%s/seed/%03d.%s' "$dir" "$i" "$ext")"
    done <<<"$sources"
    local seed_bytes; seed_bytes=$(cat "$dir"/seed/* | wc -c)
    local copies=$(((want + seed_bytes - 1) / seed_bytes))
    local n
    for ((n = 1; n < copies; n++)); do
        cp -r "$dir/seed" "$(printf '%s/c%05d' "$dir" "$n")"
    done
    echo "$key" >"$stamp"
}

HALF=$((BENCH_MB * 1000 * 1000 / 2))
note "building corpus in $CORPUS (≥ $((HALF / 1000000)) MB Markdown + ≥ $((HALF / 1000000)) MB HTML)"
build_corpus md "$HALF"
build_corpus html "$HALF"

corpus_bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
corpus_files() { find "$1" -type f | wc -l; }

# --- measurements ------------------------------------------------------------------------------

# Runs a command under /usr/bin/time -v; sets WALL (seconds, from the nanosecond clock: time -v
# only gives centiseconds) and RSS (peak resident set, KiB). stdout → /dev/null.
measure() {
    local log; log=$(mktemp)
    local status=0 t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || status=$?
    t1=$(date +%s.%N)
    if [ "$status" != 0 ]; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        die "failed (exit $status): $*"
    fi
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    rm -f "$log"
}

# Wall time alone, with a more precise clock than /usr/bin/time's centiseconds.
wall() {
    local t0 t1 status=0
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || status=$?
    t1=$(date +%s.%N)
    [ "$status" = 0 ] || die "failed (exit $status): $*"
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
}

# measure, BENCH_REPEAT times: WALL is the fastest run (the machine may be shared), RSS the
# largest peak seen.
measure_best() {
    local best="" peak=0 r
    for ((r = 0; r < BENCH_REPEAT; r++)); do
        measure "$@"
        if [ -z "$best" ] || awk -v a="$WALL" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$WALL; fi
        [ "$RSS" -gt "$peak" ] && peak=$RSS
    done
    WALL=$best RSS=$peak
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "inf" }'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

echo
echo "gzhlint benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -srm)"
echo "binary: $BIN ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), working tree may be dirty)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Rule configurations: built-ins alone, then built-ins + rules-dev when it holds packs.
# rules-dev packs are copied with their [pack] id suffixed "-dev", so that they load next to the
# built-in placeholders of the same name; rule ids are untouched.
CONFIGS=("builtin")
DEV_RULES=$CORPUS/rules-dev
if [ "$BENCH_RULES_DEV" = 1 ] && compgen -G "$ROOT/rules-dev/*.toml" >/dev/null; then
    rm -rf "$DEV_RULES" && mkdir -p "$DEV_RULES"
    for f in "$ROOT"/rules-dev/*.toml; do
        awk '/^\[pack\]/ {p = 1} p == 1 && /^id *= *"/ {sub(/id *= *"[^"]*/, "&-dev"); p = 2} {print}' \
            "$f" >"$DEV_RULES/${f##*/}"
    done
    if "$BIN" rules list --rules "$DEV_RULES" >/dev/null 2>&1; then
        CONFIGS+=("builtin+rules-dev")
    else
        note "rules-dev/ does not load next to the built-ins (duplicate rule ids?); skipping it"
        "$BIN" rules list --rules "$DEV_RULES" 2>&1 >/dev/null | head -n 5 >&2 || true
    fi
fi
rules_args() { # config
    case $1 in
        builtin) ;;
        builtin+rules-dev) echo "--rules $DEV_RULES" ;;
    esac
}

echo
echo "== rules"
for config in "${CONFIGS[@]}"; do
    # shellcheck disable=SC2046
    echo "$config: $("$BIN" rules list $(rules_args "$config") | tail -n 1)"
done

echo
echo "== throughput: gzhlint check --format json --fail-on never (corpus in $CORPUS; best of $BENCH_REPEAT)"
printf '%-18s %-5s %3s %9s %8s %9s %10s %10s\n' rules format -j "wall s" "MB/s" "files/s" "peak MiB" speed-up
for config in "${CONFIGS[@]}"; do
    for ext in md html; do
        dir=$CORPUS/$ext
        bytes=$(corpus_bytes "$dir")
        files=$(corpus_files "$dir")
        base=""
        for j in $BENCH_THREADS; do
            # shellcheck disable=SC2046
            measure_best "$BIN" check --format json --fail-on never -j "$j" $(rules_args "$config") "$dir"
            if [ -z "$base" ]; then base=$WALL; speedup="—"; else
                speedup=$(awk -v a="$base" -v b="$WALL" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "inf" }')
            fi
            printf '%-18s %-5s %3s %9.3f %8s %9s %10s %10s\n' "$config" "$ext" "$j" "$WALL" \
                "$(mbps "$bytes" "$WALL")" "$(rate "$files" "$WALL")" "$(mib "$RSS")" "$speedup"
        done
    done
    echo "   ($config: md $(mbps "$(corpus_bytes "$CORPUS/md")" 1) MB in $(corpus_files "$CORPUS/md") files;" \
        "html $(mbps "$(corpus_bytes "$CORPUS/html")" 1) MB in $(corpus_files "$CORPUS/html") files)"
done

# Scaling with corpus size: a quarter of the Markdown corpus, at the highest thread count.
echo
echo "== corpus-size scaling (Markdown, built-ins, -j ${BENCH_THREADS##* })"
jmax=${BENCH_THREADS##* }
mapfile -t all_md < <(find "$CORPUS/md" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort)
quarter=$(((${#all_md[@]} + 3) / 4))
printf '%-10s %6s %9s %8s %10s\n' share files "wall s" "MB/s" "peak MiB"
for share in quarter all; do
    if [ "$share" = quarter ]; then dirs=("${all_md[@]:0:$quarter}"); else dirs=("${all_md[@]}"); fi
    bytes=0; files=0
    for d in "${dirs[@]}"; do
        bytes=$((bytes + $(corpus_bytes "$d"))); files=$((files + $(corpus_files "$d")))
    done
    measure_best "$BIN" check --format json --fail-on never -j "$jmax" "${dirs[@]}"
    printf '%-10s %6s %9.3f %8s %10s   (%s MB)\n' "$share" "$files" "$WALL" "$(mbps "$bytes" "$WALL")" \
        "$(mib "$RSS")" "$(mbps "$bytes" 1)"
done

echo
echo "== start-up and small runs"
mapfile -t five < <( (find "$FIXTURES" -maxdepth 1 -name 'md-*.md' | LC_ALL=C sort | head -n 3;
    find "$FIXTURES" -maxdepth 1 -name 'html-*.html' | LC_ALL=C sort | head -n 2) )
[ "${#five[@]}" = 5 ] || die "fewer than 5 drafts in $FIXTURES"
echo "5 drafts: ${five[*]##*/}"
# label | arguments of gzhlint
SMALL=("rules list (builtin)|rules list"
    "check 5 drafts, human (builtin)|check --fail-on never --color never ${five[*]}"
    "check 5 drafts, json (builtin)|check --format json --fail-on never ${five[*]}")
if [[ " ${CONFIGS[*]} " == *" builtin+rules-dev "* ]]; then
    SMALL+=("rules list (builtin+rules-dev)|rules list --rules $DEV_RULES"
        "check 5 drafts, human (builtin+rules-dev)|check --fail-on never --color never --rules $DEV_RULES ${five[*]}")
fi
if [ "$HAVE_HF" = 1 ]; then
    args=()
    for item in "${SMALL[@]}"; do args+=(-n "${item%%|*}" "$BIN ${item#*|}"); done
    hyperfine --style basic --warmup 3 --runs "$BENCH_RUNS" -N "${args[@]}" >"$CORPUS/hyperfine.txt" 2>&1 ||
        { cat "$CORPUS/hyperfine.txt" >&2; die "hyperfine failed"; }
    grep -E 'Benchmark|Time|Range' "$CORPUS/hyperfine.txt"
else
    for item in "${SMALL[@]}"; do
        total=0 best=999
        for ((r = 0; r < BENCH_RUNS; r++)); do
            # shellcheck disable=SC2086
            wall "$BIN" ${item#*|}
            total=$(awk -v a="$total" -v b="$WALL" 'BEGIN {print a + b}')
            best=$(awk -v a="$best" -v b="$WALL" 'BEGIN {print (b < a ? b : a)}')
        done
        echo "${item%%|*}: mean $(awk -v t="$total" -v n="$BENCH_RUNS" 'BEGIN {printf "%.1f", t / n * 1000}') ms, best $(awk -v b="$best" 'BEGIN {printf "%.1f", b * 1000}') ms ($BENCH_RUNS runs, shell loop)"
    done
fi

if [ "$HAVE_RG" = 1 ]; then
    echo
    echo "== reference: rg -F -c 转发 (same corpus)"
    printf '%-5s %3s %9s %8s %10s\n' format -j "wall s" "MB/s" "peak MiB"
    for ext in md html; do
        dir=$CORPUS/$ext
        bytes=$(corpus_bytes "$dir")
        for j in $BENCH_THREADS; do
            # rg exits 1 when nothing matches; the fixtures contain 转发, so treat that as failure too.
            measure_best rg -F -c -j "$j" 转发 "$dir"
            printf '%-5s %3s %9.3f %8s %10s\n' "$ext" "$j" "$WALL" "$(mbps "$bytes" "$WALL")" "$(mib "$RSS")"
        done
    done
fi

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
