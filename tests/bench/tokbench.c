/*
 * tokbench: the exact token count (ms_tokens_count) alone, for make bench,
 * on one core (CPU time).
 *
 * Usage: tokbench MB FILE...
 * Texts of MB megabytes: the FILEs one after the other, repeated (the
 * corpus of tests/tokens: prose in many languages, code, emoji); the same
 * counted line by line; a line of base64; and spaces, one run (the one
 * kind of text whose segments fill the encoder's window).  One row each,
 * "NAME BYTES TOKENS SECONDS BYTES_PER_SECOND", then
 * "tables BYTES STACK_BYTES": the static tables' size and the stack one
 * count takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms.h"
#include "ms_test.h"
#include "tokvocab.h"

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Count s[0..n), whole or line by line, for at least 0.3 s; print a row. */
static void
row(const char *name, const char *s, size_t n, int by_line)
{
	double t0, t;
	size_t tokens = 0, passes = 0, i, start;

	t0 = cpu();
	do {
		tokens = 0;
		if (!by_line)
			tokens = ms_tokens_count(s, n);
		else
			for (i = start = 0; i <= n; i++)
				if (i == n || s[i] == '\n') {
					tokens += ms_tokens_count(
					    s + start, i - start);
					start = i + 1;
				}
		passes++;
		t = cpu() - t0;
	} while (t < 0.3);
	t /= (double)passes;
	printf("%s %zu %zu %.6f %.0f\n", name, n, tokens, t,
	    t > 0 ? (double)n / t : 0.0);
	fflush(stdout);
}

int
main(int argc, char *argv[])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				  "opqrstuvwxyz0123456789+/";
	struct ms_buf corpus;
	size_t n, i;
	unsigned long x = 88172645463325252UL;
	char *s;
	int a;

	if (argc < 3 || (n = strtoul(argv[1], NULL, 10) << 20) == 0) {
		fprintf(stderr, "usage: tokbench MB FILE...\n");
		return 64;
	}
	ms_buf_init(&corpus);
	for (a = 2; a < argc; a++)
		if (ms_file_read(argv[a], 1 << 24, &corpus, NULL) == -1) {
			fprintf(stderr, "tokbench: %s: %s\n", argv[a],
			    strerror(errno));
			return 66;
		}
	if ((s = malloc(n)) == NULL || corpus.len == 0) {
		fprintf(stderr, "tokbench: %s\n",
		    s == NULL ? strerror(errno) : "no text");
		return 70;
	}
	for (i = 0; i < n; i++)
		s[i] = corpus.data[i % corpus.len];
	row("corpus", s, n, 0);
	row("corpus-lines", s, n, 1);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		s[i] = b64[x % 64];
	}
	row("base64", s, n, 0);
	memset(s, ' ', n);
	row("spaces", s, n, 0);
	printf("tables %zu %zu\n", msi_tok_bytes, ms_tokens_test_stack());
	free(s);
	ms_buf_release(&corpus);
	return 0;
}
