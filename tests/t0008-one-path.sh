#!/bin/sh
# t0008-one-path.sh: one request is a job of one piece: the rules of chunked input (SPEC 5, 8) hold for input that fits one request too.

test_description='a single request follows the rules of a chunked job'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

printf 'First paragraph, short.\n\nSecond paragraph, also short.\n' >two.txt
printf 'FIRST PARAGRAPH, SHORT.\n\nSECOND PARAGRAPH, ALSO SHORT.\n' >two.up

test_expect_success 'mtranslate --no-stream: one request cut for length is redone in two parts' '
	mock_start t0-cut-once &&
	mtranslate --retries 0 --base-url "$MOCK_URL" --no-stream de \
		<two.txt >out 2>err &&
	test_cmp /dev/null err &&
	cmp two.up out &&
	test "$(mock_count)" = 3 &&
	{ mock_req 2 body.messages.1.content &&
	  mock_req 3 body.messages.1.content; } | sort >parts &&
	printf "First paragraph, short.\nSecond paragraph, also short.\n" >expect &&
	test_cmp expect parts
'

test_expect_success 'mtranslate -k: the same redo, and the whole translation' '
	mock_start t0-cut-once &&
	mtranslate --retries 0 --base-url "$MOCK_URL" -k de <two.txt >out 2>err &&
	test_cmp /dev/null err &&
	cmp two.up out &&
	test "$(mock_count)" = 3
'

test_expect_success 'mtranslate streaming one request cut for length: 69 with the --no-stream hint' '
	mock_start t0-cut-once &&
	test_status 69 mtranslate --retries 0 --base-url "$MOCK_URL" de \
		<two.txt >out 2>err &&
	test_grep "^mtranslate: .*finish_reason \"length\"" err &&
	test_grep -e "--no-stream" err &&
	test_line_count = 1 err &&
	test "$(mock_count)" = 1
'

test_expect_success 'mtranslate -k, every answer cut: 69, the input back byte for byte' '
	mock_start echo-length &&
	test_status 69 mtranslate --retries 0 --base-url "$MOCK_URL" -k de \
		<two.txt >out 2>err &&
	test_grep "cannot be cut smaller" err &&
	cmp two.txt out
'

test_expect_success 'msummarize -k with a missing file gives back what it could read' '
	mock_start ok-stream &&
	printf "one\n" >a.txt &&
	printf "three" >c.txt &&
	test_status 66 msummarize --base-url "$MOCK_URL" -k a.txt nosuch c.txt \
		>out 2>err &&
	echo "msummarize: cannot read '"'"'nosuch'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	printf "one\nthree" >expect &&
	cmp expect out &&
	test "$(mock_count)" = 0
'

test_expect_success 'mtranslate -k with invalid UTF-8 in the second file: everything back' '
	mock_start echo-upper &&
	printf "ok\n" >a.txt &&
	printf "bad \377 byte\n" >b.txt &&
	test_status 65 mtranslate --base-url "$MOCK_URL" -k de a.txt b.txt \
		>out 2>err &&
	test_grep "invalid UTF-8 at byte offset 4 of '"'"'b.txt'"'"'" err &&
	cat a.txt b.txt >expect &&
	cmp expect out
'

test_expect_success 'an error after part of a line on a terminal starts on a line of its own' '
	mock_start no-retry-stream-error-after-output &&
	test_pty screen mschat --retries 0 --base-url "$MOCK_URL" hi >screen &&
	sed -n 1p screen >status &&
	echo "status 69" >expect &&
	test_cmp expect status &&
	sed -n 2p screen >line1 &&
	echo "Partial" >expect &&
	test_cmp expect line1 &&
	sed -n 3p screen >line2 &&
	test_grep "^mschat: error in stream" line2
'

test_expect_success 'without a terminal the message is only on stderr' '
	mock_start no-retry-stream-error-after-output &&
	test_status 69 mschat --retries 0 --base-url "$MOCK_URL" hi >out 2>err &&
	printf "Partial" >expect &&
	cmp expect out &&
	test_grep "^mschat: error in stream" err
'

test_done
