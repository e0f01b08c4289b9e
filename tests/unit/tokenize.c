/*
 * tokenize.c: ms_tokens_count and ms__tokens_encode against the reference
 * (mistral-tokenizer-js): the counts of tests/tokens/counts.tsv, the ids
 * of tests/tokens/encodings.tsv, with the encoder's window at its size and
 * smaller; the simple encoder of tokslow.h against the same ids; work
 * linear in the text; the same count wherever the text lies in memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "ms_test.h"
#include "tokslow.h"
#include "unit.h"

#ifndef MS_SRCDIR
#define MS_SRCDIR "."
#endif

struct row {
	char *text;
	size_t len;
	int *ids;
	size_t n;
	int line;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = malloc((size_t)n + 1);
	if (b != NULL && fread(b, 1, (size_t)n, fp) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(fp);
	*len = (size_t)n;
	return b;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undo encode.mjs's escapes in s[0..n) into out; the length, or -1. */
static long
unescape(const char *s, size_t n, char *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[k++] = s[i];
			continue;
		}
		if (++i == n)
			return -1;
		switch (s[i]) {
		case '\\':
			out[k++] = '\\';
			break;
		case 't':
			out[k++] = '\t';
			break;
		case 'n':
			out[k++] = '\n';
			break;
		case 'r':
			out[k++] = '\r';
			break;
		case 'x':
			if (i + 2 >= n || hex(s[i + 1]) < 0 ||
			    hex(s[i + 2]) < 0)
				return -1;
			out[k++] = (char)(hex(s[i + 1]) << 4 | hex(s[i + 2]));
			i += 2;
			break;
		default:
			return -1;
		}
	}
	return (long)k;
}

/* The rows of encodings.tsv; the count, or -1 when it cannot be read. */
static long
load_rows(struct row **rowsp)
{
	FILE *fp = fopen(MS_SRCDIR "/tests/tokens/encodings.tsv", "r");
	struct row *rows = NULL, *r;
	char *line = NULL, *tab, *p, *end;
	size_t cap = 0, nrows = 0, alloc = 0;
	ssize_t got;
	long len;
	int lineno = 0;

	if (fp == NULL)
		return -1;
	while ((got = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[got - 1] == '\n')
			line[--got] = '\0';
		if (line[0] == '#')
			continue;
		if ((tab = strchr(line, '\t')) == NULL)
			goto bad;
		if (nrows == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			rows = realloc(rows, alloc * sizeof(*rows));
			if (rows == NULL)
				goto bad;
		}
		r = &rows[nrows];
		r->line = lineno;
		r->text = malloc((size_t)(tab - line) + 1);
		r->ids = malloc(((size_t)got + 1) * sizeof(int));
		if (r->text == NULL || r->ids == NULL)
			goto bad;
		len = unescape(line, (size_t)(tab - line), r->text);
		if (len < 0)
			goto bad;
		r->len = (size_t)len;
		r->n = 0;
		for (p = tab + 1; *p != '\0'; p = end) {
			r->ids[r->n++] = (int)strtol(p, &end, 10);
			if (end == p || (*end != ' ' && *end != '\0'))
				goto bad;
			if (*end == ' ')
				end++;
		}
		nrows++;
	}
	free(line);
	fclose(fp);
	*rowsp = rows;
	return (long)nrows;
bad:
	diag("encodings.tsv: cannot read line %d", lineno);
	free(line);
	fclose(fp);
	*rowsp = rows;
	return -1;
}

/* Whether got[0..ngot) are the ids want[0..nwant); diagnose the first difference. */
static int
same_ids(const int *got, size_t ngot, const int *want, size_t nwant)
{
	size_t i;

	for (i = 0; i < ngot && i < nwant; i++)
		if (got[i] != want[i])
			break;
	if (i == ngot && i == nwant)
		return 1;
	diag("  %zu tokens, want %zu; first difference at token %zu: "
	     "%d, want %d",
	    ngot, nwant, i, i < ngot ? got[i] : -1, i < nwant ? want[i] : -1);
	return 0;
}

static void
test_encodings(struct row *rows, size_t nrows)
{
	static const size_t windows[] = { 64, 80, 100, 200, 1024 };
	struct ms_tok_work work;
	size_t i, w, n, bad, bad_slow, bad_count, longest = 0;
	int *ids;

	bad = bad_slow = bad_count = 0;
	for (i = 0; i < nrows; i++)
		if (rows[i].n > longest)
			longest = rows[i].n;
	ids = malloc((longest + 2) * sizeof(int));
	if (!ok(ids != NULL, "encodings: memory"))
		return;
	for (i = 0; i < nrows; i++) {
		struct row *r = &rows[i];

		ids[r->n] = -7;
		n = ms__tokens_encode(r->text, r->len, ids, r->n);
		if (!same_ids(ids, n, r->ids, r->n) || ids[r->n] != -7) {
			if (bad++ < 10)
				unit_escaped("ms__tokens_encode differs on",
				    r->text, r->len);
		}
		if (ms_tokens_count(r->text, r->len) != r->n &&
		    bad_count++ < 10)
			unit_escaped(
			    "ms_tokens_count differs on", r->text, r->len);
		n = slow_encode(r->text, r->len, ids, r->n);
		if (!same_ids(ids, n, r->ids, r->n) && bad_slow++ < 10)
			unit_escaped("slow_encode differs on", r->text, r->len);
	}
	ok(nrows >= 500, "encodings: %zu reference texts", nrows);
	ok(bad == 0, "encodings: the exact ids of every text (%zu differ)",
	    bad);
	ok(bad_count == 0, "encodings: the count of every text (%zu differ)",
	    bad_count);
	ok(bad_slow == 0,
	    "encodings: the simple encoder of the tests agrees (%zu differ)",
	    bad_slow);

	/* Smaller windows cut the long texts many times, always exactly. */
	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		memset(&work, 0, sizeof(work));
		bad = 0;
		for (i = 0; i < nrows; i++) {
			struct row *r = &rows[i];

			n = ms_tokens_test_encode(
			    r->text, r->len, ids, r->n, windows[w], &work);
			if (!same_ids(ids, n, r->ids, r->n) && bad++ < 10)
				unit_escaped("differs on", r->text, r->len);
		}
		ok(bad == 0 && work.guesses == 0 &&
			(windows[w] == 1024 || work.cuts > 0),
		    "encodings: window of %zu characters: %zu differ, %zu "
		    "long segments cut, %zu unconfirmed",
		    windows[w], bad, work.cuts, work.guesses);
	}
	free(ids);
}

static void
test_counts(void)
{
	char line[512], name[128], path[512], cur[128] = "";
	char *text = NULL;
	size_t len = 0, rows = 0, bad = 0, bad_slow = 0, whole = 0;
	long off, n, real;
	FILE *fp;

	fp = fopen(MS_SRCDIR "/tests/tokens/counts.tsv", "r");
	if (!ok(fp != NULL, "counts: the reference counts can be read"))
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t got;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%127[^\t]\t%ld\t%ld\t%ld", name, &off, &n,
			&real) != 4) {
			bad++;
			continue;
		}
		if (strcmp(name, cur) != 0) {
			free(text);
			snprintf(path, sizeof(path),
			    "%s/tests/tokens/corpus/%s", MS_SRCDIR, name);
			text = slurp(path, &len);
			snprintf(cur, sizeof(cur), "%s", name);
		}
		rows++;
		if (text == NULL || off < 0 || n < 0 ||
		    (size_t)off + (size_t)n > len) {
			bad++;
			continue;
		}
		whole += off == 0 && (size_t)n == len;
		got = ms_tokens_count(text + off, (size_t)n);
		if (got != (size_t)real) {
			if (bad++ < 10)
				diag("%s at %ld, %ld bytes: %zu tokens, "
				     "want %ld",
				    name, off, n, got, real);
		}
		if (slow_encode(text + off, (size_t)n, NULL, 0) != (size_t)real)
			bad_slow++;
	}
	fclose(fp);
	free(text);
	ok(rows >= 300 && whole >= 29,
	    "counts: %zu reference counts, %zu of whole files", rows, whole);
	ok(bad == 0,
	    "counts: the count of every file, paragraph and line "
	    "(%zu differ)",
	    bad);
	ok(bad_slow == 0, "counts: the simple encoder agrees (%zu differ)",
	    bad_slow);
}

static void
test_edges(void)
{
	int ids[8] = { -7, -7, -7, -7, -7, -7, -7, -7 };

	is_int((long long)ms_tokens_count("", 0), 0, "the empty text");
	is_int((long long)ms_tokens_count(NULL, 0), 0, "no text");
	is_int((long long)ms__tokens_encode("x", 0, ids, 8), 0,
	    "a text of 0 bytes");
	ok(ids[0] == -7, "nothing written for no tokens");
	/* Fewer ids wanted than there are: the count of all, max written. */
	is_int((long long)ms__tokens_encode("a\tb\tc", 5, ids, 2), 5,
	    "the count of all tokens when max is smaller");
	ok(ids[0] == 28708 && ids[1] == 12 && ids[2] == -7,
	    "only max ids written (%d %d %d)", ids[0], ids[1], ids[2]);
	is_int((long long)ms__tokens_encode("a\tb", 3, NULL, 0), 3,
	    "ids may be NULL with max 0");
	/*
	 * No space is put before the text: the reference's own tests, which
	 * put one, give " grabbed" as one token, 13300; without it,
	 * "grabbed" is three.
	 */
	ms__tokens_encode(" grabbed", 8, ids, 8);
	is_int(ids[0], 13300, "\" grabbed\" is token 13300");
	is_int((long long)ms_tokens_count(" grabbed", 8), 1,
	    "\" grabbed\" is one token");
	is_int((long long)ms__tokens_encode("grabbed", 7, ids, 8), 3,
	    "\"grabbed\" is three tokens");
	ok(ids[0] == 820 && ids[1] == 375 && ids[2] == 3101,
	    "\"grabbed\" is 820 375 3101 (%d %d %d)", ids[0], ids[1], ids[2]);
	is_int((long long)ms_tokens_count("hello", 5), 1, "\"hello\" is one");
	is_int((long long)ms_tokens_count(" hello", 6), 2, "\" hello\" is two");
	/* Counts add up at a space after a word, not inside a word. */
	is_int((long long)ms_tokens_count("hello world", 11),
	    (long long)(ms_tokens_count("hello", 5) +
		ms_tokens_count(" world", 6)),
	    "a cut before a space adds up");
	is_int((long long)ms_tokens_count("\xf0\x9f\xa6\x99", 4), 4,
	    "an emoji without a token is its 4 bytes");
	is_int((long long)ms_tokens_count("\xff\xfe", 2), 2,
	    "two invalid bytes are two U+FFFD");
	is_int((long long)ms_tokens_count("\xe2\x82", 2), 1,
	    "a truncated sequence is one U+FFFD");
}

/* n bytes of base64 of pseudo-random bytes, one line. */
static char *
base64(size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	char *s = malloc(n + 1);
	uint32_t x = 2463534242u;
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = b64[x % 64];
	}
	s[n] = '\0';
	return s;
}

/* A text of n bytes, pattern repeated. */
static char *
repeat(const char *pattern, size_t n)
{
	size_t k = strlen(pattern), i;
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = pattern[i % k];
	s[n] = '\0';
	return s;
}

/*
 * The work for text[0..n) and for text[0..n / 10): ten times as much,
 * give or take 10 %.  Counted in lookups of the merge table and in the
 * characters given to the byte-pair encoder, not in seconds.
 */
static void
linear(const char *what, const char *text, size_t n, double per_byte)
{
	struct ms_tok_work big, small;
	size_t cbig, csmall;

	memset(&big, 0, sizeof(big));
	memset(&small, 0, sizeof(small));
	csmall = ms_tokens_test_encode(text, n / 10, NULL, 0, 1024, &small);
	cbig = ms_tokens_test_encode(text, n, NULL, 0, 1024, &big);
	ok(cbig == ms_tokens_count(text, n) && cbig > csmall, "%s: %zu tokens",
	    what, cbig);
	ok(big.lookups <= 11 * small.lookups &&
		big.symbols <= 11 * small.symbols &&
		(double)big.lookups <= per_byte * (double)n,
	    "%s: linear work: %zu lookups for %zu MB, %zu for a tenth; "
	    "%zu characters encoded in %zu runs, %zu long segments cut",
	    what, big.lookups, n >> 20, small.lookups, big.symbols, big.runs,
	    big.cuts);
	ok(big.guesses == 0, "%s: every cut confirmed", what);
}

static void
test_linear(void)
{
	char *s;

	/*
	 * A line of base64: digits cut it every few characters, so it
	 * never fills a window.
	 */
	if ((s = base64(10 << 20)) != NULL) {
		linear("10 MB line of base64", s, 10 << 20, 4.0);
		free(s);
	}
	/* Runs that nothing cuts: every window is cut by its encodings. */
	if ((s = repeat(" ", 1 << 20)) != NULL) {
		linear("1 MB of spaces", s, 1 << 20, 64.0);
		free(s);
	}
	if ((s = repeat("ab", 1 << 20)) != NULL) {
		linear("1 MB of \"ab\"", s, 1 << 20, 64.0);
		free(s);
	}
	if ((s = repeat("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
		 1 << 20)) != NULL) {
		linear("1 MB of the alphabet", s, 1 << 20, 64.0);
		free(s);
	}
}

/*
 * The same count wherever the text lies: at every offset of a larger
 * buffer with other bytes around it, and alone in a buffer of its exact
 * size (where AddressSanitizer sees a read past the end).
 */
static void
test_placement(struct row *rows, size_t nrows)
{
	char *buf, *copy;
	size_t i, off, bad = 0, maxlen = 0;

	for (i = 0; i < nrows; i++)
		if (rows[i].len > maxlen)
			maxlen = rows[i].len;
	buf = malloc(maxlen + 64);
	if (!ok(buf != NULL, "placement: memory"))
		return;
	for (i = 0; i < nrows; i++) {
		for (off = 0; off < 16; off++) {
			memset(buf, off & 1 ? 'a' : 0xE2, maxlen + 64);
			memcpy(buf + off, rows[i].text, rows[i].len);
			if (ms_tokens_count(buf + off, rows[i].len) !=
			    rows[i].n)
				bad++;
		}
		copy = malloc(rows[i].len ? rows[i].len : 1);
		if (copy == NULL) {
			bad++;
			continue;
		}
		memcpy(copy, rows[i].text, rows[i].len);
		if (ms_tokens_count(copy, rows[i].len) != rows[i].n)
			bad++;
		free(copy);
	}
	free(buf);
	ok(bad == 0,
	    "placement: the same count at 16 offsets and in an exact-size "
	    "copy (%zu differ)",
	    bad);
}

int
main(void)
{
	struct row *rows = NULL;
	long nrows, i;

	nrows = load_rows(&rows);
	if (ok(nrows > 0, "encodings: the reference ids can be read")) {
		test_encodings(rows, (size_t)nrows);
		test_placement(rows, (size_t)nrows);
	}
	test_counts();
	test_edges();
	test_linear();
	for (i = 0; i < nrows; i++) {
		free(rows[i].text);
		free(rows[i].ids);
	}
	free(rows);
	return done();
}
