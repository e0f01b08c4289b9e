/*
 * outbench: the output shaper alone, fed the deltas a hostile or merely
 * chatty server can send.  Every row must take time linear in its bytes:
 * the shaper holds text back while it decides about a fence, and a rescan
 * of what it holds on every delta makes a long answer take hours.
 *
 * Usage: outbench [BLANKS [LINE_BYTES]]
 * Rows, one a line, "NAME BYTES SECONDS BYTES_PER_SECOND":
 *   blanks-1B	BLANKS one-byte deltas of blanks, then a word;
 *   line-1B	"```" and a first line of LINE_BYTES, in one-byte deltas;
 *   line-4K	the same in deltas of 4 KiB;
 *   body-4K	a fenced block of LINE_BYTES in 80-byte lines, 4 KiB deltas.
 * Defaults: 5000000 blanks, a line of 50 MB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms.h"

static int
sink(void *arg, const char *s, size_t n)
{
	(void)s;
	*(size_t *)arg += n;
	return 0;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Feed s through a shaper set as mschat sets it (fence removal, one final
 * newline, one write per read), in deltas of piece bytes; print the row.
 * Returns the bytes written, or -1 on an error.
 */
static long
feed(const char *name, const char *s, size_t len, size_t piece)
{
	struct ms_out o;
	size_t off, n, out = 0;
	double t0, t;
	int rc = 0;

	t0 = cpu();
	ms_out_init(&o, sink, &out);
	o.strip_fence = 1;
	o.batch = 1;
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < piece ? len - off : piece;
		if ((rc = ms_out_write(&o, s + off, n)) == 0)
			rc = ms_out_flush(&o);
	}
	if (rc == 0)
		rc = ms_out_finish(&o);
	ms_out_release(&o);
	t = cpu() - t0;
	if (rc != 0) {
		fprintf(stderr, "outbench: %s: error %d\n", name, rc);
		return -1;
	}
	printf(
	    "%s %zu %.6f %.0f\n", name, len, t, t > 0 ? (double)len / t : 0.0);
	fflush(stdout);
	return (long)out;
}

int
main(int argc, char *argv[])
{
	size_t blanks = 5000000, line = 50000000, len, i;
	char *s;

	if (argc > 3) {
		fprintf(stderr, "usage: outbench [BLANKS [LINE_BYTES]]\n");
		return 64;
	}
	if (argc > 1)
		blanks = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		line = strtoul(argv[2], NULL, 10);
	len = (blanks > line ? blanks : line) + 16;
	if ((s = malloc(len)) == NULL)
		return 71;

	/* Blanks of every kind, then the text: "x\n" goes out. */
	for (i = 0; i < blanks; i++)
		s[i] = " \n\t\r"[i % 4];
	s[blanks] = 'x';
	if (feed("blanks-1B", s, blanks + 1, 1) != 2)
		return 1;

	/*
	 * A fence and one word that never ends: held to the end, then written
	 * whole (it was never closed), with the newline added.
	 */
	memcpy(s, "```", 3);
	memset(s + 3, 'a', line);
	if (feed("line-1B", s, line + 3, 1) != (long)line + 4 ||
	    feed("line-4K", s, line + 3, 4096) != (long)line + 4)
		return 1;

	/* A fenced block of many lines: only its body goes out. */
	memcpy(s, "```\n", 4);
	for (i = 4; i < line + 4; i++)
		s[i] = (i - 4) % 80 == 79 ? '\n' : 'b';
	memcpy(s + line + 4, "\n```\n", 5);
	if (feed("body-4K", s, line + 9, 4096) < (long)line - 80)
		return 1;
	free(s);
	return 0;
}
