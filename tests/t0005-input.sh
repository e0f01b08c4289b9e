#!/bin/sh
# t0005-input.sh: what the tools read: empty, binary, invalid UTF-8, unreadable, too long; template variables.

test_description='input: empty, NUL bytes, invalid UTF-8, unreadable files, too long, template variables'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY
TEMPLATES=$XDG_CONFIG_HOME/ms/templates
mkdir -p "$TEMPLATES"

mock_start echo-same

# log_count: requests the mock received since it started.
log_count () {
	if test -s "$MOCK_LOG"; then
		wc -l <"$MOCK_LOG" | tr -d ' '
	else
		echo 0
	fi
}

# A few KB of text: far more than a context of 1000 tokens.
awk 'BEGIN { for (i = 0; i < 120; i++) printf "line %d of a long input text.\n", i }' >long.txt

test_expect_success 'empty input: no output, exit 0, no request' '
	n=$(log_count) &&
	mschat --base-url "$MOCK_URL" --retries 0 </dev/null >actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp /dev/null err &&
	msummarize --base-url "$MOCK_URL" --retries 0 </dev/null >actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp /dev/null err &&
	: >empty &&
	msummarize --base-url "$MOCK_URL" --retries 0 empty >actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp /dev/null err &&
	mtranslate --base-url "$MOCK_URL" --retries 0 de </dev/null \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp /dev/null err &&
	test "$(log_count)" = $n
'

test_expect_success 'blank input for mschat: no output, no request' '
	n=$(log_count) &&
	printf "\n  \n\t\n" | mschat --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp /dev/null err &&
	test "$(log_count)" = $n
'

test_expect_success 'empty input needs no key either' '
	mschat </dev/null >actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp /dev/null err
'

test_expect_success 'a prompt with empty input: the prompt alone is sent' '
	n=$(log_count) &&
	mschat --base-url "$MOCK_URL" --retries 0 just a prompt </dev/null \
		>actual 2>err &&
	echo "just a prompt" >expect &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	test "$(log_count)" = $((n + 1)) &&
	test "$(mock_req -1 body.messages.-1.content)" = "just a prompt"
'

test_expect_success 'a prompt and input: the input is attached as context' '
	printf "line 1\nline 2\n\n" | mschat --base-url "$MOCK_URL" \
		--retries 0 sum it up >actual 2>err &&
	test_cmp /dev/null err &&
	mock_req_raw -1 body.messages.-1.content >content &&
	printf "sum it up\n\n<input>\nline 1\nline 2\n</input>" >expect &&
	test_cmp expect content &&
	printf "sum it up\n\n<input>\nline 1\nline 2\n</input>\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'msummarize reads FILEs and - in order' '
	printf "one\n" >a && printf "two\n" >b &&
	printf "three\n" | msummarize --base-url "$MOCK_URL" --retries 0 \
		a - b >actual 2>err &&
	test_cmp /dev/null err &&
	mock_req_raw -1 body.messages.-1.content >content &&
	printf "one\nthree\ntwo\n" >expect &&
	sed -n "/^<text>\$/,/^<\/text>\$/p" content | sed "1d;\$d" >text &&
	test_cmp expect text
'

test_expect_success 'a NUL byte: 65, binary input with its offset, no request' '
	n=$(log_count) &&
	printf "ab\000cd\n" | test_status 65 mschat --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null actual &&
	echo "mschat: binary input: NUL byte at offset 2" >expect &&
	test_cmp expect err &&
	printf "x\000" >nul.txt &&
	test_status 65 msummarize --base-url "$MOCK_URL" --retries 0 nul.txt \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^msummarize: binary input: NUL byte at offset 1" err &&
	test_grep "nul.txt" err &&
	test "$(log_count)" = $n
'

test_expect_success 'invalid UTF-8: 65 with the byte offset, no request' '
	n=$(log_count) &&
	for c in "abc\377def:3" "h\303\251llo\303:6" "a\300\257b:1" \
		"ab\355\240\200:2" "abc\364\220\200\200:3"; do
		printf "${c%:*}" | test_status 65 mschat --base-url "$MOCK_URL" \
			--retries 0 >actual 2>err || exit 1
		test_cmp /dev/null actual || exit 1
		echo "mschat: invalid UTF-8 at byte offset ${c##*:}" >expect &&
		test_cmp expect err || exit 1
	done &&
	test "$(log_count)" = $n
'

test_expect_success 'valid UTF-8 of every length and a BOM are sent as they are' '
	printf "\357\273\277BOM é € 日本 🙂\n" | mschat --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	printf "\357\273\277BOM é € 日本 🙂\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a file that cannot be read: 66 naming it, no request' '
	n=$(log_count) &&
	echo hi >ok.txt &&
	test_status 66 msummarize --base-url "$MOCK_URL" --retries 0 \
		ok.txt no-such-file >actual 2>err &&
	test_cmp /dev/null actual &&
	echo "msummarize: cannot read '"'"'no-such-file'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	mkdir adir &&
	test_status 66 msummarize --base-url "$MOCK_URL" --retries 0 adir \
		>actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^msummarize: cannot read .adir.: " err &&
	test_status 66 mtranslate --base-url "$MOCK_URL" --retries 0 de \
		no-such-file >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mtranslate: cannot read .no-such-file.: No such file or directory" err &&
	test "$(log_count)" = $n
'

test_expect_success 'a file without read permission: 66 naming it' '
	echo secret >locked &&
	chmod 000 locked &&
	if cat locked >/dev/null 2>&1; then
		chmod 600 locked &&
		echo "# running as root: skipped"
	else
		test_status 66 msummarize --base-url "$MOCK_URL" --retries 0 \
			locked >actual 2>err &&
		chmod 600 locked &&
		test_cmp /dev/null actual &&
		test_grep "^msummarize: cannot read .locked.: Permission denied" err
	fi
'

test_expect_success 'mschat input too long for the context: 65, no request' '
	n=$(log_count) &&
	test_status 65 mschat --base-url "$MOCK_URL" --retries 0 --context 1000 \
		<long.txt >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mschat: input too long: about [0-9]* tokens" err &&
	test_grep "the context holds 1000; use msummarize" err &&
	test_line_count = 1 err &&
	test "$(log_count)" = $n
'

test_expect_success 'mschat input far too long: 65 at once, no request' '
	n=$(log_count) &&
	for i in 1 2 3 4 5 6 7 8; do cat long.txt; done >longer.txt &&
	test_status 65 mschat --base-url "$MOCK_URL" --retries 0 --context 1000 \
		<longer.txt >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mschat: input too long: " err &&
	test_grep "msummarize" err &&
	test_line_count = 1 err &&
	test "$(log_count)" = $n
'

test_expect_success 'the same input fits a larger context' '
	mschat --base-url "$MOCK_URL" --retries 0 --context 8000 \
		<long.txt >actual 2>err &&
	test_cmp /dev/null err &&
	test_cmp long.txt actual
'

test_expect_success '-k with input that cannot be sent: the input comes back' '
	printf "ab\000cd\n" >nul.in &&
	test_status 65 mschat -k --base-url "$MOCK_URL" --retries 0 \
		<nul.in >actual 2>err &&
	test_cmp nul.in actual &&
	test_grep "binary input" err &&
	printf "abc\377def\n" >bad.in &&
	test_status 65 mschat -k --base-url "$MOCK_URL" --retries 0 \
		<bad.in >actual 2>err &&
	test_cmp bad.in actual &&
	test_grep "invalid UTF-8" err
'

test_expect_success '-k with input too long: the input comes back whole' '
	test_status 65 mschat -k --base-url "$MOCK_URL" --retries 0 \
		--context 1000 <long.txt >actual 2>err &&
	test_cmp long.txt actual &&
	test_status 65 mschat -k --base-url "$MOCK_URL" --retries 0 \
		--context 1000 <longer.txt >actual 2>err &&
	cmp longer.txt actual
'

test_expect_success '-k with a configuration error: the input comes back' '
	printf "some text\nmore\n" >in.txt &&
	test_status 78 env -u OPENROUTER_API_KEY mschat -k \
		--base-url "$MOCK_URL" --retries 0 <in.txt >actual 2>err &&
	test_cmp in.txt actual &&
	test_grep "no API key" err &&
	test_status 78 mschat -k -T nosuch --base-url "$MOCK_URL" --retries 0 \
		<in.txt >actual 2>err &&
	test_cmp in.txt actual &&
	test_grep "unknown template" err
'

test_expect_success '-k with a usage error: the input comes back, before or after it' '
	printf "mein Text\r\nzwei\n" >in.txt &&
	for tool in mschat msummarize mtranslate; do
		test_status 64 $tool -k --bogus de <in.txt >actual 2>err &&
		test_cmp in.txt actual &&
		test_grep "^$tool: unknown option .--bogus." err &&
		test_grep "^usage: $tool " err &&
		test_status 64 $tool --bogus --keep-on-error de <in.txt \
			>actual 2>err &&
		test_cmp in.txt actual || return 1
	done &&
	test_status 64 mtranslate -qk --context 1 de <in.txt >actual 2>err &&
	test_cmp in.txt actual &&
	test_grep "^mtranslate: --context: .1. is too small" err &&
	test_status 64 mschat -k -m <in.txt >actual 2>err &&
	test_cmp in.txt actual &&
	test_grep "needs an argument" err
'

test_expect_success 'without -k a usage error writes nothing; -k after the prompt is prompt' '
	test_status 64 mtranslate --bogus de <in.txt >actual 2>err &&
	test_cmp /dev/null actual &&
	test_status 64 mschat --bogus hello -k <in.txt >actual 2>err &&
	test_cmp /dev/null actual &&
	test_status 64 mschat -m <in.txt >actual 2>err &&
	test_cmp /dev/null actual
'

# --- template variables ------------------------------------------------------

cat >"$TEMPLATES/nope" <<\EOF
[user]
{{input}} and {{nope}}
EOF
cat >"$TEMPLATES/styled" <<\EOF
[system]
Be {{style}}.
[user]
{{prompt}}: {{input}}
EOF

test_expect_success 'a variable used but not set: 78 naming it, no request' '
	n=$(log_count) &&
	echo x | test_status 78 mschat -T nope --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mschat: .*variable .nope. is not set" err &&
	test_line_count = 1 err &&
	echo x | test_status 78 ms styled --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^ms: .*variable .style. is not set" err &&
	test "$(log_count)" = $n
'

test_expect_success '-D sets a variable a user template uses' '
	echo "the input" | mschat -T styled -D style=brief \
		--base-url "$MOCK_URL" --retries 0 do it >actual 2>err &&
	test_cmp /dev/null err &&
	echo "do it: the input" >expect &&
	test_cmp expect actual &&
	cat >expect <<-\EOF &&
	[{"role":"system","content":"Be brief."},{"role":"user","content":"do it: the input"}]
	EOF
	mock_req -1 body.messages >actual &&
	test_cmp expect actual
'

test_expect_success '-D with ms TEMPLATE and with a value holding = and spaces' '
	echo "in" | ms styled -D "style=terse = short" --base-url "$MOCK_URL" \
		--retries 0 go >actual 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req -1 body.messages.0.content)" = "Be terse = short."
'

test_expect_success '-T PATH with a slash: a template file anywhere; {{{{ is a literal {{' '
	printf "[user]\nA {{{{lit}} {{input}}\n" >tpl &&
	echo in | mschat -T ./tpl --base-url "$MOCK_URL" --retries 0 \
		>actual 2>err &&
	test_cmp /dev/null err &&
	echo "A {{lit}} in" >expect &&
	test_cmp expect actual
'

test_expect_success '-T with a missing template: 78' '
	echo x | test_status 78 mschat -T nosuch --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null actual &&
	echo "mschat: unknown template '"'"'nosuch'"'"'" >expect &&
	test_cmp expect err &&
	echo x | test_status 78 mschat -T ./no/such/file --base-url "$MOCK_URL" \
		--retries 0 >actual 2>err &&
	test_cmp /dev/null actual &&
	test_grep "^mschat: .*no/such/file" err
'

test_done
