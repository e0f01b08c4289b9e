#!/bin/sh
# run.sh: make bench.  Measures ms against the mock server on 127.0.0.1 and
# prints one table, with whether each goal is met.  Benchmarks, not tests:
# make check never depends on them.
#
# Rows (issue 3):
#   mtranslate   a generated 2 MB markdown document, chunked by a --context
#                that gives BENCH_CHUNKS chunks (a multiple of 8, so that
#                -j 8 can be ideal), against a mock that echoes each request
#                after 0.2 s; wall time at -j 1 and -j 8, and the speed-up
#                against the ideal min(8, chunks); goal >= 0.85 of ideal.
#                The output must equal the input (the echo), byte for byte.
#   msummarize   peak RSS over BENCH_SUMMARIZE_MB MiB of generated prose
#                streamed into its standard input (never written to disk),
#                -j 8 and the default context, against a mock that answers
#                at once with a short text; goal <= 64 MB.
#   msummarize   the same over BENCH_SLOW_MB MiB when the first answer
#                comes 5 s late and the others at once: the partial
#                summaries that finish meanwhile wait for their turn, and
#                must not take memory without bound; goal <= 64 MB.
#
# Settings (environment): MS_BUILD (default build), BENCH_RUNS (timed runs
# per setting, the median is reported; default 3), BENCH_CHUNKS (default
# 32), BENCH_SUMMARIZE_MB (default 1024), BENCH_SLOW_MB (default 256),
# BENCH_STRICT=1 (exit 2 when a goal is missed).  hyperfine times the
# mtranslate rows when installed; python3 does otherwise.  /usr/bin/time -v measures RSS when installed;
# wait4(2) does otherwise.

set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BENCH=$ROOT/tests/bench
BUILD=${MS_BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUNS=${BENCH_RUNS:-3}
CHUNKS=${BENCH_CHUNKS:-32}
SUM_MB=${BENCH_SUMMARIZE_MB:-1024}
SLOW_MB=${BENCH_SLOW_MB:-256}
DOC_BYTES=2097152
JOBS=8
DELAY=0.2

die () {
	echo "bench: $*" >&2
	exit 1
}

for t in ms mtranslate msummarize; do
	test -x "$BUILD/$t" || die "no $BUILD/$t: run make first"
done
# Resolve python3 once: a wrapper such as pyenv's shim costs 0.1 s a call.
PYTHON=$(python3 -c 'import sys; print(sys.executable)') ||
	die "python3 is needed"

# A predictable environment: no user config, no MS_* settings, no proxy
# (requests go to 127.0.0.1 only), a dummy key the mock ignores.
for v in $(env | sed -n 's/^\(MS_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset OPENROUTER_API_KEY MISTRAL_API_KEY http_proxy HTTP_PROXY \
	https_proxy HTTPS_PROXY all_proxy ALL_PROXY CURL_CA_BUNDLE
no_proxy='*' NO_PROXY='*' LC_ALL=C.UTF-8 TZ=UTC PYTHONDONTWRITEBYTECODE=1
MS_API_KEY=bench-not-a-key
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms-bench.XXXXXX") || exit 1
HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME" || exit 1
export no_proxy NO_PROXY LC_ALL TZ PYTHONDONTWRITEBYTECODE MS_API_KEY HOME \
	XDG_CONFIG_HOME

MOCK_PID=
# shellcheck disable=SC2317 # run by the trap
cleanup () {
	mock_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# mock_start SCENARIO LOG: start the mock server; sets MOCK_URL.
mock_start () {
	mock_stop
	rm -f "$TMP/port"
	"$PYTHON" "$ROOT/tests/mock/server.py" --port-file "$TMP/port" \
		--log "$2" --lifetime 7200 "$1" 2>"$TMP/mock.err" &
	MOCK_PID=$!
	i=0
	while ! test -s "$TMP/port"; do
		if ! kill -0 "$MOCK_PID" 2>/dev/null; then
			cat "$TMP/mock.err" >&2
			MOCK_PID=
			die "the mock server did not start"
		fi
		i=$((i + 1))
		test $i -le 200 || die "the mock server gave no port in 10 s"
		sleep 0.05
	done
	MOCK_URL=http://127.0.0.1:$(cat "$TMP/port")/v1
}

mock_stop () {
	if test -n "$MOCK_PID"; then
		kill "$MOCK_PID" 2>/dev/null
		wait "$MOCK_PID" 2>/dev/null
		MOCK_PID=
	fi
}

# q WORD: WORD quoted for sh.
q () {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# timeit NAME IN OUT CMD...: median wall seconds of CMD over RUNS runs.
timeit () {
	_name=$1 _in=$2 _out=$3
	shift 3
	if command -v hyperfine >/dev/null 2>&1; then
		_c=
		for _a in "$@"; do _c="$_c $(q "$_a")"; done
		hyperfine --style none --runs "$RUNS" \
			--export-json "$TMP/$_name.json" \
			"$_c < $(q "$_in") > $(q "$_out")" >&2 ||
			die "$_name: hyperfine failed"
		"$PYTHON" -c 'import json, sys
print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' \
			"$TMP/$_name.json"
	else
		"$PYTHON" "$BENCH/measure.py" time "$RUNS" "$_in" "$_out" \
			-- "$@" | cut -d' ' -f1
	fi
}

# calc EXPR: a python3 expression, printed.
calc () {
	"$PYTHON" -c "print($1)"
}

ROWS=$TMP/rows MISSED=0
: >"$ROWS"
# row LABEL MS REFERENCE RESULT GOAL MET
row () {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"
	test "$6" != no || MISSED=$((MISSED + 1))
}

echo "bench: $(nproc 2>/dev/null || echo '?') CPUs," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
		head -1); timing with" \
	"$(command -v hyperfine >/dev/null 2>&1 && echo hyperfine ||
		echo python3), $RUNS runs, median" >&2

# --- mtranslate: ordered concurrent chunks --------------------------------

DOC=$TMP/doc.md
"$PYTHON" "$BENCH/gen.py" markdown $DOC_BYTES >"$DOC" ||
	die "cannot generate the document"
DOC_MB=$(calc "round($(wc -c <"$DOC") / 1048576, 1)")

# nreq CONTEXT: the requests mtranslate -n makes of the document.
nreq () {
	_n=$("$BUILD/mtranslate" -n --context "$1" de <"$DOC" | wc -l)
	echo $((_n))
}

# The smallest --context that gives at most N chunks (binary search).
context_for () {
	_lo=1024 _hi=4194304
	while test $_lo -lt $_hi; do
		_mid=$(((_lo + _hi) / 2))
		if test "$(nreq $_mid)" -le "$1"; then _hi=$_mid; else
			_lo=$((_mid + 1)); fi
	done
	echo $_lo
}

# A count of chunks that is a multiple of 8 and at least 16, near CHUNKS.
CTX='' N=''
for want in $CHUNKS $((CHUNKS + 8)) $((CHUNKS - 8)) $((CHUNKS + 16)) \
	$((CHUNKS + 24)); do
	test "$want" -ge 16 || continue
	c=$(context_for "$want")
	n=$(nreq "$c")
	if test $((n % 8)) -eq 0 && test "$n" -ge 16; then
		CTX=$c N=$n
		break
	fi
	test -n "$CTX" || CTX=$c N=$n
done
test "${N:-0}" -gt 0 || die "mtranslate -n: no requests for the document"
echo "bench: mtranslate: ${DOC_MB} MB, --context $CTX: $N chunks" >&2

SCN=$BENCH/echo-200ms.json
for j in 1 $JOBS; do
	mock_start "$SCN" "$TMP/log-j$j"
	T=$(timeit "mtranslate-j$j" "$DOC" "$TMP/out-j$j.md" \
		"$BUILD/mtranslate" -q --base-url "$MOCK_URL" \
		--context "$CTX" -j "$j" de) || exit 1
	mock_stop
	cmp -s "$DOC" "$TMP/out-j$j.md" ||
		die "mtranslate -j $j: the output is not the input echoed back"
	INFL=$("$PYTHON" "$ROOT/tests/mock/req.py" "$TMP/log-j$j" max-inflight)
	if test "$j" = 1; then T1=$T INFL1=$INFL; else T8=$T INFL8=$INFL; fi
done
FLOOR=$(calc "'%.2f' % ($N * $DELAY)")
PER=$(calc "round(($T1 - $N * $DELAY) / $N * 1000, 1)")
row "mtranslate ${DOC_MB} MB, $N chunks, -j 1" "$T1 s" \
	"$FLOOR s ($N x ${DELAY} s)" "+$PER ms/request, $INFL1 in flight" \
	"-" "-"
IDEAL_X=$(calc "min($JOBS, $N)")
IDEAL_T=$(calc "'%.3f' % ($T1 / $IDEAL_X)")
SPEEDUP=$(calc "'%.2f' % ($T1 / $T8)")
FRAC=$(calc "'%.2f' % ($T1 / $T8 / $IDEAL_X)")
MET=$(calc "'yes' if $T1 / $T8 / $IDEAL_X >= 0.85 else 'no'")
row "mtranslate ${DOC_MB} MB, $N chunks, -j $JOBS" "$T8 s" \
	"$IDEAL_T s (ideal)" \
	"${SPEEDUP}x = $FRAC of ideal ${IDEAL_X}x, $INFL8 in flight" \
	">= 0.85 of ideal" "$MET"

# --- msummarize: bounded memory over a huge stream ------------------------

mock_start "$ROOT/tests/scenarios/t2-short.json" /dev/null
R=$("$PYTHON" "$BENCH/measure.py" rss "$SUM_MB" "$TMP/summary" -- \
	"$BUILD/msummarize" -q -u -j $JOBS --base-url "$MOCK_URL") || exit 1
mock_stop
grep -q 'Short summary' "$TMP/summary" ||
	die "msummarize: no summary at the end"
# shellcheck disable=SC2086 # R is four words
set -- $R
WALL=$1 KB=$2 REQS=$3 HOW=$4
RSS_MB=$(calc "round($KB / 1024, 1)")
RATE=$(calc "round($SUM_MB / $WALL, 1)")
MET=$(calc "'yes' if $KB <= 64 * 1024 else 'no'")
row "msummarize $SUM_MB MB on stdin, -j $JOBS, peak RSS" "$RSS_MB MB" \
	"-" "$WALL s, $RATE MB/s, $REQS requests ($HOW)" "<= 64 MB" "$MET"

# The same when one answer is late: the chunks done meanwhile must not pile
# up.  The first request is answered after 5 s, the others at once.
mock_start "$BENCH/first-slow.json" /dev/null
R=$("$PYTHON" "$BENCH/measure.py" rss "$SLOW_MB" "$TMP/summary" -- \
	"$BUILD/msummarize" -q -u -j $JOBS --base-url "$MOCK_URL") || exit 1
mock_stop
grep -q 'Short summary' "$TMP/summary" ||
	die "msummarize: no summary at the end"
# shellcheck disable=SC2086 # R is four words
set -- $R
WALL=$1 KB=$2 REQS=$3 HOW=$4
RSS_MB=$(calc "round($KB / 1024, 1)")
MET=$(calc "'yes' if $KB <= 64 * 1024 else 'no'")
row "msummarize $SLOW_MB MB, first answer 5 s late, peak RSS" \
	"$RSS_MB MB" "-" "$WALL s, $REQS requests ($HOW)" "<= 64 MB" "$MET"

# --- the table ------------------------------------------------------------

{
	printf 'benchmark\tms\treference\tresult\tgoal\tmet\n'
	cat "$ROWS"
} | "$PYTHON" -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for k, r in enumerate(rows):
    print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip())
    if k == 0:
        print("  ".join("-" * n for n in w))
'
if test $MISSED -gt 0; then
	echo "bench: $MISSED goal(s) missed" >&2
	test "${BENCH_STRICT:-}" != 1 || exit 2
fi
exit 0
