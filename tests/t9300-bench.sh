#!/bin/sh
# t9300-bench.sh: make bench works: its script runs every row once, small
# (BENCH_QUICK=1), and prints the table.  Nothing here depends on timing:
# the figures are not checked, only that each row was measured.

test_description='the benchmark script runs and prints one table'
. "$(dirname "$0")/lib.sh"

ROWS='startup request latency stream rss callgrind long tls tokens'
# valgrind cannot run a binary built with AddressSanitizer.
if grep -q fsanitize "$MS_BUILD/.flags" 2>/dev/null ||
	! test_have_prereq valgrind; then
	ROWS='startup request latency stream rss long tls tokens'
fi

if ! test_have_prereq hyperfine jq curl python3 || ! test -x /usr/bin/time
then
	test_skip 'make bench runs every row' 'needs hyperfine, jq, curl, GNU time'
	test_done
fi

test_expect_success 'make bench runs every row and prints one table' '
	BENCH_QUICK=1 BENCH_ROWS="$ROWS" MS_BUILD="$MS_BUILD" \
		sh "$MS_SRCDIR/tests/bench/run.sh" >table 2>err &&
	test_grep "^benchmark  *ms  *reference  *ms/ref  *goal  *met" table &&
	test_grep "^start-up (--version)  " table &&
	test_grep "^streamed answer, 2 KB in, 250 deltas  " table &&
	test_grep "^streamed answer, against Python  " table &&
	test_grep "^first delta, mock write to stdout  " table &&
	test_grep "^SSE events/s, one core  " table &&
	test_grep "^answer MB/s end to end  " table &&
	test_grep "^peak RSS, streamed answer  " table &&
	test_grep "^peak RSS, libcurl floor  " table &&
	test_grep "^mtranslate .* -j 1  " table &&
	test_grep "^mtranslate .* -j 8  " table &&
	test_grep "^msummarize .* peak RSS  " table &&
	test_grep "^HTTPS/2 streamed answer, CPU  " table &&
	test_grep "^mtranslate .* -j 8, HTTPS/2: connections  *1  " table &&
	test_grep "^the same job, CPU  " table &&
	test_grep "^the same job, peak RSS  " table &&
	test_grep "^tokens: corpus, 1 MB, one core  " table &&
	test_grep "^tokens: one run of 1 MB of spaces  " table &&
	test_grep "^tokens: static tables  *[0-9.]* KB  " table &&
	test_grep "^tokens: requests for .* ms translate  *[0-9]*  *[0-9]* estimated  " table &&
	test_grep "^tokens: requests for .* ms summarize  *[0-9]*  *[0-9]* estimated  " table
'

test_expect_success 'each goal says whether it is met' '
	sed 1,2d table >rows &&
	test_line_count -ge 11 rows &&
	! grep -v "  \(yes\|no\|-\)  " rows &&
	test_grep "<= 1.0x  *\(yes\|no\)  " rows &&
	test_grep "< 1 ms  *\(yes\|no\)  " rows &&
	test_grep ">= 300000  *\(yes\|no\)  " rows &&
	test_grep "<= 8 MB  *\(yes\|no\)  " rows &&
	test_grep ">= 20 MB/s  *\(yes\|no\)  " rows
'

case " $ROWS " in *" callgrind "*)
	test_expect_success 'callgrind counts the instructions of both' '
		test_grep "^instructions, start-up  *[0-9][0-9]*  *[0-9][0-9]* curl" table &&
		test_grep "^instructions, streamed answer  *[0-9][0-9]*  *[0-9][0-9]* curl" table
	'
esac

test_done
