#!/bin/sh
# t0011-keys.sh: the API key's safety (SPEC 3): never in clear through a proxy that is not loopback, api_key_cmd apart from the input, no core dump, no key pasted in the wrong setting, no config or template others may write; config edges (FIFO, /dev/null, BOM, one-line messages).

# The proxy cases need an address that is not loopback: the script runs in
# a network namespace of its own (as root, or with a user namespace),
# where 192.0.2.2 (TEST-NET-1) is put on the namespace's own lo, never
# touching the machine's interfaces.
if test -z "$T0011_NETNS"; then
	T0011_NETNS=none
	export T0011_NETNS
	for _u in "unshare --net" "unshare --net --map-root-user"; do
		if $_u true 2>/dev/null; then
			T0011_NETNS=yes
			exec $_u ${BASH:-sh} "$0" "$@"
		fi
	done
fi

test_description='key safety: proxies, api_key_cmd, core dumps, key-like settings, loose files; config edges'
. "$(dirname "$0")/lib.sh"

CONFIG=$XDG_CONFIG_HOME/ms/config
mkdir -p "$XDG_CONFIG_HOME/ms/templates"

FAR=192.0.2.2
netns=
if test "$T0011_NETNS" = yes && ip link set lo up 2>/dev/null &&
	ip addr add $FAR/32 dev lo 2>/dev/null; then
	netns=t
fi

# proxy.py HOST PORTFILE LOG: a forward proxy that logs each request
# (request line and headers) and answers it itself: a chat completion
# "via proxy" to a plain request, 403 to CONNECT.
cat >"$TRASH_DIRECTORY/proxy.py" <<'EOF'
import json, os, socket, sys, threading

host, portfile, log = sys.argv[1:4]
lock = threading.Lock()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, 0))
s.listen(16)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
threading.Timer(120, lambda: os._exit(0)).start()


def serve(c):
    f = c.makefile("rb")
    head = [f.readline()]
    while head[-1] not in (b"\r\n", b"\n", b""):
        head.append(f.readline())
    with lock, open(log, "ab") as L:
        L.write(b"".join(head))
    n = 0
    for h in head:
        if h.lower().startswith(b"content-length:"):
            n = int(h.split(b":")[1])
    f.read(n)
    if head[0].startswith(b"CONNECT"):
        c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                  b"Connection: close\r\n\r\n")
    else:
        body = json.dumps({"choices": [{"index": 0, "finish_reason": "stop",
                           "message": {"role": "assistant",
                                       "content": "via proxy"}}]}).encode()
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                  % len(body) + body)
    c.close()


while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

# proxy_start: start proxy.py on $FAR (after mock_start, which would stop
# it: it is stopped with the mock), and set PROXY_PORT and PROXY_LOG.
proxy_start () {
	rm -f proxy.port proxy.log || return 1
	: >proxy.log || return 1
	"$PYTHON" "$TRASH_DIRECTORY/proxy.py" $FAR proxy.port proxy.log &
	_mock_owned="$_mock_owned $!"
	_i=0
	while ! test -s proxy.port; do
		_i=$((_i + 1))
		test $_i -lt 200 || return 1
		sleep 0.05
	done
	PROXY_PORT=$(cat proxy.port)
}

test_expect_success 'a key through a loopback proxy to a loopback URL: sent' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	echo hi | MS_API_KEY=sk-x http_proxy=http://127.0.0.1:$MOCK_PORT \
		mschat --base-url http://127.0.0.1:9/v1 --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	echo hi >expect &&
	test_cmp expect out &&
	test "$(mock_req 1 path)" = http://127.0.0.1:9/v1/chat/completions &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-x"
'

if test -n "$netns"; then
test_expect_success 'a key over plain http through a proxy that is not loopback: 78, nothing sent' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	proxy_start &&
	for v in http_proxy all_proxy ALL_PROXY; do
		echo hi | test_status 78 env MS_API_KEY=sk-x \
			$v=http://$FAR:$PROXY_PORT \
			mschat --base-url "$MOCK_URL" --retries 0 >out 2>err ||
			exit 1
		test_cmp /dev/null out &&
		echo "mschat: refusing to send the API key over plain http through the proxy '"'"'http://$FAR:$PROXY_PORT'"'"'; use https, or set no_proxy" >expect &&
		test_cmp expect err || exit 1
	done &&
	# A proxy without a scheme, with credentials: never shown.
	echo hi | test_status 78 env OPENROUTER_API_KEY=sk-x \
		http_proxy=user:s3cret@$FAR:$PROXY_PORT \
		mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_grep "proxy '"'"'$FAR:$PROXY_PORT'"'"'" err &&
	test_grep -v -e s3cret -e user -e sk-x err &&
	test_cmp /dev/null proxy.log &&
	test "$(mock_count)" = 0
'

test_expect_success 'no_proxy, HTTP_PROXY and https_proxy do not send an http request through the proxy' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	proxy_start &&
	echo hi | MS_API_KEY=sk-x http_proxy=http://$FAR:$PROXY_PORT \
		no_proxy=localhost,127.0.0.1 \
		mschat --base-url "$MOCK_URL" --retries 0 >out &&
	echo hi | MS_API_KEY=sk-x http_proxy=http://$FAR:$PROXY_PORT \
		NO_PROXY="*" mschat --base-url "$MOCK_URL" --retries 0 >>out &&
	echo hi | MS_API_KEY=sk-x HTTP_PROXY=http://$FAR:$PROXY_PORT \
		https_proxy=http://$FAR:$PROXY_PORT \
		HTTPS_PROXY=http://$FAR:$PROXY_PORT \
		mschat --base-url "$MOCK_URL" --retries 0 >>out &&
	printf "hi\nhi\nhi\n" >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 3 &&
	test_cmp /dev/null proxy.log &&
	# A no_proxy that names another host leaves the proxy in the way.
	echo hi | test_status 78 env MS_API_KEY=sk-x \
		http_proxy=http://$FAR:$PROXY_PORT no_proxy=example.com,127.0.0.2 \
		mschat --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_grep "through the proxy" err
'

test_expect_success 'without a key the request goes through that proxy, with no Authorization' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	proxy_start &&
	echo hi | MS_API_KEY=sk-x OPENROUTER_API_KEY=sk-y \
		http_proxy=http://$FAR:$PROXY_PORT \
		mschat -P ollama --base-url "$MOCK_URL" --retries 0 >out 2>err &&
	test_cmp /dev/null err &&
	echo "via proxy" >expect &&
	test_cmp expect out &&
	test_grep "^POST http://127.0.0.1:$MOCK_PORT/v1/chat/completions " \
		proxy.log &&
	test_grep -v -i -e "^authorization" -e sk- proxy.log &&
	test "$(mock_count)" = 0 &&
	# auth = none in a profile of the config: the same.
	printf "[profile local]\nbase_url = %s\nauth = none\n" "$MOCK_URL" \
		>"$CONFIG" &&
	: >proxy.log &&
	echo hi | MS_API_KEY=sk-x http_proxy=http://$FAR:$PROXY_PORT \
		mschat -P local --retries 0 >out &&
	test_cmp expect out &&
	test_grep -v -i "^authorization" proxy.log
'

test_expect_success 'a key over https through that proxy: a CONNECT tunnel, no key in clear' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	proxy_start &&
	for v in https_proxy HTTPS_PROXY all_proxy; do
		: >proxy.log &&
		echo hi | env MS_API_KEY=sk-x $v=http://$FAR:$PROXY_PORT \
			mschat --base-url https://127.0.0.1:$MOCK_PORT/v1 \
			--retries 0 >out 2>err && st=0 || st=$?
		test $st != 0 && test $st != 78 || exit 1
		test_grep "^CONNECT 127.0.0.1:$MOCK_PORT " proxy.log || exit 1
		test_grep -v -e sk-x -i -e "^authorization" proxy.log || exit 1
	done
'
else
	test_skip 'proxies that are not loopback' 'no network namespace'
fi

# long.txt: about 880 KB of plain paragraphs.
"$PYTHON" - >"$TRASH_DIRECTORY/long.txt" <<'EOF'
import random
r = random.Random(7)
w = "the quick brown fox jumps over a lazy dog while we ship code".split()
out, n = [], 0
while n < 880000:
    p = " ".join(r.choice(w) for _ in range(r.randint(20, 120))) + ".\n\n"
    out.append(p)
    n += len(p)
print("".join(out), end="")
EOF

test_expect_success 'api_key_cmd does not eat the input: its stdin is /dev/null' '
	mock_start echo-same &&
	printf "[profile k]\nbase_url = %s\napi_key_cmd = %s\n" "$MOCK_URL" \
		"cat >/dev/null; echo sk-cmd" >"$CONFIG" &&
	cat "$TRASH_DIRECTORY/long.txt" |
		mtranslate -P k --retries 0 --context 32768 de >out 2>err &&
	test_cmp /dev/null err &&
	cmp "$TRASH_DIRECTORY/long.txt" out &&
	test "$(mock_count)" -gt 1 &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-cmd" &&
	# Its stderr is ours.
	printf "[profile k]\nbase_url = %s\napi_key_cmd = %s\n" "$MOCK_URL" \
		"echo to-stderr >&2; echo sk-cmd" >"$CONFIG" &&
	echo hi | mschat -P k --retries 0 >out 2>err &&
	echo to-stderr >expect &&
	test_cmp expect err
'

test_expect_success 'no core dump while the key is in memory' '
	rm -f "$CONFIG" &&
	ulimit -S -c unlimited 2>/dev/null || ulimit -S -c 1000000 &&
	test "$(ulimit -c)" != 0 &&
	mock_start hang-headers &&
	{ MS_API_KEY=sk-x mschat --base-url "$MOCK_URL" --retries 0 \
		--timeout 30 hi >out 2>err & } &&
	pid=$! &&
	i=0 &&
	while test "$(mock_count)" = 0 && test $i -lt 200; do
		sleep 0.05
		i=$((i + 1))
	done &&
	test "$(mock_count)" = 1 &&
	grep "^Max core file size" /proc/$pid/limits >limits &&
	kill $pid &&
	{ wait $pid || :; } &&
	test_grep "^Max core file size  *0  *0 " limits
'

test_expect_success 'a key pasted into api_key_env, api_key_cmd or api_key_file: refused, never run or shown' '
	mkdir -p bin &&
	k=aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY &&
	printf "#!/bin/sh\ntouch ran\necho sk-ran\n" >bin/$k &&
	chmod +x bin/$k &&
	for s in api_key_env api_key_cmd api_key_file; do
		for v in $k sk-or-v1-0123456789abcdef0123456789abcdef; do
			printf "[profile x]\n%s = %s\n" $s $v >"$CONFIG" &&
			chmod 600 "$CONFIG" &&
			echo hi | test_status 78 env PATH="$PWD/bin:$PATH" \
				mschat -P x --base-url http://127.0.0.1:9/v1 \
				>out 2>err || exit 1
			test_grep "^mschat: $CONFIG:2: $s looks like a key itself" \
				err || exit 1
			test_grep -v -e $v -e ${v#sk-} err || exit 1
			test_line_count = 1 err || exit 1
		done
	done &&
	! test -e ran &&
	# A variable name, a command and a path are what they seem.
	printf "[profile x]\napi_key_env = MY_PROVIDER_KEY_2\n" >"$CONFIG" &&
	mock_start echo-same &&
	echo hi | MY_PROVIDER_KEY_2=sk-z mschat -P x --base-url "$MOCK_URL" \
		--retries 0 >out &&
	test "$(mock_req 1 headers.authorization)" = "Bearer sk-z"
'

test_expect_success 'a config or template writable by others: 78, whatever it holds' '
	rm -f "$CONFIG" &&
	mock_start echo-same &&
	for m in 664 646 666 620; do
		printf "[default]\nmodel = m\n" >"$CONFIG" &&
		chmod $m "$CONFIG" &&
		echo hi | test_status 78 mschat -P ollama --base-url "$MOCK_URL" \
			>out 2>err || exit 1
		echo "mschat: config '"'"'$CONFIG'"'"' is writable by others; chmod go-w it" >expect &&
		test_cmp expect err || exit 1
		echo hi | test_status 78 env MS_CONFIG="$CONFIG" mschat -n \
			>out 2>err || exit 1
	done &&
	chmod 644 "$CONFIG" &&
	echo hi | mschat -P ollama --base-url "$MOCK_URL" >out &&
	T=$XDG_CONFIG_HOME/ms/templates/mine &&
	printf "[user]\n{{input}}\n" >"$T" &&
	chmod 664 "$T" &&
	echo hi | test_status 78 mschat -P ollama --base-url "$MOCK_URL" \
		-T mine >out 2>err &&
	echo "mschat: template '"'"'$T'"'"' is writable by others; chmod go-w it" >expect &&
	test_cmp expect err &&
	echo hi | test_status 78 mschat -P ollama --base-url "$MOCK_URL" \
		-T "$T" >out 2>err &&
	chmod 644 "$T" &&
	echo hi | mschat -P ollama --base-url "$MOCK_URL" -T mine >out &&
	echo hi >expect &&
	test_cmp expect out &&
	test "$(mock_count)" = 2
'

test_expect_success 'MS_CONFIG=/dev/null is an empty config; a FIFO as config or key file is refused at once' '
	rm -f "$CONFIG" &&
	echo hi | MS_CONFIG=/dev/null mschat -n -v >out 2>err &&
	test_grep "profile openrouter, model mistralai/mistral-small" err &&
	mkfifo fifo &&
	echo hi | test_status 78 env MS_CONFIG=$PWD/fifo timeout 10 \
		mschat -n >out 2>err &&
	test_grep "^mschat: cannot read config '"'"'$PWD/fifo'"'"'" err &&
	printf "[profile x]\napi_key_file = %s\n" "$PWD/fifo" >"$CONFIG" &&
	echo hi | test_status 78 timeout 10 mschat -P x \
		--base-url http://127.0.0.1:9/v1 >out 2>err &&
	test_grep "^mschat: cannot read key file '"'"'$PWD/fifo'"'"'" err &&
	echo hi | test_status 78 env MS_CONFIG=/dev/zero timeout 10 \
		mschat -n >out 2>err
'

test_expect_success 'a UTF-8 BOM at the start of the config or a template is skipped' '
	printf "\357\273\277[default]\nmodel = bom-model\n" >"$CONFIG" &&
	printf "\357\273\277# bom: a template\n[user]\nBOM {{input}}\n" \
		>"$XDG_CONFIG_HOME/ms/templates/bom" &&
	echo hi | mschat -n -v -T bom >out 2>err &&
	test_grep "model bom-model" err &&
	test_grep "\"content\":\"BOM hi\"" out
'

test_expect_success 'messages about files are one line, controls made harmless' '
	rm -f "$CONFIG" &&
	printf "[user]\n{{foo\nbar}}\n" >tpl &&
	echo hi | test_status 78 mschat -n -T ./tpl >out 2>err &&
	test_line_count = 1 err &&
	test_grep "bad tag at '"'"'{{foo'"'"'" err &&
	printf "[default]\njobs = 1\033[2J\n" >"$CONFIG" &&
	echo hi | test_status 78 mschat -n >out 2>err &&
	test_line_count = 1 err &&
	test_grep -v "$(printf "\033")" err &&
	rm -f "$CONFIG"
'

test_done
