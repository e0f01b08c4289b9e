#!/bin/sh
# t0013-transport.sh: the real transport (SPEC 9): TLS and HTTP/2 through nghttpx in front of the mock, the trust settings and their messages, one connection per job, a forward proxy (tinyproxy) with the key only inside the tunnel.

test_description='TLS, HTTP/2 and proxies against nghttpx and tinyproxy'
. "$(dirname "$0")/lib.sh"

if ! test_have_prereq nghttpx tinyproxy openssl; then
	if test -n "${CI-}"; then
		test_expect_success 'nghttpx, tinyproxy and openssl are installed' 'false'
	else
		test_skip 'the transport tests' \
			'needs nghttpx (nghttp2-proxy), tinyproxy and openssl'
	fi
	test_done
fi

# Made by the first test; test bodies run in subshells.
TLS=$TEST_ROOT/harness/tls
CONFIG=$XDG_CONFIG_HOME/ms/config
mkdir -p "$XDG_CONFIG_HOME/ms"
KEY=sk-transport-test-0123456789
ANSWER='Hello, world! This is a plain streamed answer.'
SETTINGS='ca_file, ca_path, CURL_CA_BUNDLE, SSL_CERT_FILE or SSL_CERT_DIR choose others'

# chat ARGS...: mschat to the front, with the key and no retry; tchat
# trusts the test CA.
chat () {
	MS_API_KEY=$KEY mschat --retries 0 --base-url "$FRONT_URL" "$@"
}
tchat () {
	CURL_CA_BUNDLE=$TLS/ca.pem chat "$@"
}

test_expect_success 'set up: certificates made by openssl' '
	tls_certs &&
	test_status 1 openssl x509 -in "$TLS/expired.pem" -noout -checkend 0 &&
	openssl verify -CAfile "$TLS/ca.pem" "$TLS/good.pem" &&
	ls "$TLS/cadir" | grep -q "^[0-9a-f]\{8\}\.0\$"
'

test_expect_success 'an answer over TLS and HTTP/2, trusted by CURL_CA_BUNDLE' '
	mock_start ok-stream && front_start &&
	echo hi | CURL_CA_BUNDLE=$TLS/ca.pem chat -v >out 2>err &&
	echo "$ANSWER" >expect &&
	test_cmp expect out &&
	test_grep "^mschat: TLS: trusted CAs: CURL_CA_BUNDLE $TLS/ca.pem\$" err &&
	test_grep "^mschat: HTTP/2 200, first byte after" err &&
	test "$(cat "$FRONT_LOG")" = "$(awk "NR == 1 { print \$1 }" "$FRONT_LOG") h2 POST /v1/chat/completions 200" &&
	test "$(mock_req 1 headers.authorization)" = "Bearer $KEY"
'

test_expect_success 'the system store does not trust the test CA: 69, one try' '
	mock_start ok-stream && front_start &&
	test_status 69 chat -v hi >out 2>err &&
	test ! -s out &&
	test_grep "^mschat: TLS: the certificate of .127.0.0.1. is not trusted: unable to get local issuer certificate (trusted CAs: the system.s store" err &&
	test_grep "$SETTINGS)\$" err &&
	test "$(grep -c "^mschat: POST" err)" = 1 &&
	test "$(mock_count)" = 0
'

test_expect_success 'by default the system store is looked up by hash when it can be' '
	mock_start ok-stream && front_start &&
	test_status 69 chat -v hi 2>err &&
	dir=$(sed -n "s/^mschat: TLS: trusted CAs: the system.s store, by hash in //p" err) &&
	# Debian'"'"'s libcurl looks in /etc/ssl/certs: with hash links there,
	# the look-up by hash is what must be used.
	if ls /etc/ssl/certs 2>/dev/null | grep -q "^[0-9a-f]\{8\}\.[0-9]\$"; then
		test "$dir" = /etc/ssl/certs
	elif test -n "$dir"; then
		ls "$dir" | grep -q "^[0-9a-f]\{8\}\.[0-9]\$"
	else
		test_grep "^mschat: TLS: trusted CAs: the system.s store" err
	fi
'

test_expect_success 'SSL_CERT_FILE, and SSL_CERT_DIR by hash, are trusted' '
	mock_start ok-stream && front_start &&
	SSL_CERT_FILE=$TLS/ca.pem chat hi >out &&
	echo "$ANSWER" >expect &&
	test_cmp expect out &&
	SSL_CERT_DIR=$TLS/cadir chat -v hi >out 2>err &&
	test_cmp expect out &&
	test_grep "^mschat: TLS: trusted CAs: SSL_CERT_DIR $TLS/cadir (by hash)\$" err &&
	test "$(mock_count)" = 2
'

test_expect_success 'a directory without hash links trusts nothing' '
	mock_start ok-stream && front_start &&
	test_status 69 env SSL_CERT_DIR="$TLS/plaindir" \
		MS_API_KEY=$KEY mschat --base-url "$FRONT_URL" hi 2>err &&
	test_grep "is not trusted" err
'

test_expect_success 'the trust settings replace the system store and each other' '
	mock_start ok-stream && front_start &&
	echo "$ANSWER" >expect &&
	# CURL_CA_BUNDLE first: SSL_CERT_FILE is not even looked at.
	CURL_CA_BUNDLE=$TLS/ca.pem SSL_CERT_FILE=/nonexistent chat hi >out &&
	test_cmp expect out &&
	test_status 69 env CURL_CA_BUNDLE="$TLS/ca2.pem" SSL_CERT_FILE="$TLS/ca.pem" \
		MS_API_KEY=$KEY mschat --base-url "$FRONT_URL" hi 2>err &&
	test_grep "is not trusted.*(trusted CAs: CURL_CA_BUNDLE $TLS/ca2.pem;" err &&
	# SSL_CERT_FILE and SSL_CERT_DIR together: either may hold the CA.
	SSL_CERT_FILE=$TLS/ca2.pem SSL_CERT_DIR=$TLS/cadir chat hi >out &&
	test_cmp expect out
'

test_expect_success 'a profile ca_file or ca_path overrides the environment' '
	mock_start ok-stream && front_start &&
	echo "$ANSWER" >expect &&
	cp "$TLS/ca.pem" "$HOME/corp.pem" &&
	cat >"$CONFIG" <<-EOF &&
	[profile corp]
	base_url = $FRONT_URL
	ca_file = ~/corp.pem
	[profile corpdir]
	base_url = $FRONT_URL
	ca_path = $TLS/cadir
	[profile wrong]
	base_url = $FRONT_URL
	ca_file = $TLS/ca2.pem
	EOF
	CURL_CA_BUNDLE=/nonexistent MS_API_KEY=$KEY mschat -P corp -v hi >out 2>err &&
	test_cmp expect out &&
	test_grep "^mschat: TLS: trusted CAs: ca_file of profile .corp. $HOME/corp.pem\$" err &&
	SSL_CERT_FILE=$TLS/ca2.pem MS_API_KEY=$KEY mschat -P corpdir hi >out &&
	test_cmp expect out &&
	test_status 69 env CURL_CA_BUNDLE="$TLS/ca.pem" MS_API_KEY=$KEY \
		mschat -P wrong hi 2>err &&
	test_grep "is not trusted.*(trusted CAs: ca_file of profile .wrong. $TLS/ca2.pem;" err &&
	rm "$CONFIG"
'

test_expect_success 'a trust setting that names nothing is a config error (78)' '
	cat >"$CONFIG" <<-EOF &&
	[profile gone]
	base_url = https://127.0.0.1:9/v1
	ca_file = ~/nonexistent.pem
	[profile dir]
	base_url = https://127.0.0.1:9/v1
	ca_file = $TLS
	[profile notdir]
	base_url = https://127.0.0.1:9/v1
	ca_path = $TLS/ca.pem
	EOF
	test_status 78 env MS_API_KEY=$KEY mschat -P gone hi 2>err &&
	echo "mschat: ca_file of profile '"'"'gone'"'"': '"'"'$HOME/nonexistent.pem'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	test_status 78 env MS_API_KEY=$KEY mschat -P dir hi 2>err &&
	test_grep "^mschat: ca_file of profile .dir.: .$TLS. is a directory" err &&
	test_status 78 env MS_API_KEY=$KEY mschat -P notdir hi 2>err &&
	test_grep "^mschat: ca_path of profile .notdir.: .$TLS/ca.pem. is not a directory\$" err &&
	test_status 78 env CURL_CA_BUNDLE=/nonexistent MS_API_KEY=$KEY \
		mschat --base-url https://127.0.0.1:9/v1 hi 2>err &&
	test_grep "^mschat: CURL_CA_BUNDLE: ./nonexistent.: No such file or directory\$" err &&
	test_status 78 env SSL_CERT_DIR=/nonexistent MS_API_KEY=$KEY \
		mschat --base-url https://127.0.0.1:9/v1 hi 2>err &&
	test_grep "^mschat: SSL_CERT_DIR: ./nonexistent.: No such file or directory\$" err &&
	printf "[profile empty]\nca_file =\n" >"$CONFIG" &&
	test_status 78 env MS_API_KEY=$KEY mschat -P empty hi 2>err &&
	test_grep "config:2: ca_file is empty\$" err &&
	rm "$CONFIG"
'

test_expect_success 'plain http does not look at the trust settings' '
	mock_start ok-stream &&
	CURL_CA_BUNDLE=/nonexistent SSL_CERT_DIR=/nonexistent \
		mschat --base-url "$MOCK_URL" -P ollama hi >out &&
	echo "$ANSWER" >expect &&
	test_cmp expect out
'

test_expect_success 'an expired certificate: 69, named, not tried again' '
	mock_start ok-stream && front_start expired &&
	test_status 69 env CURL_CA_BUNDLE="$TLS/ca.pem" MS_API_KEY=$KEY \
		mschat --base-url "$FRONT_URL" -v hi >out 2>err &&
	test ! -s out &&
	test_grep "^mschat: TLS: the certificate of .127.0.0.1. has expired: certificate has expired (trusted CAs: CURL_CA_BUNDLE $TLS/ca.pem; $SETTINGS)\$" err &&
	test "$(grep -c "^mschat: POST" err)" = 1 &&
	test "$(mock_count)" = 0
'

test_expect_success 'a certificate for another name: 69, named' '
	mock_start ok-stream && front_start other &&
	test_status 69 env CURL_CA_BUNDLE="$TLS/ca.pem" MS_API_KEY=$KEY \
		mschat --base-url "$FRONT_URL" -v hi >out 2>err &&
	test ! -s out &&
	test_grep "^mschat: TLS: the certificate of .127.0.0.1. is for another name: .*127.0.0.1.* (trusted CAs: CURL_CA_BUNDLE $TLS/ca.pem; $SETTINGS)\$" err &&
	test "$(grep -c "^mschat: POST" err)" = 1 &&
	test "$(mock_count)" = 0
'

test_expect_success 'the good certificate is for localhost too' '
	mock_start ok-stream && front_start &&
	CURL_CA_BUNDLE=$TLS/ca.pem MS_API_KEY=$KEY \
		mschat --base-url "https://localhost:$FRONT_PORT/v1" hi >out &&
	echo "$ANSWER" >expect &&
	test_cmp expect out
'

test_expect_success 'set up: a document of many chunks' '
	"$PYTHON" -c "
import random
r = random.Random(7)
words = \"alpha beta gamma delta epsilon zeta eta theta iota kappa\".split()
for i in range(40):
    print(\" \".join(r.choice(words) for _ in range(300)) + \".\")
    print()
" >doc.md &&
	test $(wc -c <doc.md) -gt 60000
'

# tr_ ARGS...: mtranslate the document through the front, in pieces of
# about one paragraph.
tr_ () {
	CURL_CA_BUNDLE=$TLS/ca.pem MS_API_KEY=$KEY mtranslate --retries 0 \
		--base-url "$FRONT_URL" --context 1500 "$@" de <doc.md
}

test_expect_success 'HTTP/2: one connection for the whole job, whatever -j' '
	mock_start echo-slow && front_start &&
	tr_ -j 8 >out 2>err &&
	test_cmp doc.md out &&
	n=$(mock_count) &&
	test "$n" -ge 16 &&
	test "$(wc -l <"$FRONT_LOG")" = "$n" &&
	test "$(awk "\$2 != \"h2\"" "$FRONT_LOG" | wc -l)" = 0 &&
	test "$(front_conns)" = 1 &&
	test "$(mock_max_inflight)" -ge 4
'

test_expect_success 'HTTP/1.1: parallel connections, at most -j' '
	mock_start echo-slow && front_start good h1 &&
	tr_ -j 4 -v >out 2>err &&
	test_cmp doc.md out &&
	test_grep "^mschat: HTTP/1.1 200\|^mtranslate: HTTP/1.1 200" err &&
	test "$(awk "\$2 != \"http/1.1\"" "$FRONT_LOG" | wc -l)" = 0 &&
	c=$(front_conns) &&
	test "$c" -ge 2 && test "$c" -le 4 &&
	test "$(mock_max_inflight)" -ge 2
'

test_expect_success 'https_proxy: through tinyproxy in a CONNECT tunnel, the key inside it' '
	mock_start ok-stream && front_start && proxy_start &&
	echo hi | https_proxy=$PROXY_URL tchat -v >out 2>err &&
	echo "$ANSWER" >expect &&
	test_cmp expect out &&
	echo "CONNECT 127.0.0.1:$FRONT_PORT HTTP/1.1" >expect &&
	proxy_requests >actual &&
	test_cmp expect actual &&
	! grep -q "$KEY" "$PROXY_LOG" &&
	test "$(mock_req 1 headers.authorization)" = "Bearer $KEY" &&
	test "$(front_conns)" = 1
'

test_expect_success 'HTTPS_PROXY and all_proxy are read as libcurl reads them' '
	mock_start ok-stream && front_start && proxy_start &&
	echo "$ANSWER" >expect &&
	HTTPS_PROXY=$PROXY_URL tchat hi >out &&
	test_cmp expect out &&
	all_proxy=$PROXY_URL tchat hi >out &&
	test_cmp expect out &&
	# https_proxy before all_proxy: a dead all_proxy is not used.
	https_proxy=$PROXY_URL all_proxy=http://127.0.0.1:9 tchat hi >out &&
	test_cmp expect out &&
	test "$(proxy_requests | grep -c "^CONNECT 127.0.0.1:$FRONT_PORT ")" = 3 &&
	test "$(proxy_requests | grep -vc "^CONNECT ")" = 0
'

test_expect_success 'no_proxy: straight to the server' '
	mock_start ok-stream && front_start && proxy_start &&
	https_proxy=$PROXY_URL no_proxy=127.0.0.1 tchat hi >out &&
	echo "$ANSWER" >expect &&
	test_cmp expect out &&
	test "$(proxy_requests | wc -l)" = 0 &&
	NO_PROXY=localhost,127.0.0.0/8 https_proxy=$PROXY_URL tchat hi >out &&
	test_cmp expect out &&
	test "$(proxy_requests | wc -l)" = 0 &&
	test "$(mock_count)" = 2
'

test_expect_success 'a profile proxy key: replaces the variables; empty is none' '
	mock_start ok-stream && front_start && proxy_start &&
	cat >"$CONFIG" <<-EOF &&
	[profile viaproxy]
	base_url = $FRONT_URL
	ca_file = $TLS/ca.pem
	proxy = $PROXY_URL
	[profile direct]
	base_url = $FRONT_URL
	ca_file = $TLS/ca.pem
	proxy =
	EOF
	echo "$ANSWER" >expect &&
	MS_API_KEY=$KEY mschat -P viaproxy hi >out &&
	test_cmp expect out &&
	test "$(proxy_requests)" = "CONNECT 127.0.0.1:$FRONT_PORT HTTP/1.1" &&
	# The profile proxy, not the dead one of the environment.
	https_proxy=http://127.0.0.1:9 MS_API_KEY=$KEY mschat -P viaproxy hi >out &&
	test_cmp expect out &&
	test "$(proxy_requests | wc -l)" = 2 &&
	# proxy = (empty): no proxy, whatever the environment says.
	https_proxy=http://127.0.0.1:9 MS_API_KEY=$KEY mschat -P direct hi >out &&
	test_cmp expect out &&
	# no_proxy still holds for the profile proxy.
	no_proxy=127.0.0.1 MS_API_KEY=$KEY mschat -P viaproxy hi >out &&
	test_cmp expect out &&
	test "$(proxy_requests | wc -l)" = 2 &&
	test "$(mock_count)" = 4 &&
	rm "$CONFIG"
'

test_expect_success 'a profile proxy for plain http: the key only to a loopback one' '
	mock_start ok-stream && proxy_start &&
	cat >"$CONFIG" <<-EOF &&
	[profile local]
	base_url = $MOCK_URL
	proxy = $PROXY_URL
	[profile far]
	base_url = $MOCK_URL
	proxy = http://proxy.example:3128
	EOF
	echo "$ANSWER" >expect &&
	MS_API_KEY=$KEY mschat -P local hi >out &&
	test_cmp expect out &&
	test "$(proxy_requests)" = "POST $MOCK_URL/chat/completions HTTP/1.1" &&
	test_status 78 env MS_API_KEY=$KEY mschat -P far hi 2>err &&
	test_grep "refusing to send the API key over plain http through the proxy .http://proxy.example:3128." err &&
	rm "$CONFIG"
'

test_expect_success '-j 8 through the proxy: still one connection' '
	mock_start echo-slow && front_start && proxy_start &&
	https_proxy=$PROXY_URL tr_ -j 8 >out 2>err &&
	test_cmp doc.md out &&
	test "$(front_conns)" = 1 &&
	test "$(proxy_requests | wc -l)" = 1 &&
	test "$(mock_max_inflight)" -ge 4
'

test_done
