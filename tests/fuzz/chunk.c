/*
 * chunk.c: fuzz the chunker.
 *
 * The first byte chooses the budget (4 to 259 tokens: below 4 a single
 * character may not fit, which tests/unit/chunk.c covers) and the second
 * seeds the piece sizes, its low bit the count (the estimate, or Mistral's
 * tokenizer); the rest is the text, fed in random pieces with
 * the chunks taken after each.  The chunks put together must be the text,
 * in order, numbered 0, 1, 2, ..., none empty, only the final one "last".
 * The tools give the chunker only valid UTF-8 without NUL, so the text is
 * also cut once more with every invalid byte made a "?": then each chunk
 * must fit the budget unless it is one character, and none may start or
 * end inside a character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct run {
	const char *s;
	size_t n, at, budget, count;
	int valid, last;
	enum ms_tokenizer tok;
};

/* The length of the one character at s, or 0 when s is not one. */
static size_t
one_char(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

	return n == k ? k : 0;
}

static void
take(struct ms_chunker *k, struct run *r)
{
	struct ms_chunk ck;
	int got;

	while ((got = ms_chunker_next(k, &ck)) == 1) {
		if (ck.text == NULL || ck.len == 0 || ck.text[ck.len] != '\0')
			abort(); /* an empty or unterminated chunk */
		if (ck.index != r->count || r->last)
			abort(); /* out of order, or after the last */
		if (ck.len > r->n - r->at ||
		    memcmp(ck.text, r->s + r->at, ck.len) != 0)
			abort(); /* not the next bytes of the text */
		if (r->valid &&
		    ms_tokens(r->tok, ck.text, ck.len) > r->budget &&
		    one_char(ck.text, ck.len) == 0)
			abort(); /* over the budget */
		if (r->valid &&
		    (((unsigned char)ck.text[0] & 0xC0) == 0x80 ||
			ms_utf8_complete(ck.text, ck.len) != ck.len))
			abort(); /* cut inside a character */
		r->at += ck.len;
		r->last = ck.last;
		r->count++;
		free(ck.text);
	}
	if (got == -1)
		abort();
}

/* Cut s in pieces from seed; valid: s is valid UTF-8, check it all. */
static void
cut(const char *s, size_t n, size_t budget, unsigned seed, int valid)
{
	struct ms_chunker k;
	struct run r;
	size_t fed = 0, m;

	memset(&r, 0, sizeof(r));
	r.budget = budget;
	r.s = s;
	r.n = n;
	r.valid = valid;
	r.tok = seed & 1 ? MS_TOKENIZER_MISTRAL : MS_TOKENIZER_ESTIMATE;
	ms_chunker_init(&k, r.budget);
	k.tokenizer = r.tok;
	while (fed < r.n) {
		seed = seed * 1103515245u + 12345u;
		m = (seed >> 16) % 4 == 0 ? r.n - fed : 1 + (seed >> 18) % 97;
		if (m > r.n - fed)
			m = r.n - fed;
		if (ms_chunker_feed(&k, r.s + fed, m) == -1)
			abort();
		fed += m;
		take(&k, &r);
		if (r.at > fed)
			abort(); /* a chunk of what was not fed yet */
	}
	ms_chunker_finish(&k);
	take(&k, &r);
	if (r.at != r.n)
		abort(); /* some of the text is missing */
	ms_chunker_release(&k);
}

/* s with every byte that is not part of a valid character made "?". */
static char *
repair(const char *s, size_t n)
{
	char *t = malloc(n + 1);
	size_t i = 0, k, off;
	unsigned char c;

	if (t == NULL)
		abort();
	while (i < n) {
		c = (unsigned char)s[i];
		k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (k <= n - i && ms_utf8_check(s + i, k, &off) == 0) {
			memcpy(t + i, s + i, k);
			i += k;
		} else
			t[i++] = '?';
	}
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 2;
	size_t n, off;
	char *t;

	if (size < 2)
		return 0;
	n = size - 2;
	if (ms_utf8_check(s, n, &off) == 0) {
		cut(s, n, 4 + data[0], data[1], 1);
		return 0;
	}
	cut(s, n, 4 + data[0], data[1], 0);
	t = repair(s, n);
	if (ms_utf8_check(t, n, &off) != 0)
		abort(); /* the repair is wrong, not the chunker */
	cut(t, n, 4 + data[0], data[1], 1);
	free(t);
	return 0;
}
