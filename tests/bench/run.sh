#!/bin/sh
# run.sh: make bench.  Measures ms side by side with curl (and jq) against
# the mock server on 127.0.0.1, in one run, and prints one table: for each
# row ms's figure, the reference's figure measured in the same run, their
# ratio, the goal and whether it is met.  Benchmarks, not tests: make check
# never depends on timing (t9300 runs this script only to see that it
# works, with BENCH_QUICK=1).
#
# Rows:
#   start-up     ms --version against curl --version (hyperfine -N, median);
#                goal <= 1.0x curl.
#   request      one streamed answer (REQ_DELTAS deltas of about 4 bytes,
#                as OpenRouter sends them, comments and a usage chunk
#                included) to a 2 KB input: mschat against a curl -sN | jq
#                pipeline that sends the very request mschat sends (mschat
#                -n prints it) and prints the same deltas; both outputs are
#                checked to be the answer; goal <= 1.0x curl | jq.  Then
#                the same against small Python and Node.js clients
#                (client.py, client.mjs; Node when installed), no goal.
#   first delta  the time from the mock writing the first content event
#                (its --stamps file) to the first byte on the standard
#                output of mschat, and of the curl | jq pipeline, as read
#                by build/bench/firstbyte (both CLOCK_MONOTONIC); the mock
#                waits 50 ms before that event, so the client is idle in
#                poll(2) when it comes, and 5 ms between events, so the
#                mock is idle when the client reads; the floor is plain
#                curl -sN, which writes the bytes it gets without parsing
#                them (there are none before that event); all on CPU 0
#                (taskset), since waking an idle vCPU of a virtual machine
#                costs milliseconds of the machine's, not the program's;
#                median of LATENCY_RUNS; goal < 1 ms.
#   events/s     build/bench/ssebench: a recorded stream of SSE_EVENTS
#                OpenRouter events (tests/bench/gen.py sse) through the SSE
#                parser, the response handling and the output shaping,
#                in 16 KiB pieces, on one core (CPU time); reference: jq
#                over the same file; goal >= 300,000 events/s.
#   MB/s         the same stream end to end: a mock that writes it as fast
#                as the client reads, through mschat and through curl | jq
#                (hyperfine, median); MB/s of answer text; outputs checked.
#   hostile      what a hostile server can send costs time linear in its
#                bytes: the output shaper fed 5 M one-byte blank deltas and
#                a fence before a 100 MB line in one-byte deltas
#                (build/bench/outbench), and the SSE parser on 100 MB of
#                3 MiB lines in 16 KiB reads (ssebench --lines); goals
#                >= 10 MB/s and >= 100 MB/s.
#   tokens       the exact token count, ms_tokens_count, on one core (CPU
#                time, build/bench/tokbench): the corpus of tests/tokens
#                repeated to TOK_MB MiB, whole and line by line, a base64
#                line and one run of spaces (the text that fills the
#                encoder's window); goal >= 20 MB/s on the corpus.  The
#                reference, line by line, is mistral-tokenizer-js under
#                Node.js (tokbench.mjs), when MISTRAL_TOKENIZER names the
#                package's directory.  Also the size of the static tables
#                and the stack a count takes.
#   peak RSS     of the request row (GNU time's maximum resident set
#                size, the largest of 3 runs): mschat, and the largest
#                process of the curl | jq pipeline; goal <= 8 MB.  The row
#                "libcurl floor" is build/bench/floor, a C program that
#                only sends the same request with libcurl: what linking
#                libcurl costs any client.
#   HTTPS        over TLS and HTTP/2, through nghttpx in front of the mock,
#                with a test CA added to a copy of the system's store:
#                one streamed answer (the request row's) by mschat, which
#                looks the store up by hash, against curl on the same
#                request, which reads the whole bundle as Debian's curl
#                does; CPU time (user + system, from wait4) and callgrind
#                instructions; goal <= 0.5x curl.  Then the -j 8 mtranslate
#                job of the mtranslate rows over HTTPS: the connections
#                nghttpx served (goal 1), CPU time against the same job
#                over plain HTTP (goal <= 1.3x) and peak RSS (goal <= plain
#                HTTP's + 2 MB).  Needs nghttpx (nghttp2-proxy) and openssl.
#   instructions valgrind --tool=callgrind, which counts instructions the
#                same on a busy machine as on a quiet one: ms --version
#                against curl --version, and the request row's mschat
#                against curl alone sending the same request; no goal,
#                recorded so that a change that slows them shows.
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
# Settings (environment): MS_BUILD (default build); BENCH_ROWS, the row
# groups to run (default "startup request latency stream rss callgrind
# long hostile tls tokens"); BENCH_RUNS (hyperfine runs of the request row, default 30; the
# mtranslate rows take the median of 3); BENCH_CHUNKS (default 32);
# BENCH_SUMMARIZE_MB (default 1024); BENCH_SLOW_MB (default 256);
# BENCH_QUICK=1 (a few runs of everything and small inputs: to see that
# the script works, not to measure); BENCH_STRICT=1 (exit 2 when a goal is
# missed).  Needs hyperfine, curl, jq and GNU time (/usr/bin/time), and
# valgrind for the instruction counts.

set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BENCH=$ROOT/tests/bench
BUILD=${MS_BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
ROWS_WANTED=${BENCH_ROWS:-startup request latency stream rss callgrind long hostile tls tokens}
if test "${BENCH_QUICK:-}" = 1; then
	RUNS=${BENCH_RUNS:-3} LONG_RUNS=1 STARTUP_RUNS=10 LATENCY_RUNS=3
	CHUNKS=${BENCH_CHUNKS:-16} SUM_MB=${BENCH_SUMMARIZE_MB:-4}
	SLOW_MB=${BENCH_SLOW_MB:-4} SSE_EVENTS=2000 SSE_SECONDS=0.2
	DOC_BYTES=262144 SLOW_DELAY=1 HOSTILE_BLANKS=100000 HOSTILE_LINE=1000000
	HOSTILE_SSE_MB=10 TOK_MB=1 TOK_REF_MB=1
else
	RUNS=${BENCH_RUNS:-30} LONG_RUNS=3 STARTUP_RUNS=300 LATENCY_RUNS=31
	CHUNKS=${BENCH_CHUNKS:-32} SUM_MB=${BENCH_SUMMARIZE_MB:-1024}
	SLOW_MB=${BENCH_SLOW_MB:-256} SSE_EVENTS=200000 SSE_SECONDS=3
	DOC_BYTES=2097152 SLOW_DELAY=5 HOSTILE_BLANKS=5000000
	HOSTILE_LINE=100000000 HOSTILE_SSE_MB=100 TOK_MB=16 TOK_REF_MB=2
fi
REQ_DELTAS=250
JOBS=8
DELAY=0.2

die () {
	echo "bench: $*" >&2
	exit 1
}

for t in ms mschat mtranslate msummarize bench/ssebench bench/firstbyte \
	bench/floor bench/tokbench; do
	test -x "$BUILD/$t" || die "no $BUILD/$t: run make bench"
done
for t in hyperfine curl jq; do
	command -v $t >/dev/null 2>&1 ||
		die "$t is needed (apt-get install hyperfine curl jq time)"
done
test -x /usr/bin/time || die "GNU time is needed (apt-get install time)"
# Resolve python3 once: a wrapper such as pyenv's shim costs 0.1 s a call.
PYTHON=$(python3 -c 'import sys; print(sys.executable)') ||
	die "python3 is needed"
HAVE_VALGRIND=
command -v valgrind >/dev/null 2>&1 && HAVE_VALGRIND=1

# A predictable environment: no user config, no MS_* settings, no proxy
# (requests go to 127.0.0.1 only), a dummy key the mock ignores.
for v in $(env | sed -n 's/^\(MS_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset OPENROUTER_API_KEY MISTRAL_API_KEY http_proxy HTTP_PROXY \
	https_proxy HTTPS_PROXY all_proxy ALL_PROXY CURL_CA_BUNDLE CURL_HOME \
	SSL_CERT_FILE SSL_CERT_DIR
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
	test -z "${FRONT_PID:-}" || kill "$FRONT_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# mock_start SCENARIO LOG [STAMPS]: start the mock server; sets MOCK_URL.
# With PIN set (a taskset command), the mock runs under it.
mock_start () {
	mock_stop
	rm -f "$TMP/port"
	${PIN:-} "$PYTHON" "$ROOT/tests/mock/server.py" --port-file "$TMP/port" \
		--log "$2" --stamps "${3:-/dev/null}" --lifetime 7200 "$1" \
		2>"$TMP/mock.err" &
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

# calc EXPR: a python3 expression, printed.
calc () {
	"$PYTHON" -c "print($1)"
}

# wanted GROUP: whether the row group GROUP is to run.
wanted () {
	case " $ROWS_WANTED " in *" $1 "*) return 0 ;; esac
	return 1
}

# hyper NAME HYPERFINE_ARG... : run hyperfine, the results in $TMP/NAME.json.
hyper () {
	_n=$1
	shift
	hyperfine --style none --export-json "$TMP/$_n.json" "$@" \
		>"$TMP/$_n.log" 2>&1 || {
		cat "$TMP/$_n.log" >&2
		die "$_n: hyperfine failed"
	}
}

# median NAME I: the median seconds of command I (from 0) of hyper NAME.
median () {
	"$PYTHON" -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print("%.6f" % r["median"])' "$TMP/$1.json" "$2"
}

# same_answer WANT GOT: GOT is the text WANT, maybe with a final newline.
same_answer () {
	"$PYTHON" - "$1" "$2" <<'PYEOF' || die "$3: the output is not the answer"
import sys
want = open(sys.argv[1], "rb").read()
got = open(sys.argv[2], "rb").read()
sys.exit(0 if got in (want, want + b"\n") else 1)
PYEOF
}

# rss CMD...: the peak RSS of CMD in KB (the largest of 3 runs); for a
# shell pipeline, the largest process in it.
rss () {
	_max=0
	for _i in 1 2 3; do
		/usr/bin/time -f %M -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/rss.err" ||
			{ cat "$TMP/rss.err" >&2; die "$1: failed"; }
		_kb=$(tail -1 "$TMP/rss")
		test "$_kb" -gt "$_max" && _max=$_kb
	done
	echo "$_max"
}

# instr [VAR=VALUE...] CMD...: the instructions CMD runs, with VAR set in
# its environment, counted by callgrind.
instr () {
	# Called as $(instr ...): the exports end with the subshell.
	while :; do
		case $1 in *=*) export "$1"; shift ;; *) break ;; esac
	done
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
		>/dev/null 2>"$TMP/cg.err" || { cat "$TMP/cg.err" >&2; die "$1: failed"; }
	sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$TMP/cg.err"
}

TABLE=$TMP/rows MISSED=0
: >"$TABLE"
# row LABEL MS REFERENCE RATIO GOAL MET NOTE
row () {
	# A figure that is not a number is a measure that failed.
	case $2 in [0-9]*|-) ;; *) die "$1: no figure for ms: '$2'" ;; esac
	case $3 in [0-9]*|-) ;; *) die "$1: no reference figure: '$3'" ;; esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TABLE"
	test "$6" != no || MISSED=$((MISSED + 1))
}

# ratio A B: A / B, as "0.62x".  The ratio column is always ms's cost over
# the reference's (time, memory, instructions; for a rate, the inverse), so
# below 1.00x ms is the cheaper.
ratio () {
	calc "'%.2fx' % (($1) / ($2))"
}

echo "bench: $(nproc 2>/dev/null || echo '?') CPUs," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
		head -1), $(curl --version | head -1 | cut -d' ' -f1-2)," \
	"$(jq --version), $(hyperfine --version)" >&2

# The request of the request, latency and RSS rows: a 2 KB input, the body
# mschat sends for it, and the headers curl sends (a file, so that the key
# is not on a command line).
PROMPT='Summarize this in one paragraph.'
IN=$TMP/in2k.txt
"$PYTHON" "$BENCH/gen.py" text 2048 >"$IN" || die "cannot generate input"
printf '%s' "$("$BUILD/mschat" -n "$PROMPT" <"$IN")" >"$TMP/body.json" ||
	die "mschat -n failed"
printf 'Authorization: Bearer %s\nContent-Type: application/json\n' \
	"$MS_API_KEY" >"$TMP/headers"
# curl's own: no "Expect: 100-continue" either, as mschat sends none, so
# that curl waits for no interim answer.
{ cat "$TMP/headers" && echo 'Expect:'; } >"$TMP/headers-curl"
JQ_PROG='select(startswith("data: ") and . != "data: [DONE]") | .[6:]
	| fromjson | .choices[0].delta.content // empty'
# curl_jq URL OUT: the reference pipeline, as one sh command line.
curl_jq () {
	printf 'curl -sSN -H @%s --data-binary @%s %s | jq -Rj --unbuffered %s > %s' \
		"$(q "$TMP/headers-curl")" "$(q "$TMP/body.json")" \
		"$(q "$1/chat/completions")" "$(q "$JQ_PROG")" "$(q "$2")"
}
# mschat_cmd URL OUT: mschat on the input, as one sh command line.
mschat_cmd () {
	printf '%s --base-url %s %s < %s > %s' "$(q "$BUILD/mschat")" \
		"$(q "$1")" "$(q "$PROMPT")" "$(q "$IN")" "$(q "$2")"
}
# versus NAME SCENARIO ANSWER WARMUP RUNS: mschat against curl | jq, timed
# by hyperfine against the mock playing SCENARIO; both must print the text
# in the file ANSWER.  Sets A and B, the medians of the two, in seconds.
versus () {
	mock_start "$2" /dev/null
	hyper "$1" --warmup "$4" --runs "$5" \
		"$(mschat_cmd "$MOCK_URL" "$TMP/$1-ms.out")" \
		"$(curl_jq "$MOCK_URL" "$TMP/$1-ref.out")"
	mock_stop
	same_answer "$3" "$TMP/$1-ms.out" mschat
	same_answer "$3" "$TMP/$1-ref.out" "curl | jq"
	A=$(median "$1" 0) B=$(median "$1" 1)
}

# A typical answer: REQ_DELTAS deltas of 4 characters.
"$PYTHON" - "$REQ_DELTAS" "$TMP/req.json" "$TMP/req.txt" \
	"$TMP/latency.json" <<'PYEOF' || die "cannot write the scenarios"
import json, sys
n = int(sys.argv[1])
words = ("The request streams back in small deltas, as a model writes its "
         "answer token by token; ")
text = (words * (4 * n // len(words) + 1))[:4 * n]
opt = {"text": text, "split": 4, "comments": True, "provider": "Mistral",
       "usage": {"prompt_tokens": 612, "completion_tokens": n,
                 "total_tokens": 612 + n}}
json.dump({"responses": [{"stream": opt}]}, open(sys.argv[2], "w"))
open(sys.argv[3], "w").write(text)
# Events 5 ms apart, as a model writes them, so that the mock is idle when
# the client reads: the time is the client's, not the mock's.
# No role chunk and no comment before the first content event, so that
# curl alone, which parses nothing, writes its first byte then too: the
# floor of what the machine, the kernel and libcurl take.
lat = dict(opt, text=text[:80].rstrip(), gap=0.005, first_gap=0.05,
           stamp=True, role_chunk=False, comments=False)
json.dump({"responses": [{"stream": lat}]}, open(sys.argv[4], "w"))
open(sys.argv[4][:-5] + ".txt", "w").write(text[:80].rstrip())
PYEOF

# --- start-up -------------------------------------------------------------

if wanted startup; then
	hyper startup -N --warmup 20 --runs "$STARTUP_RUNS" \
		"$BUILD/ms --version" "curl --version"
	A=$(median startup 0) B=$(median startup 1)
	MET=$(calc "'yes' if $A <= $B else 'no'")
	row "start-up (--version)" "$(calc "'%.2f ms' % ($A * 1000)")" \
		"$(calc "'%.2f ms' % ($B * 1000)") curl" "$(ratio "$A" "$B")" \
		"<= 1.0x" "$MET" "hyperfine -N, median of $STARTUP_RUNS"
fi

# --- one streamed request -------------------------------------------------

if wanted request; then
	versus request "$TMP/req.json" "$TMP/req.txt" 3 "$RUNS"
	MET=$(calc "'yes' if $A <= $B else 'no'")
	row "streamed answer, 2 KB in, $REQ_DELTAS deltas" \
		"$(calc "'%.2f ms' % ($A * 1000)")" \
		"$(calc "'%.2f ms' % ($B * 1000)") curl|jq" "$(ratio "$A" "$B")" \
		"<= 1.0x" "$MET" "hyperfine, median of $RUNS"

	# The same request from small Python and Node.js clients.
	# client_cmd PROGRAM... OUT: a client on the request, as sh.
	client_cmd () {
		_c=
		while test $# -gt 1; do _c="$_c $(q "$1")"; shift; done
		printf '%s %s %s %s > %s' "$_c" "$(q "$MOCK_URL/chat/completions")" \
			"$(q "$TMP/body.json")" "$(q "$TMP/headers")" "$(q "$1")"
	}
	mock_start "$TMP/req.json" /dev/null
	NODE=$(command -v node || true)
	hyper clients --warmup 3 --runs "$RUNS" \
		"$(mschat_cmd "$MOCK_URL" "$TMP/cl-ms.out")" \
		"$(client_cmd "$PYTHON" "$BENCH/client.py" "$TMP/cl-py.out")" \
		${NODE:+"$(client_cmd "$NODE" "$BENCH/client.mjs" "$TMP/cl-node.out")"}
	mock_stop
	same_answer "$TMP/req.txt" "$TMP/cl-ms.out" mschat
	same_answer "$TMP/req.txt" "$TMP/cl-py.out" client.py
	A=$(median clients 0) B=$(median clients 1)
	row "streamed answer, against Python" \
		"$(calc "'%.2f ms' % ($A * 1000)")" \
		"$(calc "'%.2f ms' % ($B * 1000)") python" "$(ratio "$A" "$B")" \
		"-" "-" "client.py: http.client + json, median of $RUNS"
	if test -n "$NODE"; then
		same_answer "$TMP/req.txt" "$TMP/cl-node.out" client.mjs
		B=$(median clients 2)
		row "streamed answer, against Node.js" \
			"$(calc "'%.2f ms' % ($A * 1000)")" \
			"$(calc "'%.2f ms' % ($B * 1000)") node" \
			"$(ratio "$A" "$B")" "-" "-" \
			"client.mjs: fetch, $("$NODE" --version), median of $RUNS"
	fi
fi

# --- first-delta latency --------------------------------------------------

if wanted latency; then
	# Everything on one CPU: on a virtual machine, waking a vCPU that has
	# gone idle costs milliseconds, which would measure the machine.
	PIN= PIN_NOTE="not pinned: no taskset"
	command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0" PIN_NOTE="CPU 0"
	mock_start "$TMP/latency.json" /dev/null "$TMP/stamps"
	: >"$TMP/lat-ms" && : >"$TMP/lat-ref" && : >"$TMP/lat-floor"
	i=0
	while test $i -lt "$LATENCY_RUNS"; do
		T=$($PIN "$BUILD/bench/firstbyte" "$TMP/lat.out" "$BUILD/mschat" \
			--base-url "$MOCK_URL" "$PROMPT" <"$IN") ||
			die "first delta: mschat failed"
		echo "$T $(tail -1 "$TMP/stamps")" >>"$TMP/lat-ms"
		T=$($PIN "$BUILD/bench/firstbyte" "$TMP/lat-ref.out" sh -c \
			"$(curl_jq "$MOCK_URL" /dev/stdout)") ||
			die "first delta: curl | jq failed"
		echo "$T $(tail -1 "$TMP/stamps")" >>"$TMP/lat-ref"
		T=$($PIN "$BUILD/bench/firstbyte" /dev/null curl -sSN \
			-H @"$TMP/headers-curl" --data-binary @"$TMP/body.json" \
			"$MOCK_URL/chat/completions") ||
			die "first delta: curl failed"
		echo "$T $(tail -1 "$TMP/stamps")" >>"$TMP/lat-floor"
		i=$((i + 1))
	done
	mock_stop
	PIN=
	same_answer "$TMP/latency.txt" "$TMP/lat.out" mschat
	same_answer "$TMP/latency.txt" "$TMP/lat-ref.out" "curl | jq"
	# med FILE: the median of "read stamp" differences, in microseconds.
	med () {
		"$PYTHON" -c 'import sys
d = sorted(int(a) - int(b) for a, b in (l.split() for l in open(sys.argv[1])))
print("%.0f" % (d[len(d) // 2] / 1000))' "$1"
	}
	A=$(med "$TMP/lat-ms") B=$(med "$TMP/lat-ref") F=$(med "$TMP/lat-floor")
	MET=$(calc "'yes' if $A < 1000 else 'no'")
	row "first delta, mock write to stdout" "$A us" "$B us curl|jq" \
		"$(ratio "$A" "$B")" "< 1 ms" "$MET" \
		"median of $LATENCY_RUNS, $PIN_NOTE; floor (curl alone, raw bytes) $F us"
fi

# --- stream handling ------------------------------------------------------

if wanted stream; then
	SSE=$TMP/stream.sse
	"$PYTHON" "$BENCH/gen.py" sse "$SSE_EVENTS" "$SSE" "$TMP/stream.txt" ||
		die "cannot generate the stream"
	SSE_MB=$(calc "round($(wc -c <"$SSE") / 1e6, 1)")
	TEXT_BYTES=$(wc -c <"$TMP/stream.txt")
	set -- $("$BUILD/bench/ssebench" "$SSE" "$SSE_SECONDS") ||
		die "ssebench failed"
	test "$2" -eq "$TEXT_BYTES" || test "$2" -eq $((TEXT_BYTES + 1)) ||
		die "ssebench: $2 bytes of text, not $TEXT_BYTES"
	PER_PASS=$(($1 / $4))
	EV=$(calc "$1 / $3")
	hyper jq-events --runs 3 \
		"jq -Rj $(q "$JQ_PROG") < $(q "$SSE") > /dev/null"
	REF_EV=$(calc "$PER_PASS / $(median jq-events 0)")
	MET=$(calc "'yes' if $EV >= 300000 else 'no'")
	row "SSE events/s, one core" "$(calc "'%.0f' % $EV")" \
		"$(calc "'%.0f' % $REF_EV") jq" "$(ratio "$REF_EV" "$EV")" \
		">= 300000" "$MET" \
		"ssebench: $PER_PASS events ($SSE_MB MB) x $4, CPU time, $(calc "'%.1f' % (100 * $5 / $1)")% by the fast path"

	printf '{"responses": [{"file": {"path": "%s"}}]}\n' "$SSE" \
		>"$TMP/fast.json"
	versus e2e "$TMP/fast.json" "$TMP/stream.txt" 1 "$LONG_RUNS"
	row "answer MB/s end to end" \
		"$(calc "'%.2f MB/s' % ($TEXT_BYTES / $A / 1e6)")" \
		"$(calc "'%.2f MB/s' % ($TEXT_BYTES / $B / 1e6)") curl|jq" \
		"$(ratio "$A" "$B")" "-" "-" \
		"$(calc "'%.0f events/s' % ($PER_PASS / $A)"), median of $LONG_RUNS"
fi

# --- peak RSS -------------------------------------------------------------

if wanted rss; then
	mock_start "$TMP/req.json" /dev/null
	A=$(rss sh -c "exec $(mschat_cmd "$MOCK_URL" /dev/null)")
	B=$(rss sh -c "$(curl_jq "$MOCK_URL" /dev/null)")
	F=$(rss "$BUILD/bench/floor" "$MOCK_URL/chat/completions" \
		"$TMP/body.json")
	mock_stop
	MET=$(calc "'yes' if $A <= 8192 else 'no'")
	row "peak RSS, streamed answer" "$(calc "'%.1f MB' % ($A / 1024)")" \
		"$(calc "'%.1f MB' % ($B / 1024)") curl|jq" "$(ratio "$A" "$B")" \
		"<= 8 MB" "$MET" "GNU time, largest of 3"
	row "peak RSS, libcurl floor" "$(calc "'%.1f MB' % ($A / 1024)")" \
		"$(calc "'%.1f MB' % ($F / 1024)") floor" "$(ratio "$A" "$F")" \
		"-" "-" "ms over a program that only sends it: +$((A - F)) KB"
fi

# --- instruction counts ---------------------------------------------------

if wanted callgrind; then
	if test -z "$HAVE_VALGRIND"; then
		row "instructions" "-" "-" "-" "-" "-" "no valgrind"
	else
		A=$(instr "$BUILD/ms" --version) B=$(instr curl --version)
		row "instructions, start-up" "$A" "$B curl" "$(ratio "$A" "$B")" \
			"-" "-" "callgrind"
		mock_start "$TMP/req.json" /dev/null
		A=$(instr "$BUILD/mschat" --base-url "$MOCK_URL" "$PROMPT" <"$IN")
		B=$(instr curl -sSN -H @"$TMP/headers-curl" \
			--data-binary @"$TMP/body.json" -o /dev/null \
			"$MOCK_URL/chat/completions")
		F=$(instr "$BUILD/bench/floor" "$MOCK_URL/chat/completions" \
			"$TMP/body.json")
		mock_stop
		row "instructions, streamed answer" "$A" "$B curl" \
			"$(ratio "$A" "$B")" "-" "-" \
			"callgrind; libcurl floor $F, ms +$(calc "$A - $F")"
	fi
fi

# --- long input: mtranslate's ordered concurrent chunks -------------------

# doc_setup: the generated document of the long and tls rows (DOC, DOC_MB),
# and the --context that cuts it into about CHUNKS chunks (CTX; N chunks).
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
doc_setup () {
	test -n "${CTX:-}" && return 0
	DOC=$TMP/doc.md
	"$PYTHON" "$BENCH/gen.py" markdown "$DOC_BYTES" >"$DOC" ||
		die "cannot generate the document"
	DOC_MB=$(calc "round($(wc -c <"$DOC") / 1048576, 1)")
	# A count of chunks that is a multiple of 8 and at least 16, near
	# CHUNKS.
	CTX='' N=''
	for want in $CHUNKS $((CHUNKS + 8)) $((CHUNKS - 8)) \
		$((CHUNKS + 16)) $((CHUNKS + 24)); do
		test "$want" -ge 16 || continue
		c=$(context_for "$want")
		n=$(nreq "$c")
		if test $((n % 8)) -eq 0 && test "$n" -ge 16; then
			CTX=$c N=$n
			break
		fi
		test -n "$CTX" || CTX=$c N=$n
	done
	test "${N:-0}" -gt 0 ||
		die "mtranslate -n: no requests for the document"
	echo "bench: mtranslate: ${DOC_MB} MB, --context $CTX: $N chunks" >&2
}

if wanted long; then
	doc_setup
	for j in 1 $JOBS; do
		mock_start "$BENCH/echo-200ms.json" "$TMP/log-j$j"
		hyper "mtranslate-j$j" --runs "$LONG_RUNS" \
			"$(q "$BUILD/mtranslate") -q --base-url $(q "$MOCK_URL") --context $CTX -j $j de < $(q "$DOC") > $(q "$TMP/out-j$j.md")"
		mock_stop
		cmp -s "$DOC" "$TMP/out-j$j.md" ||
			die "mtranslate -j $j: the output is not the input echoed back"
		INFL=$("$PYTHON" "$ROOT/tests/mock/req.py" "$TMP/log-j$j" \
			max-inflight)
		T=$(median "mtranslate-j$j" 0)
		if test "$j" = 1; then T1=$T INFL1=$INFL; else T8=$T INFL8=$INFL; fi
	done
	PER=$(calc "round(($T1 - $N * $DELAY) / $N * 1000, 1)")
	row "mtranslate ${DOC_MB} MB, $N chunks, -j 1" \
		"$(calc "'%.3f s' % $T1")" \
		"$(calc "'%.2f s' % ($N * $DELAY)") floor" \
		"$(ratio "$T1" "$N * $DELAY")" "-" "-" \
		"+$PER ms/request, $INFL1 in flight"
	IDEAL_X=$(calc "min($JOBS, $N)")
	FRAC=$(calc "'%.2f' % ($T1 / $T8 / $IDEAL_X)")
	MET=$(calc "'yes' if $T1 / $T8 / $IDEAL_X >= 0.85 else 'no'")
	row "mtranslate ${DOC_MB} MB, $N chunks, -j $JOBS" \
		"$(calc "'%.3f s' % $T8")" \
		"$(calc "'%.3f s' % ($T1 / $IDEAL_X)") ideal" \
		"$(ratio "$T8" "$T1 / $IDEAL_X")" ">= 0.85 of ideal" "$MET" \
		"$(calc "'%.2f' % ($T1 / $T8)")x = $FRAC of ideal ${IDEAL_X}x, $INFL8 in flight"

	# --- long input: msummarize in bounded memory ---------------------

	# sumrss MB LABEL: msummarize over MB MiB of prose, against the mock
	# running; one row.
	sumrss () {
		R=$("$PYTHON" "$BENCH/measure.py" rss "$1" "$TMP/summary" -- \
			"$BUILD/msummarize" -q -u -j $JOBS --base-url "$MOCK_URL") ||
			exit 1
		mock_stop
		grep -q 'Short summary' "$TMP/summary" ||
			die "msummarize: no summary at the end"
		_mb=$1
		# shellcheck disable=SC2086 # R is four words
		set -- $R "$2"
		MET=$(calc "'yes' if $2 <= 64 * 1024 else 'no'")
		row "$5" "$(calc "'%.1f MB' % ($2 / 1024)")" "-" "-" \
			"<= 64 MB" "$MET" \
			"$1 s, $(calc "round($_mb / $1, 1)") MB/s, $3 requests ($4)"
	}
	mock_start "$ROOT/tests/scenarios/t2-short.json" /dev/null
	sumrss "$SUM_MB" "msummarize $SUM_MB MB on stdin, -j $JOBS, peak RSS"

	# The same when one answer is late: the chunks done meanwhile must
	# not pile up.  The first request is answered after SLOW_DELAY s,
	# the others at once.
	sed "s/\"delay\": 5,/\"delay\": $SLOW_DELAY,/" \
		"$BENCH/first-slow.json" >"$TMP/first-slow.json"
	mock_start "$TMP/first-slow.json" /dev/null
	sumrss "$SLOW_MB" \
		"msummarize $SLOW_MB MB, first answer ${SLOW_DELAY} s late, peak RSS"
fi

# --- a hostile server's deltas ----------------------------------------------

# What a hostile (or merely chatty) server can send must cost time linear
# in its bytes: the output shaper fed 5 M one-byte blank deltas, and a
# fence followed by a first line of 100 MB in one-byte deltas
# (build/bench/outbench, CPU time); goal: at least 10 MB/s, where the
# quadratic shaper of before managed 13 KB/s and did not finish.
if wanted hostile; then
	"$BUILD/bench/outbench" "$HOSTILE_BLANKS" "$HOSTILE_LINE" \
		>"$TMP/outbench" || die "outbench failed"
	while read -r name bytes secs rate; do
		case $name in
		blanks-1B) what="output: $HOSTILE_BLANKS one-byte blank deltas" ;;
		line-1B) what="output: a fence and a line of $bytes bytes, 1-byte deltas" ;;
		*) continue ;;
		esac
		MET=$(calc "'yes' if $rate >= 10e6 else 'no'")
		row "$what" "$(calc "'%.1f MB/s' % ($rate / 1e6)")" "-" "-" \
			">= 10 MB/s" "$MET" "outbench, CPU time, $secs s"
	done <"$TMP/outbench"
	# The SSE parser on lines of 3 MiB (the limit is 4 MiB), 100 MB in
	# all, in 16 KiB reads: the rescan of an unfinished line on every read
	# made this 319 MB/s at 16 KiB and 21 MB/s at 1 KiB.
	set -- $("$BUILD/bench/ssebench" --lines "$HOSTILE_SSE_MB" 16384) ||
		die "ssebench --lines failed"
	MET=$(calc "'yes' if $4 >= 100 else 'no'")
	row "SSE: $HOSTILE_SSE_MB MB of 3 MiB lines, 16 KiB reads" "$4 MB/s" \
		"-" "-" ">= 100 MB/s" "$MET" \
		"ssebench --lines, CPU time; a line past 4 MiB refused in $5 s"
fi

# --- over HTTPS and HTTP/2 ------------------------------------------------

# front_start: nghttpx (TLS, HTTP/2) in front of the mock started last,
# with the certificate made below; sets FRONT_URL and FRONT_LOG (one line
# per request: the client's port, the protocol).
FRONT_PID=
front_start () {
	front_stop
	_mport=${MOCK_URL#http://127.0.0.1:}
	_mport=${_mport%%/*}
	for _try in 1 2 3 4 5; do
		_port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		: >"$TMP/front.err"
		: >"$TMP/front.log"
		nghttpx --conf=/dev/null --frontend="127.0.0.1,$_port" \
			--backend="127.0.0.1,$_mport" --workers=1 --no-ocsp \
			--accesslog-file="$TMP/front.log" \
			--accesslog-format='$remote_port $alpn' \
			--errorlog-file="$TMP/front.err" \
			"$TMP/tls/srv.key" "$TMP/tls/srv.pem" >/dev/null 2>&1 &
		FRONT_PID=$!
		_i=0
		while ! grep -q 'Worker process.*spawned' "$TMP/front.err"; do
			kill -0 "$FRONT_PID" 2>/dev/null || break
			_i=$((_i + 1))
			test $_i -le 200 || break
			sleep 0.05
		done
		if kill -0 "$FRONT_PID" 2>/dev/null &&
			grep -q "Listening on 127.0.0.1:$_port" "$TMP/front.err"; then
			FRONT_URL=https://127.0.0.1:$_port/${MOCK_URL#http://*/}
			FRONT_LOG=$TMP/front.log
			return 0
		fi
		front_stop
	done
	cat "$TMP/front.err" >&2
	die "nghttpx did not start"
}
front_stop () {
	if test -n "$FRONT_PID"; then
		kill "$FRONT_PID" 2>/dev/null
		wait "$FRONT_PID" 2>/dev/null
		FRONT_PID=
	fi
}
# cpu OUT CMD...: "CPU_SECONDS PEAK_RSS_KB" of CMD, the median of RUNS.
cpu () {
	_out=$1
	shift
	"$PYTHON" "$BENCH/measure.py" cpu "$CPU_RUNS" "$CPU_IN" "$_out" -- "$@" ||
		die "$1 failed"
}

if wanted tls; then
	SYSBUNDLE=/etc/ssl/certs/ca-certificates.crt
	if ! command -v nghttpx >/dev/null 2>&1 ||
		! command -v openssl >/dev/null 2>&1; then
		row "HTTPS rows" "-" "-" "-" "-" "-" \
			"needs nghttpx (nghttp2-proxy) and openssl"
	elif ! test -f "$SYSBUNDLE"; then
		row "HTTPS rows" "-" "-" "-" "-" "-" "no $SYSBUNDLE"
	else
		# A CA and a certificate for 127.0.0.1, and the CA added to a
		# copy of the system's store, in both of its forms: the
		# directory by hash (ms's default where there is one) and the
		# bundle (curl's default on Debian, with the directory too).
		mkdir -p "$TMP/tls/store" || exit 1
		(
			cd "$TMP/tls" || exit 1
			openssl req -x509 -newkey ec \
				-pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout ca.key -out ca.pem -days 2 \
				-subj '/CN=ms bench CA' &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
				-nodes -keyout srv.key -out srv.csr \
				-subj '/CN=127.0.0.1' &&
			printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext &&
			openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
				-CAcreateserial -out srv.pem -days 2 \
				-extfile srv.ext &&
			cp -L /etc/ssl/certs/*.pem store/ 2>/dev/null;
			cp ca.pem store/ms-bench-ca.pem &&
			openssl rehash store &&
			cat "$SYSBUNDLE" ca.pem >bundle.pem
		) >"$TMP/openssl.log" 2>&1 ||
			{ cat "$TMP/openssl.log" >&2; die "openssl failed"; }
		STORE=$TMP/tls/store BUNDLE=$TMP/tls/bundle.pem
		NCERTS=$(grep -c 'BEGIN CERTIFICATE' "$BUNDLE")

		# One streamed request: mschat with its default trust (the
		# directory by hash) against curl with its own (the bundle and
		# the directory), the same request, CPU time from the kernel.
		mock_start "$TMP/req.json" /dev/null
		front_start
		CPU_IN=$IN CPU_RUNS=$RUNS
		set -- $(cpu "$TMP/tls-ms.out" env SSL_CERT_DIR="$STORE" \
			"$BUILD/mschat" --base-url "$FRONT_URL" "$PROMPT")
		A=$1
		same_answer "$TMP/req.txt" "$TMP/tls-ms.out" "mschat over HTTPS"
		CPU_IN=/dev/null
		set -- $(cpu /dev/null curl -sSN --cacert "$BUNDLE" \
			--capath "$STORE" -H @"$TMP/headers-curl" \
			--data-binary @"$TMP/body.json" \
			"$FRONT_URL/chat/completions")
		B=$1
		CPU_IN=$IN
		set -- $(cpu /dev/null env SSL_CERT_FILE="$BUNDLE" \
			"$BUILD/mschat" --base-url "$FRONT_URL" "$PROMPT")
		C=$1
		test "$(awk '$2 != "h2"' "$FRONT_LOG" | wc -l)" = 0 ||
			die "HTTPS: a request was not HTTP/2"
		MET=$(calc "'yes' if $A <= 0.5 * $B else 'no'")
		row "HTTPS/2 streamed answer, CPU" \
			"$(calc "'%.1f ms' % ($A * 1000)")" \
			"$(calc "'%.1f ms' % ($B * 1000)") curl" \
			"$(ratio "$A" "$B")" "<= 0.5x" "$MET" \
			"user+sys, median of $RUNS; store of $NCERTS CAs by hash, curl: bundle + directory"
		row "the same, a system with only a bundle" \
			"$(calc "'%.1f ms' % ($C * 1000)")" \
			"$(calc "'%.1f ms' % ($B * 1000)") curl" \
			"$(ratio "$C" "$B")" "-" "-" \
			"SSL_CERT_FILE: the $NCERTS CAs parsed on every run"
		# With the callgrind rows (not under a sanitizer build).
		if test -n "$HAVE_VALGRIND" && wanted callgrind; then
			A=$(instr SSL_CERT_DIR="$STORE" "$BUILD/mschat" \
				--base-url "$FRONT_URL" "$PROMPT" <"$IN")
			B=$(instr curl -sSN --cacert "$BUNDLE" --capath "$STORE" \
				-H @"$TMP/headers-curl" \
				--data-binary @"$TMP/body.json" -o /dev/null \
				"$FRONT_URL/chat/completions")
			C=$(instr SSL_CERT_FILE="$BUNDLE" "$BUILD/mschat" \
				--base-url "$FRONT_URL" "$PROMPT" <"$IN")
			row "instructions, HTTPS/2 streamed answer" "$A" \
				"$B curl" "$(ratio "$A" "$B")" "-" "-" \
				"callgrind; with only the bundle: $C"
		fi
		front_stop
		mock_stop

		# A -j 8 job over HTTPS/2 against the same job over plain
		# HTTP/1.1: connections, CPU time and peak RSS.
		doc_setup
		mock_start "$BENCH/echo-200ms.json" /dev/null
		front_start
		env SSL_CERT_DIR="$STORE" "$BUILD/mtranslate" -q \
			--base-url "$FRONT_URL" --context "$CTX" -j $JOBS de \
			<"$DOC" >"$TMP/tls-doc.md" || die "mtranslate over HTTPS failed"
		cmp -s "$DOC" "$TMP/tls-doc.md" ||
			die "mtranslate over HTTPS: the output is not the input"
		CONNS=$(awk '{ print $1 }' "$FRONT_LOG" | sort -u | wc -l)
		H2=$(awk '$2 == "h2"' "$FRONT_LOG" | wc -l)
		CPU_IN=$DOC CPU_RUNS=$LONG_RUNS
		set -- $(cpu "$TMP/tls-doc.md" env SSL_CERT_DIR="$STORE" \
			"$BUILD/mtranslate" -q --base-url "$FRONT_URL" \
			--context "$CTX" -j $JOBS de)
		A=$1 RA=$2
		front_stop
		set -- $(cpu "$TMP/plain-doc.md" "$BUILD/mtranslate" -q \
			--base-url "$MOCK_URL" --context "$CTX" -j $JOBS de)
		B=$1 RB=$2
		mock_stop
		cmp -s "$DOC" "$TMP/plain-doc.md" ||
			die "mtranslate over http: the output is not the input"
		MET=$(calc "'yes' if $CONNS == 1 else 'no'")
		row "mtranslate ${DOC_MB} MB, $N chunks, -j $JOBS, HTTPS/2: connections" \
			"$CONNS" "-" "-" "1" "$MET" \
			"counted by nghttpx; $H2 of $N requests HTTP/2"
		MET=$(calc "'yes' if $A <= 1.3 * $B else 'no'")
		row "the same job, CPU" "$(calc "'%.3f s' % $A")" \
			"$(calc "'%.3f s' % $B") plain HTTP" "$(ratio "$A" "$B")" \
			"<= 1.3x" "$MET" "user+sys, median of $LONG_RUNS"
		MET=$(calc "'yes' if $RA <= $RB + 2048 else 'no'")
		row "the same job, peak RSS" "$(calc "'%.1f MB' % ($RA / 1024)")" \
			"$(calc "'%.1f MB' % ($RB / 1024)") plain HTTP" \
			"$(ratio "$RA" "$RB")" "<= plain + 2 MB" "$MET" \
			"largest of $LONG_RUNS, +$((RA - RB)) KB"
	fi
fi

# --- exact token counts ---------------------------------------------------

if wanted tokens; then
	"$BUILD/bench/tokbench" "$TOK_MB" "$ROOT"/tests/tokens/corpus/* \
		>"$TMP/tokbench" || die "tokbench failed"
	REF=-
	if test -n "${MISTRAL_TOKENIZER:-}" && command -v node >/dev/null 2>&1
	then
		# shellcheck disable=SC2046 # four words
		set -- $(node "$BENCH/tokbench.mjs" "$TOK_REF_MB" \
			"$ROOT"/tests/tokens/corpus/*) || die "tokbench.mjs failed"
		REF=$4
	fi
	while read -r name bytes tokens secs rate; do
		test "$name" = tables ||
			mbs=$(calc "'%.1f MB/s' % ($rate / 1e6)")
		case $name in
		corpus)
			MET=$(calc "'yes' if $rate >= 20e6 else 'no'")
			row "tokens: corpus, $TOK_MB MB, one core" "$mbs" "-" "-" \
				">= 20 MB/s" "$MET" "tokbench, CPU time, $tokens tokens" ;;
		corpus-lines)
			if test "$REF" = -; then
				row "tokens: the same, line by line" "$mbs" "-" "-" \
					"-" "-" "tokbench; no MISTRAL_TOKENIZER for the reference"
			else
				row "tokens: the same, line by line" "$mbs" \
					"$(calc "'%.2f MB/s' % ($REF / 1e6)") js" \
					"$(ratio "$REF" "$rate")" "-" "-" \
					"reference: mistral-tokenizer-js, $TOK_REF_MB MB, $(node --version)"
			fi ;;
		base64)
			row "tokens: a line of base64, $TOK_MB MB" "$mbs" "-" "-" \
				"-" "-" "tokbench, $tokens tokens" ;;
		spaces)
			row "tokens: one run of $TOK_MB MB of spaces" "$mbs" "-" \
				"-" "-" "-" "every window cut where its encodings agree" ;;
		tables)
			row "tokens: static tables" \
				"$(calc "'%.1f KB' % ($bytes / 1024)")" "-" "-" "-" "-" \
				"read-only data; $(calc "'%.1f KB' % ($tokens / 1024)") of stack a count" ;;
		esac
	done <"$TMP/tokbench"

	# What exact counts buy: the requests of the generated document
	# (mtranslate's chunks, msummarize's first pass) at the default
	# context, counted (the openrouter profile) and estimated (the same
	# profile told tokenizer = estimate).
	test -n "${DOC:-}" || {
		DOC=$TMP/doc.md
		"$PYTHON" "$BENCH/gen.py" markdown "$DOC_BYTES" >"$DOC" ||
			die "cannot generate the document"
		DOC_MB=$(calc "round($(wc -c <"$DOC") / 1048576, 1)")
	}
	mkdir -p "$XDG_CONFIG_HOME/ms"
	printf '[profile estimated]\nbase_url = https://openrouter.ai/api/v1\nmodel = mistralai/mistral-small\ntokenizer = estimate\n' \
		>"$XDG_CONFIG_HOME/ms/config"
	for t in translate summarize; do
		TO=
		test "$t" = translate && TO=de
		A=$("$BUILD/ms" "$t" -n $TO <"$DOC" | wc -l)
		B=$("$BUILD/ms" "$t" -P estimated -n $TO <"$DOC" | wc -l)
		test "$A" -gt 0 && test "$B" -gt 0 ||
			die "ms $t -n: no requests"
		row "tokens: requests for ${DOC_MB} MB, ms $t" "$A" \
			"$B estimated" "$(ratio "$A" "$B")" "-" "-" \
			"-n at the default context, counted against estimated"
	done
	rm "$XDG_CONFIG_HOME/ms/config"
fi

# --- the table ------------------------------------------------------------

{
	printf 'benchmark\tms\treference\tms/ref\tgoal\tmet\thow, and more\n'
	cat "$TABLE"
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
