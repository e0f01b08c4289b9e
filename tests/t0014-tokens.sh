#!/bin/sh
# t0014-tokens.sh: exact token counts (Mistral's tokenizer): ms tokens against the reference counts, the tokenizer key, the context check, chunk budgets and -n -u.

test_description='ms tokens and the budgets exact counts drive'
. "$(dirname "$0")/lib.sh"

CONFIG=$XDG_CONFIG_HOME/ms/config
mkdir -p "$XDG_CONFIG_HOME/ms"
CORPUS=$MS_SRCDIR/tests/tokens/corpus
COUNTS=$MS_SRCDIR/tests/tokens/counts.tsv
MS_API_KEY=sk-tokens-test-0123456789
export MS_API_KEY

test_expect_success 'ms tokens: each corpus file counts as the reference does' '
	ls "$CORPUS" >names &&
	test "$(wc -l <names)" -ge 20 &&
	while read -r f; do
		size=$(wc -c <"$CORPUS/$f") &&
		want=$(awk -F "	" -v f="$f" -v s="$size" \
			"\$1 == f && \$2 == 0 && \$3 == s { print \$4 }" "$COUNTS") &&
		test -n "$want" &&
		got=$(ms tokens <"$CORPUS/$f") &&
		echo "$f $want $got" &&
		test "$got" = "$want" || return 1
	done <names
'

test_expect_success 'ms tokens: paragraphs and lines of the corpus too' '
	# Every piece the reference counted, cut out with dd.
	awk -F "	" "NR > 1 && \$3 < 2000 && NR % 3 == 0" "$COUNTS" >pieces &&
	test "$(wc -l <pieces)" -ge 40 &&
	while IFS="	" read -r f off len want; do
		got=$(dd if="$CORPUS/$f" bs=1 skip="$off" count="$len" 2>/dev/null |
			ms tokens) &&
		test "$got" = "$want" || { echo "$f $off $len: $got, not $want"; return 1; }
	done <pieces
'

test_expect_success 'ms tokens FILE...: one line each and a total, as wc' '
	printf "Hello world\n" >a.txt &&
	printf "The quick brown fox.\n" >b.txt &&
	a=$(ms tokens <a.txt) && b=$(ms tokens <b.txt) &&
	ms tokens a.txt b.txt >out &&
	printf "%s a.txt\n%s b.txt\n%s total\n" "$a" "$b" $((a + b)) >expect &&
	test_cmp expect out &&
	ms tokens a.txt >out &&
	echo "$a a.txt" >expect &&
	test_cmp expect out &&
	ms tokens - <a.txt >out &&
	echo "$a -" >expect &&
	test_cmp expect out
'

test_expect_success 'ms tokens: empty input is 0; a file that cannot be read is 66' '
	ms tokens </dev/null >out &&
	echo 0 >expect &&
	test_cmp expect out &&
	test_status 66 ms tokens a.txt nonexistent b.txt >out 2>err &&
	echo "ms tokens: nonexistent: No such file or directory" >expect &&
	test_cmp expect err &&
	test "$(sed -n 3p out)" = "$(($(ms tokens <a.txt) + $(ms tokens <b.txt))) total"
'

test_expect_success 'ms tokens -v: how, the estimate and the cost; nothing else on stdout' '
	ms tokens -v <"$CORPUS/en-prose.txt" >out 2>err &&
	echo 310 >expect &&
	test_cmp expect out &&
	test_grep "^ms tokens: profile openrouter, model mistralai/mistral-small: tokens counted by Mistral.s tokenizer\$" err &&
	test_grep "^ms tokens: 310 tokens (counted), [0-9]* bytes; estimate [0-9]*; \$0.000062 as input at \$0.20 per million\$" err &&
	est=$(sed -n "s/.*; estimate \([0-9]*\);.*/\1/p" err) &&
	test "$est" -gt 310
'

test_expect_success 'ms tokens: the estimate for other models and profiles' '
	est=$(ms tokens -v <"$CORPUS/en-prose.txt" 2>&1 >/dev/null |
		sed -n "s/.*; estimate \([0-9]*\);.*/\1/p") &&
	test "$(ms tokens -P ollama <"$CORPUS/en-prose.txt")" = "$est" &&
	ms tokens -v -m openai/gpt-4o <"$CORPUS/en-prose.txt" >out 2>err &&
	test "$(cat out)" = "$est" &&
	test_grep "tokens estimated (no tokenizer known for the model; see tokenizer in ms-config(5))" err &&
	# The default model of the profile, named: counted.
	test "$(ms tokens -m mistralai/mistral-small <"$CORPUS/en-prose.txt")" = 310 &&
	test "$(ms tokens -P mistral <"$CORPUS/en-prose.txt")" = 310
'

test_expect_success 'the tokenizer key, per profile' '
	cat >"$CONFIG" <<-EOF &&
	[profile lab]
	base_url = http://127.0.0.1:9/v1
	model = mistral-small-2409
	tokenizer = mistral
	[profile openrouter]
	tokenizer = estimate
	EOF
	test "$(ms tokens -P lab <"$CORPUS/en-prose.txt")" = 310 &&
	ms tokens -v <"$CORPUS/en-prose.txt" >out 2>err &&
	test "$(cat out)" -gt 310 &&
	test_grep "tokens estimated (tokenizer = estimate)" err &&
	printf "[profile x]\ntokenizer = tiktoken\n" >"$CONFIG" &&
	test_status 78 ms tokens </dev/null 2>err &&
	test_grep "config:2: unknown tokenizer .tiktoken. for tokenizer\$" err &&
	rm "$CONFIG"
'

test_expect_success 'ms tokens: a long line without spaces, and a write error' '
	"$PYTHON" -c "import sys; sys.stdout.write(\"QUJD\" * 750000)" >b64 &&
	n=$(ms tokens <b64) &&
	test "$n" -gt 100000 &&
	test_status 74 ms tokens a.txt >/dev/full 2>err &&
	test_grep "^ms tokens: cannot write output: No space left on device\$" err
'

test_expect_success 'set up: 26,000 tokens of plain English, estimated at 47,000' '
	"$PYTHON" - >common.txt <<-\EOF &&
	import random
	r = random.Random(1)
	w = ("the of and to in is that it was for on are as with his they at "
	     "be this from have or by one had not but what all were when we "
	     "there can an your which their said if do will each about how up "
	     "out them then she many some so these would other into has more "
	     "her two like him see time could no make than first been its who "
	     "now people my made over did down only way find use may water "
	     "long little very after words called just where most know get "
	     "through back much go good new write our me man too any day same "
	     "right look think also around another came come work three word "
	     "must because does part even place well such here take why things "
	     "help put years different away again off went old number great "
	     "tell men say small every found still between name should home "
	     "big give air line set own under read last never us left end "
	     "along while might next sound below saw something thought both "
	     "few those always looked show large often together asked house "
	     "world going want school important until form food keep children "
	     "feet land side without boy once animals life enough took").split()
	out, n = [], 0
	while n < 129000:
	    s = " ".join(r.choice(w) for _ in range(r.randint(8, 20)))
	    s = s.capitalize() + "."
	    out.append(s)
	    n += len(s) + 1
	for i in range(0, len(out), 6):
	    print(" ".join(out[i:i + 6]))
	    print()
	EOF
	n=$(ms tokens <common.txt) &&
	est=$(ms tokens -P ollama <common.txt) &&
	echo "$n counted, $est estimated" &&
	test "$n" -lt 30000 && test "$est" -gt 40000
'

test_expect_success 'mschat accepts what fits, counted exactly' '
	mock_start ok-stream &&
	mschat --base-url "$MOCK_URL" summarize <common.txt >out &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 1
'

test_expect_success 'the same input with an estimated model is refused, 65' '
	test_status 65 mschat -m other/model -n summarize <common.txt >out 2>err &&
	test ! -s out &&
	test_grep "^mschat: input too long: about [0-9]* tokens with the prompt and 1024 for the answer, the context holds 32768" err
'

test_expect_success 'the context check counts exactly: one token over is refused' '
	# The request is the input and the prompt: find the context at which
	# it just fits, then one less.
	printf "one two three four five six seven eight nine ten\n" >ten.txt &&
	mschat -n -u hi <ten.txt 2>err >/dev/null &&
	t=$(sed -n "s/^mschat: usage: request 1: \([0-9]*\) tokens in\$/\1/p" err) &&
	test -n "$t" &&
	mschat -n --context $((t + 1024)) hi <ten.txt >/dev/null &&
	test_status 65 mschat -n --context $((t + 1023)) hi <ten.txt 2>err &&
	test_grep "about $t tokens with the prompt and 1024 for the answer, the context holds $((t + 1023));" err
'

test_expect_success 'chunks: fewer requests with exact counts, each within the budget' '
	cat common.txt common.txt common.txt >doc.md &&
	mtranslate -n -u de <doc.md >counted 2>err.counted &&
	mtranslate -P ollama --base-url http://127.0.0.1:9/v1 -n de <doc.md >estimated &&
	c=$(wc -l <counted) && e=$(wc -l <estimated) &&
	echo "$c requests counted, $e estimated" &&
	test "$c" -lt "$e" &&
	test "$(grep -c "^mtranslate: usage: request [0-9]*: [0-9]* tokens in\$" err.counted)" = "$c" &&
	# Each request with 1024 tokens at least left for its answer.
	sed -n "s/^mtranslate: usage: request [0-9]*: \([0-9]*\) tokens in\$/\1/p" err.counted >sizes &&
	while read -r n; do
		test "$n" -le $((32768 - 1024)) || return 1
	done <sizes
'

test_expect_success 'chunks counted exactly still come back byte for byte' '
	mock_start echo-same &&
	mtranslate --base-url "$MOCK_URL" -P openrouter -j 4 de <doc.md >out &&
	test_cmp doc.md out &&
	test "$(mock_count)" = "$(wc -l <counted)"
'

test_expect_success '-n -u: each request and the whole job, before anything is sent' '
	mock_start ok-stream &&
	mtranslate --base-url "$MOCK_URL" -n -u de <doc.md >/dev/null 2>err &&
	test "$(mock_count)" = 0 &&
	sum=$(sed -n "s/^mtranslate: usage: request [0-9]*: \([0-9]*\) tokens in\$/\1/p" err |
		awk "{ s += \$1 } END { print s }") &&
	n=$(grep -c "^mtranslate: usage: request" err) &&
	cost=$("$PYTHON" -c "print(\"%.6f\" % ($sum * 0.20 / 1e6))") &&
	test_grep "^mtranslate: usage: $n requests, $sum tokens in (counted), \\\$$cost for the input; the answers are not counted\$" err &&
	mschat -n -u -P ollama hi <ten.txt 2>err >/dev/null &&
	test_grep "^mschat: usage: 1 request, [0-9]* tokens in (estimated), \\\$0.000000 for the input; the answers are not counted\$" err
'

test_expect_success '-v says how tokens are counted' '
	mschat -n -v hi <ten.txt 2>err >/dev/null &&
	test_grep "^mschat: tokens: counted by Mistral.s tokenizer\$" err &&
	mschat -n -v -P ollama hi <ten.txt 2>err >/dev/null &&
	test_grep "^mschat: tokens: estimated (no tokenizer known for the model; see tokenizer in ms-config(5))\$" err
'

test_done
