#!/bin/sh
# t0007-safety.sh: keep_on_error in the config, endless input, and no way to turn TLS checks off.

test_description='the user text survives; the key and TLS stay safe'
. "$(dirname "$0")/lib.sh"

mkdir -p "$XDG_CONFIG_HOME/ms"

test_expect_success 'keep_on_error = true in the config acts as -k' '
	printf "[default]\nkeep_on_error = true\n" >"$XDG_CONFIG_HOME/ms/config" &&
	mock_start http-503-mistral &&
	printf "Mein Text.\n" >in &&
	test_status 69 mtranslate --retries 0 -P ollama \
		--base-url "$MOCK_URL" de <in >out 2>err &&
	cmp in out &&
	test_grep "^mtranslate: HTTP 503" err &&
	rm "$XDG_CONFIG_HOME/ms/config"
'

test_expect_success 'keep_on_error = true: a success prints the answer, not the input' '
	printf "[default]\nkeep_on_error = yes\n" >"$XDG_CONFIG_HOME/ms/config" &&
	mock_start echo-upper &&
	printf "hallo\n" | mtranslate -P ollama --base-url "$MOCK_URL" de >out &&
	echo HALLO >expect &&
	test_cmp expect out &&
	rm "$XDG_CONFIG_HOME/ms/config"
'

test_expect_success 'endless input to mschat fails fast, with nothing sent' '
	mock_start echo-upper &&
	{ yes "a line of text that never ends" |
		timeout 20 mschat -P ollama --base-url "$MOCK_URL" \
		summarize >out 2>err && echo 0 >status || echo $? >status; } &&
	echo 65 >expect &&
	test_cmp expect status &&
	test_grep "^mschat: input too long" err &&
	test_cmp /dev/null out &&
	test "$(mock_count)" = 0
'

test_expect_success 'input too large with -k: 65, and all of it comes back' '
	yes "line of the user" | head -c 20000000 >big &&
	test_status 65 mschat -k -P ollama --base-url "$MOCK_URL" \
		<big >out 2>err &&
	cmp big out &&
	test_grep "^mschat: input too long" err &&
	test "$(mock_count)" = 0
'

test_expect_success 'no config key turns TLS verification off' '
	for k in ssl_verify verify insecure tls_verify ca_check; do
		printf "[profile x]\nbase_url = https://example.invalid/v1\n%s = false\n" \
			"$k" >"$XDG_CONFIG_HOME/ms/config" &&
		echo hi | test_status 78 mschat -P x >out 2>err &&
		test_grep "unknown key .$k." err || return 1
	done &&
	rm "$XDG_CONFIG_HOME/ms/config"
'

test_expect_success 'no option turns TLS verification off or takes a key' '
	for o in --insecure --api-key --key --no-verify --tls-no-verify; do
		echo hi | test_status 64 mschat "$o" x >out 2>err || return 1
	done
'

test_expect_success 'a host that never accepts: --connect-timeout, 75, retried' '
	"$PYTHON" "$MS_SRCDIR/tests/mock/blackhole.py" 20 >port &
	bh=$! &&
	for i in 1 2 3 4 5 6 7 8 9 10; do test -s port && break; sleep 0.2; done &&
	echo hi | test_status 75 mschat -P ollama --connect-timeout 1 \
		--retries 1 --base-url "http://127.0.0.1:$(cat port)/v1" \
		>out 2>err &&
	kill $bh &&
	test_grep "^mschat: timed out connecting to .* (--connect-timeout)" err &&
	test_cmp /dev/null out
'

test_done
