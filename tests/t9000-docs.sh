#!/bin/sh
# t9000-docs.sh: the man pages and the shell completions agree with the options the tools accept; mandoc lint; bash, zsh and fish completion.

test_description='man pages and completions match the tools'
. "$(dirname "$0")/lib.sh"

MAN=$MS_SRCDIR/man
COMP=$MS_SRCDIR/completions

# long_opts TOOL: the long options (bare names) of "ms TOOL --help", the
# first --name of each option line, sorted.
long_opts () {
	ms "$1" --help | awk '
		/^ +(-[A-Za-z], )?--[a-z]/ {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^--[a-z]/) {
					sub(/^--/, "", $i)
					sub(/[^a-z0-9-].*$/, "", $i)
					print $i
					break
				}
		}' | sort -u
}

# short_opts TOOL: the short options (letters) of "ms TOOL --help".
short_opts () {
	ms "$1" --help | sed -n 's/^  -\([A-Za-z]\), --.*/\1/p' | sort -u
}

# man_long PAGE: the long options a page documents with "Fl -name".
man_long () {
	grep -o 'Fl -[a-z][a-z0-9-]*' "$1" | sed 's/^Fl -//' | sort -u
}

# synopsis PAGE: the SYNOPSIS of a rendered page, one line each, blanks
# squeezed.
synopsis () {
	mandoc -Tascii -O width=400 "$1" | sed "s/.$(printf '\b')//g" |
		sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' |
		sed 's/^ *//; s/  */ /g; /^$/d'
}

# usage_lines CMD...: the usage lines at the top of CMD's help, without
# "usage: ", blanks squeezed.
usage_lines () {
	"$@" --help | sed '/^$/q' | sed '/^$/d; s/^usage: //; s/^ *//; s/  */ /g'
}

for t in chat summarize translate; do
	long_opts $t >"$TEST_ROOT/long-$t" || exit 1
	short_opts $t >"$TEST_ROOT/short-$t" || exit 1
done

test_expect_success 'the help lists are what the tests expect' '
	for t in chat summarize translate; do
		test_line_count -ge 25 "$TEST_ROOT/long-$t" &&
		test_line_count -ge 10 "$TEST_ROOT/short-$t" &&
		grep -qx model "$TEST_ROOT/long-$t" &&
		grep -qx dry-run "$TEST_ROOT/long-$t" &&
		grep -qx m "$TEST_ROOT/short-$t" || return 1
	done &&
	grep -qx length "$TEST_ROOT/long-summarize" &&
	grep -qx focus "$TEST_ROOT/long-summarize" &&
	grep -qx from "$TEST_ROOT/long-translate" &&
	grep -qx to "$TEST_ROOT/long-translate" &&
	! grep -qx to "$TEST_ROOT/long-chat"
'

test_expect_success 'the man pages of the contract are all there' '
	for p in ms.1 mschat.1 msummarize.1 mtranslate.1 ms-template.5 ms-config.5; do
		test -s "$MAN/$p" || { echo "missing man/$p"; return 1; }
	done
'

test_expect_success 'every long option of --help is documented in the tool'"'"'s page' '
	for p in chat:mschat summarize:msummarize translate:mtranslate; do
		t=${p%:*} page=$MAN/${p#*:}.1 &&
		while read -r o; do
			grep -q -e "Fl -$o\\([^a-z0-9-]\\|\$\\)" "$page" ||
				{ echo "--$o: not in $page"; return 1; }
			grep -rq -e "$o" "$MAN" || return 1
		done <"$TEST_ROOT/long-$t" || return 1
	done
'

test_expect_success 'every short option of --help is documented in the tool'"'"'s page' '
	for p in chat:mschat summarize:msummarize translate:mtranslate; do
		t=${p%:*} page=$MAN/${p#*:}.1 &&
		while read -r o; do
			grep -q -e "Fl $o\\([^A-Za-z0-9-]\\|\$\\)" "$page" ||
				{ echo "-$o: not in $page"; return 1; }
		done <"$TEST_ROOT/short-$t" || return 1
	done
'

test_expect_success 'every option a tool'"'"'s page documents is in its --help' '
	for p in chat:mschat summarize:msummarize translate:mtranslate; do
		t=${p%:*} page=$MAN/${p#*:}.1 &&
		man_long "$page" >documented &&
		test_line_count -ge 25 documented &&
		comm -23 documented "$TEST_ROOT/long-$t" >extra &&
		{ test_cmp /dev/null extra || { echo "in $page only"; return 1; }; }
	done
'

test_expect_success 'the options ms(1) documents are accepted by ms or every tool' '
	man_long "$MAN/ms.1" >documented &&
	printf "%s\n" list show-template >top &&
	cat "$TEST_ROOT/long-chat" top | sort -u >accepted &&
	comm -23 documented accepted >extra &&
	test_cmp /dev/null extra &&
	ms --list >/dev/null &&
	ms --show-template chat >/dev/null
'

test_expect_success 'each tool page'"'"'s SYNOPSIS is its usage line' '
	for p in chat:mschat summarize:msummarize translate:mtranslate; do
		t=${p%:*} page=$MAN/${p#*:}.1 &&
		synopsis "$page" >syn &&
		usage_lines ms "$t" >use &&
		test_line_count = 1 use &&
		test_cmp use syn &&
		for o in $(grep -o -- " -[-A-Za-z][a-z-]*" use); do
			grep -q -- "$o" syn || return 1
		done || return 1
	done
'

test_expect_success 'the SYNOPSIS of ms(1) is the usage of ms --help' '
	synopsis "$MAN/ms.1" >syn &&
	usage_lines ms >use &&
	test_line_count -ge 3 use &&
	test_cmp use syn
'

if test_have_prereq mandoc; then
	test_expect_success 'mandoc -Tlint -Wwarning is clean on every page' '
		for p in "$MAN"/*.[1-9]; do
			mandoc -Tlint -Wwarning "$p" >lint 2>&1 ||
				{ cat lint; return 1; }
			test_cmp /dev/null lint || return 1
		done
	'
else
	test_skip 'mandoc -Tlint -Wwarning is clean on every page' 'no mandoc'
fi

test_expect_success 'every long option is in the bash, zsh and fish completions' '
	cat "$TEST_ROOT"/long-* | sort -u >all &&
	test_line_count -ge 30 all &&
	while read -r o; do
		grep -Eq -- "(^|[^a-z-])--$o([^a-z0-9-]|\$)" "$COMP/ms.bash" ||
			{ echo "--$o: not in ms.bash"; return 1; }
		grep -Eq -- "(^|[^a-z-])--$o([^a-z0-9-]|\$)" "$COMP/_ms" ||
			{ echo "--$o: not in _ms"; return 1; }
		grep -Eq -- "(-l|--long-option|--long) $o( |\$)" "$COMP/ms.fish" ||
			{ echo "--$o: not in ms.fish"; return 1; }
	done <all
'

test_expect_success 'every short option is in the bash, zsh and fish completions' '
	cat "$TEST_ROOT"/short-* | sort -u >all &&
	while read -r o; do
		grep -Eq -- "(^|[^a-zA-Z-])-$o([^a-zA-Z0-9-]|\$)" "$COMP/ms.bash" ||
			{ echo "-$o: not in ms.bash"; return 1; }
		grep -Eq -- "(^|[^a-zA-Z-])-$o([^a-zA-Z0-9-]|\$)" "$COMP/_ms" ||
			{ echo "-$o: not in _ms"; return 1; }
		grep -Eq -- "-s $o( |\$)" "$COMP/ms.fish" ||
			{ echo "-$o: not in ms.fish"; return 1; }
	done <all
'

test_expect_success 'ms tokens: its options are in ms(1) and the completions' '
	ms tokens --help | sed -n "s/^  -\([A-Za-z]\), --\([a-z-]*\).*/\1 \2/p" >opts &&
	test_line_count = 5 opts &&
	while read -r s l; do
		grep -q "Fl $s Ar\|Fl $s ," "$MAN/ms.1" ||
			{ echo "-$s: not in ms.1"; return 1; }
		grep -q "Fl -$l" "$MAN/ms.1" ||
			{ echo "--$l: not in ms.1"; return 1; }
		grep -q -- "-$s --$l" "$COMP/ms.bash" ||
			{ echo "-$s: not in ms.bash"; return 1; }
		grep -q -- "{-$s.*,--$l" "$COMP/_ms" ||
			{ echo "-$s: not in _ms"; return 1; }
		grep -q -- "__ms_is tokens. -s $s -l $l" "$COMP/ms.fish" ||
			{ echo "-$s: not in ms.fish"; return 1; }
	done <opts &&
	usage_lines ms tokens >use &&
	test_grep -x "ms tokens \[-qv\] \[-P PROFILE\] \[-m MODEL\] \[FILE ...\]" use
'

# A config file with profiles of its own, which the completions offer.
mkdir -p "$XDG_CONFIG_HOME/ms" &&
cat >"$XDG_CONFIG_HOME/ms/config" <<\EOF || exit 1
[default]
profile = openrouter

[profile work]
base_url = https://openrouter.ai/api/v1
model = mistralai/mistral-small

[profile local-llm]
base_url = http://127.0.0.1:8081/v1
EOF

test_expect_success 'the config file of the completion tests is valid' '
	ms chat -n --context 32768 -P work hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	ms chat -n --context 32768 -P local-llm hi </dev/null >out 2>err &&
	test_cmp /dev/null err &&
	test_status 78 ms chat -n -P nosuch hi </dev/null >out 2>err
'

# bash_complete WORD...: what bash completion offers for the command line
# WORD... (the last word is the one being completed), one a line.
bash_complete () {
	bash --norc --noprofile -c '
		src=$1
		shift
		if test -f /usr/share/bash-completion/bash_completion; then
			. /usr/share/bash-completion/bash_completion
		fi
		. "$src/ms.bash" || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_ms "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD-1]}" || exit 1
		test ${#COMPREPLY[@]} -eq 0 || printf "%s\n" "${COMPREPLY[@]}"
	' bash "$COMP" "$@"
}

if test_have_prereq bash; then
	test_expect_success 'bash: ms.bash registers _ms for the four commands' '
		bash --norc --noprofile -c ". \"$COMP/ms.bash\" && complete -p ms mschat msummarize mtranslate" >out &&
		for c in ms mschat msummarize mtranslate; do
			test_grep -e "-F _ms $c\$" out || return 1
		done
	'

	test_expect_success 'bash: ms tokens completes its options and files' '
		bash_complete ms tokens --p >actual &&
		echo --profile >expect &&
		test_cmp expect actual &&
		bash_complete ms tokens --temp >actual &&
		test_cmp /dev/null actual &&
		bash_complete ms tok >actual &&
		echo tokens >expect &&
		test_cmp expect actual
	'

	test_expect_success 'bash: mtranslate --pro completes to --profile' '
		bash_complete mtranslate --pro >actual &&
		echo --profile >expect &&
		test_cmp expect actual
	'

	test_expect_success 'bash: mschat --profile offers the built-in and config profiles' '
		bash_complete mschat --profile "" | sort >actual &&
		printf "%s\n" llamacpp local-llm mistral ollama openrouter work >expect &&
		test_cmp expect actual &&
		bash_complete mschat -P w >actual &&
		echo work >expect &&
		test_cmp expect actual
	'

	test_expect_success 'bash: msummarize -F offers paragraph bullets oneline' '
		bash_complete msummarize -F "" | sort >actual &&
		printf "%s\n" bullets oneline paragraph >expect &&
		test_cmp expect actual &&
		bash_complete msummarize --format b >actual &&
		echo bullets >expect &&
		test_cmp expect actual
	'

	test_expect_success 'bash: options of one tool only, languages for TO' '
		bash_complete msummarize --fo | sort >actual &&
		printf "%s\n" --focus --format >expect &&
		test_cmp expect actual &&
		bash_complete mschat --fo >actual &&
		test_cmp /dev/null actual &&
		bash_complete mtranslate d >actual &&
		test_grep -x de actual &&
		bash_complete ms "" | sort >actual &&
		printf "%s\n" chat summarize summarize-part tokens translate >expect &&
		test_cmp expect actual &&
		bash_complete ms summarize -F o >actual &&
		echo oneline >expect &&
		test_cmp expect actual
	'
else
	test_skip 'bash completion' 'no bash'
fi

# fish_complete LINE: what fish offers for LINE, names only, sorted.
fish_complete () {
	fish --no-config -c "source '$COMP/ms.fish'; complete -C '$1'" |
		cut -f1 | sort
}

if test_have_prereq fish; then
	test_expect_success 'fish: mtranslate --pro completes to --profile' '
		fish_complete "mtranslate --pro" >actual &&
		echo --profile >expect &&
		test_cmp expect actual
	'

	test_expect_success 'fish: ms tokens completes its options' '
		fish_complete "ms tok" >actual &&
		echo tokens >expect &&
		test_cmp expect actual &&
		fish_complete "ms tokens --verb" >actual &&
		echo --verbose >expect &&
		test_cmp expect actual &&
		fish_complete "ms tokens --temp" >actual &&
		test_cmp /dev/null actual
	'

	test_expect_success 'fish: mschat --profile offers the built-in and config profiles' '
		fish_complete "mschat --profile " >actual &&
		printf "%s\n" llamacpp local-llm mistral ollama openrouter work >expect &&
		test_cmp expect actual
	'

	test_expect_success 'fish: msummarize -F offers paragraph bullets oneline' '
		fish_complete "msummarize -F " >actual &&
		printf "%s\n" bullets oneline paragraph >expect &&
		test_cmp expect actual &&
		fish_complete "mtranslate d" >actual &&
		test_grep -x de actual
	'
else
	test_skip 'fish: mtranslate --pro completes to --profile' 'no fish'
	test_skip 'fish: ms tokens completes its options' 'no fish'
	test_skip 'fish: mschat --profile offers the built-in and config profiles' 'no fish'
	test_skip 'fish: msummarize -F offers paragraph bullets oneline' 'no fish'
fi

# zsh_complete LINE: the matches zsh's completion system offers for
# LINE, sorted: an interactive zsh on a pseudo-terminal (zsh/zpty) loads
# _ms with compinit and completes with a compadd that prints its matches.
cat >"$TEST_ROOT/capture.zsh" <<\EOF
zmodload zsh/zpty || exit 2
compdir=$1 cmdline=$2
init=$(mktemp) || exit 2
cat >$init <<INIT
PROMPT= RPROMPT= PS2=
fpath=($compdir \$fpath)
autoload -U compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
_capture_begin () { print -r -- \$'\\n'CAPTURE-BEGIN }
_capture_end () { print -r -- \$'\\n'CAPTURE-END; exit }
compprefuncs=(_capture_begin)
comppostfuncs=(_capture_end)
compadd () {
	if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "\$@"
		return
	fi
	local -a __hits
	builtin compadd -A __hits "\$@"
	local h
	for h in \$__hits; do print -r -- "MATCH:\$h"; done
	builtin compadd "\$@"
}
print CAPTURE-READY
INIT
zpty z zsh -f -i || exit 2
zpty -w z ". $init"
local line ready=
repeat 100; do
	if zpty -r -t z line && [[ $line == *CAPTURE-READY* ]]; then
		ready=1
		break
	fi
	sleep 0.1
done
[[ -n $ready ]] || { print -u2 "capture.zsh: zsh did not start"; exit 2 }
zpty -w -n z "$cmdline"$'\t'
local out=
while zpty -r z line; do
	out+=$line
	[[ $line == *CAPTURE-END* ]] && break
done
zpty -d z
rm -f $init
print -r -- $out | tr -d '\r' | sed -n 's/^MATCH://p'
EOF

zsh_complete () {
	timeout 60 zsh -f "$TEST_ROOT/capture.zsh" "$COMP" "$1" >zsh.out &&
	sort zsh.out
}

if test_have_prereq zsh timeout && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	test_expect_success 'zsh: _ms loads and mtranslate --pro completes to --profile' '
		zsh -n "$COMP/_ms" &&
		zsh_complete "mtranslate --pro" >actual &&
		echo --profile >expect &&
		test_cmp expect actual
	'

	test_expect_success 'zsh: mschat --profile offers the built-in and config profiles' '
		zsh_complete "mschat --profile " >actual &&
		printf "%s\n" llamacpp local-llm mistral ollama openrouter work >expect &&
		test_cmp expect actual
	'

	test_expect_success 'zsh: msummarize -F offers paragraph bullets oneline' '
		zsh_complete "msummarize -F " >actual &&
		printf "%s\n" bullets oneline paragraph >expect &&
		test_cmp expect actual &&
		zsh_complete "mtranslate d" >actual &&
		test_grep -x de actual
	'
else
	test_skip 'zsh: _ms loads and mtranslate --pro completes to --profile' 'no zsh with zpty'
	test_skip 'zsh: mschat --profile offers the built-in and config profiles' 'no zsh with zpty'
	test_skip 'zsh: msummarize -F offers paragraph bullets oneline' 'no zsh with zpty'
fi

# exit_status PAGE: the EXIT STATUS section of a man page's source.
exit_status () {
	sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$1" | sed '$d'
}

# readme_codes: the codes of the README's exit status table, one a line.
readme_codes () {
	sed -n '/^## Exit status/,/^## /p' "$MS_SRCDIR/README.md" |
		sed -n 's/^| \([0-9][0-9, ]*\) |.*/\1/p' | tr ', ' '\n\n' |
		sed '/^$/d'
}

test_expect_success 'the README exit status table has 74 (EX_IOERR) and 69 covers an answer that is not whole' '
	readme_codes >codes &&
	test_line_count -ge 12 codes &&
	for c in 0 64 65 66 69 70 74 75 76 77 78 130 143; do
		grep -qx "$c" codes || { echo "README: no exit status $c"; return 1; }
	done &&
	grep "^| 69 |" "$MS_SRCDIR/README.md" >row &&
	test_grep "not whole" row &&
	grep "^| 74 |" "$MS_SRCDIR/README.md" >row &&
	test_grep "cannot be written" row
'

test_expect_success 'every tool page lists every exit status of the README, 74 among them' '
	readme_codes >codes &&
	for p in ms mschat msummarize mtranslate; do
		exit_status "$MAN/$p.1" >sec &&
		while read -r c; do
			grep -q "^\\.It $c\\( \\|\$\\)" sec ||
				{ echo "$p.1: EXIT STATUS lacks $c"; return 1; }
		done <codes &&
		grep -q "^\\.It 74 Pq Dv EX_IOERR" sec ||
			{ echo "$p.1: 74 is not EX_IOERR"; return 1; }
	done
'

test_expect_success 'every man page'"'"'s EXIT STATUS mentions 74' '
	for p in "$MAN"/*.[1-9]; do
		exit_status "$p" >sec &&
		{ test -s sec || { echo "$p: no EXIT STATUS"; return 1; }; } &&
		grep -q "\\(^\\|[^0-9]\\)74\\([^0-9]\\|\$\\)" sec ||
			{ echo "$p: EXIT STATUS without 74"; return 1; }
	done
'

test_expect_success 'ms-config(5) documents auth = none | bearer, and the tools take it' '
	grep -q "^\\.It Cm auth\$" "$MAN/ms-config.5" &&
	sed -n "/^\\.It Cm auth\$/,/^\\.It /p" "$MAN/ms-config.5" >auth &&
	test_grep "Cm none" auth &&
	test_grep "Cm bearer" auth &&
	test_grep "MS_API_KEY" auth &&
	mkdir -p cfg &&
	for a in none bearer; do
		printf "[profile p]\\nbase_url = http://127.0.0.1:9/v1\\nauth = %s\\n" \
			$a >cfg/config &&
		MS_CONFIG=$PWD/cfg/config ms chat -n -P p hi </dev/null >out 2>err &&
		test_cmp /dev/null err || return 1
	done
'

test_expect_success 'ms-template(5) documents every variable of the built-in templates' '
	for t in chat summarize summarize-part translate; do
		ms --show-template $t | sed "s/{{{{//g" |
			grep -o "{{[#^/]\\{0,1\\} *[A-Za-z0-9_-]* *}}" |
			sed "s/[{}#^\\/ ]//g" || return 1
	done | sort -u >vars &&
	grep -qx length_hint vars &&
	grep -qx format_hint vars &&
	while read -r v; do
		grep -q "^\\.It Li $v\$" "$MAN/ms-template.5" ||
			{ echo "ms-template.5: no .It Li $v"; return 1; }
	done <vars &&
	for v in length format lang focus to from input prompt; do
		grep -q "^\\.It Li $v\$" "$MAN/ms-template.5" ||
			{ echo "ms-template.5: no .It Li $v"; return 1; }
	done
'

# hook_commands FILE: the command lines that run a tool in the git-hook
# examples of FILE (README.md or a man page): the block (``` or .Bd)
# that starts within 8 lines after a line naming prepare-commit-msg or
# .git/hooks, lines continued with a backslash joined; one a line,
# prefixed by "FILE: ", and "FILE: HOOK" for each hook found.
hook_commands () {
	awk -v f="${1##*/}" '
		function flush() {
			if (cmd != "" && cmd ~ /(^|[^a-z])(mschat|msummarize|mtranslate|ms [a-z])/)
				print f ": " cmd
			cmd = ""
		}
		inblock && (/^```/ || /^\.Ed/) { flush(); inblock = 0; next }
		inblock {
			line = $0
			cont = sub(/\\$/, "", line)
			cmd = cmd line
			if (!cont)
				flush()
			next
		}
		armed && (/^```/ || /^\.Bd/) {
			inblock = 1
			armed = 0
			print f ": HOOK"
			next
		}
		armed && NR - armed > 8 { armed = 0 }
		/prepare-commit-msg|\.git\/hooks/ { armed = NR }
	' "$1"
}

test_expect_success 'every git-hook example gives its tool --timeout' '
	for f in "$MS_SRCDIR/README.md" "$MAN"/*.1; do
		hook_commands "$f" || return 1
	done >hooks &&
	for f in README.md ms.1 mschat.1 msummarize.1 mtranslate.1; do
		grep -q "^$f: HOOK\$" hooks ||
			{ echo "no hook example found in $f"; return 1; }
	done &&
	grep -v ": HOOK\$" hooks >cmds &&
	test_line_count -ge 5 cmds &&
	if grep -v -e "--timeout" cmds; then
		echo "hook examples above lack --timeout"
		return 1
	fi
'

test_expect_success 'the README links a template with the path of ms, not a dangling "ln -s ms"' '
	! grep -n "ln -s ms " "$MS_SRCDIR/README.md" &&
	grep "ln -s " "$MS_SRCDIR/README.md" >links &&
	test_line_count -ge 1 links &&
	! grep -v -F "ln -s \"\$(command -v ms)\" " links
'

test_expect_success 'ms --list prints the four tab-separated fields ms(1) shows' '
	ms --list >list &&
	test_line_count -ge 4 list &&
	awk -F "\t" "NF != 4 { print; bad = 1 } END { exit bad }" list &&
	grep "^chat	tool	built-in	." list &&
	sed -n "/^\\.It Fl -list\$/,/^\\.It /p" "$MAN/ms.1" >doc &&
	test_grep "four fields" doc &&
	grep "	" doc >rows &&
	test_line_count -ge 1 rows &&
	awk -F "\t" "NF != 4 { print; bad = 1 } END { exit bad }" rows
'

test_expect_success 'the README maps every source file of lib/ and cmd/' '
	sed -n "/^### Source layout/,/^### /p" "$MS_SRCDIR/README.md" >layout &&
	for f in "$MS_SRCDIR"/lib/*.c "$MS_SRCDIR"/cmd/*.c; do
		b=${f##*/} &&
		grep -q "$b" layout || { echo "not in the layout: $b"; return 1; }
	done
'

test_done
