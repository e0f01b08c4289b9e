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
 *
 * Usage: ssebench --lines [MB [PIECE]]
 * The SSE parser alone on long lines: MB megabytes (default 100) of
 * events of one 3 MiB data line each (under MS_MAX_SSE_LINE), fed in
 * pieces of PIECE bytes (default 16384), then one line past the limit.
 * Prints "BYTES EVENTS SECONDS MB/s CAP_SECONDS": the CPU time for the
 * lines, their rate, and the time to refuse the line past the limit.  A
 * parser that searches a line again at every piece is quadratic here.
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

/* Feed s in pieces, taking events as they come: the events, or -1. */
static long
feed_lines(const char *s, size_t len, size_t piece, double *secs)
{
	struct ms_sse sse;
	struct ms_sse_event ev;
	size_t off, n;
	long events = 0;
	int rc = 0;
	double t0 = cpu();

	ms_sse_init(&sse);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < piece ? len - off : piece;
		ms_sse_feed(&sse, s + off, n);
		while ((rc = ms_sse_next(&sse, &ev)) == 1)
			events++;
	}
	ms_sse_finish(&sse);
	while (rc == 0 && (rc = ms_sse_next(&sse, &ev)) == 1)
		events++;
	*secs = cpu() - t0;
	ms_sse_release(&sse);
	return rc == -1 ? -1 : events;
}

static int
lines(int argc, char *argv[])
{
	size_t mb = 100, piece = PIECE, line = 3u << 20, len, i;
	double secs, cap;
	long events;
	char *s;

	if (argc > 2)
		mb = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		piece = strtoul(argv[3], NULL, 10);
	if (mb == 0 || piece == 0) {
		fprintf(stderr, "usage: ssebench --lines [MB [PIECE]]\n");
		return 64;
	}
	/* Whole events of one long line each: "data: aaa...\n\n". */
	len = (mb << 20) / (line + 8) * (line + 8);
	if (len == 0)
		len = line + 8;
	if ((s = malloc(len > (8u << 20) ? len : (8u << 20))) == NULL)
		return 71;
	for (i = 0; i < len; i += line + 8) {
		memcpy(s + i, "data: ", 6);
		memset(s + i + 6, 'a' + (int)(i % 26), line);
		memcpy(s + i + 6 + line, "\n\n", 2);
	}
	if ((events = feed_lines(s, len, piece, &secs)) == -1) {
		fprintf(stderr, "ssebench: a line under the limit failed\n");
		return 1;
	}
	/* One line without end: refused once it is past the limit. */
	memset(s, 'b', 8u << 20);
	if (feed_lines(s, 8u << 20, piece, &cap) != -1) {
		fprintf(stderr, "ssebench: a line past the limit passed\n");
		return 1;
	}
	printf("%zu %ld %.6f %.1f %.6f\n", len, events, secs,
	    secs > 0 ? (double)len / 1e6 / secs : 0.0, cap);
	free(s);
	return 0;
}

int
main(int argc, char *argv[])
{
	FILE *f;
	char *s = NULL;
	size_t len = 0, cap = 0, n, bytes = 0;
	double secs = 2, t0, t;
	long events = 0, e, passes = 0, fast = 0;

	if (argc >= 2 && strcmp(argv[1], "--lines") == 0)
		return lines(argc, argv);
	if (argc < 2 || argc > 3) {
		fprintf(stderr,
		    "usage: ssebench STREAM [SECONDS]\n"
		    "       ssebench --lines [MB [PIECE]]\n");
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
