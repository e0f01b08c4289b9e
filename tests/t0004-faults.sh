#!/bin/sh
# t0004-faults.sh: every kind of failure: exit status, message, retries, and -k giving the input back.

test_description='faults: HTTP errors, stream errors, bad answers, drops, stalls, timeouts, retries, -k'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# The input for -k: several lines, UTF-8, blank lines, no final newline.
printf 'first line\n\n  zweite Zeile – ünïcödé 🙂\r\nlast line, no newline' >input

# log_count: requests the mock received (one log line each).
log_count () {
	if test -s "$MOCK_LOG"; then
		wc -l <"$MOCK_LOG" | tr -d ' '
	else
		echo 0
	fi
}

# err_is PREFIX TEXT: stderr (file err) is one line that starts with PREFIX
# and contains TEXT.
err_is () {
	_line=$(cat err)
	if test "$(wc -l <err)" -ne 1; then
		echo "err_is: stderr is not one line:" >&2
		sed 's/^/| /' err >&2
		return 1
	fi
	case $_line in
	"$1"*"$2"*) return 0 ;;
	esac
	echo "err_is: want '$1...$2...', stderr is:" >&2
	sed 's/^/| /' err >&2
	return 1
}

# partial_is TEXT: stdout (file actual) is TEXT, give or take trailing
# blanks and newlines: what was streamed before the failure.
partial_is () {
	printf '%s' "$(cat actual)" | sed '$s/[[:space:]]*$//' >actual.trim &&
	printf '%s' "$1" >expect.trim &&
	test_cmp expect.trim actual.trim
}

# fails STATUS OPTION...: mschat on the test input fails with STATUS, once
# as it is (stdout to actual) and once with -k (stdout must be the input,
# stderr the same but for timings such as "after 1 ms", which libcurl
# measures).  Stderr is left in err.
fails () {
	_st=$1
	shift
	test_status "$_st" mschat --base-url "$MOCK_URL" "$@" <"$TRASH_DIRECTORY/input" \
		>actual 2>err &&
	cp err err.plain &&
	test_status "$_st" mschat -k --base-url "$MOCK_URL" "$@" \
		<"$TRASH_DIRECTORY/input" >actual.k 2>err.k &&
	test_cmp "$TRASH_DIRECTORY/input" actual.k &&
	sed "s/after [0-9]* ms/after N ms/" err.plain >err.plain.n &&
	sed "s/after [0-9]* ms/after N ms/" err.k >err.k.n &&
	test_cmp err.plain.n err.k.n
}

# --- HTTP errors, every status and body shape ----------------------------

# The message each scenario's body carries, by status.
http_message () {
	case $1 in
	400) echo 'invalid request: messages must not be empty (mock 400)' ;;
	401) echo 'no auth credentials found (mock 401)' ;;
	402) echo 'insufficient credits, add more at the billing page (mock 402)' ;;
	403) echo 'this key is not allowed to use this model (mock 403)' ;;
	404) echo 'no such model: mistralai/no-such-model (mock 404)' ;;
	408) echo 'request timed out upstream (mock 408)' ;;
	413) echo 'request entity too large (mock 413)' ;;
	422) echo 'unprocessable request (mock 422)' ;;
	429) echo 'rate limit exceeded (mock 429)' ;;
	500) echo 'internal server error (mock 500)' ;;
	502) echo 'bad gateway from the provider (mock 502)' ;;
	503) echo 'upstream overloaded (mock 503)' ;;
	504) echo 'gateway timeout upstream (mock 504)' ;;
	esac
}

# SPEC 2: 401/402/403 -> 77, 429/408 -> 75, 400/404/413/422/5xx -> 69.
http_status () {
	case $1 in
	401 | 402 | 403) echo 77 ;;
	408 | 429) echo 75 ;;
	*) echo 69 ;;
	esac
}

# merged OUT TIMES SCENARIO...: a scenario file OUT that answers with the
# responses of the SCENARIOs in order, each TIMES times (one mock for many
# cases: each run of mschat --retries 0 takes the next response).
merged () {
	"$PYTHON" -S -c '
import json, sys
out, times, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
responses = []
for n in names:
    with open(n, encoding="utf-8") as f:
        responses += json.load(f)["responses"] * times
json.dump({"description": "merged: " + " ".join(names),
           "responses": responses}, open(out, "w"))
' "$@"
}

# http_case STATUS SHAPE...: the scenarios http-STATUS-SHAPE in turn, each
# without and with -k: the exit status, nothing on stdout (the input with
# -k), the message, one request each.
http_case () {
	_hst=$1
	shift
	_files=
	for _s in "$@"; do
		_files="$_files $SCENARIOS/http-$_hst-$_s.json"
	done
	merged merged.json 2 $_files &&
	mock_start "$PWD/merged.json" &&
	_n=0 &&
	for _s in "$@"; do
		fails "$(http_status "$_hst")" --retries 0 || return 1
		test_cmp /dev/null actual || return 1
		err_is "mschat: HTTP $_hst from '$MOCK_URL': " \
			"$(http_message "$_hst")" || return 1
		_n=$((_n + 2))
		test "$(log_count)" = $_n || return 1
	done
}

for st in 400 401 402 403 404 408 413 422 429 500 502 503 504; do
	test_expect_success "HTTP $st, every JSON body shape: exit $(http_status $st), the message" "
		http_case $st detail message mistral ollama openrouter
	"
done

test_expect_success 'HTML error pages: the exit status and one line naming the status' '
	sts="400 401 402 403 404 408 413 422 429 500 502 503 504" &&
	files= &&
	for st in $sts; do
		files="$files $SCENARIOS/http-$st-html.json"
	done &&
	merged merged.json 2 $files &&
	mock_start "$PWD/merged.json" &&
	for st in $sts; do
		fails "$(http_status $st)" --retries 0 || exit 1
		test_cmp /dev/null actual || exit 1
		err_is "mschat: HTTP $st from '"'"'$MOCK_URL'"'"'" "" || exit 1
		test_grep -v "<" err || exit 1
	done
'

test_expect_success 'HTML error pages: the message the page holds is shown' '
	sts="400 401 403 429 500 503" &&
	files= &&
	for st in $sts; do
		files="$files $SCENARIOS/http-$st-html.json"
	done &&
	merged merged.json 2 $files &&
	mock_start "$PWD/merged.json" &&
	for st in $sts; do
		fails "$(http_status $st)" --retries 0 || exit 1
		err_is "mschat: HTTP $st from '"'"'$MOCK_URL'"'"': " \
			"$(http_message $st)" || exit 1
	done
'

test_expect_success 'OpenRouter metadata.raw that is not JSON: both messages' '
	mock_start http-400-openrouter-raw-not-json &&
	fails 69 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 400 from '"'"'$MOCK_URL'"'"': " \
		"Provider returned error (mock 400 raw)" &&
	test_grep -F "context length exceeded: 40000 > 32768" err
'

test_expect_success 'OpenRouter moderation 403: 77 and the message' '
	mock_start http-403-openrouter-moderation &&
	fails 77 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 403 from '"'"'$MOCK_URL'"'"': " \
		"input was flagged by moderation (mock 403)"
'

test_expect_success '422 with a FastAPI detail list: 69, what was refused' '
	mock_start http-422-detail-array &&
	fails 69 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 422 from '"'"'$MOCK_URL'"'"': " \
		"Extra inputs are not permitted" &&
	test_grep -F "stream_options" err &&
	test_grep -F "seed" err
'

test_expect_success '422 from Mistral, message an object holding a detail list: 69' '
	mock_start http-422-mistral-extra-forbidden &&
	fails 69 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 422 from '"'"'$MOCK_URL'"'"': " \
		"Extra inputs are not permitted" &&
	test_grep -F "usage" err
'

test_expect_success '500 with a text/plain body: 69 and the text' '
	mock_start http-500-text &&
	fails 69 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 500 from '"'"'$MOCK_URL'"'"': " \
		"Internal Server Error (mock 500 text)"
'

test_expect_success '502 with an empty body: 69, one line' '
	mock_start http-502-empty &&
	fails 69 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 502 from '"'"'$MOCK_URL'"'"'" ""
'

test_expect_success '429 with Retry-After (seconds or date, any body): 75' '
	for s in http-429-retry-after http-429-retry-after-mistral \
		http-429-retry-after-date; do
		mock_start $s &&
		fails 75 --retries 0 || exit 1
		test_cmp /dev/null actual || exit 1
		err_is "mschat: HTTP 429 from '"'"'$MOCK_URL'"'"': " \
			"rate limit exceeded (mock 429)" || exit 1
		test "$(log_count)" = 2 || exit 1
	done
'

test_expect_success 'the same errors with --no-stream' '
	for s in http-400-mistral http-401-openrouter http-429-ollama \
		http-503-html http-422-detail-array; do
		st=${s#http-} && st=${st%%-*} &&
		mock_start $s &&
		fails "$(http_status $st)" --retries 0 --no-stream || exit 1
		test_cmp /dev/null actual || exit 1
		err_is "mschat: HTTP $st from '"'"'$MOCK_URL'"'"'" "" || exit 1
		test "$(mock_req 1 body.stream)" = true || exit 1
	done
'

# --- retries ------------------------------------------------------------

test_expect_success 'retryable statuses are retried: --retries N makes N+1 requests' '
	for st_n in 429:2 503:2 408:1 500:1 502:1 504:1; do
		st=${st_n%:*} n=${st_n#*:} &&
		mock_start http-$st-message &&
		echo hi | test_status "$(http_status $st)" mschat \
			--base-url "$MOCK_URL" --retries $n >actual 2>err || exit 1
		test_cmp /dev/null actual || exit 1
		err_is "mschat: HTTP $st from '"'"'$MOCK_URL'"'"': " \
			"$(http_message $st)" || exit 1
		test "$(log_count)" = $((n + 1)) || exit 1
	done
'

test_expect_success 'other statuses with --retries 2: one request' '
	for st in 400 401 402 403 404 413 422; do
		mock_start http-$st-openrouter &&
		echo hi | test_status "$(http_status $st)" mschat \
			--base-url "$MOCK_URL" --retries 2 >actual 2>err || exit 1
		test_cmp /dev/null actual || exit 1
		test "$(log_count)" = 1 || exit 1
	done
'

test_expect_success '-k with retries: the input once, after the last attempt' '
	mock_start http-503-ollama &&
	test_status 69 mschat -k --base-url "$MOCK_URL" --retries 1 \
		<input >actual 2>err &&
	test_cmp input actual &&
	err_is "mschat: HTTP 503 from '"'"'$MOCK_URL'"'"': " \
		"upstream overloaded (mock 503)" &&
	test "$(log_count)" = 2
'

# retried SCENARIO REQUESTS OPTION...: the answer after REQUESTS requests.
retried () {
	_scn=$1 _n=$2
	shift 2
	mock_start "$_scn" &&
	echo hi | mschat --base-url "$MOCK_URL" "$@" >actual 2>err &&
	echo "Recovered after retrying." >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	test "$(log_count)" = "$_n"
}

test_expect_success 'retry-503-then-ok: succeeds on the second request' '
	retried retry-503-then-ok 2 --retries 3
'

test_expect_success 'retry-408-then-ok: succeeds on the second request' '
	retried retry-408-then-ok 2 --retries 3
'

test_expect_success 'retry-429-no-retry-after-then-ok: succeeds on the second request' '
	retried retry-429-no-retry-after-then-ok 2 --retries 3
'

test_expect_success 'retry-502-504-then-ok: succeeds on the third request' '
	retried retry-502-504-then-ok 3 --retries 3
'

test_expect_success 'retry-drop-then-ok: a dropped connection is retried' '
	retried retry-drop-then-ok 2 --retries 3
'

test_expect_success 'retry-*-then-ok with --retries 0: no retry, the error' '
	mock_start retry-503-then-ok &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 503 from '"'"'$MOCK_URL'"'"': " \
		"upstream overloaded (mock 503)" &&
	test "$(log_count)" = 1
'

test_expect_success 'retry-500x5-then-ok with --retries 2: 69 after three requests' '
	mock_start retry-500x5-then-ok &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 2 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 500 from '"'"'$MOCK_URL'"'"': " \
		"internal server error (mock 500)" &&
	test "$(log_count)" = 3
'

# gap N M: seconds between requests N and M, times 1000.
gap () {
	_a=$(mock_req "$1" t) && _b=$(mock_req "$2" t) &&
	awk -v a="$_a" -v b="$_b" "BEGIN { printf \"%d\\n\", (b - a) * 1000 }"
}

test_expect_success 'Retry-After: 1 makes the retry wait at least 1 s' '
	retried retry-429-then-ok 2 --retries 1 &&
	test "$(gap 1 2)" -ge 1000
'

test_expect_success 'Retry-After as an HTTP date (2 s ahead) is honoured too' '
	retried retry-429-date-then-ok 2 --retries 1 &&
	test "$(gap 1 2)" -ge 1000
'

test_expect_success 'a timeout before the first byte is retried' '
	mock_start retry-hang-then-ok &&
	echo hi | timeout 4 mschat --base-url "$MOCK_URL" --retries 1 \
		--idle-timeout 1 >actual 2>err &&
	echo "Recovered after retrying." >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	test "$(log_count)" = 2
'

test_expect_success 'no-retry-400-then-ok and no-retry-401-then-ok: not retried' '
	mock_start no-retry-400-then-ok &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 3 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	err_is "mschat: HTTP 400 from '"'"'$MOCK_URL'"'"': " \
		"invalid request: messages must not be empty (mock 400)" &&
	test "$(log_count)" = 1 &&
	mock_start no-retry-401-then-ok &&
	test_status 77 mschat -k --base-url "$MOCK_URL" --retries 3 \
		<input >actual 2>err &&
	test_cmp input actual &&
	err_is "mschat: HTTP 401 from '"'"'$MOCK_URL'"'"': " \
		"no auth credentials found (mock 401)" &&
	test "$(log_count)" = 1
'

test_expect_success 'no-retry-after-output: a drop after output is not retried' '
	mock_start no-retry-after-output &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 3 \
		>actual 2>err &&
	partial_is "Truncated answer" &&
	err_is "mschat: " "$MOCK_URL" &&
	test "$(log_count)" = 1
'

test_expect_success 'no-retry-stream-error-after-output: not retried' '
	mock_start no-retry-stream-error-after-output &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 3 \
		>actual 2>err &&
	partial_is "Partial" &&
	err_is "mschat: error in stream from '"'"'$MOCK_URL'"'"': " \
		"provider failed mid-stream (mock stream 502)" &&
	test "$(log_count)" = 1
'

# --- errors inside a 200 stream -------------------------------------------

for s in \
	'stream-error-choice|Partial|provider rate limited the stream (mock choice error)' \
	'stream-error-event|Partial|model crashed while streaming (mock event error)' \
	'stream-error-finish|Partial|' \
	'stream-error-first||no provider available (mock stream first)' \
	'stream-error-llamacpp||the request exceeds the available context size (mock llama.cpp)' \
	'stream-error-numeric-code-choices|Partial|provider crashed (mock stream 500)' \
	'stream-error-numeric-code|Partial answer|provider failed mid-stream (mock stream 502)' \
	'stream-error-string-code-choices|Partial|Provider disconnected (mock stream openrouter)' \
	'stream-error-string-code|Partial|provider disconnected (mock stream string code)'
do
	scn=${s%%|*} rest=${s#*|}
	part=${rest%%|*} msg=${rest#*|}
	test_expect_success "$scn: 69 and the server's message; -k gives the input" "
		mock_start $scn &&
		fails 69 --retries 0 &&
		partial_is '$part' &&
		err_is \"mschat: error in stream from '\$MOCK_URL': \" '$msg' &&
		test \"\$(log_count)\" = 2
	"
done

test_expect_success 'stream errors are not retried' '
	mock_start stream-error-first &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 2 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test "$(log_count)" = 1
'

# --- answers that are not the protocol -------------------------------------

for s in \
	'stream-malformed-json|Before' \
	'stream-no-finish|No finish.' \
	'stream-truncated-close|Truncated answer' \
	'nostream-bad-json|' \
	'nostream-empty-choices|' \
	'nostream-no-choices|' \
	'nostream-html-200|'
do
	scn=${s%%|*} part=${s#*|}
	test_expect_success "$scn: 76, bad answer; -k gives the input" "
		mock_start $scn &&
		fails 76 --retries 0 &&
		partial_is '$part' &&
		err_is \"mschat: bad answer from '\$MOCK_URL'\" '' &&
		test \"\$(log_count)\" = 2
	"
done

test_expect_success 'nostream-html-200: the message says what came instead' '
	mock_start nostream-html-200 &&
	echo hi | test_status 76 mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "text/html" err
'

test_expect_success 'bad answers are not retried' '
	mock_start nostream-no-choices &&
	echo hi | test_status 76 mschat --base-url "$MOCK_URL" --retries 2 \
		>actual 2>err &&
	test "$(log_count)" = 1
'

# --- dropped connections ----------------------------------------------------

test_expect_success 'stream-truncated: a chunked drop mid-stream: 69' '
	mock_start stream-truncated &&
	fails 69 --retries 0 &&
	partial_is "Truncated answer" &&
	err_is "mschat: " "$MOCK_URL" &&
	test "$(log_count)" = 2
'

test_expect_success 'drop-before-bytes: 69 after the retries' '
	mock_start drop-before-bytes &&
	fails 69 --retries 1 &&
	test_cmp /dev/null actual &&
	err_is "mschat: " "$MOCK_URL" &&
	test "$(log_count)" = 4
'

test_expect_success 'reset-before-bytes: 69 after the retries' '
	mock_start reset-before-bytes &&
	fails 69 --retries 1 &&
	test_cmp /dev/null actual &&
	err_is "mschat: " "$MOCK_URL" &&
	test "$(log_count)" = 4
'

test_expect_success 'connection refused: 69, cannot connect' '
	mock_start ok-stream &&
	url=$MOCK_URL &&
	mock_stop &&
	MOCK_URL=$url &&
	fails 69 --retries 1 &&
	test_cmp /dev/null actual &&
	err_is "mschat: cannot connect to '"'"'$url'"'"'" ""
'

test_expect_success 'redirect to another host: not followed, 69' '
	mock_start redirect-307-other-host &&
	fails 69 --retries 0 &&
	test_cmp /dev/null actual &&
	err_is "mschat: " "307" &&
	test "$(log_count)" = 2
'

test_expect_success 'redirect to another host name: the key does not follow' '
	mock_start redirect-307-localhost &&
	st=0 &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err ||
		st=$? &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-test" &&
	n=$(log_count) &&
	i=2 &&
	while test $i -le $n; do
		test_status 1 mock_req $i headers.authorization || exit 1
		i=$((i + 1))
	done &&
	if test $st = 0; then
		echo "Recovered after retrying." >expect &&
		test_cmp expect actual
	else
		test $st = 69 &&
		test_cmp /dev/null actual &&
		err_is "mschat: " "307"
	fi
'

# --- stalls and timeouts ------------------------------------------------------

test_expect_success 'stream-stall with --idle-timeout 1: 75 within a few seconds' '
	mock_start stream-stall &&
	start=$(date +%s) &&
	test_status 75 timeout 4 mschat --base-url "$MOCK_URL" --retries 0 \
		--idle-timeout 1 <input >actual 2>err &&
	partial_is "Stalled" &&
	err_is "mschat: timed out" "" &&
	test_status 75 timeout 4 mschat -k --base-url "$MOCK_URL" --retries 0 \
		--idle-timeout 1 <input >actual 2>err &&
	test_cmp input actual &&
	end=$(date +%s) &&
	test $((end - start)) -le 6
'

test_expect_success 'stream-stall-before-body with --idle-timeout 1: 75 within a few seconds' '
	mock_start stream-stall-before-body &&
	start=$(date +%s) &&
	test_status 75 timeout 4 mschat --base-url "$MOCK_URL" --retries 0 \
		--idle-timeout 1 <input >actual 2>err &&
	test_cmp /dev/null actual &&
	err_is "mschat: timed out" "" &&
	test_status 75 timeout 4 mschat -k --base-url "$MOCK_URL" --retries 0 \
		--idle-timeout 1 <input >actual 2>err &&
	test_cmp input actual &&
	end=$(date +%s) &&
	test $((end - start)) -le 6
'

test_expect_success '--timeout 1 against hang-headers: 75 within a few seconds, retries or not' '
	mock_start hang-headers &&
	start=$(date +%s) &&
	test_status 75 timeout 4 mschat --base-url "$MOCK_URL" --timeout 1 \
		<input >actual 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -le 3 &&
	test_cmp /dev/null actual &&
	err_is "mschat: timed out" "" &&
	test_status 75 timeout 4 mschat -k --base-url "$MOCK_URL" --timeout 1 \
		--retries 0 <input >actual 2>err &&
	test_cmp input actual
'

# --- --no-stream, a representative subset -----------------------------------

test_expect_success '--no-stream: stream errors, bad answers and drops' '
	for s in stream-error-numeric-code:69 stream-error-first:69 \
		stream-malformed-json:76 nostream-bad-json:76 \
		nostream-no-choices:76 stream-truncated:69 \
		stream-truncated-close:76 drop-before-bytes:69; do
		mock_start ${s%:*} &&
		fails ${s#*:} --retries 0 --no-stream || exit 1
		test_cmp /dev/null actual || exit 1
		test "$(wc -l <err)" = 1 || exit 1
	done
'

test_expect_success '--no-stream: stall and timeout' '
	mock_start stream-stall &&
	test_status 75 timeout 4 mschat -k --base-url "$MOCK_URL" --retries 0 \
		--no-stream --idle-timeout 1 <input >actual 2>err &&
	test_cmp input actual &&
	err_is "mschat: timed out" "" &&
	mock_start hang-headers &&
	test_status 75 mschat -k --base-url "$MOCK_URL" --retries 0 \
		--no-stream --timeout 1 <input >actual 2>err &&
	test_cmp input actual &&
	err_is "mschat: timed out" ""
'

# --- signals ------------------------------------------------------------------

test_expect_success 'SIGTERM while waiting: 143; with -k the input comes back' '
	mock_start hang-headers &&
	{ mschat -k --base-url "$MOCK_URL" <input >actual 2>err & } &&
	pid=$! &&
	sleep 0.5 &&
	kill -TERM $pid &&
	st=0 &&
	wait $pid || st=$? &&
	test $st = 143 &&
	test_cmp input actual
'

test_expect_success 'SIGINT while waiting: 130; with -k the input comes back' '
	mock_start hang-headers &&
	cat >run-int.py <<-\EOF &&
	import signal, subprocess, sys, time
	with open("input", "rb") as i, open("actual", "wb") as o, \
	     open("err", "wb") as e:
	    p = subprocess.Popen(sys.argv[1:], stdin=i, stdout=o, stderr=e,
	                         preexec_fn=lambda: signal.signal(
	                             signal.SIGINT, signal.SIG_DFL))
	    time.sleep(0.5)
	    p.send_signal(signal.SIGINT)
	    st = p.wait(timeout=10)
	    sys.exit(128 - st if st < 0 else st)
	EOF
	test_status 130 "$PYTHON" run-int.py mschat -k --base-url "$MOCK_URL" &&
	test_cmp input actual
'

test_done
