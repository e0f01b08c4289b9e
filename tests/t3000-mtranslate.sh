#!/bin/sh
# t3000-mtranslate.sh: mtranslate's command line: TO and -t, -f, language names, the shape of the output (newlines, CRLF, blank lines, fences), a vim filter.

test_description='mtranslate keeps the shape of its input byte for byte'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# tr_ ARG...: mtranslate against the current mock, with no retries.
tr_ () {
	mtranslate --retries 0 --base-url "$MOCK_URL" "$@"
}

# sys_of N: the system message of request N.
sys_of () {
	mock_req "$1" body.messages.0.content
}

# same_shape IN OUT [REQUEST]: with the current echo mock, the bytes IN
# (printf format) give exactly OUT on stdout, exit 0, nothing on stderr,
# and (when given) the user message REQUEST.
same_shape () {
	printf "$1" >in &&
	printf "$2" >expect &&
	tr_ de <in >out 2>err &&
	test_cmp /dev/null err &&
	cmp expect out &&
	if test $# -ge 3; then
		printf "$3" >expect.req &&
		mock_req_raw -1 body.messages.1.content >actual.req &&
		cmp expect.req actual.req
	fi
}

test_expect_success 'mtranslate de, -t de, --to de and --to=de are the same' '
	mock_start echo-upper &&
	printf "Hello\n" >in &&
	tr_ de <in >out1 2>err1 &&
	tr_ -t de <in >out2 2>err2 &&
	tr_ --to de <in >out3 2>err3 &&
	tr_ --to=de <in >out4 2>err4 &&
	printf "HELLO\n" >expect &&
	for i in 1 2 3 4; do
		test_cmp expect out$i &&
		test_cmp /dev/null err$i || return 1
	done &&
	test "$(mock_count)" = 4 &&
	for i in 2 3 4; do
		test "$(mock_req 1 body)" = "$(mock_req $i body)" || return 1
	done
'

test_expect_success 'TO and files: mtranslate -t de FILE, mtranslate de FILE -' '
	mock_start echo-upper &&
	printf "from a file\n" >file.txt &&
	tr_ -t de file.txt </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	printf "FROM A FILE\n" >expect &&
	test_cmp expect out &&
	printf "and stdin\n" | tr_ de file.txt - >out 2>err &&
	test_cmp /dev/null err &&
	printf "FROM A FILE\nAND STDIN\n" >expect &&
	test_cmp expect out &&
	test_status 66 tr_ de nosuch.txt >out 2>err &&
	test_cmp /dev/null out &&
	echo "mtranslate: cannot read '"'"'nosuch.txt'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	test "$(mock_count)" = 3
'

test_expect_success 'no TO is a usage error (64), nothing sent' '
	mock_start echo-upper &&
	test_status 64 tr_ </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mtranslate: " err &&
	test_grep "^usage: mtranslate " err &&
	printf "x\n" >in &&
	test_status 64 tr_ -f de <in >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^usage: mtranslate " err &&
	test_status 64 tr_ -t </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	test "$(mock_count)" = 0
'

test_expect_success 'de becomes "German (de)" in the system prompt' '
	mock_start echo-upper &&
	printf "Hello\n" | tr_ de >out 2>err &&
	test_cmp /dev/null err &&
	sys_of 1 >sys &&
	test_grep "into German (de)" sys &&
	test_grep -v "from " sys &&
	printf "Hello\n" | tr_ pt-BR >out 2>err &&
	sys_of 2 >sys &&
	test_grep "into Brazilian Portuguese (pt-BR)" sys &&
	printf "Hello\n" | tr_ German >out 2>err &&
	sys_of 3 >sys &&
	test_grep "into German\." sys &&
	test_grep -v "German (" sys
'

test_expect_success 'an unknown code or name passes through as given' '
	mock_start echo-upper &&
	printf "Hello\n" | tr_ xx-YY >out 2>err &&
	test_cmp /dev/null err &&
	printf "HELLO\n" >expect &&
	test_cmp expect out &&
	sys_of 1 >sys &&
	test_grep "into xx-YY\." sys &&
	printf "Hello\n" | tr_ "Old Norse" >out 2>err &&
	sys_of 2 >sys &&
	test_grep "into Old Norse\." sys
'

test_expect_success '-f fr appears in the prompt as "from French (fr)"' '
	mock_start echo-upper &&
	printf "Bonjour\n" | tr_ -f fr de >out 2>err &&
	test_cmp /dev/null err &&
	printf "BONJOUR\n" >expect &&
	test_cmp expect out &&
	sys_of 1 >sys &&
	test_grep "from French (fr) into German (de)" sys &&
	printf "Bonjour\n" | tr_ --from=fr -t de >out 2>err &&
	test "$(mock_req 1 body)" = "$(mock_req 2 body)" &&
	printf "Bonjour\n" | tr_ --from Klingon de >out 2>err &&
	sys_of 3 >sys &&
	test_grep "from Klingon into German (de)" sys
'

test_expect_success 'the output ends with a newline iff the input did' '
	mock_start echo-upper &&
	same_shape "Hello\n" "HELLO\n" "Hello" &&
	same_shape "Hello" "HELLO" "Hello" &&
	same_shape "one\ntwo" "ONE\nTWO" "one\ntwo" &&
	same_shape "one\n\ntwo\n" "ONE\n\nTWO\n" "one\n\ntwo"
'

test_expect_success 'CRLF in, CRLF out, byte for byte; the request has LF only' '
	mock_start echo-upper &&
	same_shape "Hello\r\n\r\nSecond line\r\nthird\r\n" \
		"HELLO\r\n\r\nSECOND LINE\r\nTHIRD\r\n" \
		"Hello\n\nSecond line\nthird" &&
	same_shape "a\r\nb" "A\r\nB" "a\nb" &&
	same_shape "\r\n\r\na\r\nb\r\n\r\n" "\r\n\r\nA\r\nB\r\n\r\n" "a\nb" &&
	mock_req_raw -1 raw >raw &&
	test_grep -v "\\\\r" raw
'

test_expect_success 'leading blank lines are kept, indentation too' '
	mock_start echo-upper &&
	same_shape "\n\nHello\n" "\n\nHELLO\n" "Hello" &&
	same_shape "\n  indented\nnext\n" "\n  INDENTED\nNEXT\n" "  indented\nnext" &&
	same_shape " \n\t\nx\n" " \n\t\nX\n" "x"
'

test_expect_success 'trailing blank lines are kept' '
	mock_start echo-upper &&
	same_shape "Hello\n\n\n" "HELLO\n\n\n" "Hello" &&
	same_shape "a\nb\n\n" "A\nB\n\n" "a\nb" &&
	same_shape "\nmiddle\n\n" "\nMIDDLE\n\n" "middle"
'

test_expect_success 'text in many scripts comes back byte for byte (echo)' '
	mock_start echo-same &&
	same_shape "Grüße, 世界 — привет\n  ¡olé!\n" "Grüße, 世界 — привет\n  ¡olé!\n" \
		"Grüße, 世界 — привет\n  ¡olé!"
'

test_expect_success 'whitespace-only input is copied unchanged, no request' '
	mock_start echo-upper &&
	for s in "" "\n" " \n\t\n\n" "\r\n\r\n" "   "; do
		printf "$s" >in &&
		tr_ de <in >out 2>err &&
		test_cmp /dev/null err &&
		cmp in out || return 1
	done &&
	test "$(mock_count)" = 0
'

test_expect_success 'the blank lines the model adds do not change the shape' '
	mock_start t3-padded &&
	printf "Hello world.\nSecond line.\n" | tr_ de >out 2>err &&
	test_cmp /dev/null err &&
	printf "Hallo Welt.\nZweite Zeile.\n" >expect &&
	cmp expect out &&
	printf "Hello world.\nSecond line." | tr_ de >out 2>err &&
	printf "Hallo Welt.\nZweite Zeile." >expect &&
	cmp expect out &&
	printf "\nHello world.\r\nSecond line.\r\n\r\n" | tr_ de >out 2>err &&
	printf "\nHallo Welt.\r\nZweite Zeile.\r\n\r\n" >expect &&
	cmp expect out
'

test_expect_success 'LF input gives LF output even when the model writes CRLF' '
	mock_start t3-crlf-answer &&
	printf "Line one\nLine two\n\nThird line\n" | tr_ de >out 2>err &&
	test_cmp /dev/null err &&
	printf "Zeile eins\nZeile zwei\n\nDritte Zeile\n" >expect &&
	cmp expect out &&
	printf "Line one\r\nLine two\r\n\r\nThird line\r\n" | tr_ de >out 2>err &&
	printf "Zeile eins\r\nZeile zwei\r\n\r\nDritte Zeile\r\n" >expect &&
	cmp expect out
'

test_expect_success 'a fence around the whole streamed answer is removed' '
	mock_start t3-fenced-stream &&
	printf "Hello world.\n\nSecond paragraph.\n" | tr_ de >out 2>err &&
	test_cmp /dev/null err &&
	printf "Hallo Welt.\n\nZweiter Absatz.\n" >expect &&
	cmp expect out &&
	printf "Hello world.\r\n\r\nSecond paragraph." | tr_ de >out 2>err &&
	printf "Hallo Welt.\r\n\r\nZweiter Absatz." >expect &&
	cmp expect out
'

test_expect_success 'a fence around the whole non-streamed answer is removed' '
	mock_start t3-fenced-completion &&
	printf "Hello world.\n\nSecond paragraph.\n" | tr_ --no-stream de >out 2>err &&
	test_cmp /dev/null err &&
	printf "Hallo Welt.\n\nZweiter Absatz.\n" >expect &&
	cmp expect out &&
	test "$(mock_req 1 body.stream)" = true &&
	printf "\n\nHello world.\n\nSecond paragraph." | tr_ --no-stream de >out 2>err &&
	printf "\n\nHallo Welt.\n\nZweiter Absatz." >expect &&
	cmp expect out
'

test_expect_success 'a fence closed at the very end of a non-streamed answer is removed' '
	mock_start ok-fenced-nostream &&
	printf "This is a test.\nSecond line.\n" | tr_ --no-stream de >out 2>err &&
	test_cmp /dev/null err &&
	printf "Das ist ein Test.\nZweite Zeile.\n" >expect &&
	cmp expect out
'

test_expect_success '--raw keeps the fence' '
	mock_start t3-fenced-completion &&
	printf "Hello world.\n" | tr_ --raw --no-stream de >out 2>err &&
	test_cmp /dev/null err &&
	printf "\`\`\`markdown\nHallo Welt.\n\nZweiter Absatz.\n\`\`\`\n" >expect &&
	cmp expect out
'

test_expect_success 'the fence stays when the input itself has one' '
	mock_start echo-same &&
	same_shape "\`\`\`\nls -l\n\`\`\`\n" "\`\`\`\nls -l\n\`\`\`\n" &&
	same_shape "\`\`\`sh\nmake\n\`\`\`" "\`\`\`sh\nmake\n\`\`\`" &&
	mock_start t3-fenced-completion &&
	printf "Run:\n\`\`\`sh\nls\n\`\`\`\n" | tr_ --no-stream de >out 2>err &&
	test_cmp /dev/null err &&
	printf "\`\`\`markdown\nHallo Welt.\n\nZweiter Absatz.\n\`\`\`\n" >expect &&
	cmp expect out &&
	mock_start t3-fenced-stream &&
	printf "Run:\n\`\`\`sh\nls\n\`\`\`\n" | tr_ de >out 2>err &&
	test_cmp /dev/null err &&
	printf "\`\`\`\nHallo Welt.\n\nZweiter Absatz.\n\`\`\`\n" >expect &&
	cmp expect out
'

# A small repository with one staged change.
make_repo () {
	GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester \
	GIT_AUTHOR_EMAIL=tester@example.org GIT_COMMITTER_NAME=Tester \
	GIT_COMMITTER_EMAIL=tester@example.org
	export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
		GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
	git init -q "$1" &&
	(
		cd "$1" &&
		echo "hello" >hello.txt &&
		git add hello.txt
	)
}

test_expect_success 'the prepare-commit-msg hook of mtranslate(1) EXAMPLES works' '
	mock_start echo-upper &&
	make_repo repo &&
	awk "/prepare-commit-msg/ { seen = 1 }
		seen && /^\\.Ed/ { exit }
		seen && on { print }
		seen && /^\\.Bd -literal/ { on = 1 }" "$MS_SRCDIR/man/mtranslate.1" |
		sed "s/\\\\e/\\\\/g" >repo/.git/hooks/prepare-commit-msg &&
	cat repo/.git/hooks/prepare-commit-msg &&
	test_grep "mtranslate" repo/.git/hooks/prepare-commit-msg &&
	chmod +x repo/.git/hooks/prepare-commit-msg &&
	(
		cd repo &&
		MS_BASE_URL=$MOCK_URL git commit -q -m "Grüße an alle" \
			-m "Zweiter Absatz." >../out 2>../err &&
		git log -1 --format=%B >../msg
	) &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	printf "GRÜSSE AN ALLE\n\nZWEITER ABSATZ.\n\n" >expect &&
	test_cmp expect msg &&
	test "$(mock_count)" = 1 &&
	sys_of 1 >sys &&
	test_grep "into English (en)" sys
'

if test_have_prereq vim; then
	test_expect_success 'vim filter: vim -es -c "%!mtranslate de" -c wq FILE' '
		mock_start echo-upper &&
		printf "\nHello world.\n\n  Second paragraph.\nlast line\n" >file.txt &&
		MS_BASE_URL=$MOCK_URL SHELL=/bin/sh \
			vim -es -c "%!mtranslate de" -c wq file.txt </dev/null >out 2>err &&
		printf "\nHELLO WORLD.\n\n  SECOND PARAGRAPH.\nLAST LINE\n" >expect &&
		cmp expect file.txt &&
		test "$(mock_count)" = 1 &&
		printf "Hello world.\n\n  Second paragraph.\nlast line" >expect &&
		mock_req_raw 1 body.messages.1.content >actual &&
		cmp expect actual &&
		sys_of 1 >sys &&
		test_grep "into German (de)" sys
	'

	test_expect_success 'vim filter on a range of lines' '
		mock_start echo-upper &&
		printf "keep me\nchange me\nand me\nkeep me too\n" >file.txt &&
		MS_BASE_URL=$MOCK_URL SHELL=/bin/sh \
			vim -es -c "2,3!mtranslate de" -c wq file.txt </dev/null >out 2>err &&
		printf "keep me\nCHANGE ME\nAND ME\nkeep me too\n" >expect &&
		cmp expect file.txt &&
		test "$(mock_count)" = 1
	'
	test_expect_success 'vim filter with -k: a failure gives the text back' '
		mock_start http-401-openrouter &&
		printf "Hello world.\n\nSecond paragraph.\n" >file.txt &&
		cp file.txt orig.txt &&
		MS_BASE_URL=$MOCK_URL SHELL=/bin/sh \
			vim -es -c "%!mtranslate -k de" -c wq file.txt </dev/null >out 2>err &&
		cmp orig.txt file.txt &&
		test "$(mock_count)" = 1
	'
else
	test_skip 'vim filter: vim -es -c "%!mtranslate de" -c wq FILE' 'no vim'
	test_skip 'vim filter on a range of lines' 'no vim'
	test_skip 'vim filter with -k: a failure gives the text back' 'no vim'
fi

test_done
