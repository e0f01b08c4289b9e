#!/bin/sh
# t1000-mschat.sh: mschat's command line: prompt words, standard input as context, the chat template, newlines, streaming, git use.

test_description='mschat builds its request from words and stdin, and streams one answer'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# chat ARG...: mschat against the current mock, with no retries.
chat () {
	mschat --retries 0 --base-url "$MOCK_URL" "$@"
}

# The [system] section of the built-in chat template, as sent: the lines
# between [system] and the next section, final newlines dropped.
sed -n '/^\[system\]$/,/^\[/p' "$MS_SRCDIR/lib/templates/chat" |
	sed '1d;$d' >"$TEST_ROOT/chat-system" &&
printf '%s' "$(cat "$TEST_ROOT/chat-system")" >"$TEST_ROOT/chat-system" ||
	exit 1

# stamp: copy stdin to stdout; on stderr, the seconds from start to the
# first read and to the end of input, and the size of the first read.
stamp () {
	"$PYTHON" -c '
import os, sys, time
t0 = time.monotonic()
first = None
data = b""
while True:
    b = os.read(0, 65536)
    if not b:
        break
    if first is None:
        first = (time.monotonic() - t0, len(b))
    data += b
end = time.monotonic() - t0
sys.stdout.buffer.write(data)
if first is None:
    first = (-1, 0)
sys.stderr.write("%.3f %.3f %d\n" % (first[0], end, first[1]))
'
}

test_expect_success 'prompt words are joined by single spaces' '
	mock_start echo-same &&
	chat write "a  haiku" about pipes >out 2>err </dev/null &&
	test_cmp /dev/null err &&
	printf "write a  haiku about pipes\n" >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 1 &&
	printf "write a  haiku about pipes" >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual &&
	test "$(mock_req 1 body.messages.1.role)" = user &&
	test "$(mock_req 1 path)" = /v1/chat/completions &&
	test "$(mock_req 1 body.stream)" = true
'

test_expect_success 'a single word with inner blanks is kept as written' '
	mock_start echo-same &&
	chat "  two  spaces " >out 2>err </dev/null &&
	test_cmp /dev/null err &&
	printf "  two  spaces " >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual
'

test_expect_success 'stdin is attached as context after the prompt' '
	mock_start echo-same &&
	printf "diff --git a/x b/x\n+new line\n\n  indented\n" >input &&
	chat write a commit message <input >out 2>err &&
	test_cmp /dev/null err &&
	printf "write a commit message\n\n<input>\ndiff --git a/x b/x\n+new line\n\n  indented\n</input>" >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual &&
	printf "\n" >>expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 1
'

test_expect_success 'the context drops only its final line ends (LF and CRLF)' '
	mock_start echo-same &&
	printf "one\r\ntwo\r\n\r\n" | chat explain >out 2>err &&
	test_cmp /dev/null err &&
	printf "explain\n\n<input>\none\r\ntwo\n</input>" >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual
'

test_expect_success 'no words: stdin is the whole request' '
	mock_start echo-same &&
	printf "What is 2+2?\n\nAnswer in one word.\n" | chat >out 2>err &&
	test_cmp /dev/null err &&
	printf "What is 2+2?\n\nAnswer in one word." >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual &&
	printf "What is 2+2?\n\nAnswer in one word.\n" >expect &&
	test_cmp expect out &&
	test_grep -v "<input>" actual
'

test_expect_success 'words and /dev/null: no input, the request is just the prompt' '
	mock_start echo-same &&
	chat hello there </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	printf "hello there\n" >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 1 &&
	printf "hello there" >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual
'

test_expect_success 'words and an empty or blank pipe or file: empty input, nothing sent' '
	mock_start echo-same &&
	printf "" | chat write a commit message >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	printf "\n  \n\t\n" | chat hello there >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	: >empty.txt &&
	chat hello there <empty.txt >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 0
'

test_expect_success 'git diff --cached with nothing staged: no commit message invented' '
	mock_start echo-same &&
	git init -q repo &&
	(cd repo && git diff --cached | mschat --base-url "$MOCK_URL" \
		"write a commit message") >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 0
'

test_expect_success 'no words and empty or blank stdin: no output, no request' '
	mock_start echo-same &&
	chat </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	printf "\n \n\n" | chat >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	printf "\n" | chat "" >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 0
'

test_expect_success 'the system message is the built-in chat template'"'"'s' '
	mock_start echo-same &&
	chat hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 body.messages.0.role)" = system &&
	mock_req_raw 1 body.messages.0.content >actual &&
	test_cmp "$TEST_ROOT/chat-system" actual &&
	test_grep "precise assistant working inside a Unix pipeline" actual &&
	test_grep "commit message" actual &&
	test "$(mock_req 1 body.messages.1.role)" = user &&
	! mock_req 1 body.messages.2
'

test_expect_success '-s replaces the system message, the user message stays' '
	mock_start echo-same &&
	printf "ctx\n" | chat -s "Be terse." sum up >out 2>err &&
	test_cmp /dev/null err &&
	printf "Be terse." >expect &&
	mock_req_raw 1 body.messages.0.content >actual &&
	test_cmp expect actual &&
	printf "sum up\n\n<input>\nctx\n</input>" >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual
'

test_expect_success 'an answer ending with several newlines ends with one' '
	mock_start ok-stream-trailing-newlines &&
	chat hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	printf "Line one.\nLine two.\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an answer with no final newline gets one' '
	mock_start ok-stream &&
	chat hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	printf "Hello, world! This is a plain streamed answer.\n" >expect &&
	test_cmp expect out
'

test_expect_success '--no-stream: several final newlines become one' '
	mock_start t1-nostream-newlines &&
	chat --no-stream hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	printf "First line.\n\nSecond paragraph.\n" >expect &&
	test_cmp expect out &&
	test "$(mock_req 1 body.stream)" = true
'

test_expect_success '--no-stream: a missing final newline is added' '
	mock_start t1-nostream-no-newline &&
	chat --no-stream hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	printf "No newline at the end.\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the answer streams: the first delta is out before the end' '
	mock_start ok-stream-slow &&
	{ chat hi </dev/null 2>err; echo $? >status; } | stamp >out 2>times &&
	test "$(cat status)" = 0 &&
	test_cmp /dev/null err &&
	printf "slow stream, one\n" >expect &&
	test_cmp expect out &&
	cat times &&
	read first end size <times &&
	# Three deltas 0.3 s apart: the first must not wait for the last.
	awk -v f="$first" -v e="$end" "BEGIN { exit !(f >= 0 && e - f >= 0.3) }" &&
	test "$size" -lt 17
'

test_expect_success 'head -c reads the first delta while the stream goes on' '
	mock_start ok-stream-slow &&
	{ chat hi </dev/null 2>err; echo $? >status; } | {
		head -c 4 >first &&
		date +%s.%N >t_first &&
		cat >rest &&
		date +%s.%N >t_end
	} &&
	printf "slow" >expect &&
	test_cmp expect first &&
	printf " stream, one\n" >expect &&
	test_cmp expect rest &&
	test_cmp /dev/null err &&
	test "$(cat status)" = 0 &&
	awk -v f="$(cat t_first)" -v e="$(cat t_end)" \
		"BEGIN { exit !(e - f >= 0.3) }"
'

# A small repository with one staged change.
make_repo () {
	GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester \
	GIT_AUTHOR_EMAIL=tester@example.org GIT_COMMITTER_NAME=Tester \
	GIT_COMMITTER_EMAIL=tester@example.org GIT_AUTHOR_DATE=1700000000 \
	GIT_COMMITTER_DATE=1700000000
	export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
		GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE \
		GIT_COMMITTER_DATE
	git init -q "$1" &&
	(
		cd "$1" &&
		: >hello.txt &&
		git add hello.txt &&
		git commit -q -m "Add an empty hello.txt" &&
		echo "hello, world" >hello.txt &&
		git add hello.txt
	)
}

cat >"$TEST_ROOT/commit-msg" <<\EOF
Add a greeting to hello.txt

The file said nothing; it now greets the reader, so the
examples have some text to work on.
EOF

test_expect_success 'git diff --cached | mschat "write a commit message"' '
	mock_start t1-commit-message &&
	make_repo repo &&
	(
		cd repo &&
		git diff --cached >../diff &&
		git diff --cached | chat "write a commit message" >../out 2>../err
	) &&
	test_cmp /dev/null err &&
	test_cmp "$TEST_ROOT/commit-msg" out &&
	test_grep "^+hello, world$" diff &&
	{
		printf "write a commit message\n\n<input>\n" &&
		cat diff &&
		printf "</input>"
	} >expect &&
	mock_req_raw 1 body.messages.1.content >actual &&
	test_cmp expect actual
'

test_expect_success 'a prepare-commit-msg hook writes the commit message' '
	mock_start t1-commit-message &&
	make_repo hooked &&
	cat >hooked/.git/hooks/prepare-commit-msg <<-\EOF &&
	#!/bin/sh
	# Only for a plain "git commit", not -m, merges or amends.
	test -z "$2" || exit 0
	git diff --cached |
		mschat --retries 0 --base-url "$MOCK_URL" "write a commit message" >"$1.ms" &&
		cat "$1" >>"$1.ms" &&
		mv "$1.ms" "$1"
	EOF
	chmod +x hooked/.git/hooks/prepare-commit-msg &&
	(
		cd hooked &&
		GIT_EDITOR=true git commit -q >../out 2>../err &&
		git log -1 --format=%B >../msg
	) &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	{ cat "$TEST_ROOT/commit-msg" && echo; } >expect &&
	test_cmp expect msg &&
	test "$(mock_count)" = 1 &&
	mock_req 1 body.messages.1.content >actual &&
	test_grep "^+hello, world$" actual
'

test_expect_success 'the prepare-commit-msg hook of mschat(1) EXAMPLES works' '
	mock_start t1-commit-message &&
	make_repo manhook &&
	awk "/prepare-commit-msg/ { seen = 1 }
		seen && /^\\.Ed/ { exit }
		seen && on { print }
		seen && /^\\.Bd -literal/ { on = 1 }" "$MS_SRCDIR/man/mschat.1" |
		sed "s/\\\\e/\\\\/g" >manhook/.git/hooks/prepare-commit-msg &&
	cat manhook/.git/hooks/prepare-commit-msg &&
	test_grep "^#!/bin/sh" manhook/.git/hooks/prepare-commit-msg &&
	test_grep "mschat" manhook/.git/hooks/prepare-commit-msg &&
	chmod +x manhook/.git/hooks/prepare-commit-msg &&
	(
		cd manhook &&
		MS_BASE_URL=$MOCK_URL GIT_EDITOR=true git commit -q >../out 2>../err &&
		git log -1 --format=%B >../msg
	) &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err &&
	{ cat "$TEST_ROOT/commit-msg" && echo; } >expect &&
	test_cmp expect msg &&
	test "$(mock_count)" = 1
'

test_expect_success 'a config profile with no context_tokens gets the default context' '
	mock_start echo-same &&
	mkdir -p "$XDG_CONFIG_HOME/ms" &&
	printf "[profile mock]\nbase_url = %s\n" "$MOCK_URL" >"$XDG_CONFIG_HOME/ms/config" &&
	mschat --retries 0 -P mock hello </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	echo hello >expect &&
	test_cmp expect out &&
	MS_PROFILE=mock mschat --retries 0 again </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	echo again >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 2 &&
	auth=$(mock_req 1 headers.authorization || :) &&
	test -z "$auth"
'

test_done
