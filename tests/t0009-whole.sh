#!/bin/sh
# t0009-whole.sh: a whole answer, or a failure (SPEC 8): fences, finish reasons, write errors, keys, TO, options after operands, -u on failure.

test_description='only a whole answer counts; everything else fails clearly'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# chat_all SCENARIO EXPECT: the answer is EXPECT (printf format) streamed,
# with --no-stream and with -k.
chat_all () {
	mock_start "$1" &&
	printf "$2" >expect &&
	for o in --retries=0 --no-stream -k; do
		echo hi | mschat --base-url "$MOCK_URL" --retries 0 $o \
			>actual 2>err &&
		test_cmp /dev/null err &&
		test_cmp expect actual || return 1
	done
}

test_expect_success 'a code block then prose: printed as written, fence and all' '
	chat_all t0-fence-prose "\`\`\`sh\nls\n\`\`\`\nThat lists files.\n"
'

test_expect_success 'two code blocks: printed as written' '
	chat_all t0-fence-two "\`\`\`\na\n\`\`\`\n\n\`\`\`\nb\n\`\`\`\n"
'

test_expect_success 'an unclosed code block: printed as written' '
	chat_all t0-fence-open "\`\`\`python\nprint(1)\n"
'

test_expect_success 'one whole fenced block: the fence goes' '
	chat_all ok-fenced "Das ist ein Test.\nZweite Zeile.\n"
'

test_expect_success 'content_filter after part of the answer: 69, what streamed stays' '
	mock_start t0-filter-partial &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	printf "Partial" >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: the provider.s content filter stopped the answer (finish_reason \"content_filter\") after part of it\$" err &&
	echo hi | test_status 69 mschat -k --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	echo hi >expect &&
	test_cmp expect actual
'

test_expect_success 'content_filter before any text: 69, nothing printed' '
	mock_start t0-filter-empty &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "content_filter" err &&
	echo "Mein Text." | test_status 69 mtranslate --base-url "$MOCK_URL" \
		--retries 0 -k en >actual 2>err &&
	echo "Mein Text." >expect &&
	test_cmp expect actual
'

test_expect_success 'any other finish_reason: 69 naming it' '
	mock_start t0-odd-stop &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		--no-stream >actual 2>err &&
	test_cmp /dev/null actual &&
	echo "mschat: the answer stopped with finish_reason \"tool_calls\"" >expect &&
	test_cmp expect err
'

test_expect_success 'msummarize, one request cut for length: redone as two parts and a summary' '
	mock_start t0-cut-once &&
	printf "First paragraph, short.\n\nSecond paragraph, also short.\n" |
		msummarize --base-url "$MOCK_URL" --retries 0 --no-stream \
		>actual 2>err &&
	test_cmp /dev/null err &&
	test -s actual &&
	test "$(mock_count)" = 4 &&
	mock_req 2 body.messages.0.content >sys2 &&
	test_grep -i "part" sys2 &&
	mock_req 4 body.messages.0.content >sys4 &&
	test_grep "You write summaries" sys4
'

test_expect_success 'write errors: 74 and the reason, whatever is printed' '
	mock_start ok-stream &&
	for c in "ms --help" "ms --version" "ms --list" "ms --show-template chat" \
		"mschat --help" "mtranslate --version"; do
		test_status 74 $c >/dev/full 2>err &&
		test_grep ": cannot write output: No space left on device\$" err &&
		test_line_count = 1 err || return 1
	done &&
	echo hi | test_status 74 mschat -n >/dev/full 2>err &&
	test_grep "^mschat: cannot write output: No space left on device\$" err &&
	echo hi | test_status 74 mschat --base-url "$MOCK_URL" --retries 0 \
		>/dev/full 2>err &&
	test_grep "^mschat: cannot write output: No space left on device\$" err &&
	test_line_count = 1 err
'

test_expect_success 'a reader that leaves ends the tool quietly' '
	{ ms --help; echo $? >status; } | true &&
	test "$(cat status)" = 0 -o "$(cat status)" = 141
'

test_expect_success 'options after operands: msummarize FILE -l short, mtranslate TO FILE -q' '
	mock_start echo-upper &&
	printf "Some notes.\n" >notes.txt &&
	msummarize --base-url "$MOCK_URL" notes.txt -l short >out 2>err &&
	test_cmp /dev/null err &&
	mock_req 1 body.messages.0.content >sys &&
	test_grep "at most 3 sentences" sys &&
	mtranslate --base-url "$MOCK_URL" de notes.txt -q >out 2>err &&
	echo "SOME NOTES." >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 2 &&
	printf "x\n" | test_status 66 mtranslate --base-url "$MOCK_URL" de -- -q \
		>out 2>err &&
	test_grep "cannot read .-q." err
'

test_expect_success 'mschat stops at its first word: the rest is text' '
	mock_start echo-same &&
	mschat --base-url "$MOCK_URL" hello -v </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	echo "hello -v" >expect &&
	test_cmp expect out
'

test_expect_success 'mtranslate: an empty TO, a TO that is no language, a file left without TO: 64' '
	mock_start echo-upper &&
	printf "Text.\n" >a.txt &&
	for to in "" "de;rm" "a.txt" "$(printf "%065d" 0)"; do
		printf "hi\n" | test_status 64 mtranslate --base-url "$MOCK_URL" \
			"$to" >out 2>err &&
		test_cmp /dev/null out &&
		test_grep "^usage: mtranslate" err || return 1
	done &&
	test_status 64 mtranslate --base-url "$MOCK_URL" -t "" a.txt >out 2>err &&
	test "$(mock_count)" = 0 &&
	printf "hi\n" | mtranslate --base-url "$MOCK_URL" "Brazilian Portuguese" \
		>out 2>err &&
	printf "hi\n" | mtranslate --base-url "$MOCK_URL" pt-BR >out 2>err &&
	test "$(mock_count)" = 2
'

test_expect_success 'mtranslate -k with a file left without TO gives the file back' '
	printf "Text.\n" >a.txt &&
	test_status 64 mtranslate -k a.txt >out 2>err &&
	test_cmp a.txt out
'

test_expect_success 'mtranslate with several files: file by file, each its own shape' '
	mock_start echo-upper &&
	printf "one" >a.txt &&
	printf "\n\ntwo\n" >b.txt &&
	mtranslate --base-url "$MOCK_URL" de a.txt b.txt >out 2>err &&
	test_cmp /dev/null err &&
	printf "ONE\n\nTWO\n" >expect &&
	cmp expect out &&
	test "$(mock_count)" = 2 &&
	# Both are in flight at once: the server may see either first.
	mock_req_raw 1 body.messages.1.content >r1 &&
	mock_req_raw 2 body.messages.1.content >r2 &&
	printf "one" >expect &&
	if cmp -s expect r1; then other=r2; else other=r1; cmp expect r2; fi &&
	test_grep "^two" "$other"
'

test_expect_success 'a key source that yields an empty key: 78' '
	mkdir -p "$XDG_CONFIG_HOME/ms" &&
	: >empty.key && chmod 600 empty.key &&
	printf "[profile c]\nbase_url = https://example.invalid/v1\napi_key_cmd = printf \"\"\n[profile f]\nbase_url = https://example.invalid/v1\napi_key_file = %s/empty.key\n" \
		"$PWD" >"$XDG_CONFIG_HOME/ms/config" &&
	echo hi | test_status 78 mschat -P c >out 2>err &&
	test_grep "^mschat: the API key from api_key_cmd of profile .c. is empty" err &&
	echo hi | test_status 78 mschat -P f >out 2>err &&
	test_grep "^mschat: the API key from api_key_file of profile .f. is empty" err &&
	rm "$XDG_CONFIG_HOME/ms/config"
'

test_expect_success 'auth = none: no key sent, whatever MS_API_KEY says' '
	mock_start echo-same &&
	echo hi | MS_API_KEY=sk-global mschat -P ollama --base-url "$MOCK_URL" \
		>out 2>err &&
	test_status 1 mock_req 1 headers.authorization &&
	mkdir -p "$XDG_CONFIG_HOME/ms" &&
	printf "[profile lan]\nbase_url = %s\nauth = none\n" "$MOCK_URL" \
		>"$XDG_CONFIG_HOME/ms/config" &&
	echo hi | MS_API_KEY=sk-global mschat -P lan >out 2>err &&
	test_status 1 mock_req 2 headers.authorization &&
	printf "[profile lan]\nbase_url = %s\nauth = bearer\n" "$MOCK_URL" \
		>"$XDG_CONFIG_HOME/ms/config" &&
	echo hi | MS_API_KEY=sk-global mschat -P lan >out 2>err &&
	test "$(mock_req 3 headers.authorization)" = "Bearer sk-global" &&
	printf "[profile lan]\nbase_url = %s\nauth = maybe\n" "$MOCK_URL" \
		>"$XDG_CONFIG_HOME/ms/config" &&
	echo hi | test_status 78 mschat -P lan >out 2>err &&
	test_grep "unknown auth" err &&
	rm "$XDG_CONFIG_HOME/ms/config"
'

if unshare --net true 2>/dev/null; then
test_expect_success 'auth = none: a plain-http LAN server is not refused (in a namespace of its own)' '
	echo hi | MS_API_KEY=sk-global test_status 69 unshare --net mschat \
		-P ollama --base-url http://192.0.2.5:11434/v1 --retries 0 \
		>out 2>err &&
	test_grep -v "refusing to send" err &&
	test_grep "^mschat: cannot connect to .http://192.0.2.5:11434/v1." err &&
	echo hi | MS_API_KEY=sk-global test_status 78 unshare --net mschat \
		--base-url http://192.0.2.5:11434/v1 --retries 0 >out 2>err &&
	test_grep "refusing to send the API key over plain http" err
'
else
test_skip 'auth = none: a plain-http LAN server is not refused' 'no unshare --net here'
fi

test_expect_success '-u reports what was spent on failure too' '
	mock_start http-503-openrouter &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 -u \
		>out 2>err &&
	test_grep "^mschat: HTTP 503" err &&
	test_grep "^mschat: usage: .*1 request" err
'

test_expect_success 'a timeout after retries says how many attempts and how long' '
	mock_start stream-stall-before-body &&
	echo hi | test_status 75 mschat --base-url "$MOCK_URL" --retries 1 \
		--idle-timeout 1 >out 2>err &&
	test_grep "(--idle-timeout); 2 attempts in [0-9.]* s\$" err
'

test_expect_success 'msummarize -F oneline: one line, not about 150 words' '
	mock_start echo-upper &&
	echo "Some text." | msummarize --base-url "$MOCK_URL" -F oneline \
		>out 2>err &&
	mock_req 1 body.messages.0.content >sys &&
	test_grep "one line, at most 25 words" sys &&
	test_grep -v "150 words" sys
'

test_done
