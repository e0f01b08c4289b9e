#!/bin/sh
# t2000-msummarize.sh: msummarize's command line: files and stdin in order, -l, -F, -L, --focus, unreadable files, the final newline.

test_description='msummarize reads its files in order and puts its options in the prompt'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# summ ARG...: msummarize against the current mock, with no retries.
summ () {
	msummarize --retries 0 --base-url "$MOCK_URL" "$@"
}

# text_of N: the text between <text> and </text> in request N's user
# message, its final newlines dropped.
text_of () {
	mock_req_raw "$1" body.messages.1.content | "$PYTHON" -c '
import sys
s = sys.stdin.read()
a = s.index("<text>\n") + len("<text>\n")
b = s.rindex("</text>")
sys.stdout.write(s[a:b].rstrip("\n"))
'
}

printf 'First file, line one.\nFirst file, line two.\n' >"$TRASH_DIRECTORY/one.txt"
printf 'Third part.\n' >"$TRASH_DIRECTORY/three.txt"

test_expect_success 'files are read in order, - is stdin' '
	mock_start echo-same &&
	printf "Second part, from stdin.\n" | summ one.txt - three.txt >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 1 &&
	printf "First file, line one.\nFirst file, line two.\nSecond part, from stdin.\nThird part." >expect &&
	text_of 1 >actual &&
	test_cmp expect actual &&
	test "$(mock_req 1 body.messages.1.role)" = user &&
	test "$(mock_req 1 body.messages.0.role)" = system
'

test_expect_success 'no FILE: stdin is the input' '
	mock_start echo-same &&
	printf "Only stdin.\n" | summ >out 2>err &&
	test_cmp /dev/null err &&
	printf "Only stdin." >expect &&
	text_of 1 >actual &&
	test_cmp expect actual
'

test_expect_success 'the output is the answer, ending with exactly one newline' '
	mock_start echo-same &&
	summ three.txt >out 2>err &&
	test_cmp /dev/null err &&
	mock_req_raw 1 body.messages.1.content >expect &&
	echo >>expect &&
	test_cmp expect out &&
	mock_start ok-stream-trailing-newlines &&
	summ three.txt >out 2>err &&
	test_cmp /dev/null err &&
	printf "Line one.\nLine two.\n" >expect &&
	test_cmp expect out &&
	mock_start ok-stream &&
	summ three.txt >out 2>err &&
	test_cmp /dev/null err &&
	printf "Hello, world! This is a plain streamed answer.\n" >expect &&
	test_cmp expect out &&
	mock_start t1-nostream-newlines &&
	summ --no-stream three.txt >out 2>err &&
	test_cmp /dev/null err &&
	printf "First line.\n\nSecond paragraph.\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the system prompt is the summarize template'"'"'s' '
	mock_start echo-same &&
	summ three.txt >out 2>err &&
	test_cmp /dev/null err &&
	mock_req 1 body.messages.0.content >sys &&
	test_grep "You write summaries" sys &&
	test_grep -i "no code fence" sys
'

# One echo server for the tests that only look at the prompt.
mock_start echo-same || exit 1

# length_prompt ARG...: the system prompt msummarize sends with ARG (to
# the shared echo server).
length_prompt () {
	_n=$(mock_count) &&
	summ "$@" three.txt >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = $((_n + 1)) &&
	mock_req -1 body.messages.0.content
}

test_expect_success '-l short|medium|long|N change the length hint' '
	length_prompt -l short >short &&
	length_prompt --length medium >medium &&
	length_prompt -l long >long &&
	length_prompt -l 42 >n42 &&
	length_prompt --length=250 >n250 &&
	length_prompt >default &&
	test_grep "at most 3 sentences" short &&
	test_grep -v "150 words" short &&
	test_grep "about 150 words" medium &&
	test_grep -v "at most 3 sentences" medium &&
	test_grep "about 400 words" long &&
	test_grep -v "150 words" long &&
	test_grep "about 42 words" n42 &&
	test_grep -v "150 words" n42 &&
	test_grep "about 250 words" n250 &&
	test_cmp medium default
'

test_expect_success '-F paragraph|bullets|oneline change the format hint' '
	length_prompt -F paragraph >paragraph &&
	length_prompt --format bullets >bullets &&
	length_prompt -F oneline >oneline &&
	length_prompt >default &&
	test_grep "no lists" paragraph &&
	test_grep -v "bullet" paragraph &&
	test_grep "bullet points" bullets &&
	test_grep -v "no lists" bullets &&
	test_grep "one single line" oneline &&
	test_grep -v "bullet" oneline &&
	test_grep -v "no lists" oneline &&
	test_cmp paragraph default
'

# usage_error ARG...: msummarize ARG exits 64 with a message and the
# usage line, writes nothing on stdout and sends nothing.
usage_error () {
	_n=$(mock_count) &&
	test_status 64 summ "$@" three.txt >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^msummarize: " err &&
	test_grep "^usage: msummarize " err &&
	test "$(mock_count)" = "$_n"
}

test_expect_success 'a bad -l is a usage error (64)' '
	usage_error -l huge &&
	test_grep "^msummarize: .*huge" err &&
	usage_error -l 0 &&
	usage_error -l -5 &&
	usage_error -l "" &&
	usage_error --length 12words &&
	_n=$(mock_count) &&
	test_status 64 summ -l </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^msummarize: .*needs an argument" err &&
	test "$(mock_count)" = "$_n"
'

test_expect_success 'a bad -F is a usage error (64)' '
	usage_error -F table &&
	test_grep "^msummarize: .*table" err &&
	usage_error --format Bullets &&
	usage_error -F ""
'

test_expect_success '-L LANG puts the language in the prompt' '
	length_prompt -L de >de &&
	length_prompt --lang Japanese >ja &&
	length_prompt >default &&
	test_grep -E "summary in (German|de)" de &&
	test_grep -v "language of the text" de &&
	test_grep "summary in Japanese" ja &&
	test_grep "language of the text" default &&
	test_grep -v -E "German|\<de\>" default
'

test_expect_success '--focus TEXT appears in the prompt' '
	length_prompt --focus "the budget figures" >focus &&
	length_prompt >default &&
	test_grep "the budget figures" focus &&
	test_grep -v -i "focus" default
'

test_expect_success 'options together all reach the one request' '
	length_prompt -l short -F bullets -L fr --focus "risks" >all &&
	test_grep "at most 3 sentences" all &&
	test_grep "bullet points" all &&
	test_grep -E "summary in (French|fr)" all &&
	test_grep "risks" all
'

test_expect_success 'a missing file: 66, cannot read, no request' '
	mock_start echo-same &&
	test_status 66 summ x >out 2>err &&
	test_cmp /dev/null out &&
	echo "msummarize: cannot read '"'"'x'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	test_status 66 summ one.txt nosuch three.txt >out 2>err &&
	test_cmp /dev/null out &&
	echo "msummarize: cannot read '"'"'nosuch'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	test "$(mock_count)" = 0
'

test_expect_success 'an unreadable file or a directory: 66, no request' '
	mock_start echo-same &&
	test_status 66 summ . >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^msummarize: cannot read '"'"'\.'"'"'" err &&
	test_line_count = 1 err &&
	if test "$(id -u)" != 0; then
		printf "secret\n" >locked && chmod 000 locked &&
		test_status 66 summ locked >out 2>err &&
		test_grep "^msummarize: cannot read '"'"'locked'"'"': Permission denied" err
	fi &&
	test "$(mock_count)" = 0
'

test_expect_success 'empty input: no output, no request, 0' '
	mock_start echo-same &&
	: >empty &&
	summ empty </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	printf "\n\n" | summ >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 0
'

test_expect_success 'ms summarize is msummarize' '
	mock_start echo-same &&
	ms summarize --retries 0 --base-url "$MOCK_URL" -l short one.txt >out 2>err &&
	test_cmp /dev/null err &&
	summ -l short one.txt >out2 2>err &&
	test_cmp out out2 &&
	test "$(mock_req 1 body)" = "$(mock_req 2 body)"
'

test_done
