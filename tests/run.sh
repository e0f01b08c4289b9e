#!/bin/sh
# run.sh: run the ms unit test programs and test scripts, count the test cases, end with "N passed, N failed".
#
# usage: tests/run.sh [-j N] [-v] [SCRIPT...]
#
# First the programs listed in $MS_UNIT_TESTS (space-separated paths; each
# prints TAP "ok"/"not ok" lines), then every tests/t[0-9]*.sh, or only the
# SCRIPTs named (a path, or a name in tests/).  -j N runs N scripts at once
# (their output still shows in order); -v is passed to the scripts.
# Scripts run under bash when run.sh does, else under sh; TEST_SHELL
# overrides.  MS_TEST_TIMEOUT (default 600) limits each program or script.
# Exits 0 only when no test failed and at least one passed.

exec </dev/null
TESTS=$(cd "$(dirname "$0")" && pwd) || exit 70
jobs=1 verbose=
while test $# -gt 0; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	-v) verbose=-v; shift ;;
	--) shift; break ;;
	-*) echo "usage: $0 [-j N] [-v] [SCRIPT...]" >&2; exit 64 ;;
	*) break ;;
	esac
done
case $jobs in
'' | *[!0-9]* | 0) echo "run.sh: bad -j '$jobs'" >&2; exit 64 ;;
esac

if test -z "$TEST_SHELL"; then
	if test -n "$BASH_VERSION"; then TEST_SHELL=bash; else TEST_SHELL=sh; fi
fi
limit=
if command -v timeout >/dev/null 2>&1; then
	limit="timeout -k 10 ${MS_TEST_TIMEOUT:-600}"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-run.XXXXXX") || exit 70
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0 failed=0

# count FILE STATUS: add the results of one program or script; RESULTS
# (optional) holds the counts a script wrote, else the TAP lines count.
count () {
	_out=$1 _st=$2 _res=$3
	_p= _f=
	if test -n "$_res" && test -s "$_res"; then
		_p=$(sed -n 's/^passed //p' "$_res")
		_f=$(sed -n 's/^failed //p' "$_res")
	fi
	if test -z "$_p" || test -z "$_f"; then
		_p=$(grep -c '^ok' "$_out")
		_f=$(grep -c '^not ok' "$_out")
		grep -q '^ok.*# SKIP' "$_out" &&
			_p=$((_p - $(grep -c '^ok.*# SKIP' "$_out")))
	fi
	if test "$_st" -ne 0 && test "$_f" -eq 0; then
		# Died without reporting a failure: count it as one.
		echo "not ok - exited with status $_st"
		_f=1
	fi
	passed=$((passed + _p))
	failed=$((failed + _f))
}

# Unit test programs, one after the other.
for prog in $MS_UNIT_TESTS; do
	echo "*** $prog"
	st=0
	$limit $VALGRIND "$prog" >"$tmp/unit.out" 2>&1 || st=$?
	cat "$tmp/unit.out"
	count "$tmp/unit.out" $st ""
done

# The scripts.
if test $# -eq 0; then
	set -- "$TESTS"/t[0-9]*.sh
	test -e "$1" || set --
fi

# start I SCRIPT: run a script in the background, its output to files.
start () {
	(
		st=0
		MS_TEST_RESULTS=$tmp/$1.results $limit $TEST_SHELL "$2" $verbose \
			>"$tmp/$1.out" 2>&1 || st=$?
		echo $st >"$tmp/$1.status"
	) &
	eval "pid_$1=\$!"
}

# finish I SCRIPT: wait for script I, show its output, count it.
finish () {
	eval "wait \$pid_$1"
	echo "*** ${2##*/}"
	cat "$tmp/$1.out"
	count "$tmp/$1.out" "$(cat "$tmp/$1.status" 2>/dev/null || echo 70)" \
		"$tmp/$1.results"
}

i=0 next=1
for script in "$@"; do
	case $script in
	*/*) ;;
	*) test -f "$script" || script=$TESTS/$script ;;
	esac
	i=$((i + 1))
	eval "script_$i=\$script"
	start $i "$script"
	if test $((i - next + 1)) -ge "$jobs"; then
		eval "finish $next \"\$script_$next\""
		next=$((next + 1))
	fi
done
while test $next -le $i; do
	eval "finish $next \"\$script_$next\""
	next=$((next + 1))
done

echo "$passed passed, $failed failed"
test $failed -eq 0 && test $passed -gt 0
