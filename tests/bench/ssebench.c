/*
 * ssebench: stream handling alone, for make bench.  Feeds a recorded
 * streamed answer through the SSE parser, the response handling and the
 * output shaping, as libcurl hands it over (pieces of 16 KiB), into a
 * sink that only counts, again and again until SECONDS have passed.
 *
 * Usage: ssebench STREAM [SECONDS]
 * Prints "EVENTS TEXT_BYTES SECONDS PASSES FAST": the SSE events handled,
 * the answer bytes written per pass, the CPU time taken, the passes made
 * and the events the response's fast path read (the rest went to json-c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms.h"
#include "ms_test.h"

#define PIECE 16384 /* CURL_MAX_WRITE_SIZE */

static int
sink(void *arg, const char *s, size_t n)
{
	(void)s;
	*(size_t *)arg += n;
	return 0;
}

static int
delta(void *arg, const char *s, size_t n)
{
	return ms_out_write(arg, s, n);
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over the stream: the events seen, or -1. */
static long
pass(const char *s, size_t len, size_t *bytes, long *fast)
{
	struct ms_sse sse;
	struct ms_sse_event ev;
	struct ms_resp resp;
	struct ms_out out;
	struct ms_error err;
	size_t off, n;
	long events = 0;
	int rc = 0;

	*bytes = 0;
	ms_error_clear(&err);
	ms_sse_init(&sse);
	ms_out_init(&out, sink, bytes);
	out.strip_fence = 1;
	out.batch = 1; /* as ms: one write for what one read brought */
	ms_resp_init(&resp, delta, &out);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < PIECE ? len - off : PIECE;
		if (ms_sse_feed(&sse, s + off, n) == -1)
			rc = -1;
		while (rc == 0 && (rc = ms_sse_next(&sse, &ev)) == 1) {
			events++;
			rc = ms_resp_event(&resp, &ev, &err) == -1 ? -1 : 0;
		}
		if (rc == 0 && ms_out_flush(&out) != 0)
			rc = -1;
	}
	if (rc == 0) {
		ms_sse_finish(&sse);
		while ((rc = ms_sse_next(&sse, &ev)) == 1 &&
		    (rc = ms_resp_event(&resp, &ev, &err)) == 0)
			events++;
	}
	if (rc == 0 &&
	    (ms_resp_end(&resp, &err) == -1 || ms_out_finish(&out) != 0))
		rc = -1;
	if (rc == -1)
		fprintf(stderr, "ssebench: %s\n",
		    err.kind != MS_OK ? err.msg : "out of memory");
	*fast += ms_resp_test_fast(&resp);
	ms_resp_release(&resp);
	ms_out_release(&out);
	ms_sse_release(&sse);
	return rc == -1 ? -1 : events;
}

int
main(int argc, char *argv[])
{
	FILE *f;
	char *s = NULL;
	size_t len = 0, cap = 0, n, bytes = 0;
	double secs = 2, t0, t;
	long events = 0, e, passes = 0, fast = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ssebench STREAM [SECONDS]\n");
		return 64;
	}
	if (argc == 3)
		secs = strtod(argv[2], NULL);
	if ((f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "ssebench: %s: %s\n", argv[1], strerror(errno));
		return 66;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((s = realloc(s, cap)) == NULL)
				return 71;
		}
		if ((n = fread(s + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	t0 = cpu();
	do {
		if ((e = pass(s, len, &bytes, &fast)) == -1)
			return 1;
		events += e;
		passes++;
	} while ((t = cpu() - t0) < secs);
	printf("%ld %zu %.6f %ld %ld\n", events, bytes, t, passes, fast);
	free(s);
	return 0;
}
