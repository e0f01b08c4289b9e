#!/bin/sh
# t0000-harness.sh: self-test of the test library, the runner and the mock server (no ms binary needed).

test_description='the test harness and the mock server'
. "$(dirname "$0")/lib.sh"

# sse_text FILE: the concatenated delta contents of an SSE answer.
sse_text () {
	"$PYTHON" -c '
import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
out = []
for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
    if line.startswith("data:") and line[5:].strip() != "[DONE]":
        obj = json.loads(line[5:])
        for c in obj.get("choices") or []:
            out.append(c.get("delta", {}).get("content") or "")
sys.stdout.write("".join(out))
' "$1"
}

# post [CURL-OPTION...]: POST a small chat request to the mock.
post () {
	curl -sN -H 'Content-Type: application/json' \
		-d '{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}' \
		"$@" "$MOCK_URL/chat/completions"
}

test_expect_success 'the environment is clean and predictable' '
	test "$HOME" = "$TRASH_DIRECTORY" &&
	test "$PWD" = "$TRASH_DIRECTORY" &&
	test "$XDG_CONFIG_HOME" = "$HOME/.config" &&
	test -d "$XDG_CONFIG_HOME" &&
	{ env | grep -e "^MS_" -e "^OPENROUTER_API_KEY=" -e "^MISTRAL_API_KEY=" \
		-e "^[a-zA-Z]*_proxy=" -e "^[A-Z]*_PROXY=" >bad || :; } &&
	test_cmp /dev/null bad &&
	test "$LC_ALL" = C.UTF-8 &&
	case $PATH in "$MS_BUILD":*) ;; *) false ;; esac &&
	cat >stdin &&
	test_cmp /dev/null stdin
'

test_expect_success 'test_status checks the exact exit status' '
	test_status 3 sh -c "exit 3" &&
	test_status 0 true &&
	! test_status 1 true 2>err &&
	grep "exited with status 0, want 1" err
'

test_expect_success 'test_cmp and test_grep report differences' '
	printf "a\n" >a && printf "a\n" >b && printf "b\n" >c &&
	test_cmp a b &&
	! test_cmp a c >out &&
	grep "^-a" out &&
	test_grep a a &&
	test_grep -v b a &&
	! test_grep b a 2>err &&
	grep "^| a" err &&
	test_line_count = 1 a
'

# A script with failing tests, run by a nested harness.
cat >"$TEST_ROOT/sub.sh" <<EOF
TEST_DIRECTORY='$TEST_DIRECTORY'
. "\$TEST_DIRECTORY/lib.sh"
test_expect_success 'passes' 'true'
test_expect_success 'fails' 'echo some output && false'
test_expect_success 'set -e stops at a failing command' 'false
true'
test_done
EOF

test_expect_success 'failing tests print not ok, their body and output' '
	mkdir subtmp &&
	test_status 1 env TMPDIR="$PWD/subtmp" MS_TEST_RESULTS="$PWD/res" \
		${BASH:-sh} "$TEST_ROOT/sub.sh" >out 2>&1 &&
	grep -v "^# trash directory kept: $PWD/subtmp/ms-sub\." out >actual &&
	cat >expect <<-\EOF &&
	ok 1 - passes
	not ok 2 - fails
	#	echo some output && false
	# exit status 1; output:
	#	some output
	not ok 3 - set -e stops at a failing command
	#	false
	#	true
	# exit status 1; output:
	1..3
	# passed 1 failed 2
	EOF
	test_cmp expect actual &&
	printf "passed 1\nfailed 2\nskipped 0\n" >expect &&
	test_cmp expect res
'

test_expect_success 'run.sh counts test cases of unit programs and scripts' '
	printf "#!/bin/sh\necho ok 1 - a\necho not ok 2 - b\necho ok 3 - c\n" >unit &&
	chmod +x unit &&
	test_status 1 env TMPDIR="$PWD/subtmp" MS_UNIT_TESTS="$PWD/unit" \
		${BASH:-sh} "$TEST_DIRECTORY/run.sh" "$TEST_ROOT/sub.sh" >out 2>&1 &&
	tail -n 1 out >actual &&
	echo "3 passed, 3 failed" >expect &&
	test_cmp expect actual &&
	printf "#!/bin/sh\necho ok 1 - a\n" >unit &&
	env MS_UNIT_TESTS="$PWD/unit" ${BASH:-sh} "$TEST_DIRECTORY/run.sh" \
		/dev/null >out 2>&1 &&
	tail -n 1 out >actual &&
	echo "1 passed, 0 failed" >expect &&
	test_cmp expect actual &&
	printf "#!/bin/sh\nexit 0\n" >unit &&
	test_status 1 env MS_UNIT_TESTS="$PWD/unit" ${BASH:-sh} \
		"$TEST_DIRECTORY/run.sh" /dev/null >out 2>&1 &&
	tail -n 1 out >actual &&
	echo "0 passed, 0 failed" >expect &&
	test_cmp expect actual
'

test_expect_success 'every scenario is valid and has a description' '
	(cd "$TEST_DIRECTORY/mock" && "$PYTHON" -c "
import glob, json, server, sys
for f in sorted(glob.glob(\"../scenarios/*.json\")):
    s = json.load(open(f, encoding=\"utf-8\"))
    server.check_scenario(s)
    assert s.get(\"description\"), f
    for r in s[\"responses\"]:
        if \"stream\" in r:
            server.sse_items(r[\"stream\"], r[\"stream\"].get(\"text\", \"\"))
")
'

mock_start ok-stream

test_expect_success 'a plain stream: role chunk, deltas, finish, [DONE]' '
	post -D headers >out &&
	test_grep -i "^Content-Type: text/event-stream" headers &&
	test_grep -i "^Transfer-Encoding: chunked" headers &&
	head -n 1 out >actual &&
	echo "data: {\"id\":\"gen-mock-0001\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mistralai/mistral-small\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}" >expect &&
	test_cmp expect actual &&
	tail -n 2 out >actual &&
	printf "data: [DONE]\n\n" >expect &&
	test_cmp expect actual &&
	sse_text out >actual &&
	printf "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect actual &&
	test_grep "\"delta\":{\"content\":\"Hell\"}" out &&
	test_grep "\"delta\":{},\"finish_reason\":\"stop\"" out
'

test_expect_success 'a mock started inside a test stops with the test' '
	echo $MOCK_PID >outer.pid &&
	mock_start echo-same &&
	echo $MOCK_PID >inner.pid &&
	! test_cmp outer.pid inner.pid
'

test_expect_success '... and the one started outside still runs' '
	! kill -0 $(cat inner.pid) 2>/dev/null &&
	test $MOCK_PID = $(cat outer.pid) &&
	post >out &&
	test_grep "\"content\":\"plai\"" out
'

test_expect_success 'the request log: count, method, path, headers, body' '
	mock_start echo-same &&
	test "$(mock_count)" = 0 &&
	curl -s -H "Authorization: Bearer sk-test" -H "X-Title: ms-tests" \
		-H "Content-Type: application/json" \
		-d "{\"model\":\"m1\",\"messages\":[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"héllo wörld\"}]}" \
		"$MOCK_URL/chat/completions" >out &&
	test "$(mock_count)" = 1 &&
	test "$(mock_req 1 method)" = POST &&
	test "$(mock_req 1 path)" = /v1/chat/completions &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-test" &&
	test "$(mock_req -1 headers.x-title)" = ms-tests &&
	test "$(mock_req 1 body.model)" = m1 &&
	test "$(mock_req 1 body.messages.1.content)" = "héllo wörld" &&
	test "$(mock_req 1 body.messages.-1.role)" = user &&
	test "$(mock_req 1 body.messages.0)" = "{\"role\":\"system\",\"content\":\"sys\"}" &&
	test "$(mock_req 1 inflight)" = 1 &&
	mock_req 1 raw | test_grep "héllo wörld" - &&
	test_status 1 mock_req 1 body.nope &&
	test_status 1 mock_req 1 body.messages.5 &&
	test_status 1 mock_req 2 method &&
	mock_req_raw 1 body.model >actual &&
	printf m1 >expect &&
	test_cmp expect actual
'

test_expect_success 'echo answers a non-streamed request with JSON' '
	mock_start echo-upper &&
	curl -s -d "{\"messages\":[{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"héllo 日本\"}]}" \
		"$MOCK_URL/chat/completions" >out &&
	"$PYTHON" -c "import json,sys; b=json.load(open(\"out\")); print(b[\"object\"], b[\"choices\"][0][\"message\"][\"content\"], b[\"choices\"][0][\"finish_reason\"], \"usage\" in b)" >actual &&
	echo "chat.completion HÉLLO 日本 stop True" >expect &&
	test_cmp expect actual
'

test_expect_success 'echo streams when the request asks for it' '
	mock_start echo-same &&
	curl -sN -d "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"line one\nline two 🙂\"}]}" \
		"$MOCK_URL/chat/completions" >out &&
	sse_text out >actual &&
	printf "line one\nline two 🙂" >expect &&
	test_cmp expect actual
'

test_expect_success 'parts are sent byte for byte, hex included' '
	cat >parts.json <<-\EOF &&
	{"responses": [{"headers": {"X-Mock": "yes"},
	  "parts": ["data: a\r\n\r\n", {"hex": "e697"}, {"delay": 0.05}, {"hex": "a5"}, "\n"]}]}
	EOF
	mock_start "$PWD/parts.json" &&
	post -D headers >actual &&
	printf "data: a\r\n\r\n\346\227\245\n" >expect &&
	test_cmp expect actual &&
	test_grep -i "^X-Mock: yes" headers
'

test_expect_success 'split_bytes cuts writes inside UTF-8 characters' '
	mock_start ok-stream-split-utf8 &&
	post --raw >raw &&
	"$PYTHON" -c "
import sys
raw = open(\"raw\", \"rb\").read()
chunks = []
while raw:
    size, rest = raw.split(b\"\r\n\", 1)
    n = int(size, 16)
    chunks.append(rest[:n])
    raw = rest[n + 2:]
    if n == 0:
        break
cut = 0
for c in chunks:
    try:
        c.decode(\"utf-8\")
    except UnicodeDecodeError:
        cut += 1
assert cut > 3, cut
sys.stdout.buffer.write(b\"\".join(chunks))
" >out &&
	sse_text out >actual &&
	printf "Café, naïve, 日本語のテキスト, emoji 🙂🚀 — done." >expect &&
	test_cmp expect actual
'

test_expect_success 'OpenRouter stream: comments, provider, usage after finish' '
	mock_start ok-stream-openrouter &&
	post >out &&
	head -n 1 out >actual &&
	echo ": OPENROUTER PROCESSING" >expect &&
	test_cmp expect actual &&
	test_grep "^:\$" out &&
	test_grep "\"provider\":\"Mistral\"" out &&
	finish=$(grep -n "\"finish_reason\":\"stop\"" out | cut -d: -f1) &&
	usage=$(grep -n "\"choices\":\[\],\"usage\":{.*\"cost\":" out | cut -d: -f1) &&
	test "$finish" -lt "$usage" &&
	sed -n "$finish,\$p" out | test_grep "^: OPENROUTER PROCESSING" - &&
	sse_text out >actual &&
	printf "Bonjour ! Voici la réponse d’OpenRouter." >expect &&
	test_cmp expect actual
'

test_expect_success 'Mistral stream: usage on the finish chunk' '
	mock_start ok-stream-mistral &&
	post >out &&
	test_grep "\"finish_reason\":\"stop\"}\],\"usage\":{\"prompt_tokens\":10" out &&
	test_grep -v "^:" out
'

test_expect_success 'CRLF and CR-only line ends' '
	mock_start ok-stream-crlf &&
	post >out &&
	cr=$(printf "\r") &&
	! grep -v "$cr\$" out &&
	test_grep "^$cr\$" out &&
	mock_start ok-stream-cr-only &&
	post >out &&
	test "$(tr -cd "\n" <out | wc -c)" = 0 &&
	sse_text out >actual &&
	printf "CR-only line ends." >expect &&
	test_cmp expect actual
'

test_expect_success 'error bodies come with their status and headers' '
	mock_start http-429-retry-after &&
	curl -s -D headers -o body -w "%{http_code}\n" "$MOCK_URL/chat/completions" >actual &&
	echo 429 >expect &&
	test_cmp expect actual &&
	test_grep -i "^Retry-After: 1" headers &&
	test_grep "\"message\":\"rate limit exceeded (mock 429)\"" body &&
	mock_start http-503-html &&
	curl -s -D headers -o body -w "%{http_code}\n" "$MOCK_URL/chat/completions" >actual &&
	echo 503 >expect &&
	test_cmp expect actual &&
	test_grep -i "^Content-Type: text/html" headers &&
	test_grep "upstream overloaded (mock 503)" body &&
	mock_start http-429-retry-after-date &&
	curl -s -D headers -o /dev/null "$MOCK_URL/chat/completions" &&
	test_grep -i "^Retry-After: [A-Z][a-z][a-z], [0-9]* [A-Z][a-z]* 20[0-9][0-9] .* GMT" headers
'

test_expect_success 'a sequence: each request gets the next response, the last repeats' '
	mock_start retry-503-then-ok &&
	for i in 1 2 3; do
		curl -s -o /dev/null -w "%{http_code}\n" "$MOCK_URL/chat/completions" || exit 1
	done >actual &&
	printf "503\n200\n200\n" >expect &&
	test_cmp expect actual &&
	test "$(mock_count)" = 3
'

test_expect_success 'drops: truncated stream, close before any byte, reset' '
	mock_start stream-truncated &&
	test_status 18 post >out &&
	test_grep "Truncated " out &&
	mock_start drop-before-bytes &&
	test_status 52 post &&
	mock_start reset-before-bytes &&
	test_status 56 post
'

test_expect_success 'Connection: close and Content-Length framing' '
	mock_start ok-stream-close &&
	post -D headers >out &&
	test_grep -i "^Connection: close" headers &&
	test_grep -v -i "^Transfer-Encoding" headers &&
	test_grep -v -i "^Content-Length" headers &&
	sse_text out >actual &&
	printf "Framed by closing the connection." >expect &&
	test_cmp expect actual &&
	mock_start ok-stream-content-length &&
	post -D headers >out &&
	test_grep -i "^Content-Length: $(wc -c <out)$(printf "\r")\$" headers
'

test_expect_success 'hanging before the headers and stalling mid-stream' '
	mock_start hang-headers &&
	test_status 28 post -m 0.5 &&
	mock_start stream-stall &&
	test_status 28 post -m 0.5 >out &&
	test_grep "Stalled " out
'

test_expect_success 'headers can name the port: a redirect to localhost' '
	mock_start redirect-307-localhost &&
	curl -s -L -H "Authorization: Bearer sk-test" -d "{}" \
		"$MOCK_URL/chat/completions" >out &&
	test "$(mock_count)" = 2 &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-test" &&
	test "$(mock_req 2 headers.host)" = "localhost:$MOCK_PORT" &&
	test_status 1 mock_req 2 headers.authorization &&
	sse_text out >actual &&
	printf "Recovered after retrying." >expect &&
	test_cmp expect actual
'

test_expect_success 'inflight counts concurrent requests' '
	mock_start echo-slow &&
	{ post >a & } &&
	pid=$! &&
	post >b &&
	wait $pid &&
	test "$(mock_count)" = 2 &&
	test "$(mock_max_inflight)" = 2 &&
	sse_text a >actual &&
	printf hi >expect &&
	test_cmp expect actual
'

test_done
