#!/bin/sh
# t0012-signals.sh: SIGINT, SIGTERM and SIGHUP at any point: the tool stops at once, and under -k the input comes back whole (read to its end; a second signal kills at once).

test_description='signals while reading, while asking, under -k and not'
. "$(dirname "$0")/lib.sh"

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# feed FIFO: write two parts into the named pipe, a second apart.
feed () {
	{ printf "part one\n"; sleep 1; printf "part two\n"; } >"$1" &
}

# endless FIFO: a producer that writes a line, then never ends.
endless () {
	{ printf "some text\n"; sleep 30; } >"$1" &
	writer=$!
}

# wait_status PID N: the background PID ends with status N.
wait_status () {
	_st=0
	wait "$1" || _st=$?
	if test "$_st" != "$2"; then
		echo "wait_status: $1 ended with $_st, want $2" >&2
		return 1
	fi
}

for sig in INT TERM HUP; do
	case $sig in INT) n=130 ;; TERM) n=143 ;; HUP) n=129 ;; esac
	test_expect_success "SIG$sig while -k reads stdin: the whole input back, $n" "
		mock_start echo-upper &&
		mkfifo in.$sig &&
		feed in.$sig &&
		{ mtranslate -k --base-url \"\$MOCK_URL\" de <in.$sig >out 2>err & } &&
		pid=\$! &&
		sleep 0.4 &&
		kill -$sig \$pid &&
		wait_status \$pid $n &&
		printf 'part one\npart two\n' >expect &&
		test_cmp expect out &&
		test \"\$(mock_count)\" = 0
	"
done

test_expect_success 'SIGHUP mid-request under -k: the input back, 129' '
	mock_start hang-headers &&
	printf "Mein Text.\n" >in &&
	{ mtranslate -k --base-url "$MOCK_URL" --retries 0 de <in >out 2>err & } &&
	pid=$! &&
	sleep 0.5 &&
	kill -HUP $pid &&
	wait_status $pid 129 &&
	test_cmp in out
'

test_expect_success 'SIGINT while reading a producer that never ends: stops at once' '
	mock_start echo-upper &&
	mkfifo endless &&
	endless endless &&
	{ msummarize --base-url "$MOCK_URL" <endless >out 2>err & } &&
	pid=$! &&
	sleep 0.4 &&
	kill -INT $pid &&
	wait_status $pid 130 &&
	kill $writer 2>/dev/null;
	test_cmp /dev/null out &&
	test "$(mock_count)" = 0
'

test_expect_success 'SIGINT during the request without -k: 130 and nothing given back' '
	mock_start hang-headers &&
	printf "Mein Text.\n" >in &&
	{ mtranslate --base-url "$MOCK_URL" --retries 0 de <in >out 2>err & } &&
	pid=$! &&
	sleep 0.5 &&
	kill -INT $pid &&
	wait_status $pid 130 &&
	test_cmp /dev/null out &&
	test_cmp /dev/null err
'

test_expect_success 'a non-blocking stdout: waits instead of failing with EAGAIN' '
	"$PYTHON" -c "print(\"word \" * 60000)" >big &&
	"$PYTHON" -c "
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen([\"mschat\", \"-n\", \"--context\", \"1000000\"],
                     stdin=open(\"big\"), stdout=w)
os.close(w)
time.sleep(0.5)
data = b\"\"
while True:
    b = os.read(r, 65536)
    if not b:
        break
    data += b
sys.exit(0 if p.wait() == 0 and len(data) > 300000 else 1)
"
'

test_done
