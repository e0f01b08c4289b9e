/* retry.c: tests for the retry policy (SPEC 6). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "ms.h"
#include "unit.h"

static void
test_status(void)
{
	static const long yes[] = { 408, 429, 500, 502, 503, 504 };
	static const long no[] = { 0, 200, 201, 204, 301, 307, 400, 401, 402,
		403, 404, 405, 409, 413, 422, 499, 501, 505, 520, 529, 599,
		-1 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		is_int(ms_retry_status(yes[i]), 1, "status %ld is retried",
		    yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		is_int(ms_retry_status(no[i]), 0, "status %ld is not retried",
		    no[i]);
}

static void
test_delay(void)
{
	long cap, d, prev;
	int a, bad;

	is_int(ms_retry_delay(0, 0, 0), 0, "attempt 0, rnd 0: 0 ms");
	is_int(ms_retry_delay(0, 0.999, 0), 499, "attempt 0, rnd 0.999: 499");
	is_int(ms_retry_delay(0, 0.5, 0), 250, "attempt 0, rnd 0.5: 250");
	is_int(ms_retry_delay(1, 0.999, 0), 999, "attempt 1: under 1 s");
	is_int(ms_retry_delay(2, 0.999, 0), 1998, "attempt 2: under 2 s");
	is_int(ms_retry_delay(5, 0.999, 0), 15984, "attempt 5: under 16 s");
	is_int(ms_retry_delay(6, 0.999, 0), 29970, "attempt 6: capped at 30 s");
	is_int(ms_retry_delay(6, 0, 0), 0, "attempt 6, rnd 0: 0");
	is_int(ms_retry_delay(100, 0.999, 0), 29970, "attempt 100: capped");
	is_int(ms_retry_delay(INT_MAX, 0.999, 0), 29970,
	    "attempt INT_MAX: capped, no overflow");
	is_int(ms_retry_delay(-1, 0.999, 0), 499, "negative attempt: base");
	is_int(ms_retry_delay(0, 1.0, 0), 0, "rnd 1.0 out of range: 0");
	is_int(ms_retry_delay(0, -0.5, 0), 0, "rnd < 0 out of range: 0");
	d = ms_retry_delay(3, NAN, 0);
	ok(d >= 0 && d < 4000, "rnd NaN: within bounds (%ld)", d);

	is_int(ms_retry_delay(0, 0, 5000), 5000, "Retry-After is a floor");
	is_int(ms_retry_delay(0, 0.999, 200), 499,
	    "Retry-After below the jitter: the jitter");
	is_int(ms_retry_delay(10, 0.999, 60000), 60000,
	    "Retry-After above the cap: Retry-After");
	is_int(ms_retry_delay(0, 0.5, -1), 250, "Retry-After -1: none");

	bad = 0;
	prev = 0;
	for (a = 0; a < 40; a++) {
		cap = MS_RETRY_BASE_MS;
		{
			int k;

			for (k = 0; k < a && cap < MS_RETRY_CAP_MS; k++)
				cap *= 2;
		}
		if (cap > MS_RETRY_CAP_MS)
			cap = MS_RETRY_CAP_MS;
		d = ms_retry_delay(a, 0.999999, 0);
		if (d < 0 || d > MS_RETRY_CAP_MS || d >= cap || d < prev)
			bad++;
		if (ms_retry_delay(a, 0, 0) != 0)
			bad++;
		prev = d;
	}
	ok(bad == 0, "delays grow, stay under min(30 s, 0.5 s * 2^n)");
}

static void
test_after(void)
{
	const long long t = 1445412480; /* Wed, 21 Oct 2015 07:28:00 GMT */

	is_int(ms_retry_after("120", t), 120000, "120 seconds");
	is_int(ms_retry_after("0", t), 0, "0 seconds");
	is_int(ms_retry_after("  5 \r\n", t), 5000, "blanks around");
	is_int(ms_retry_after("007", t), 7000, "leading zeros");
	is_int(ms_retry_after("3600", t), 3600000, "an hour");
	ok(ms_retry_after("99999999999999999999999", t) >= 1000L * 1000000000L,
	    "a huge number is huge, not negative");
	is_int(ms_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", t), 30000,
	    "HTTP date 30 s in the future");
	is_int(ms_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", t), 0,
	    "HTTP date now");
	is_int(ms_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", t), 0,
	    "HTTP date in the past: 0");
	is_int(ms_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 2),
	    2000, "RFC 1123 date");
	is_int(ms_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", 784111777 - 3),
	    3000, "RFC 850 date");
	is_int(ms_retry_after("Sun Nov  6 08:49:37 1994", 784111777 - 4), 4000,
	    "asctime date");
	is_int(ms_retry_after("", t), -1, "empty: -1");
	is_int(ms_retry_after("   ", t), -1, "blanks: -1");
	is_int(ms_retry_after("soon", t), -1, "word: -1");
	is_int(ms_retry_after("5s", t), -1, "5s: -1");
	is_int(ms_retry_after("1.5", t), -1, "1.5: -1");
	is_int(ms_retry_after("-5", t), -1, "-5: -1");
	is_int(ms_retry_after("5 6", t), -1, "two numbers: -1");
	is_int(ms_retry_after("0x10", t), -1, "hex: -1");
	{
		char longv[300];

		memset(longv, '1', sizeof(longv) - 1);
		longv[sizeof(longv) - 1] = '\0';
		ok(ms_retry_after(longv, t) == -1 ||
			ms_retry_after(longv, t) > 0,
		    "300 digits: no crash");
	}
}

int
main(void)
{
	test_status();
	test_delay();
	test_after();
	return done();
}
