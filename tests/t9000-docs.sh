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
		printf "%s\n" chat summarize summarize-part translate >expect &&
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

test_expect_success 'the README maps every source file of lib/ and cmd/' '
	sed -n "/^### Source layout/,/^### /p" "$MS_SRCDIR/README.md" >layout &&
	for f in "$MS_SRCDIR"/lib/*.c "$MS_SRCDIR"/cmd/*.c; do
		b=${f##*/} &&
		grep -q "$b" layout || { echo "not in the layout: $b"; return 1; }
	done
'

test_done
