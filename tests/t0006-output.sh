#!/bin/sh
# t0006-output.sh: -u, -v, -q, --fallback, sampling parameters, -s and -m, and what each dialect sends.

test_description='reporting (-u, -v, -q) and the request fields set by options'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test MISTRAL_API_KEY=sk-mistral
export OPENROUTER_API_KEY MISTRAL_API_KEY
CONFIG=$XDG_CONFIG_HOME/ms/config
mkdir -p "$XDG_CONFIG_HOME/ms"

# --- -u ------------------------------------------------------------------

test_expect_success '-u: tokens and the cost the server gave' '
	mock_start ok-stream-usage &&
	echo hi | mschat -u --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	echo "Counted answer." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: 1234 tokens in, 56 out, 1 request, \$0.000123" >expect &&
	test_cmp expect err &&
	test "$(mock_req 1 body.usage)" = "{\"include\":true}"
'

test_expect_success '-u: OpenRouter usage after the finish chunk, among comments' '
	mock_start ok-stream-openrouter &&
	echo hi | mschat -u --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	echo "Bonjour ! Voici la réponse d’OpenRouter." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: 12 tokens in, 9 out, 1 request, \$0.000012" >expect &&
	test_cmp expect err
'

test_expect_success '-u: no cost from the server: computed from the prices' '
	mock_start ok-stream-usage-nocost &&
	echo hi | mschat -u --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	echo "Counted answer." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: 1000000 tokens in, 500000 out, 1 request, \$0.500000" >expect &&
	test_cmp expect err
'

test_expect_success '-u: price_in and price_out from the config profile' '
	mock_start ok-stream-usage-nocost &&
	cat >"$CONFIG" <<-\EOF &&
	[profile openrouter]
	price_in = 1
	price_out = 2.5
	EOF
	echo hi | mschat -u --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	rm "$CONFIG" &&
	echo "mschat: usage: 1000000 tokens in, 500000 out, 1 request, \$2.250000" >expect &&
	test_cmp expect err
'

test_expect_success '-u: Mistral usage on the finish chunk, cost from the prices' '
	mock_start ok-stream-mistral &&
	echo hi | mschat -P mistral -u --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	echo "Hallo! Dies ist die Antwort von Mistral." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: 10 tokens in, 12 out, 1 request, \$0.000009" >expect &&
	test_cmp expect err &&
	test_status 1 mock_req 1 body.usage &&
	test_status 1 mock_req 1 body.stream_options
'

test_expect_success '-u: a non-streamed answer'"'"'s usage' '
	mock_start ok-nostream-openrouter &&
	echo hi | mschat -u --no-stream --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	echo "Bonjour d’OpenRouter." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: 12 tokens in, 9 out, 1 request, \$0.000012" >expect &&
	test_cmp expect err
'

test_expect_success '-u: tokens unknown when the server sends no usage' '
	mock_start ok-stream &&
	echo hi | mschat -u --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: tokens unknown (the server sent no usage), 1 request" >expect &&
	test_cmp expect err
'

test_expect_success '-u counts every attempt' '
	mock_start retry-503-then-ok &&
	echo hi | mschat -u --base-url "$MOCK_URL" --retries 2 >actual 2>err &&
	echo "Recovered after retrying." >expect &&
	test_cmp expect actual &&
	echo "mschat: usage: tokens unknown (the server sent no usage), 2 requests" >expect &&
	test_cmp expect err
'

test_expect_success '-u with -P ollama asks for usage with stream_options' '
	mock_start ok-stream-openai &&
	echo hi | mschat -P ollama -u --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	echo "An OpenAI-style streamed answer." >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: usage: 11 tokens in, 7 out, 1 request" err &&
	test "$(mock_req 1 body.stream_options)" = "{\"include_usage\":true}" &&
	test_status 1 mock_req 1 body.usage
'

test_expect_success 'without -u no usage is asked for and none is printed' '
	mock_start ok-stream-usage &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	test_status 1 mock_req 1 body.usage &&
	echo hi | mschat -P ollama --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null err &&
	test_status 1 mock_req 2 body.stream_options
'

# --- -v ------------------------------------------------------------------

test_expect_success '-v: the URL, profile, model, status and who answered' '
	mock_start ok-stream-openrouter &&
	echo hi | mschat -v --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	echo "Bonjour ! Voici la réponse d’OpenRouter." >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: POST $MOCK_URL/chat/completions\$" err &&
	test_grep "^mschat: profile openrouter, model mistralai/mistral-small," err &&
	test_grep "^mschat: HTTP/1.1 200" err &&
	test_grep "^mschat: answered by mistralai/mistral-small via Mistral\$" err &&
	test_grep -v "sk-test" err &&
	test_grep -v -v "^mschat: " err
'

test_expect_success '-v: retries are reported' '
	mock_start retry-503-then-ok &&
	echo hi | mschat -v --base-url "$MOCK_URL" --retries 2 >actual 2>err &&
	echo "Recovered after retrying." >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: retry 1/2 .*503" err
'

test_expect_success 'without -v or -u a success prints nothing on stderr' '
	mock_start ok-stream-openrouter &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test_cmp /dev/null err
'

# --- -q ------------------------------------------------------------------

test_expect_success 'the cut-short warning at --max-tokens, and -q suppresses it' '
	mock_start ok-stream-length &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 --max-tokens 9 \
		>actual 2>err &&
	printf "This answer was cut\n" >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: the answer was cut short" err &&
	test_line_count = 1 err &&
	echo hi | mschat -q --base-url "$MOCK_URL" --retries 0 --max-tokens 9 \
		>actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success '-q does not hide errors' '
	mock_start http-503-message &&
	echo hi | test_status 69 mschat -q --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mschat: HTTP 503 from .$MOCK_URL.: upstream overloaded (mock 503)" err
'

# --- --fallback -------------------------------------------------------------

test_expect_success '--fallback A --fallback B: "models": [model, A, B] for OpenRouter' '
	mock_start ok-stream &&
	echo hi | mschat --fallback mistralai/a --fallback b/model \
		--base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 body.models)" = "[\"mistralai/mistral-small\",\"mistralai/a\",\"b/model\"]" &&
	test "$(mock_req 1 body.model)" = mistralai/mistral-small
'

test_expect_success '--fallback with -m: the chosen model first' '
	mock_start ok-stream &&
	echo hi | mschat -m x/first --fallback y/second \
		--base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test "$(mock_req 1 body.models)" = "[\"x/first\",\"y/second\"]"
'

test_expect_success 'no --fallback: no models field' '
	mock_start ok-stream &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test_status 1 mock_req 1 body.models
'

test_expect_success '--fallback is not sent for -P mistral or -P ollama' '
	mock_start ok-stream &&
	echo hi | mschat -P mistral --fallback a/b --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect actual &&
	test_grep "^mschat: --fallback is for OpenRouter" err &&
	test_status 1 mock_req 1 body.models &&
	echo hi | mschat -q -P ollama --fallback a/b --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	test_status 1 mock_req 2 body.models
'

# --- sampling parameters -----------------------------------------------------

test_expect_success 'sampling options appear in the request' '
	mock_start ok-stream &&
	echo hi | mschat --temperature 0.7 --top-p 0.9 --max-tokens 100 \
		--seed 42 --stop END --stop "two words" \
		--base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 body.temperature)" = 0.7 &&
	test "$(mock_req 1 body.top_p)" = 0.9 &&
	test "$(mock_req 1 body.max_tokens)" = 100 &&
	test "$(mock_req 1 body.seed)" = 42 &&
	test "$(mock_req 1 body.stop)" = "[\"END\",\"two words\"]" &&
	test_status 1 mock_req 1 body.random_seed
'

test_expect_success 'sampling parameters are absent unless given' '
	mock_start ok-stream &&
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	for f in temperature top_p max_tokens seed random_seed stop; do
		test_status 1 mock_req 1 body.$f || exit 1
	done
'

test_expect_success '-P mistral: random_seed instead of seed, only known fields' '
	mock_start ok-stream &&
	echo hi | mschat -P mistral --seed 42 --temperature 0 --max-tokens 5 \
		--stop END -u --base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test "$(mock_req 1 body.random_seed)" = 42 &&
	test_status 1 mock_req 1 body.seed &&
	test "$(mock_req 1 body.temperature)" = 0 &&
	test "$(mock_req 1 body.max_tokens)" = 5 &&
	test "$(mock_req 1 body.stop)" = "[\"END\"]" &&
	"$PYTHON" -c "
import json, sys
e = json.loads(open(sys.argv[1]).readline())
known = {\"model\", \"messages\", \"temperature\", \"top_p\", \"max_tokens\",
         \"stream\", \"stop\", \"random_seed\", \"response_format\", \"tools\",
         \"tool_choice\", \"presence_penalty\", \"frequency_penalty\", \"n\",
         \"safe_prompt\", \"prediction\", \"parallel_tool_calls\"}
extra = set(e[\"body\"]) - known
assert not extra, extra
" "$MOCK_LOG"
'

test_expect_success 'bad sampling values are usage errors: 64, nothing sent' '
	mock_start ok-stream &&
	for o in "--temperature 2.5" "--temperature x" "--top-p 1.5" \
		"--max-tokens 0" "--max-tokens -3" "--seed abc"; do
		echo hi | test_status 64 mschat $o --base-url "$MOCK_URL" \
			--retries 0 >actual 2>err || exit 1
		test_cmp /dev/null actual || exit 1
		test_grep "^mschat: ${o%% *}" err || exit 1
	done &&
	test_status 1 mock_req 1 method
'

# --- -s and -m ---------------------------------------------------------------

test_expect_success '-s replaces the system message' '
	mock_start echo-same &&
	echo hi | mschat -s "You are terse." --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	cat >expect <<-\EOF &&
	[{"role":"system","content":"You are terse."},{"role":"user","content":"hi"}]
	EOF
	mock_req 1 body.messages >actual &&
	test_cmp expect actual
'

test_expect_success '-s adds a system message to a template without one' '
	mock_start echo-same &&
	printf "[user]\n{{input}}\n" >nosys &&
	echo hi | mschat -T ./nosys -s "Be kind." --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	cat >expect <<-\EOF &&
	[{"role":"system","content":"Be kind."},{"role":"user","content":"hi"}]
	EOF
	mock_req 1 body.messages >actual &&
	test_cmp expect actual
'

test_expect_success '-s for msummarize replaces its system prompt too' '
	mock_start ok-stream &&
	echo "some text" | msummarize -s "Summarize in one word." \
		--base-url "$MOCK_URL" --retries 0 >actual 2>err &&
	test "$(mock_req 1 body.messages.0.content)" = "Summarize in one word." &&
	test "$(mock_req 1 body.messages.0.role)" = system
'

test_expect_success '-m sets the model; -v reports it' '
	mock_start ok-stream &&
	echo hi | mschat -m mistralai/mistral-small-3.2 -v --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test "$(mock_req 1 body.model)" = mistralai/mistral-small-3.2 &&
	test_grep "^mschat: profile openrouter, model mistralai/mistral-small-3.2," err &&
	echo hi | mschat --model other/model --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test "$(mock_req 2 body.model)" = other/model
'

test_expect_success '-P llamacpp: no model unless given' '
	mock_start ok-stream &&
	echo hi | mschat -P llamacpp --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect actual &&
	m=$(mock_req 1 body.model || :) &&
	test -z "$m"
'

test_expect_success '-n prints exactly the body that would be sent' '
	mock_start ok-stream &&
	echo "the input" | mschat -n -m a/model --temperature 0.5 --stop X \
		--fallback b/model -u --base-url "$MOCK_URL" --retries 0 \
		say it >dry 2>err &&
	# -u with -n: what the one request will cost, nothing else.
	test_line_count = 2 err &&
	test_grep "^mschat: usage: request 1: [0-9]* tokens in\$" err &&
	test_grep "^mschat: usage: 1 request, [0-9]* tokens in (estimated), " err &&
	test_line_count = 1 dry &&
	test_status 1 mock_req 1 method &&
	echo "the input" | mschat -m a/model --temperature 0.5 --stop X \
		--fallback b/model -u --base-url "$MOCK_URL" --retries 0 \
		say it >actual 2>err &&
	mock_req_raw 1 raw >sent &&
	echo >>sent &&
	test_cmp dry sent
'

test_done
