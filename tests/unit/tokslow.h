/*
 * tokslow.h: a deliberately simple encoder of Mistral's tokenizer, for the
 * tests, header only.  It reads the text as the WHATWG decoder does (the
 * steps of the standard, one byte at a time), makes each character a
 * token (a space is U+2581; a character without a token, its bytes), then
 * merges, over the whole list, the adjacent pair of lowest rank (the
 * leftmost among equals) until none merges: the textbook byte-pair
 * encoding, quadratic, with none of lib/tokenize.c's cuts and windows.
 * tests/unit/tokenize.c checks it against the reference ids of
 * tests/tokens/encodings.tsv; tests/fuzz/tokenize.c checks lib/tokenize.c
 * against it.
 *
 *	n = slow_encode(text, len, ids, max);
 *
 * returns the count of tokens and writes the first max ids, as
 * ms__tokens_encode; (size_t)-1 when out of memory.
 */
#ifndef TOKSLOW_H
#define TOKSLOW_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tokvocab.h"

#if defined(__GNUC__)
#define SLOW_UNUSED __attribute__((unused))
#else
#define SLOW_UNUSED
#endif

struct slow {
	int *tok;
	size_t n;
};

/* The merge of a then b by a scan of a's merges: its rank, or -1. */
static long
slow_merge(int a, int b, int *made)
{
	unsigned i;

	for (i = msi_tok_first[a]; i < msi_tok_first[a + 1]; i++)
		if (msi_tok_right[i] == b) {
			*made = msi_tok_result[i];
			return msi_tok_rank[i];
		}
	return -1;
}

/* Append the token of character c, whose UTF-8 is not needed. */
static void
slow_char(struct slow *sl, uint32_t c)
{
	unsigned char u[4];
	int id = 0, k, i;

	if (c == ' ')
		c = 0x2581;
	if (c < MSI_TOK_CPEND)
		id = msi_tok_leaf[msi_tok_page[c >> MSI_TOK_SHIFT]]
				 [c % MSI_TOK_PAGE];
	if (id != 0) {
		sl->tok[sl->n++] = id;
		return;
	}
	if (c < 0x80) {
		u[0] = (unsigned char)c;
		k = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xC0 | c >> 6);
		u[1] = (unsigned char)(0x80 | (c & 0x3F));
		k = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xE0 | c >> 12);
		u[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (c & 0x3F));
		k = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | c >> 18);
		u[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
		u[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		u[3] = (unsigned char)(0x80 | (c & 0x3F));
		k = 4;
	}
	for (i = 0; i < k; i++)
		sl->tok[sl->n++] = MSI_TOK_BYTE0 + u[i];
}

static size_t SLOW_UNUSED
slow_encode(const char *text, size_t len, int *ids, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	struct slow sl;
	size_t i = 0, need = 0, seen = 0, best, k;
	uint32_t cp = 0;
	unsigned lo = 0x80, hi = 0xBF, b;
	long rank, *pr;
	int *pm;

	/* A byte is at most one character, of at most 4 tokens. */
	sl.tok = malloc((4 * len + 1) * sizeof(int));
	if (sl.tok == NULL)
		return (size_t)-1;
	sl.n = 0;
	while (i < len) {
		b = s[i];
		if (need == 0) {
			i++;
			if (b <= 0x7F)
				slow_char(&sl, b);
			else if (b >= 0xC2 && b <= 0xDF) {
				need = 1;
				cp = b & 0x1F;
			} else if (b >= 0xE0 && b <= 0xEF) {
				if (b == 0xE0)
					lo = 0xA0;
				if (b == 0xED)
					hi = 0x9F;
				need = 2;
				cp = b & 0xF;
			} else if (b >= 0xF0 && b <= 0xF4) {
				if (b == 0xF0)
					lo = 0x90;
				if (b == 0xF4)
					hi = 0x8F;
				need = 3;
				cp = b & 0x7;
			} else
				slow_char(&sl, 0xFFFD);
			continue;
		}
		if (b < lo || b > hi) {
			/* An error; the byte is read again. */
			cp = 0;
			need = seen = 0;
			lo = 0x80;
			hi = 0xBF;
			slow_char(&sl, 0xFFFD);
			continue;
		}
		i++;
		lo = 0x80;
		hi = 0xBF;
		cp = cp << 6 | (b & 0x3F);
		if (++seen == need) {
			slow_char(&sl, cp);
			cp = 0;
			need = seen = 0;
		}
	}
	if (need != 0)
		slow_char(&sl, 0xFFFD);

	/* The rank and result of the pair at k and k + 1, kept as they change. */
	pr = malloc((sl.n + 1) * sizeof(*pr));
	pm = malloc((sl.n + 1) * sizeof(*pm));
	if (pr == NULL || pm == NULL) {
		free(pr);
		free(pm);
		free(sl.tok);
		return (size_t)-1;
	}
	for (k = 0; k + 1 < sl.n; k++)
		pr[k] = slow_merge(sl.tok[k], sl.tok[k + 1], &pm[k]);
	for (;;) {
		best = sl.n;
		rank = -1;
		for (k = 0; k + 1 < sl.n; k++)
			if (pr[k] >= 0 && (rank < 0 || pr[k] < rank)) {
				rank = pr[k];
				best = k;
			}
		if (best == sl.n)
			break;
		sl.tok[best] = pm[best];
		memmove(sl.tok + best + 1, sl.tok + best + 2,
		    (sl.n - best - 2) * sizeof(int));
		memmove(pr + best + 1, pr + best + 2,
		    (sl.n - best - 2) * sizeof(*pr));
		memmove(pm + best + 1, pm + best + 2,
		    (sl.n - best - 2) * sizeof(*pm));
		sl.n--;
		if (best + 1 < sl.n)
			pr[best] = slow_merge(
			    sl.tok[best], sl.tok[best + 1], &pm[best]);
		if (best > 0)
			pr[best - 1] = slow_merge(
			    sl.tok[best - 1], sl.tok[best], &pm[best - 1]);
	}
	free(pr);
	free(pm);
	for (k = 0; k < sl.n && k < max; k++)
		ids[k] = sl.tok[k];
	free(sl.tok);
	return sl.n;
}

#endif
