#!/bin/sh
# t0001-dispatch.sh: the multicall binary: names, ms TOOL, --list, --show-template, user templates, usage errors.

test_description='ms dispatch: tools, templates, links and usage errors'
. "$(dirname "$0")/lib.sh"

TEMPLATES=$XDG_CONFIG_HOME/ms/templates
mkdir -p "$TEMPLATES"
cat >"$TEMPLATES/foo" <<\EOF
# foo: a user template for the tests
[system]
You are foo.
[user]
P={{prompt}} I={{input}}
EOF

cat >usage-ms <<\EOF
usage: ms TOOL|TEMPLATE [options] [ARG ...]
       ms tokens [options] [FILE ...]
       ms --list
       ms --show-template NAME
       ms -h | --help | -V | --version
EOF
echo 'usage: mschat [options] [PROMPT ...]' >usage-mschat

test_expect_success 'ms --version and -V print the version' '
	echo "ms 0.1.0" >expect &&
	ms --version >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	ms -V >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	mschat --version >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success 'ms --help prints the synopsis on stdout, exit 0' '
	ms --help >actual 2>err &&
	test_cmp /dev/null err &&
	head -n 5 actual >head &&
	test_cmp "$TRASH_DIRECTORY/usage-ms" head &&
	test_grep "chat (mschat)" actual &&
	test_grep "summarize (msummarize)" actual &&
	test_grep "translate (mtranslate)" actual &&
	ms -h >actual2 &&
	test_cmp actual actual2
'

test_expect_success 'mschat --help: its usage line, then the options' '
	mschat --help >actual 2>err &&
	test_cmp /dev/null err &&
	head -n 1 actual >head &&
	test_cmp "$TRASH_DIRECTORY/usage-mschat" head &&
	test_grep -e "--base-url URL" actual &&
	test_grep -e "--keep-on-error" actual &&
	test_grep -e "--dry-run" actual &&
	ms chat --help >actual2 &&
	test_cmp actual actual2
'

test_expect_success 'ms alone: usage on stderr, nothing on stdout, 64' '
	test_status 64 ms >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp "$TRASH_DIRECTORY/usage-ms" err
'

test_expect_success 'ms with an unknown option: 64, message and usage' '
	test_status 64 ms --bogus >out 2>err &&
	test_cmp /dev/null out &&
	echo "ms: unknown option '"'"'--bogus'"'"'" >expect &&
	cat "$TRASH_DIRECTORY/usage-ms" >>expect &&
	test_cmp expect err
'

test_expect_success 'ms --show-template without a NAME: 64' '
	test_status 64 ms --show-template >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^ms: --show-template needs a NAME" err &&
	test_grep "^usage: ms " err
'

test_expect_success 'ms chat -n prints the same request as mschat -n' '
	mschat -n write a haiku >expect 2>err &&
	test_cmp /dev/null err &&
	ms chat -n write a haiku >actual 2>err &&
	test_cmp /dev/null err &&
	test_cmp expect actual &&
	test_grep "\"content\":\"write a haiku\"" actual &&
	ms summarize -n </dev/null >s1 && msummarize -n </dev/null >s2 &&
	test_cmp s1 s2
'

test_expect_success 'ms chat and mschat send the same request and print the same answer' '
	mock_start echo-same &&
	echo "some input" |
	OPENROUTER_API_KEY=sk-test mschat --base-url "$MOCK_URL" --retries 0 \
		say it >out1 2>err1 &&
	echo "some input" |
	OPENROUTER_API_KEY=sk-test ms chat --base-url "$MOCK_URL" --retries 0 \
		say it >out2 2>err2 &&
	test_cmp /dev/null err1 &&
	test_cmp /dev/null err2 &&
	printf "say it\n\n<input>\nsome input\n</input>\n" >expect &&
	test_cmp expect out1 &&
	test_cmp expect out2 &&
	test "$(mock_count)" = 2 &&
	mock_req 1 body >body1 &&
	mock_req 2 body >body2 &&
	test_cmp body1 body2
'

test_expect_success 'errors from ms chat are prefixed with mschat' '
	test_status 64 ms chat --bogus >out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: unknown option '"'"'--bogus'"'"'" >expect &&
	cat "$TRASH_DIRECTORY/usage-mschat" >>expect &&
	test_cmp expect err
'

test_expect_success 'ms --list: tab-separated NAME KIND SOURCE DESCRIPTION' '
	ms --list >actual 2>err &&
	test_cmp /dev/null err &&
	tab=$(printf "\t") &&
	cat >expect <<-EOF &&
	chat${tab}tool${tab}built-in${tab}answer a request; standard input, when there is some, is its context.
	summarize${tab}tool${tab}built-in${tab}summarize the input
	translate${tab}tool${tab}built-in${tab}translate the input, keeping its structure
	EOF
	head -n 3 actual >head &&
	test_cmp expect head &&
	test_grep -x "foo${tab}template${tab}$TEMPLATES/foo${tab}a user template for the tests" actual &&
	# every line: NAME, KIND tool or template, SOURCE built-in or a path
	test_grep -v -v -x -E "[^$tab]+$tab(tool|template)$tab(built-in|/[^$tab]*)$tab[^$tab]*" actual
'

test_expect_success 'ms --list: no editor backups, and what a run would use' '
	for f in "foo~" "#foo#" foo.swp foo.bak foo.orig .hidden; do
		cp "$TEMPLATES/foo" "$TEMPLATES/$f" || return 1
	done &&
	mkdir "$TEMPLATES/adir" &&
	ms --list >actual &&
	for f in "foo~" "#foo#" foo.swp foo.bak foo.orig .hidden adir; do
		rm -rf "$TEMPLATES/$f" || return 1
	done &&
	cut -f1 actual >names &&
	test_grep -v -e "~" -e "#" -e swp -e bak -e orig -e hidden -e adir names
'

test_expect_success 'ms --list: a user template shadowing a tool shows its path' '
	cp "$TEMPLATES/foo" "$TEMPLATES/translate" &&
	ms --list >actual &&
	rm "$TEMPLATES/translate" &&
	tab=$(printf "\t") &&
	test_grep "^translate${tab}tool${tab}$TEMPLATES/translate${tab}" actual &&
	test_grep "^chat${tab}tool${tab}built-in${tab}" actual
'

test_expect_success 'ms --list with extra arguments: 64' '
	test_status 64 ms --list extra >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^usage: ms " err
'

test_expect_success 'ms --show-template prints the built-in templates' '
	for t in chat summarize translate; do
		ms --show-template $t >actual 2>err || exit 1
		test_cmp /dev/null err || exit 1
		test_cmp "$MS_SRCDIR/lib/templates/$t" actual || exit 1
	done &&
	head -n 1 actual >first &&
	echo "# translate: translate the input, keeping its structure" >expect &&
	test_cmp expect first
'

test_expect_success 'ms --show-template prints a user template' '
	ms --show-template foo >actual 2>err &&
	test_cmp /dev/null err &&
	test_cmp "$TEMPLATES/foo" actual
'

test_expect_success 'ms --show-template nosuch: 78' '
	test_status 78 ms --show-template nosuch >out 2>err &&
	test_cmp /dev/null out &&
	echo "ms: unknown template '"'"'nosuch'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success 'ms nosuch: unknown template, 78, no request' '
	mock_start echo-same &&
	echo text | test_status 78 env OPENROUTER_API_KEY=sk-test \
		ms nosuch --base-url "$MOCK_URL" >out 2>err &&
	test_cmp /dev/null out &&
	echo "ms: unknown template '"'"'nosuch'"'"'" >expect &&
	test_cmp expect err &&
	test "$(mock_count)" = 0
'

test_expect_success 'ms foo WORDS: words are {{prompt}}, stdin {{input}}' '
	mock_start echo-same &&
	printf "in put\n" |
	OPENROUTER_API_KEY=sk-test ms foo --base-url "$MOCK_URL" --retries 0 \
		two  words >actual 2>err &&
	test_cmp /dev/null err &&
	echo "P=two words I=in put" >expect &&
	test_cmp expect actual &&
	test "$(mock_count)" = 1 &&
	cat >expect <<-\EOF &&
	[{"role":"system","content":"You are foo."},{"role":"user","content":"P=two words I=in put"}]
	EOF
	mock_req 1 body.messages >actual &&
	test_cmp expect actual &&
	test "$(mock_req 1 body.stream)" = true
'

test_expect_success 'a symlink msfoo -> ms runs the template foo' '
	mock_start echo-upper &&
	ln -sf "$MS_BUILD/ms" msfoo &&
	printf "stdin text\n" |
	OPENROUTER_API_KEY=sk-test ./msfoo --base-url "$MOCK_URL" --retries 0 \
		hello there >actual 2>err &&
	test_cmp /dev/null err &&
	echo "P=HELLO THERE I=STDIN TEXT" >expect &&
	test_cmp expect actual &&
	test "$(mock_count)" = 1 &&
	test "$(mock_req 1 body.messages.0.content)" = "You are foo." &&
	test "$(mock_req 1 body.messages.1.content)" = "P=hello there I=stdin text" &&
	test "$(mock_req 1 body.messages.1.role)" = user &&
	test_status 1 mock_req 1 body.messages.2
'

test_expect_success 'a symlink to a missing template: 78 naming it, prefixed by the link name' '
	ln -s "$MS_BUILD/ms" msnope &&
	echo x | test_status 78 ./msnope >out 2>err &&
	test_cmp /dev/null out &&
	echo "msnope: unknown template '"'"'nope'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success 'mschat with an unknown long option: 64 and the usage line' '
	echo hi | test_status 64 mschat --bogus >out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: unknown option '"'"'--bogus'"'"'" >expect &&
	cat "$TRASH_DIRECTORY/usage-mschat" >>expect &&
	test_cmp expect err
'

test_expect_success 'mschat with an unknown short option: 64 and the usage line' '
	echo hi | test_status 64 mschat -Z >out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: unknown option '"'"'-Z'"'"'" >expect &&
	cat "$TRASH_DIRECTORY/usage-mschat" >>expect &&
	test_cmp expect err
'

test_expect_success 'an option missing its argument: 64' '
	echo hi | test_status 64 mschat -m >out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: option '"'"'-m'"'"' needs an argument" >expect &&
	cat "$TRASH_DIRECTORY/usage-mschat" >>expect &&
	test_cmp expect err &&
	echo hi | test_status 64 mschat --model >out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: option '"'"'--model'"'"' needs an argument" >expect &&
	cat "$TRASH_DIRECTORY/usage-mschat" >>expect &&
	test_cmp expect err
'

test_expect_success 'bad option values: 64 with the option named' '
	echo hi | test_status 64 mschat --retries lots >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: --retries: .lots." err &&
	test_grep "^usage: mschat " err &&
	echo hi | test_status 64 mschat --temperature 3 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: --temperature: .3." err &&
	echo hi | test_status 64 mschat -D novalue >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: -D wants NAME=VALUE" err
'

test_expect_success 'msummarize and mtranslate report usage errors under their own names' '
	echo hi | test_status 64 msummarize --bogus >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^msummarize: unknown option" err &&
	test_grep "^usage: msummarize " err &&
	echo hi | test_status 64 mtranslate --bogus >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mtranslate: unknown option" err &&
	test_grep "^usage: mtranslate " err
'

test_expect_success 'a bad option to a user template: 64, usage named after it' '
	echo hi | test_status 64 ms foo --bogus >out 2>err &&
	test_cmp /dev/null out &&
	echo "ms: unknown option '"'"'--bogus'"'"'" >expect &&
	echo "usage: ms foo [options] [PROMPT ...]" >>expect &&
	test_cmp expect err &&
	ln -sf "$MS_BUILD/ms" msfoo &&
	echo hi | test_status 64 ./msfoo --bogus >out 2>err &&
	test_cmp /dev/null out &&
	echo "msfoo: unknown option '"'"'--bogus'"'"'" >expect &&
	echo "usage: msfoo [options] [PROMPT ...]" >>expect &&
	test_cmp expect err
'

test_done
