#!/bin/sh
# t9400-editors.sh: the editor filters and the terminal of SPEC 8 with the editors' stock settings: vim -u NONE, emacs -Q, a tmux pane.

test_description='stock vim, Emacs and tmux around the tools'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
# 'shell' in vim and shell-file-name in Emacs come from SHELL; with
# /bin/sh, vim's stock 'shellredir' is ">%s 2>&1".
SHELL=/bin/sh
export OPENROUTER_API_KEY SHELL

# on_tty CMD...: run CMD in a session of its own whose controlling
# terminal is a new pseudo-terminal (stdin from /dev/null, stdout and
# stderr on the terminal); what the terminal got goes to the file "tty",
# CR removed, and on_tty exits with CMD's status.
on_tty () {
	timeout 30 "$PYTHON" -c '
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    nul = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nul, 0)
    os.execvp(sys.argv[1], sys.argv[1:])
data = b""
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    data += b
_, st = os.waitpid(pid, 0)
with open("tty", "wb") as f:
    f.write(data.replace(b"\r", b""))
sys.exit(os.waitstatus_to_exitcode(st))
' "$@"
}

# no_tty CMD...: run CMD in a session of its own with no controlling
# terminal (opening /dev/tty fails there).
no_tty () {
	setsid -w "$@"
}

# vim_filter FILE FILTER [EX-COMMAND]: stock vim (vim -u NONE), run
# non-interactively, filters the whole of FILE through the shell command
# FILTER (":%!FILTER") after EX-COMMAND, and writes FILE; v:shell_error
# goes to the file "status".  $wrap (empty, no_tty or on_tty) runs vim.
vim_filter () {
	rm -f status &&
	$wrap timeout 20 vim -u NONE -i NONE -N -n -es -c "${3:-}" \
		-c "%!$2" -c 'call writefile([v:shell_error], "status")' \
		-c wq "$1" </dev/null
}

# emacs_filter FILE COMMAND [ERROR-BUFFER]: emacs -Q --batch visits FILE,
# replaces the whole buffer with the output of COMMAND
# (shell-command-on-region with REPLACE) and saves it; the status
# shell-command-on-region returns goes to the file "status", and the
# text of ERROR-BUFFER (when given and made) to the file "errbuf".
# $wrap (empty, no_tty or on_tty) runs Emacs.
emacs_filter () {
	rm -f status errbuf &&
	if test -n "${3:-}"; then _eb="\"$3\""; else _eb=nil; fi &&
	$wrap timeout 20 emacs -Q --batch "$1" --eval "(let ((st (shell-command-on-region (point-min) (point-max) \"$2\" t t $_eb)))
		(save-buffer)
		(write-region (format \"%S\\n\" st) nil \"status\")
		(when (and $_eb (get-buffer $_eb))
		  (with-current-buffer $_eb (write-region nil nil \"errbuf\"))))" \
		</dev/null
}

# the command line each editor runs, against the current mock
mt () {
	echo "mtranslate --retries 0 --base-url $MOCK_URL $*"
}

printf "Hello world.\n\n  Second paragraph.\nlast line\n" >orig.txt
printf "HELLO WORLD.\n\n  SECOND PARAGRAPH.\nLAST LINE\n" >upper.txt
wrap=

# --- vim -u NONE ------------------------------------------------------------

if test_have_prereq vim; then
	test_expect_success 'vim: :%!mtranslate de, the file becomes the translation' '
		mock_start echo-upper &&
		cp orig.txt file.txt &&
		vim_filter file.txt "$(mt de)" &&
		cmp upper.txt file.txt &&
		echo 0 >expect &&
		test_cmp expect status &&
		test "$(mock_count)" = 1
	'

	test_expect_success 'vim: :%!mtranslate -k de, the same translation' '
		mock_start echo-upper &&
		cp orig.txt file.txt &&
		vim_filter file.txt "$(mt -k de)" &&
		cmp upper.txt file.txt &&
		echo 0 >expect &&
		test_cmp expect status
	'

	# The message of a failing -k run, as the tool prints it on a stderr
	# of its own: what a terminal should show.
	ref_k_message () {
		_st=0
		mtranslate --retries 0 --base-url "$MOCK_URL" -k "$@" \
			<orig.txt >ref.out 2>ref.err || _st=$?
		cat ref.err
		test "$_st" = 69 &&
		cmp orig.txt ref.out &&
		test_line_count = 1 ref.err &&
		test_grep "^mtranslate: HTTP 503 " ref.err
	}

	for w in "" no_tty; do
		test_expect_success "vim${w:+ under $w}: :%!mtranslate -k de with a failing server keeps the file byte for byte" '
			mock_start http-503-openrouter &&
			cp orig.txt file.txt &&
			wrap="'"$w"'" vim_filter file.txt "$(mt -k de)" &&
			cmp orig.txt file.txt &&
			echo 69 >expect &&
			test_cmp expect status &&
			test "$(mock_count)" = 1
		'
	done

	test_expect_success 'vim on a terminal: -k with a failing server keeps the file, the message goes to the terminal' '
		mock_start http-503-openrouter &&
		ref_k_message de &&
		cp orig.txt file.txt &&
		wrap=on_tty vim_filter file.txt "$(mt -k de)" &&
		cmp orig.txt file.txt &&
		echo 69 >expect &&
		test_cmp expect status &&
		test_cmp ref.err tty
	'

	test_expect_success 'vim: :%!mtranslate de with a failing server: the buffer is what the tool printed, stdout and stderr' '
		mock_start http-503-openrouter &&
		test_status 69 mtranslate --retries 0 --base-url "$MOCK_URL" de \
			<orig.txt >expect 2>&1 &&
		test_line_count = 1 expect &&
		test_grep "^mtranslate: HTTP 503 from .$MOCK_URL.: upstream overloaded (mock 503)" expect &&
		cp orig.txt file.txt &&
		vim_filter file.txt "$(mt de)" &&
		cmp expect file.txt &&
		echo 69 >expect &&
		test_cmp expect status
	'

	test_expect_success 'vim: :%!mtranslate -k de -q (an option after TO) translates' '
		mock_start echo-upper &&
		cp orig.txt file.txt &&
		vim_filter file.txt "$(mt -k de -q)" &&
		cmp upper.txt file.txt &&
		echo 0 >expect &&
		test_cmp expect status &&
		test "$(mock_count)" = 1
	'

	for w in "" no_tty; do
		test_expect_success "vim${w:+ under $w}: :%!mtranslate -k de -q with a failing server keeps the file" '
			mock_start http-503-openrouter &&
			cp orig.txt file.txt &&
			wrap="'"$w"'" vim_filter file.txt "$(mt -k de -q)" &&
			cmp orig.txt file.txt &&
			echo 69 >expect &&
			test_cmp expect status &&
			test "$(mock_count)" = 1
		'
	done

	test_expect_success 'vim on a terminal: -k de -q with a failing server keeps the file, the message goes to the terminal' '
		mock_start http-503-openrouter &&
		ref_k_message de -q &&
		cp orig.txt file.txt &&
		wrap=on_tty vim_filter file.txt "$(mt -k de -q)" &&
		cmp orig.txt file.txt &&
		test_cmp ref.err tty
	'

	test_expect_success 'vim: a CRLF file round-trips byte for byte (echo)' '
		mock_start echo-same &&
		printf "Hello world.\r\n\r\n  Second paragraph.\r\nlast line\r\n" >crlf.txt &&
		cp crlf.txt file.txt &&
		vim_filter file.txt "$(mt de)" &&
		cmp crlf.txt file.txt &&
		cp crlf.txt file.txt &&
		vim_filter file.txt "$(mt -k de)" &&
		cmp crlf.txt file.txt &&
		printf "Hello world.\n\n  Second paragraph.\nlast line" >expect &&
		mock_req_raw -1 body.messages.1.content >actual &&
		cmp expect actual
	'

	test_expect_success 'vim: a file without a final newline: stock vim adds one (fixeol), the tool keeps what it got' '
		mock_start echo-same &&
		printf "Hello world.\n\nlast line" >noeol.txt &&
		cp noeol.txt file.txt &&
		vim_filter file.txt "$(mt de)" &&
		printf "Hello world.\n\nlast line\n" >expect &&
		cmp expect file.txt &&
		cp noeol.txt file.txt &&
		vim_filter file.txt "$(mt de)" "set nofixeol" &&
		cmp noeol.txt file.txt &&
		printf "Hello world.\r\n\r\nlast line" >noeol-crlf.txt &&
		cp noeol-crlf.txt file.txt &&
		vim_filter file.txt "$(mt -k de)" "set nofixeol" &&
		cmp noeol-crlf.txt file.txt &&
		cp noeol-crlf.txt file.txt &&
		vim_filter file.txt "$(mt -k de)" &&
		printf "Hello world.\r\n\r\nlast line\r\n" >expect &&
		cmp expect file.txt &&
		test "$(mock_count)" = 4
	'
else
	for t in 'vim: :%!mtranslate de' 'vim: :%!mtranslate -k de' \
		'vim: -k with a failing server' 'vim under no_tty: -k with a failing server' \
		'vim on a terminal: -k with a failing server' \
		'vim: a failing server without -k' 'vim: -k de -q' \
		'vim: -k de -q with a failing server' \
		'vim under no_tty: -k de -q with a failing server' \
		'vim on a terminal: -k de -q with a failing server' \
		'vim: a CRLF file' 'vim: a file without a final newline'; do
		test_skip "$t" 'no vim'
	done
fi

# --- emacs -Q --batch: shell-command-on-region with REPLACE -----------------

if test_have_prereq emacs; then
	test_expect_success 'Emacs: shell-command-on-region "mtranslate de" replaces the text' '
		mock_start echo-upper &&
		cp orig.txt file.txt &&
		emacs_filter file.txt "$(mt de)" &&
		cmp upper.txt file.txt &&
		echo 0 >expect &&
		test_cmp expect status
	'

	test_expect_success 'Emacs: shell-command-on-region "mtranslate -k de" replaces the text' '
		mock_start echo-upper &&
		cp orig.txt file.txt &&
		emacs_filter file.txt "$(mt -k de)" &&
		cmp upper.txt file.txt &&
		echo 0 >expect &&
		test_cmp expect status
	'

	# Without ERROR-BUFFER, Emacs sends stderr to the same pipe as
	# stdout: like vim, the message would land in the text.
	for w in "" no_tty; do
		test_expect_success "Emacs${w:+ under $w}: -k with a failing server keeps the text byte for byte" '
			mock_start http-503-openrouter &&
			cp orig.txt file.txt &&
			wrap="'"$w"'" emacs_filter file.txt "$(mt -k de)" &&
			cmp orig.txt file.txt &&
			echo 69 >expect &&
			test_cmp expect status &&
			test "$(mock_count)" = 1
		'
	done

	# Emacs runs the command in a session of its own (call-process
	# calls setsid), so even an Emacs on a terminal gives its filters no
	# controlling terminal: with stderr merged into the text, the
	# message of -k goes nowhere and only the status tells.
	test_expect_success 'Emacs on a terminal: -k with a failing server keeps the text; the filter has no terminal, so no message' '
		mock_start http-503-openrouter &&
		cp orig.txt file.txt &&
		wrap=on_tty emacs_filter file.txt "$(mt -k de)" &&
		cmp orig.txt file.txt &&
		echo 69 >expect &&
		test_cmp expect status &&
		test "$(mock_count)" = 1 &&
		test_grep -v "mtranslate" tty &&
		wrap=on_tty emacs_filter file.txt "echo here 2>/dev/null >/dev/tty || echo no terminal" &&
		echo "no terminal" >expect &&
		cmp expect file.txt
	'

	test_expect_success 'Emacs: -k with a failing server and an ERROR-BUFFER: the text kept, the message in that buffer' '
		mock_start http-503-openrouter &&
		test_status 69 mtranslate --retries 0 --base-url "$MOCK_URL" -k de \
			<orig.txt >/dev/null 2>ref.err &&
		test_line_count = 1 ref.err &&
		cp orig.txt file.txt &&
		emacs_filter file.txt "$(mt -k de)" "*ms errors*" &&
		cmp orig.txt file.txt &&
		echo 69 >expect &&
		test_cmp expect status &&
		test_cmp ref.err errbuf
	'

	test_expect_success 'Emacs: a failing server without -k: the text becomes what the tool printed, stdout and stderr' '
		mock_start http-503-openrouter &&
		test_status 69 mtranslate --retries 0 --base-url "$MOCK_URL" de \
			<orig.txt >expect 2>&1 &&
		test_line_count = 1 expect &&
		test_grep "^mtranslate: HTTP 503 " expect &&
		cp orig.txt file.txt &&
		emacs_filter file.txt "$(mt de)" &&
		cmp expect file.txt &&
		echo 69 >expect &&
		test_cmp expect status
	'

	test_expect_success 'Emacs: a failing server without -k and an ERROR-BUFFER: the text is deleted, the message in that buffer' '
		mock_start http-503-openrouter &&
		test_status 69 mtranslate --retries 0 --base-url "$MOCK_URL" de \
			<orig.txt >/dev/null 2>ref.err &&
		cp orig.txt file.txt &&
		emacs_filter file.txt "$(mt de)" "*ms errors*" &&
		cmp /dev/null file.txt &&
		echo 69 >expect &&
		test_cmp expect status &&
		test_cmp ref.err errbuf
	'
else
	for t in 'Emacs: mtranslate de' 'Emacs: mtranslate -k de' \
		'Emacs: -k with a failing server' \
		'Emacs under no_tty: -k with a failing server' \
		'Emacs on a terminal: -k with a failing server, no terminal' \
		'Emacs: -k with a failing server and an ERROR-BUFFER' \
		'Emacs: a failing server without -k' \
		'Emacs: a failing server without -k and an ERROR-BUFFER'; do
		test_skip "$t" 'no emacs'
	done
fi

# --- a tmux pane ---------------------------------------------------------------

# tmux_kill NAME: end the tmux server on the socket NAME (tmux -L NAME)
# and remove the socket, which tmux leaves behind.
tmux_kill () {
	tmux -L "$1" kill-server 2>/dev/null || :
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$1"
}

if test_have_prereq tmux; then
	test_expect_success 'tmux: an error after "Partial " starts on a line of its own' '
		mock_start no-retry-stream-error-after-output &&
		test_status 69 mschat --retries 0 --base-url "$MOCK_URL" hi \
			>out 2>err &&
		test_line_count = 1 err &&
		test_grep "^mschat: error in stream" err &&
		url1=$MOCK_URL &&
		mock_start no-retry-stream-error-after-output &&
		sed "s|$url1|$MOCK_URL|" err >msg &&
		sock=ms-test-$$ &&
		trap "tmux_kill $sock; _mock_kill_owned" EXIT &&
		unset TMUX &&
		tmux -L "$sock" -f /dev/null new-session -d -s ms -x 120 -y 20 \
			"mschat --retries 0 --base-url $MOCK_URL hi; echo \"__done \$?\"; exec sleep 60" &&
		i=0 &&
		while :; do
			tmux -L "$sock" capture-pane -p -t ms >pane &&
			if grep "^__done" pane >/dev/null; then
				break
			fi &&
			i=$((i + 1)) &&
			if test $i -gt 100; then
				echo "no __done line after 10 s; the pane:" &&
				cat pane &&
				return 1
			fi &&
			sleep 0.1 || return 1
		done &&
		tmux_kill "$sock" &&
		awk "{ l[NR] = \$0 } \$0 != \"\" { n = NR }
			END { for (i = 1; i <= n; i++) print l[i] }" pane >screen &&
		{ echo Partial && cat msg && echo "__done 69"; } >expect &&
		test_cmp expect screen
	'
else
	test_skip 'tmux: an error after "Partial " starts on a line of its own' 'no tmux'
fi

test_done
