#!/bin/sh
# t0010-hostile.sh: a hostile or broken server: bombs and bodies without end, text that is not text, errors in disguise, terminal escapes in what it says.

test_description='a hostile server: bounded memory, text checked, messages cleaned'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# Peak RSS allowed, in KB: the limits are a few MiB each.  A sanitizer
# keeps freed memory in quarantine and maps shadow memory; valgrind is
# another process altogether.
MAX_RSS=65536
if grep -q 'sanitize=' "$MS_BUILD/.flags" 2>/dev/null; then
	MAX_RSS=131072
fi
if test -n "$VALGRIND" || ! test -x /usr/bin/time; then
	MAX_RSS=
fi

# scenario NAME JSON: write a scenario file NAME.json.
scenario () {
	printf '%s\n' "$2" >"$TRASH_DIRECTORY/$1.json"
}

# chat STATUS [OPTION...]: mschat on "hi" against the mock exits with
# STATUS, its stdout in out, stderr in err and its peak RSS (KB) in rss,
# within 60 s.
chat () {
	_st=$1
	shift
	if test -n "$MAX_RSS"; then
		echo hi | test_status "$_st" timeout 60 /usr/bin/time -q -f %M \
			-o rss mschat --base-url "$MOCK_URL" --retries 0 "$@" \
			>out 2>err
	else
		echo hi | test_status "$_st" timeout 60 \
			mschat --base-url "$MOCK_URL" --retries 0 "$@" >out 2>err
	fi
}

# rss_ok: the peak RSS of the last chat stayed under MAX_RSS.
rss_ok () {
	test -z "$MAX_RSS" && return 0
	_kb=$(tail -n 1 rss)
	echo "peak RSS $_kb KB"
	if test "$_kb" -ge "$MAX_RSS"; then
		echo "peak RSS $_kb KB, want under $MAX_RSS KB" >&2
		return 1
	fi
}

# clean_err: stderr holds no ESC, no other C0 control but newline, no DEL,
# no C1 control, and is valid UTF-8.
clean_err () {
	"$PYTHON" - err <<-\EOF
	import re, sys
	b = open(sys.argv[1], "rb").read()
	t = b.decode("utf-8")
	bad = re.findall("[\x00-\x09\x0b-\x1f\x7f-\x9f]", t)
	if bad:
	    sys.exit("controls in stderr: %r" % (b,))
	EOF
}

# --- bombs and bodies without end ---------------------------------------

scenario bomb-json '{"responses": [{"endless": {"encoding": "gzip"}}]}'
scenario bomb-sse '{"responses": [{"endless": {"encoding": "gzip",
	"type": "text/event-stream"}}]}'
scenario bomb-small '{"responses": [{"endless": {"encoding": "gzip",
	"limit": 67108864}}]}'
scenario endless-html '{"responses": [{"endless": {"type": "text/html",
	"head": "<html><head><title>Welcome to the portal</title></head><body>",
	"fill": "<p>spam spam spam spam</p>\n"}}]}'
scenario endless-event '{"responses": [{"endless": {
	"type": "text/event-stream",
	"fill": "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n"}}]}'
scenario endless-line '{"responses": [{"endless": {
	"type": "text/event-stream", "head": "data: {\"choices\":",
	"fill": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}}]}'
scenario endless-error '{"responses": [{"status": 400,
	"endless": {"type": "text/html", "limit": 68719476736,
	"head": "<html><head><title>Bad request, endlessly</title></head>",
	"fill": "<p>more</p>\n"}}]}'

test_expect_success 'the mock: a gzip bomb is small on the wire, large inflated' '
	mock_start "$TRASH_DIRECTORY/bomb-small.json" &&
	curl -s -H "Accept-Encoding: gzip" -d "{}" "$MOCK_URL/chat/completions" |
		wc -c >wire &&
	test "$(cat wire)" -lt 200000 &&
	curl -s --compressed -d "{}" "$MOCK_URL/chat/completions" | wc -c >inflated &&
	test "$(cat inflated)" -eq 67108864
'

test_expect_success 'a gzip bomb as a JSON answer: 76, the limit named, memory bounded' '
	mock_start "$TRASH_DIRECTORY/bomb-json.json" &&
	chat 76 &&
	test_grep "^mschat: bad answer from .*: the answer is larger than 8 MiB" err &&
	test_cmp /dev/null out &&
	rss_ok
'

test_expect_success 'a gzip bomb as an event stream: 76, the line limit named' '
	mock_start "$TRASH_DIRECTORY/bomb-sse.json" &&
	chat 76 &&
	test_grep "a line of the event stream is longer than 4 MiB" err &&
	rss_ok
'

test_expect_success 'an HTML 200 without end: 76 with its title, memory bounded' '
	mock_start "$TRASH_DIRECTORY/endless-html.json" &&
	chat 76 &&
	test_grep "neither JSON nor an event stream (text/html): Welcome to the portal" err &&
	rss_ok
'

test_expect_success 'data: lines without a blank line: 76, the event limit named' '
	mock_start "$TRASH_DIRECTORY/endless-event.json" &&
	chat 76 &&
	test_grep "an event of the stream is larger than 4 MiB" err &&
	test_cmp /dev/null out &&
	rss_ok
'

test_expect_success 'one line without end: 76, the line limit named' '
	mock_start "$TRASH_DIRECTORY/endless-line.json" &&
	chat 76 &&
	test_grep "a line of the event stream is longer than 4 MiB" err &&
	rss_ok
'

test_expect_success 'an error body without end: its start is enough' '
	mock_start "$TRASH_DIRECTORY/endless-error.json" &&
	chat 69 --timeout 20 &&
	test_grep "^mschat: HTTP 400 from .*: Bad request, endlessly" err &&
	rss_ok
'

test_expect_success 'an event of a million JSON values: 76, memory bounded' '
	"$PYTHON" -c "
import sys
v = \",\".join([\"0\"] * 1000000)
sys.stdout.write(\"data: {\\\"usage\\\":{},\\\"x\\\":[\" + v + \"]}\\n\\n\")
" >values.sse &&
	printf "{\"responses\": [{\"file\": {\"path\": \"%s\"}}]}\n" \
		"$PWD/values.sse" >values.json &&
	mock_start "$TRASH_DIRECTORY/values.json" &&
	chat 76 &&
	test_grep "an event has more than 262144 JSON values (the limit)" err &&
	rss_ok
'

test_expect_success 'a bomb with -k: the input comes back' '
	mock_start "$TRASH_DIRECTORY/bomb-json.json" &&
	chat 76 -k &&
	echo hi >expect &&
	test_cmp expect out
'

# --- text that is not text ----------------------------------------------

cat >bad-utf8.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"choices\":[{\"delta\":{\"content\":\"ab",
 {"hex": "ff"}, "cd\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
 "data: [DONE]\n\n"]}]}
EOF
cat >nul-stream.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"choices\":[{\"delta\":{\"content\":\"ab\\u0000cd\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
 "data: [DONE]\n\n"]}]}
EOF
cat >nul-body.json <<-\EOF
{"responses": [{"completion": "ab\u0000cd"}]}
EOF
cat >split-char.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"choices\":[{\"delta\":{\"content\":\"caf", {"hex": "c3"}, "\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{\"content\":\"", {"hex": "a920e2"},
 "\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{\"content\":\"", {"hex": "82"}, "\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{\"content\":\"", {"hex": "ac"},
 "!\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
 "data: [DONE]\n\n"]}]}
EOF
cat >cut-char.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"choices\":[{\"delta\":{\"content\":\"abc\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{\"content\":\"", {"hex": "e282"},
 "\"}}]}\n\n",
 "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
 "data: [DONE]\n\n"]}]}
EOF

test_expect_success 'invalid UTF-8 in the answer: 76 with its offset' '
	mock_start "$TRASH_DIRECTORY/bad-utf8.json" &&
	chat 76 &&
	test_grep "the answer has invalid UTF-8 at byte 2\$" err &&
	printf ab >expect &&
	test_cmp expect out &&
	chat 76 --no-stream &&
	test_cmp /dev/null out
'

test_expect_success 'a NUL (\u0000) in the stream: 76 with its offset' '
	mock_start "$TRASH_DIRECTORY/nul-stream.json" &&
	chat 76 &&
	test_grep "the answer has a NUL byte at byte 2\$" err
'

test_expect_success 'a NUL in an answer not streamed: 76 with its offset' '
	mock_start "$TRASH_DIRECTORY/nul-body.json" &&
	chat 76 &&
	test_grep "the answer has a NUL byte at byte 2\$" err &&
	test_cmp /dev/null out
'

test_expect_success 'characters cut between deltas are whole in the answer' '
	mock_start "$TRASH_DIRECTORY/split-char.json" &&
	chat 0 &&
	printf "caf\303\251 \342\202\254!\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an answer that ends inside a character: 76' '
	mock_start "$TRASH_DIRECTORY/cut-char.json" &&
	chat 76 &&
	test_grep "the answer has invalid UTF-8 at byte 3\$" err
'

# --- errors in disguise ---------------------------------------------------

cat >sse-json-error.json <<-\EOF
{"responses": [{"headers": {"Content-Type": "text/event-stream"},
 "text": "{\"error\":{\"message\":\"model overloaded (mock)\",\"code\":503}}"}]}
EOF
cat >sse-no-choices.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"id\":\"x\"}\n\n",
 "data: {\"id\":\"x\",\"usage\":null}\n\n",
 "data: [DONE]\n\n"]}]}
EOF
cat >sse-usage-only-empty.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"id\":\"x\",\"choices\":[]}\n\n",
 "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n",
 "data: [DONE]\n\n"]}]}
EOF

test_expect_success 'a JSON error as a 200 event stream: 69, the server'"'"'s message' '
	mock_start "$TRASH_DIRECTORY/sse-json-error.json" &&
	chat 69 &&
	test_grep "^mschat: error in stream from .*: model overloaded (mock)\$" err
'

test_expect_success 'a stream with no choices at all: 76' '
	mock_start "$TRASH_DIRECTORY/sse-no-choices.json" &&
	chat 76 &&
	test_grep "the stream has no choices" err &&
	mock_start "$TRASH_DIRECTORY/sse-usage-only-empty.json" &&
	chat 76 &&
	test_grep "the stream has no choices" err
'

test_expect_success 'choices: [] on a usage chunk after real ones is fine' '
	mock_start ok-stream-openai &&
	chat 0
'

# --- terminal escapes from the server -------------------------------------

# ESC ] 0;owned BEL (a window title), ESC [2J (clear), CSI as C1 and NEL.
cat >esc-location.json <<-\EOF
{"responses": [{"status": 307, "headers": {"Location":
 "http://evil.example/\u001b]0;owned\u0007\u001b[2J\u009b31m\u0085/x"},
 "text": "moved"}]}
EOF
cat >esc-ctype.json <<-\EOF
{"responses": [{"headers": {"Content-Type":
 "text/html\u001b]0;owned\u0007\u001b[2J\u009b31m\u0085"},
 "text": "<title>T\u001b]0;owned\u0007\u009b31m\u0085</title>"}]}
EOF
cat >esc-fields.json <<-\EOF
{"responses": [{"stream": {"text": "Hi.",
 "model": "mistral\u001b]0;owned\u0007\u001b[2J\u009b31m\u0085-small",
 "provider": "Evil\u001b]0;owned\u0007\u009b31m"}}]}
EOF
cat >esc-error.json <<-\EOF
{"responses": [{"parts": [
 "data: {\"error\":{\"message\":\"bad \u001b]0;owned\u0007\u001b[2J\u009b31m\u0085 thing\"}}\n\n"]}]}
EOF
cat >esc-status.json <<-\EOF
{"responses": [{"status": 503, "headers": {"Retry-After": "\u001b[2J5"},
 "json": {"error": {"message": "busy \u001b[31mnow\u009b"}}}]}
EOF
printf '{"responses": [{"parts": [{"hex": "%s"}]}]}\n' \
	"$(printf 'data: {"error":{"message":"bad \377\376 bytes \302\233"}}\n\n' |
	od -An -tx1 | tr -d ' \n')" >bad-bytes-error.json

test_expect_success 'escapes in Location: none reach stderr' '
	mock_start "$TRASH_DIRECTORY/esc-location.json" &&
	chat 69 &&
	test_grep -F "redirected to '"'"'http://evil.example/ ]0;owned [2J 31m /x'"'"', which is not followed" err &&
	clean_err
'

test_expect_success 'escapes in Content-Type and the body: none reach stderr' '
	mock_start "$TRASH_DIRECTORY/esc-ctype.json" &&
	chat 76 &&
	test_grep -F "neither JSON nor an event stream (text/html ]0;owned [2J 31m): T ]0;owned 31m" err &&
	clean_err
'

test_expect_success 'escapes in model and provider: none reach stderr with -v' '
	mock_start "$TRASH_DIRECTORY/esc-fields.json" &&
	chat 0 -v &&
	test_grep -F "answered by mistral ]0;owned [2J 31m -small via Evil ]0;owned 31m" err &&
	clean_err
'

test_expect_success 'escapes in an error in the stream or a body: none reach stderr' '
	mock_start "$TRASH_DIRECTORY/esc-error.json" &&
	chat 69 &&
	test_grep -F "bad ]0;owned [2J 31m thing" err &&
	clean_err &&
	mock_start "$TRASH_DIRECTORY/esc-status.json" &&
	chat 69 -v &&
	test_grep -F "busy [31mnow" err &&
	clean_err
'

test_expect_success 'bytes that are not UTF-8 in a message: replaced' '
	mock_start "$TRASH_DIRECTORY/bad-bytes-error.json" &&
	chat 69 &&
	test_grep -F "bad $(printf "\357\277\275") bytes" err &&
	clean_err
'

test_done
