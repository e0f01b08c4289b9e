#!/bin/sh
# t0002-config.sh: precedence, the config file, profiles, API keys and key safety.

test_description='configuration: precedence, config file errors, key sources and key safety'
. "$(dirname "$0")/lib.sh"

CONFIG=$XDG_CONFIG_HOME/ms/config
mkdir -p "$XDG_CONFIG_HOME/ms"

# config [MODE]: the config file in the default place from stdin (mode 600
# unless given).
config () {
	cat >"$CONFIG" &&
	chmod "${1:-600}" "$CONFIG"
}

# dry VAR: run mschat -n -v on "hi" and print the line of stderr that names
# the profile, model and context, and the POST line.
dry () {
	echo hi | mschat -n -v "$@" >dry.out 2>dry.err &&
	sed -n "s/^mschat: \(profile .*\)/\1/p; s/^mschat: \(POST .*\)/\1/p" dry.err
}

test_expect_success 'built-in defaults: openrouter, its model, URL and context' '
	rm -f "$CONFIG" &&
	dry >actual &&
	cat >expect <<-\EOF &&
	profile openrouter, model mistralai/mistral-small, dialect openrouter, context 32768
	POST https://openrouter.ai/api/v1/chat/completions
	EOF
	test_cmp expect actual &&
	test_grep "^{\"model\":\"mistralai/mistral-small\"," dry.out
'

test_expect_success 'model: command line > MS_MODEL > config profile > config [default] > built-in' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[default]
	model = default-model
	EOF
	dry >actual &&
	test_grep "model default-model," actual &&
	test_grep "^{\"model\":\"default-model\"," dry.out &&
	config <<-\EOF &&
	[default]
	model = default-model
	[profile openrouter]
	model = profile-model
	EOF
	dry >actual &&
	test_grep "model profile-model," actual &&
	test_grep "^{\"model\":\"profile-model\"," dry.out &&
	MS_MODEL=env-model dry >actual &&
	test_grep "model env-model," actual &&
	test_grep "^{\"model\":\"env-model\"," dry.out &&
	MS_MODEL=env-model dry -m cli-model >actual &&
	test_grep "model cli-model," actual &&
	test_grep "^{\"model\":\"cli-model\"," dry.out &&
	rm "$CONFIG"
'

test_expect_success '[default] model does not override a profile that sets its own' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[default]
	model = default-model
	[profile mistral]
	model = my-mistral
	EOF
	dry -P mistral >actual &&
	test_grep "model my-mistral," actual &&
	dry -P ollama >actual &&
	test_grep "model default-model," actual &&
	rm "$CONFIG"
'

test_expect_success 'base URL: command line > MS_BASE_URL > config profile > [default] > built-in' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[default]
	base_url = https://default.example/v1
	EOF
	dry >actual &&
	test_grep "^POST https://default.example/v1/chat/completions\$" actual &&
	config <<-\EOF &&
	[default]
	base_url = https://default.example/v1
	[profile openrouter]
	base_url = https://profile.example/v1
	EOF
	dry >actual &&
	test_grep "^POST https://profile.example/v1/chat/completions\$" actual &&
	MS_BASE_URL=https://env.example/v1 dry >actual &&
	test_grep "^POST https://env.example/v1/chat/completions\$" actual &&
	MS_BASE_URL=https://env.example/v1 dry --base-url https://cli.example/v1 >actual &&
	test_grep "^POST https://cli.example/v1/chat/completions\$" actual &&
	rm "$CONFIG"
'

test_expect_success 'profile: command line > MS_PROFILE > [default] profile > openrouter' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[default]
	profile = mistral
	EOF
	dry >actual &&
	test_grep "^profile mistral, model mistral-small-latest, dialect mistral," actual &&
	test_grep "^POST https://api.mistral.ai/v1/chat/completions\$" actual &&
	MS_PROFILE=ollama dry >actual &&
	test_grep "^profile ollama, model mistral-small, dialect openai," actual &&
	test_grep "^POST http://127.0.0.1:11434/v1/chat/completions\$" actual &&
	MS_PROFILE=ollama dry -P llamacpp >actual &&
	test_grep "^profile llamacpp, " actual &&
	test_grep "^POST http://127.0.0.1:8080/v1/chat/completions\$" actual &&
	rm "$CONFIG"
'

test_expect_success 'the precedence holds for a real request too' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	config <<-EOF &&
	[default]
	profile = mock
	model = default-model
	[profile mock]
	base_url = $MOCK_URL
	model = profile-model
	EOF
	echo one | mschat --retries 0 >actual 2>err &&
	test_cmp /dev/null err &&
	echo one >expect &&
	test_cmp expect actual &&
	test "$(mock_req 1 body.model)" = profile-model &&
	echo two | MS_MODEL=env-model mschat --retries 0 >actual &&
	test "$(mock_req 2 body.model)" = env-model &&
	echo three | MS_MODEL=env-model mschat -m cli-model --retries 0 >actual &&
	test "$(mock_req 3 body.model)" = cli-model &&
	test "$(mock_req 3 body.messages.-1.content)" = three &&
	test_status 1 mock_req 3 headers.authorization &&
	rm "$CONFIG"
'

test_expect_success 'template [params] < command line; absent when neither sets it' '
	rm -f "$CONFIG" &&
	mkdir -p "$XDG_CONFIG_HOME/ms/templates" &&
	cat >"$XDG_CONFIG_HOME/ms/templates/warm" <<-\EOF &&
	[params]
	temperature = 0.5
	[user]
	{{input}}
	EOF
	echo hi | mschat -n >out &&
	test_grep -v "\"temperature\"" out &&
	echo hi | mschat -n -T warm >out &&
	test_grep "\"temperature\":0.5[,}]" out &&
	echo hi | mschat -n -T warm --temperature 0.9 >out &&
	test_grep "\"temperature\":0.9[,}]" out &&
	test_grep -v "\"temperature\":0.5" out
'

test_expect_success 'context: --context > config profile > [default] > template [params] > built-in' '
	rm -f "$CONFIG" &&
	mkdir -p "$XDG_CONFIG_HOME/ms/templates" &&
	cat >"$XDG_CONFIG_HOME/ms/templates/ctx" <<-\EOF &&
	[params]
	context_tokens = 2000
	[user]
	{{input}}
	EOF
	dry -T ctx >actual &&
	test_grep "context 2000\$" actual &&
	config <<-\EOF &&
	[default]
	context_tokens = 3000
	EOF
	dry -T ctx >actual &&
	test_grep "context 3000\$" actual &&
	config <<-\EOF &&
	[default]
	context_tokens = 3000
	[profile openrouter]
	context_tokens = 4000
	EOF
	dry -T ctx >actual &&
	test_grep "context 4000\$" actual &&
	dry -T ctx --context 5000 >actual &&
	test_grep "context 5000\$" actual &&
	rm "$CONFIG"
'

test_expect_success 'a user profile without context_tokens gets the default context' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[profile work]
	base_url = http://127.0.0.1:9/v1
	EOF
	dry -P work >actual &&
	test_grep "^profile work, .*, context 32768\$" actual &&
	config <<-\EOF &&
	[default]
	context_tokens = 5000
	[profile work]
	base_url = http://127.0.0.1:9/v1
	EOF
	dry -P work >actual &&
	test_grep "^profile work, .*, context 5000\$" actual &&
	rm "$CONFIG"
'

test_expect_success 'MS_CONFIG names the config file' '
	rm -f "$CONFIG" &&
	cat >my.conf <<-\EOF &&
	[default]
	model = from-ms-config
	EOF
	config <<-\EOF &&
	[default]
	model = from-xdg
	EOF
	MS_CONFIG=$PWD/my.conf dry >actual &&
	test_grep "model from-ms-config," actual &&
	dry >actual &&
	test_grep "model from-xdg," actual &&
	rm "$CONFIG"
'

test_expect_success 'without XDG_CONFIG_HOME the config is ~/.config/ms/config' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[default]
	model = from-home
	EOF
	(unset XDG_CONFIG_HOME && dry >actual) &&
	test_grep "model from-home," actual &&
	rm "$CONFIG"
'

test_expect_success 'comments, blank lines and blanks around values' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	# a comment
	; another comment

	  [default]
	model   =   spaced model value   
	EOF
	dry >actual &&
	test_grep "model spaced model value," actual &&
	rm "$CONFIG"
'

test_expect_success 'MS_CONFIG pointing at a missing file: 78 naming it, no request' '
	rm -f "$CONFIG" &&
	echo hi | test_status 78 env MS_CONFIG="$PWD/nope.conf" \
		OPENROUTER_API_KEY=sk-test mschat >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: cannot read config .$PWD/nope.conf.: No such file or directory\$" err &&
	test_line_count = 1 err
'

test_expect_success 'a missing default config file is fine' '
	rm -f "$CONFIG" &&
	rm -f "$CONFIG" &&
	echo hi | mschat -n >out 2>err &&
	test_cmp /dev/null err &&
	test_line_count = 1 out
'

test_expect_success 'unknown key: 78 with FILE:LINE:, before any request' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	config <<-\EOF &&
	# line 1
	[default]
	retries = 0
	bogus = 1
	EOF
	echo hi | test_status 78 env OPENROUTER_API_KEY=sk-test \
		mschat --base-url "$MOCK_URL" >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: $CONFIG:4: unknown key .bogus." err &&
	test_line_count = 1 err &&
	test "$(mock_count)" = 0 &&
	rm "$CONFIG"
'

test_expect_success 'unknown key in a [profile] section: 78 with FILE:LINE:' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[profile work]
	model = m
	colour = blue
	EOF
	echo hi | test_status 78 mschat -n >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: $CONFIG:3: unknown key .colour." err &&
	rm "$CONFIG"
'

test_expect_success 'unknown section: 78 with FILE:LINE:' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[default]
	jobs = 2

	[weird]
	EOF
	echo hi | test_status 78 mschat -n >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: $CONFIG:4: unknown section .\[weird\]." err &&
	rm "$CONFIG"
'

test_expect_success 'a bad number: 78 with FILE:LINE: and the value' '
	rm -f "$CONFIG" &&
	for kv in "jobs = many" "retries = -1" "timeout = abc" \
		"idle_timeout = 1s" "connect_timeout = x" "context_tokens = big"; do
		printf "[default]\n%s\n" "$kv" >"$CONFIG" &&
		echo hi | test_status 78 mschat -n >out 2>err || exit 1
		test_cmp /dev/null out || exit 1
		v=${kv#*= } &&
		test_grep "^mschat: $CONFIG:2: .*$v" err || exit 1
	done &&
	printf "[profile p]\nprice_in = cheap\n" >"$CONFIG" &&
	echo hi | test_status 78 mschat -n >out 2>err &&
	test_grep "^mschat: $CONFIG:2: .*cheap" err &&
	rm "$CONFIG"
'

test_expect_success 'unknown profile: 78, from -P, MS_PROFILE or [default]' '
	rm -f "$CONFIG" &&
	echo hi | test_status 78 mschat -P nosuch -n >out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: unknown profile '"'"'nosuch'"'"'" >expect &&
	test_cmp expect err &&
	echo hi | test_status 78 env MS_PROFILE=nosuch mschat -n >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp expect err &&
	config <<-\EOF &&
	[default]
	profile = nosuch
	EOF
	echo hi | test_status 78 mschat -n >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp expect err &&
	rm "$CONFIG"
'

test_expect_success '[default] retries: the number of attempts; --retries overrides it' '
	rm -f "$CONFIG" &&
	mock_start http-503-message &&
	config <<-\EOF &&
	[default]
	retries = 0
	EOF
	echo hi | test_status 69 env OPENROUTER_API_KEY=sk-test \
		mschat --base-url "$MOCK_URL" >out 2>err &&
	test_cmp /dev/null out &&
	test "$(mock_count)" = 1 &&
	config <<-\EOF &&
	[default]
	retries = 1
	EOF
	echo hi | test_status 69 env OPENROUTER_API_KEY=sk-test \
		mschat --base-url "$MOCK_URL" >out 2>err &&
	test "$(mock_count)" = 3 &&
	echo hi | test_status 69 env OPENROUTER_API_KEY=sk-test \
		mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test "$(mock_count)" = 4 &&
	test_grep "upstream overloaded (mock 503)" err &&
	rm "$CONFIG"
'

test_expect_success '[default] idle_timeout and timeout apply' '
	rm -f "$CONFIG" &&
	mock_start stream-stall &&
	config <<-\EOF &&
	[default]
	retries = 0
	idle_timeout = 1
	EOF
	start=$(date +%s) &&
	echo hi | test_status 75 env OPENROUTER_API_KEY=sk-test \
		timeout 4 mschat --base-url "$MOCK_URL" --no-stream >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -le 3 &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*timed out" err &&
	mock_start hang-headers &&
	config <<-\EOF &&
	[default]
	retries = 0
	timeout = 1
	EOF
	start=$(date +%s) &&
	echo hi | test_status 75 env OPENROUTER_API_KEY=sk-test \
		mschat --base-url "$MOCK_URL" >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -le 5 &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*timed out" err &&
	rm "$CONFIG"
'

test_expect_success '[default] jobs limits the requests in flight; -j overrides it' '
	rm -f "$CONFIG" &&
	mock_start t0-slow-short &&
	awk "BEGIN { for (p = 1; p <= 60; p++) { for (i = 0; i < 60; i++) printf \"word%d \", i; printf \"\\n\\n\" } }" >long.txt &&
	config <<-\EOF &&
	[default]
	jobs = 1
	retries = 0
	EOF
	OPENROUTER_API_KEY=sk-test msummarize --base-url "$MOCK_URL" \
		--context 4000 long.txt >out 2>err &&
	test_cmp /dev/null err &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	test "$(mock_count)" -gt 3 &&
	test "$(mock_max_inflight)" = 1 &&
	mock_start t0-slow-short &&
	OPENROUTER_API_KEY=sk-test msummarize --base-url "$MOCK_URL" \
		--context 4000 -j 3 long.txt >out 2>err &&
	test_cmp expect out &&
	test "$(mock_max_inflight)" = 3 &&
	rm "$CONFIG"
'

test_expect_success 'app_title and app_url: HTTP-Referer, X-Title, X-OpenRouter-Title' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config <<-\EOF &&
	[profile openrouter]
	app_title = my-tools
	app_url = https://example.org
	EOF
	echo hi | OPENROUTER_API_KEY=sk-test mschat --base-url "$MOCK_URL" \
		--retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect out &&
	test "$(mock_req 1 headers.http-referer)" = https://example.org &&
	test "$(mock_req 1 headers.x-title)" = my-tools &&
	test "$(mock_req 1 headers.x-openrouter-title)" = my-tools &&
	rm "$CONFIG"
'

test_expect_success 'no attribution headers unless configured' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | OPENROUTER_API_KEY=sk-test mschat --base-url "$MOCK_URL" \
		--retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test_status 1 mock_req 1 headers.http-referer &&
	test_status 1 mock_req 1 headers.x-title &&
	test_status 1 mock_req 1 headers.x-openrouter-title
'

test_expect_success '-n -v lists the attribution headers it would send' '
	rm -f "$CONFIG" &&
	config <<-\EOF &&
	[profile openrouter]
	app_title = my-tools
	app_url = https://example.org
	EOF
	echo hi | mschat -n -v >out 2>err &&
	test_grep "^mschat: HTTP-Referer: https://example.org\$" err &&
	test_grep "^mschat: X-Title: my-tools\$" err &&
	test_grep "^mschat: X-OpenRouter-Title: my-tools\$" err &&
	rm "$CONFIG"
'

test_expect_success 'a [profile NAME] of its own: base_url, model, key, headers' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	config <<-EOF &&
	[profile work]
	base_url = $MOCK_URL
	model = work-model
	api_key_env = WORK_KEY
	app_title = work-tools
	app_url = https://work.example
	EOF
	echo hello | WORK_KEY=sk-work mschat -P work --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	echo hello >expect &&
	test_cmp expect out &&
	test "$(mock_req 1 body.model)" = work-model &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-work" &&
	test "$(mock_req 1 headers.http-referer)" = https://work.example &&
	test "$(mock_req 1 headers.x-title)" = work-tools &&
	rm "$CONFIG"
'

# --- where the key comes from -------------------------------------------

test_expect_success 'OPENROUTER_API_KEY: Authorization: Bearer KEY' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | OPENROUTER_API_KEY=sk-or-1234 mschat --base-url "$MOCK_URL" \
		--retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-or-1234"
'

test_expect_success 'MS_API_KEY comes before every other source' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config <<-\EOF &&
	[profile openrouter]
	api_key_cmd = echo sk-from-cmd
	EOF
	echo hi | MS_API_KEY=sk-ms-5678 OPENROUTER_API_KEY=sk-or-1234 \
		mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-ms-5678" &&
	rm "$CONFIG"
'

test_expect_success 'MISTRAL_API_KEY for -P mistral (and not OPENROUTER_API_KEY)' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | MISTRAL_API_KEY=sk-mistral OPENROUTER_API_KEY=sk-or \
		mschat -P mistral --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-mistral" &&
	echo hi | test_status 78 env OPENROUTER_API_KEY=sk-or \
		mschat -P mistral --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: no API key for profile .mistral.: set MISTRAL_API_KEY" err &&
	test "$(mock_count)" = 1
'

test_expect_success 'api_key_env names the variable, over the built-in one' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config <<-\EOF &&
	[profile openrouter]
	api_key_env = MY_KEY
	EOF
	echo hi | MY_KEY=sk-my-key OPENROUTER_API_KEY=sk-or mschat \
		--base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-my-key" &&
	echo hi | test_status 78 mschat --base-url "$MOCK_URL" --retries 0 \
		>out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*MY_KEY" err &&
	test "$(mock_count)" = 1 &&
	rm "$CONFIG"
'

test_expect_success 'api_key_cmd: the first line of its output' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config <<-\EOF &&
	[profile openrouter]
	api_key_cmd = printf "sk-cmd-line1\nsecond line\n"
	EOF
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect out &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-cmd-line1" &&
	rm "$CONFIG"
'

test_expect_success 'api_key_cmd that fails: 78, no request' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config <<-\EOF &&
	[profile openrouter]
	api_key_cmd = exit 3
	EOF
	echo hi | test_status 78 mschat --base-url "$MOCK_URL" --retries 0 \
		>out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: api_key_cmd" err &&
	test "$(mock_count)" = 0 &&
	rm "$CONFIG"
'

test_expect_success 'api_key_file mode 0600: its first line is the key' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	printf "sk-file-key\nignored\n" >keyfile &&
	chmod 600 keyfile &&
	config 644 <<-EOF &&
	[profile openrouter]
	api_key_file = $PWD/keyfile
	EOF
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-file-key" &&
	rm "$CONFIG"
'

test_expect_success 'api_key_file readable by group or others: 78, no request' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	printf "sk-file-key\n" >keyfile &&
	config <<-EOF &&
	[profile openrouter]
	api_key_file = $PWD/keyfile
	EOF
	for mode in 644 640 604; do
		chmod $mode keyfile &&
		echo hi | test_status 78 mschat --base-url "$MOCK_URL" \
			--retries 0 >out 2>err || exit 1
		test_cmp /dev/null out || exit 1
		test_grep "^mschat: key file .$PWD/keyfile. is readable by others" err || exit 1
	done &&
	test "$(mock_count)" = 0 &&
	rm "$CONFIG"
'

test_expect_success 'api_key_file missing: 78 naming it' '
	rm -f "$CONFIG" &&
	config <<-EOF &&
	[profile openrouter]
	api_key_file = $PWD/no-such-keyfile
	EOF
	echo hi | test_status 78 mschat --base-url http://127.0.0.1:9/v1 \
		--retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: cannot read key file .$PWD/no-such-keyfile." err &&
	rm "$CONFIG"
'

test_expect_success 'a config holding api_key with mode 0644 is refused: 78' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config 644 <<-\EOF &&
	[profile openrouter]
	api_key = sk-literal
	EOF
	echo hi | test_status 78 mschat --base-url "$MOCK_URL" --retries 0 \
		>out 2>err &&
	test_cmp /dev/null out &&
	echo "mschat: config '"'"'$CONFIG'"'"' holds an API key and is readable by others; chmod 600 it" >expect &&
	test_cmp expect err &&
	chmod 640 "$CONFIG" &&
	echo hi | test_status 78 mschat --base-url "$MOCK_URL" --retries 0 \
		>out 2>err &&
	test_cmp expect err &&
	test "$(mock_count)" = 0 &&
	rm "$CONFIG"
'

test_expect_success 'a config holding api_key with mode 0600 is used' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	config 600 <<-\EOF &&
	[profile openrouter]
	api_key = sk-literal
	EOF
	echo hi | mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-literal" &&
	rm "$CONFIG"
'

test_expect_success 'no key for openrouter: 78 naming OPENROUTER_API_KEY, no request' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | test_status 78 mschat --base-url "$MOCK_URL" --retries 0 \
		>out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: no API key for profile .openrouter.: set OPENROUTER_API_KEY or MS_API_KEY" err &&
	test_line_count = 1 err &&
	test "$(mock_count)" = 0
'

test_expect_success 'an empty OPENROUTER_API_KEY is no key' '
	rm -f "$CONFIG" &&
	echo hi | test_status 78 env OPENROUTER_API_KEY= mschat \
		--base-url http://127.0.0.1:9/v1 --retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "OPENROUTER_API_KEY" err
'

test_expect_success '-P ollama needs no key and sends no Authorization' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | mschat -P ollama --base-url "$MOCK_URL" --retries 0 \
		>out 2>err &&
	test_cmp /dev/null err &&
	echo "Hello, world! This is a plain streamed answer." >expect &&
	test_cmp expect out &&
	test_status 1 mock_req 1 headers.authorization &&
	test "$(mock_req 1 body.model)" = mistral-small
'

test_expect_success '-P ollama does not leak another provider'"'"'s key' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | OPENROUTER_API_KEY=sk-or MISTRAL_API_KEY=sk-mi \
		mschat -P ollama --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test_status 1 mock_req 1 headers.authorization &&
	echo hi | OPENROUTER_API_KEY=sk-or mschat -P llamacpp \
		--base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_status 1 mock_req 2 headers.authorization
'

test_expect_success 'a key over plain http to a non-loopback host: 78, nothing sent' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	# Through the mock as a proxy, a request would be logged.
	echo hi | test_status 78 env OPENROUTER_API_KEY=sk-test \
		http_proxy="http://127.0.0.1:$MOCK_PORT" \
		mschat --base-url http://example.invalid/v1 --retries 0 \
		>out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*http://example.invalid/v1" err &&
	test_grep -v "sk-test" err &&
	test "$(mock_count)" = 0 &&
	# Without a key the same request goes out (through the proxy).
	echo hi | http_proxy="http://127.0.0.1:$MOCK_PORT" \
		mschat -P ollama --base-url http://example.invalid/v1 \
		--retries 0 >out 2>err &&
	echo hi >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 1 &&
	test "$(mock_req 1 path)" = http://example.invalid/v1/chat/completions
'

test_expect_success 'look-alike hosts and scheme spellings do not fool the check' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	for u in HTTP://example.invalid/v1 hTTp://example.invalid/v1 \
		http://127.0.0.1.example.invalid/v1 \
		http://localhost.example.invalid/v1 \
		http://example.invalid:80/v1; do
		echo hi | test_status 78 env OPENROUTER_API_KEY=sk-test \
			http_proxy="http://127.0.0.1:$MOCK_PORT" \
			mschat --base-url "$u" --retries 0 >out 2>err || exit 1
		test_cmp /dev/null out || exit 1
		test_grep -v "sk-test" err || exit 1
	done &&
	test "$(mock_count)" = 0
'

test_expect_success 'a base URL with a trailing slash' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	echo hi | OPENROUTER_API_KEY=sk-test mschat --base-url "$MOCK_URL/" \
		--retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	echo hi >expect &&
	test_cmp expect out &&
	test "$(mock_req 1 path)" = /v1/chat/completions
'

test_expect_success 'a key over plain http to localhost and 127.x is allowed' '
	rm -f "$CONFIG" &&
	mock_start ok-stream &&
	echo hi | OPENROUTER_API_KEY=sk-test mschat \
		--base-url "http://localhost:$MOCK_PORT/v1" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-test"
'

test_expect_success 'file:// and other schemes are refused: 78' '
	rm -f "$CONFIG" &&
	echo hi | test_status 78 env OPENROUTER_API_KEY=sk-test \
		mschat --base-url file:///etc/passwd --retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*file:///etc/passwd" err &&
	test_grep -v "root:" err &&
	echo hi | test_status 78 mschat -P ollama --base-url file:///etc/passwd \
		--retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*file:///etc/passwd" err &&
	echo hi | test_status 78 mschat -P ollama --base-url ftp://127.0.0.1/v1 \
		--retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: .*ftp://127.0.0.1/v1" err
'

test_expect_success '-n needs no key; -n -v shows Bearer *** and never the key' '
	rm -f "$CONFIG" &&
	echo hi | mschat -n -v >out 2>err &&
	test_grep "^mschat: Authorization: Bearer \*\*\*\$" err &&
	test_grep "^mschat: POST https://openrouter.ai/api/v1/chat/completions\$" err &&
	test_line_count = 1 out &&
	test_grep "^{\"model\":" out &&
	echo hi | OPENROUTER_API_KEY=sk-very-secret mschat -n -v >out 2>err &&
	test_grep "^mschat: Authorization: Bearer \*\*\*\$" err &&
	test_grep -v "sk-very-secret" err &&
	test_grep -v "sk-very-secret" out
'

test_expect_success '-n -v for ollama prints no Authorization line' '
	rm -f "$CONFIG" &&
	echo hi | mschat -P ollama -n -v >out 2>err &&
	test_grep "^mschat: POST http://127.0.0.1:11434/v1/chat/completions\$" err &&
	test_grep -v "Authorization" err
'

test_expect_success '-v on a real request never shows the key' '
	rm -f "$CONFIG" &&
	mock_start ok-stream-usage &&
	echo hi | OPENROUTER_API_KEY=sk-very-secret-42 mschat -v -u \
		--base-url "$MOCK_URL" --retries 0 >out 2>err &&
	echo "Counted answer." >expect &&
	test_cmp expect out &&
	test_grep "^mschat: POST $MOCK_URL/chat/completions\$" err &&
	test_grep -v "very-secret" err &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-very-secret-42"
'

test_expect_success '-v on a failed request never shows the key either' '
	rm -f "$CONFIG" &&
	mock_start http-401-openrouter &&
	echo hi | test_status 77 env OPENROUTER_API_KEY=sk-very-secret-42 \
		mschat -v --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "HTTP 401" err &&
	test_grep -v "very-secret" err
'

test_expect_success 'there is no option that takes a key' '
	rm -f "$CONFIG" &&
	echo hi | test_status 64 mschat --api-key sk-x -n >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "^mschat: unknown option" err
'

test_done
