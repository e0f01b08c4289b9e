# lib.sh: git-style test library for the ms test scripts; source it from tests/tNNNN-name.sh.
#
# A test script looks like:
#
#	#!/bin/sh
#	test_description='mschat streams an answer'
#	. "$(dirname "$0")/lib.sh"
#
#	test_expect_success 'plain stream' '
#		mock_start ok-stream &&
#		mschat --base-url "$MOCK_URL" -P ollama hi >actual &&
#		echo "Hello, world! This is a plain streamed answer." >expect &&
#		test_cmp expect actual
#	'
#	test_done
#
# Each script runs in a fresh trash directory (also HOME) under
# ${TMPDIR:-/tmp}, with a clean environment, and prints TAP.  Options:
# -v (show the output of every test), -i (stop at the first failure),
# -d (keep the trash directory).  Set VALGRIND to a command prefix such as
# "valgrind -q --error-exitcode=99" to run the built tools under it.

# --- where things are ----------------------------------------------------

if test -z "$TEST_DIRECTORY"; then
	TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd) || exit 1
fi
MS_SRCDIR=$(cd "$TEST_DIRECTORY/.." && pwd) || exit 1
SCENARIOS=$TEST_DIRECTORY/scenarios
# Resolve python3 once: a wrapper such as pyenv's shim costs 0.1 s a call.
if test -z "$PYTHON"; then
	PYTHON=$(python3 -c 'import sys; print(sys.executable)') || exit 1
fi

# Harness settings come in through the environment but are kept as plain
# shell variables, so that no MS_* variable reaches the tools under test.
_b=${MS_BUILD:-$MS_SRCDIR/build} _r=${MS_TEST_RESULTS-}
for _v in $(env | sed -n 's/^\(MS_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$_v"
done
MS_BUILD=$_b MS_TEST_RESULTS=$_r
case $MS_BUILD in
/*) ;;
*) MS_BUILD=$PWD/$MS_BUILD ;;
esac

# --- options -------------------------------------------------------------

test_verbose= test_immediate= test_debug=
for _a in "$@"; do
	case $_a in
	-v | --verbose) test_verbose=t ;;
	-i | --immediate) test_immediate=t ;;
	-d | --debug) test_debug=t ;;
	*) echo "usage: $0 [-v] [-i] [-d]" >&2; exit 64 ;;
	esac
done

# --- a clean, predictable environment -------------------------------------

unset OPENROUTER_API_KEY MISTRAL_API_KEY \
	http_proxy HTTP_PROXY https_proxy HTTPS_PROXY no_proxy NO_PROXY \
	all_proxy ALL_PROXY ftp_proxy FTP_PROXY socks_proxy SOCKS_PROXY \
	CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR \
	LANGUAGE CDPATH EDITOR VISUAL NO_COLOR CLICOLOR_FORCE
LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC TERM=dumb PYTHONDONTWRITEBYTECODE=1
export LC_ALL LANG TZ TERM PYTHONDONTWRITEBYTECODE
umask 022

_test_name=$(basename "$0" .sh)
TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/ms-$_test_name.XXXXXX") || exit 1
TRASH_DIRECTORY=$TEST_ROOT/trash
mkdir "$TRASH_DIRECTORY" "$TEST_ROOT/harness" "$TRASH_DIRECTORY/.config" ||
	exit 1
HOME=$TRASH_DIRECTORY XDG_CONFIG_HOME=$TRASH_DIRECTORY/.config
export HOME XDG_CONFIG_HOME

if test -n "$VALGRIND"; then
	# Wrappers keep the tool's name as argv[0]'s basename, as the multicall
	# binary needs.
	mkdir "$TEST_ROOT/bin" || exit 1
	for _t in ms mschat msummarize mtranslate; do
		printf '#!/bin/sh\nexec %s "%s/%s" "$@"\n' \
			"$VALGRIND" "$MS_BUILD" "$_t" >"$TEST_ROOT/bin/$_t"
		chmod +x "$TEST_ROOT/bin/$_t"
	done
	PATH=$TEST_ROOT/bin:$MS_BUILD:$PATH
else
	PATH=$MS_BUILD:$PATH
fi
export PATH

cd "$TRASH_DIRECTORY" || exit 1
exec </dev/null

test_count=0 test_success=0 test_failure=0 test_skipped=0
_test_done= _in_test= _mock_owned=

# --- running tests -------------------------------------------------------

_test_indent () {
	sed 's/^/#	/' "$@"
}

# test_expect_success TITLE BODY: run BODY in a subshell with set -e; the
# test passes when BODY's status is 0.  Its output is shown only when it
# fails (or with -v).
test_expect_success () {
	if test $# -ne 2; then
		echo "bug in the test script: test_expect_success wants 2 arguments, got $#" >&2
		exit 70
	fi
	test_count=$((test_count + 1))
	_out=$TEST_ROOT/harness/out.$test_count
	(
		_in_test=t _mock_owned=
		set -e
		eval "$2"
	) >"$_out" 2>&1
	_st=$?
	if test $_st -eq 0; then
		test_success=$((test_success + 1))
		echo "ok $test_count - $1"
		test -z "$test_verbose" || _test_indent "$_out"
	else
		test_failure=$((test_failure + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$2" | _test_indent
		echo "# exit status $_st; output:"
		_test_indent "$_out"
		if test -n "$test_immediate"; then
			test_done
		fi
	fi
}

# test_skip TITLE REASON: report a test that cannot run here.
test_skip () {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_have_prereq CMD...: true when every command is installed.
test_have_prereq () {
	for _p in "$@"; do
		command -v "$_p" >/dev/null 2>&1 || return 1
	done
}

# test_done: print the plan and the counts, clean up and exit (1 if any
# test failed).
test_done () {
	_test_done=t
	echo "1..$test_count"
	if test $test_skipped -gt 0; then
		echo "# passed $test_success failed $test_failure skipped $test_skipped"
	else
		echo "# passed $test_success failed $test_failure"
	fi
	_test_results
	_mock_kill_owned
	cd / || exit 1
	if test $test_failure -eq 0 && test -z "$test_debug"; then
		chmod -R u+rwx "$TEST_ROOT" 2>/dev/null
		rm -rf "$TEST_ROOT"
	else
		echo "# trash directory kept: $TEST_ROOT"
	fi
	test $test_failure -eq 0
	exit
}

_test_results () {
	if test -n "$MS_TEST_RESULTS"; then
		printf 'passed %d\nfailed %d\nskipped %d\n' \
			$test_success $test_failure $test_skipped >"$MS_TEST_RESULTS"
	fi
}

_test_exit_trap () {
	_st=$?
	_mock_kill_owned
	if test -z "$_test_done"; then
		# The script died outside a test (a bug, or it was killed).
		test_failure=$((test_failure + 1))
		echo "not ok $((test_count + 1)) - $_test_name exited early with status $_st"
		echo "# trash directory kept: $TEST_ROOT"
		_test_results
	fi
}
trap '_test_exit_trap' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- assertions ----------------------------------------------------------

# test_cmp EXPECT ACTUAL: the files are equal, byte for byte (else a diff).
test_cmp () {
	diff -u "$@"
}

# test_status N CMD...: CMD exits with status exactly N.
test_status () {
	_want=$1
	shift
	_got=0
	"$@" || _got=$?
	if test "$_got" -ne "$_want"; then
		echo "test_status: '$*' exited with status $_got, want $_want" >&2
		return 1
	fi
}

# test_grep [-v] [GREP-OPTION...] PATTERN FILE: like grep, but shows FILE
# when the test does not hold.
test_grep () {
	_neg=
	if test "x$1" = x-v; then
		_neg=t
		shift
	fi
	eval "_f=\${$#}"
	if test -n "$_neg"; then
		! grep "$@" >/dev/null && return 0
		echo "test_grep: '$*' should not match; the file:" >&2
	else
		grep "$@" >/dev/null && return 0
		echo "test_grep: '$*' does not match; the file:" >&2
	fi
	sed 's/^/| /' "$_f" >&2
	return 1
}

# test_line_count OP N FILE: the number of lines compares to N (e.g. = 3).
test_line_count () {
	_n=$(wc -l <"$3") || return 1
	if ! test "$_n" "$1" "$2"; then
		echo "test_line_count: $3 has $_n lines, want $1 $2" >&2
		return 1
	fi
}

# test_pty tty|screen ARG...: run ARG on a pseudo-terminal (see
# tests/mock/term.py): its status, then what the terminal got or shows.
test_pty () {
	"$PYTHON" "$TEST_DIRECTORY/mock/term.py" "$@"
}

# --- the mock server -----------------------------------------------------

# mock_start SCENARIO: start the mock server on a free port with a scenario
# (a name under tests/scenarios/ without .json, or a path), and set
# MOCK_URL (http://127.0.0.1:PORT/v1), MOCK_PORT and MOCK_LOG.  It stops
# the previous server started at the same level; a server started inside
# a test body lives until the end of that test, one started outside until
# the end of the script.
mock_start () {
	case $1 in
	*/* | *.json) _scn=$1 ;;
	*) _scn=$SCENARIOS/$1.json ;;
	esac
	if ! test -f "$_scn"; then
		echo "mock_start: no scenario '$1'" >&2
		return 1
	fi
	mock_stop
	_mdir=$(mktemp -d "$TEST_ROOT/harness/mock.XXXXXX") || return 1
	"$PYTHON" "$TEST_DIRECTORY/mock/server.py" --port-file "$_mdir/port" \
		--log "$_mdir/log" "$_scn" >"$_mdir/stderr" 2>&1 &
	_mpid=$!
	_mock_owned="$_mock_owned $_mpid"
	if test -n "$_in_test"; then
		trap '_mock_kill_owned' EXIT
	fi
	_i=0
	while ! test -s "$_mdir/port"; do
		if ! kill -0 "$_mpid" 2>/dev/null; then
			echo "mock_start: the server died:" >&2
			cat "$_mdir/stderr" >&2
			return 1
		fi
		_i=$((_i + 1))
		if test $_i -gt 200; then
			echo "mock_start: no port after 10 s" >&2
			return 1
		fi
		sleep 0.05
	done
	MOCK_PID=$_mpid
	MOCK_PORT=$(cat "$_mdir/port")
	MOCK_URL=http://127.0.0.1:$MOCK_PORT/v1
	MOCK_LOG=$_mdir/log
	export MOCK_URL MOCK_PORT MOCK_LOG
}

# mock_stop: stop the servers started at this level (in this test body, or
# outside any test).
mock_stop () {
	_mock_kill_owned
	_mock_owned=
}

_mock_kill_owned () {
	for _p in $_mock_owned; do
		kill "$_p" 2>/dev/null || :
	done
	for _p in $_mock_owned; do
		wait "$_p" 2>/dev/null || :
	done
}

# --- TLS, HTTP/2 and a forward proxy (SPEC 9) ----------------------------
#
# tls_certs: make, once per script, with openssl, under $TLS: ca.pem (a
# test CA) and ca2.pem (another one), cadir/ (ca.pem by subject hash, as
# c_rehash makes it) and plaindir/ (the same file without the hash link);
# server certificates signed by the CA: good (127.0.0.1 and localhost),
# expired (the same names, no longer valid) and other (other.example).
# Each NAME has NAME.pem and NAME.key.
tls_certs () {
	TLS=$TEST_ROOT/harness/tls
	export TLS
	test -f "$TLS/done" && return 0
	mkdir -p "$TLS/cadir" "$TLS/plaindir" || return 1
	(
		cd "$TLS" || exit 1
		_ssl () { openssl "$@" >>openssl.log 2>&1; }
		_key () { _ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
		for _c in ca ca2; do
			_key $_c.key &&
			_ssl req -x509 -new -key $_c.key -out $_c.pem -days 3 \
				-subj "/CN=ms test $_c" || exit 1
		done
		# _leaf NAME DAYS SAN
		_leaf () {
			_key "$1.key" &&
			_ssl req -new -key "$1.key" -out "$1.csr" \
				-subj "/CN=${3%%,*}" &&
			printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
				"$3" >"$1.ext" &&
			_ssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
				-CAcreateserial -out "$1.pem" -days "$2" \
				-extfile "$1.ext"
		}
		# -days -1: valid from now until yesterday, that is expired.
		_leaf good 3 'IP:127.0.0.1,DNS:localhost' &&
		_leaf expired -1 'IP:127.0.0.1,DNS:localhost' &&
		_leaf other 3 'DNS:other.example' &&
		cp ca.pem cadir/ && cp ca.pem plaindir/ &&
		_ssl rehash cadir && touch done
	) || { cat "$TLS/openssl.log" >&2; return 1; }
}

# _free_port: a TCP port on 127.0.0.1 that was free a moment ago.
_free_port () {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# front_start [CERT [h1]]: nghttpx, TLS and HTTP/2 (with h1: HTTP/1.1
# only), in front of the mock server started last, with CERT's
# certificate (default good).  Sets FRONT_URL (https://127.0.0.1:PORT/v1),
# FRONT_PORT and FRONT_LOG, its access log: one line per request,
# "CLIENT-PORT PROTOCOL METHOD PATH STATUS".  Stopped with the mock.
front_start () {
	tls_certs || return 1
	_fdir=$(mktemp -d "$TEST_ROOT/harness/front.XXXXXX") || return 1
	_alpn=h2,http/1.1
	test "${2-}" = h1 && _alpn=http/1.1
	for _try in 1 2 3 4 5; do
		FRONT_PORT=$(_free_port) || return 1
		nghttpx --conf=/dev/null --frontend="127.0.0.1,$FRONT_PORT" \
			--backend="127.0.0.1,$MOCK_PORT" --workers=1 \
			--no-ocsp --npn-list="$_alpn" \
			--accesslog-file="$_fdir/access" \
			--accesslog-format='$remote_port $alpn $method $path $status' \
			--errorlog-file="$_fdir/error" \
			"$TLS/${1:-good}.key" "$TLS/${1:-good}.pem" \
			>/dev/null 2>&1 &
		_fpid=$!
		_mock_owned="$_mock_owned $_fpid"
		if test -n "$_in_test"; then
			trap '_mock_kill_owned' EXIT
		fi
		_i=0
		while ! grep -q 'Worker process.*spawned' "$_fdir/error" 2>/dev/null; do
			kill -0 "$_fpid" 2>/dev/null || break
			_i=$((_i + 1))
			test $_i -le 200 || break
			sleep 0.05
		done
		if kill -0 "$_fpid" 2>/dev/null &&
			grep -q "Listening on 127.0.0.1:$FRONT_PORT" "$_fdir/error"; then
			FRONT_URL=https://127.0.0.1:$FRONT_PORT/v1
			FRONT_LOG=$_fdir/access
			: >>"$FRONT_LOG"
			export FRONT_URL FRONT_PORT FRONT_LOG
			return 0
		fi
		kill "$_fpid" 2>/dev/null
		wait "$_fpid" 2>/dev/null
	done
	echo "front_start: nghttpx did not start:" >&2
	cat "$_fdir/error" >&2
	return 1
}

# front_conns: the connections the front served (distinct client ports).
front_conns () {
	awk '{ print $1 }' "$FRONT_LOG" | sort -u | wc -l | tr -d ' '
}

# proxy_start: tinyproxy on 127.0.0.1, any CONNECT port allowed.  Sets
# PROXY_URL (http://127.0.0.1:PORT) and PROXY_LOG; stopped with the mock.
proxy_start () {
	_pdir=$(mktemp -d "$TEST_ROOT/harness/proxy.XXXXXX") || return 1
	for _try in 1 2 3 4 5; do
		PROXY_PORT=$(_free_port) || return 1
		cat >"$_pdir/conf" <<-EOF
		Port $PROXY_PORT
		Listen 127.0.0.1
		Allow 127.0.0.1
		Timeout 60
		MaxClients 64
		LogFile "$_pdir/log"
		LogLevel Info
		EOF
		: >"$_pdir/log"
		tinyproxy -d -c "$_pdir/conf" >"$_pdir/stderr" 2>&1 &
		_ppid=$!
		_mock_owned="$_mock_owned $_ppid"
		if test -n "$_in_test"; then
			trap '_mock_kill_owned' EXIT
		fi
		_i=0
		while ! grep -q 'Accepting connections' "$_pdir/log"; do
			kill -0 "$_ppid" 2>/dev/null || break
			_i=$((_i + 1))
			test $_i -le 200 || break
			sleep 0.05
		done
		if kill -0 "$_ppid" 2>/dev/null; then
			PROXY_URL=http://127.0.0.1:$PROXY_PORT
			PROXY_LOG=$_pdir/log
			export PROXY_URL PROXY_PORT PROXY_LOG
			return 0
		fi
		wait "$_ppid" 2>/dev/null
	done
	echo "proxy_start: tinyproxy did not start:" >&2
	cat "$_pdir/stderr" "$_pdir/log" >&2
	return 1
}

# proxy_requests: the request lines the proxy was sent ("CONNECT h:p
# HTTP/1.1", "POST http://... HTTP/1.1"), one a line.
proxy_requests () {
	sed -n 's/.*Request (file descriptor [0-9]*): //p' "$PROXY_LOG"
}

# mock_count: the number of requests the current server received.
mock_count () {
	"$PYTHON" "$TEST_DIRECTORY/mock/req.py" "$MOCK_LOG" count
}

# mock_max_inflight: the most requests the server was serving at once.
mock_max_inflight () {
	"$PYTHON" "$TEST_DIRECTORY/mock/req.py" "$MOCK_LOG" max-inflight
}

# mock_req N [PATH]: a field of request N (1-based, -1 = last) by dotted
# PATH (method, path, body.model, body.messages.0.content, headers.x-title):
# strings raw, other values as compact JSON, then a newline; a missing
# field prints nothing and returns 1.  No PATH: the whole log entry.
mock_req () {
	"$PYTHON" "$TEST_DIRECTORY/mock/req.py" "$MOCK_LOG" "$@"
}

# mock_req_raw N PATH: the same without the final newline, to compare
# bytes exactly.
mock_req_raw () {
	"$PYTHON" "$TEST_DIRECTORY/mock/req.py" -n "$MOCK_LOG" "$@"
}
