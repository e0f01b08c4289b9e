#!/bin/sh
# t0003-stream.sh: the exact bytes of every good answer, streamed and not, with and without --raw.

test_description='good answers: exact stdout, newline and fence handling, --raw, --no-stream'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# answer SCENARIO EXPECT RAW: with the mock playing SCENARIO, mschat prints
# printf EXPECT (streamed and with --no-stream) and printf RAW with --raw;
# exit 0 and nothing on stderr each time; the requests say "stream" true,
# false, true.
answer () {
	mock_start "$1" &&
	printf "$2" >expect &&
	printf "$3" >expect.raw &&
	echo "a question" | mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	echo "a question" | mschat --base-url "$MOCK_URL" --retries 0 \
		--no-stream >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	echo "a question" | mschat --base-url "$MOCK_URL" --retries 0 \
		--raw >actual 2>err &&
	test_cmp expect.raw actual &&
	test_cmp /dev/null err &&
	mock_log_summary >log.actual &&
	printf "%s\n" "true a question" "true a question" "true a question" \
		>log.expect &&
	test_cmp log.expect log.actual
}

# mock_log_summary: for each request the mock received, its "stream" and
# its last message, in one python call (mock_req costs one per field).
mock_log_summary () {
	"$PYTHON" -S -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("body") or {}
    print(json.dumps(b.get("stream")), b["messages"][-1]["content"])
' "$MOCK_LOG"
}

# --- plain answers: one newline added, --raw adds none ------------------

for s in \
	'ok-stream|Hello, world! This is a plain streamed answer.' \
	'ok-stream-bytewise|Grüße aus 日本 🙂!' \
	'ok-stream-close|Framed by closing the connection.' \
	'ok-stream-content-length|A stream with a Content-Length.' \
	'ok-stream-content-null|Null and empty content.' \
	'ok-stream-cr-only|CR-only line ends.' \
	'ok-stream-crlf-split|CRLF split between reads.' \
	'ok-stream-crlf|CRLF line ends.\nSecond line of the answer.' \
	'ok-stream-last-event-unterminated|Last event unterminated.' \
	'ok-stream-mistral|Hallo! Dies ist die Antwort von Mistral.' \
	'ok-stream-multiline-data|Multi-line data events.' \
	'ok-stream-no-done|Finished without DONE.' \
	'ok-stream-no-final-blank|No final blank line.' \
	'ok-stream-no-final-newline|No final newline.' \
	'ok-stream-no-role|No role chunk here.' \
	'ok-stream-nospace|No space after the colon.' \
	'ok-stream-odd-finish|Odd finish reasons.' \
	'ok-stream-openai|An OpenAI-style streamed answer.' \
	'ok-stream-openrouter|Bonjour ! Voici la réponse d’OpenRouter.' \
	'ok-stream-proxy-junk|Junk skipped.' \
	'ok-stream-split-utf8|Café, naïve, 日本語のテキスト, emoji 🙂🚀 — done.' \
	'ok-stream-sse-fields|Other SSE fields.' \
	'ok-stream-unicode-escapes|Café 日本 🙂 escaped.' \
	'ok-stream-usage-nocost|Counted answer.' \
	'ok-stream-usage|Counted answer.' \
	'ok-nostream|Hello from a non-streamed answer.' \
	'ok-nostream-mistral|Hallo von Mistral.' \
	'ok-nostream-openrouter|Bonjour d’OpenRouter.' \
	'ok-fenced-inner|Run this:\n```sh\nls -l\n```\nThen check.'
do
	scn=${s%%|*} text=${s#*|}
	test_expect_success "$scn: the answer and one newline; --raw as written" "
		answer $scn '$text\\n' '$text'
	"
done

# --- answers with newlines or fences of their own ------------------------

test_expect_success 'ok-stream-trailing-newlines: extra newlines become one' '
	answer ok-stream-trailing-newlines \
		"Line one.\nLine two.\n" "Line one.\nLine two.\n\n\n"
'

test_expect_success 'ok-fenced: a ```text fence around the whole answer is removed' '
	answer ok-fenced "Das ist ein Test.\nZweite Zeile.\n" \
		"\`\`\`text\nDas ist ein Test.\nZweite Zeile.\n\`\`\`"
'

test_expect_success 'ok-fenced-nostream: the same, not streamed' '
	answer ok-fenced-nostream "Das ist ein Test.\nZweite Zeile.\n" \
		"\`\`\`text\nDas ist ein Test.\nZweite Zeile.\n\`\`\`"
'

test_expect_success 'ok-fenced-nolang: a bare ``` fence with a newline after it' '
	answer ok-fenced-nolang "plain fence\nsecond line\n" \
		"\`\`\`\nplain fence\nsecond line\n\`\`\`\n"
'

test_expect_success 'a fence in the input keeps the fence in the answer' '
	mock_start ok-fenced-nolang &&
	printf "some \`\`\`code\`\`\` here\n" |
	mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	printf "\`\`\`\nplain fence\nsecond line\n\`\`\`\n" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

# --- empty answers --------------------------------------------------------

test_expect_success 'ok-stream-empty: an empty answer is no answer: 69' '
	mock_start ok-stream-empty &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	echo "mschat: the answer is empty: the model wrote nothing (finish_reason \"stop\")" >expect &&
	test_cmp expect err &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		--raw >actual 2>err &&
	test_cmp /dev/null actual &&
	echo hi | test_status 69 mschat -k --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	echo hi >expect &&
	test_cmp expect actual &&
	test "$(mock_count)" = 3
'

test_expect_success 'ok-nostream-content-null: content null is no answer: 69' '
	mock_start ok-nostream-content-null &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		--no-stream >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mschat: the answer is empty" err
'

# --- other good answers ---------------------------------------------------

test_expect_success 'ok-stream-length: what streamed stays, then 69 naming --max-tokens' '
	mock_start ok-stream-length &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	printf "This answer was cut" >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: the answer was cut short .*--max-tokens or --context" err &&
	test_line_count = 1 err &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		--no-stream >actual 2>err &&
	test_cmp /dev/null actual &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		-k >actual 2>err &&
	echo hi >expect &&
	test_cmp expect actual
'

test_expect_success 'ok-stream-length under the user-set --max-tokens: the text and a warning' '
	mock_start ok-stream-length &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 --max-tokens 5 \
		>actual 2>err &&
	printf "This answer was cut\n" >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: the answer was cut short at --max-tokens" err &&
	test_line_count = 1 err &&
	echo hi | mschat -q --base-url "$MOCK_URL" --retries 0 --max-tokens 5 \
		>actual 2>err &&
	test_cmp /dev/null err
'

test_expect_success 'ok-stream-model-length: model_length is a length stop too' '
	mock_start ok-stream-model-length &&
	echo hi | test_status 69 mschat --base-url "$MOCK_URL" --retries 0 \
		--no-stream >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "cut short" err
'

test_expect_success 'ok-stream-keepalive-slow: keep-alives are bytes: no idle timeout' '
	mock_start ok-stream-keepalive-slow &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 --idle-timeout 1 \
		>actual 2>err &&
	printf "Kept alive.\n" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success 'ok-stream-slow: deltas 0.3 s apart make one answer' '
	mock_start ok-stream-slow &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 --raw \
		>actual 2>err &&
	printf "slow stream, one" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success 'msummarize also ends with exactly one newline' '
	mock_start ok-stream-trailing-newlines &&
	echo "a text to summarize" | msummarize --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	printf "Line one.\nLine two.\n" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

# --- streaming: output as it arrives -------------------------------------

test_expect_success 'the first delta is on stdout before the answer ends' '
	mock_start t0-stream-pause &&
	{ echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err & } &&
	pid=$! &&
	sleep 0.5 &&
	cp actual early &&
	kill -0 $pid &&
	wait $pid &&
	test_grep "^First part\." early &&
	test_grep -v "Second" early &&
	printf "First part. Second part.\n" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success '--no-stream: nothing on stdout until the answer is whole' '
	mock_start t0-stream-pause &&
	{ echo hi | mschat --base-url "$MOCK_URL" --retries 0 --no-stream \
		>actual 2>err & } &&
	pid=$! &&
	sleep 0.5 &&
	cp actual early &&
	kill -0 $pid &&
	wait $pid &&
	test_cmp /dev/null early &&
	printf "First part. Second part.\n" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 body.stream)" = true
'

test_expect_success 'a whole-answer fence: held back until the answer shows it is one' '
	mock_start t0-fenced-stream-pause &&
	{ echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err & } &&
	pid=$! &&
	sleep 0.5 &&
	cp actual early &&
	wait $pid &&
	test_cmp /dev/null early &&
	printf "First line.\nSecond line.\n" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success '--no-stream still streams the request: only the output waits' '
	mock_start ok-nostream &&
	echo hi | mschat -P ollama --base-url "$MOCK_URL" --retries 0 \
		--no-stream >actual 2>err &&
	printf "Hello from a non-streamed answer.\n" >expect &&
	test_cmp expect actual &&
	test "$(mock_req 1 body.stream)" = true
'

test_expect_success '--no-stream: a slow first token is not silence (keep-alives count)' '
	mock_start t0-think &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 --idle-timeout 1 \
		--no-stream >actual 2>err &&
	echo HI >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

# --- a reader that goes away ----------------------------------------------

test_expect_success '| head -c 1 ends quietly' '
	mock_start ok-stream-slow &&
	{
		st=0
		echo hi | mschat --base-url "$MOCK_URL" --retries 0 2>err || st=$?
		echo $st >status
	} | head -c 1 >actual &&
	printf s >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	case $(cat status) in 0 | 141) ;; *) false ;; esac
'

test_expect_success '| head -c 1 ends quietly with --no-stream too' '
	mock_start ok-stream &&
	{
		st=0
		echo hi | mschat --base-url "$MOCK_URL" --retries 0 --no-stream \
			2>err || st=$?
		echo $st >status
	} | { head -c 1 >actual; sleep 0.2; } &&
	printf H >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	case $(cat status) in 0 | 141) ;; *) false ;; esac
'

test_done
