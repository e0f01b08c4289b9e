/*
 * tokens.c: a conservative estimate of how many tokens a text costs, so
 * that no request is sent larger than the model's context.
 *
 * The rules were fitted to the counts of Mistral's tokenizer over the
 * multilingual corpus in tests/tokens (a test checks that the estimate is
 * never below them): words of Latin letters cost one token up to three
 * letters and one more per 2.7 letters after that, each accented letter
 * one more; Cyrillic words one per 1.8 letters; digits, punctuation and
 * a space before anything but a word one each; other scripts one and a
 * half per character; joiners, variation selectors, full-width digits and
 * letters and characters outside the Basic Multilingual Plane (emoji) as
 * many as their UTF-8 bytes, since they fall back to bytes; a byte that is
 * not UTF-8 one.  Costs are counted in quarter tokens.
 */
#include <string.h>

#include "ms.h"

/* Decode one character; an invalid byte counts as a character of its own. */
static unsigned long
decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned long c = s[0];
	size_t k, i;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (k == 1 || k > n) {
		*len = 1;
		return 0xFFFD;
	}
	c &= 0xFF >> (k + 1);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	/*
	 * An overlong form is no character: "\xC0\xA0" is not a space; nor
	 * is a surrogate or a code point past U+10FFFF, whose every byte the
	 * tokenizer reads as a U+FFFD of its own.
	 */
	if ((k == 2 && c < 0x80) || (k == 3 && c < 0x800) ||
	    (k == 4 && c < 0x10000) || (c >= 0xD800 && c < 0xE000) ||
	    c > 0x10FFFF) {
		*len = 1;
		return 0xFFFD;
	}
	*len = k;
	return c;
}

static int
is_latin(unsigned long c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= 0xC0 && c < 0x250 && c != 0xD7 && c != 0xF7);
}

static int
is_cyrillic(unsigned long c)
{
	return c >= 0x400 && c < 0x530;
}

/* Which letters a word is made of; 0 for anything else. */
static int
letter_class(unsigned long c)
{
	if (is_latin(c))
		return MS__LATIN;
	if (is_cyrillic(c))
		return MS__CYRILLIC;
	return 0;
}

int
ms__letter_at(const char *s, size_t n)
{
	size_t k;

	return letter_class(decode((const unsigned char *)s, n, &k));
}

/* Full-width digits and letters, which the vocabulary has not. */
static int
is_fullwidth_alnum(unsigned long c)
{
	return (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
	    (c >= 0xFF41 && c <= 0xFF5A);
}

static int
is_digit(unsigned long c)
{
	return c >= '0' && c <= '9';
}

size_t
ms_tokens_estimate(const char *str, size_t len)
{
	return (ms_tokens_quarters(str, len) + 3) / 4;
}

size_t
ms_tokens_quarters(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, j, q = 0, letters, accents;
	unsigned long c, prev = 0, d;

	while (i < len) {
		c = decode(s + i, len - i, &k);
		if (is_latin(c)) {
			letters = accents = 0;
			for (j = i; j < len; j += k) {
				d = decode(s + j, len - j, &k);
				if (!is_latin(d))
					break;
				letters++;
				accents += d >= 0x80;
			}
			d = j < len ? s[j] : 0;
			if (is_digit(prev) || is_digit(d))
				q += 4 * letters; /* hex, ids: one a letter */
			else
				q += 4 *
					(letters <= 3 ? 1
						      : 1 +
						    (10 * (letters - 3) + 26) /
							27) +
				    4 * accents;
			prev = 'a';
			i = j;
			continue;
		}
		if (is_cyrillic(c)) {
			letters = 0;
			for (j = i; j < len; j += k) {
				d = decode(s + j, len - j, &k);
				if (!is_cyrillic(d))
					break;
				letters++;
			}
			q += (40 * letters + 17) / 18;
			prev = c;
			i = j;
			continue;
		}
		if (c == ' ' && s[i] == ' ') {
			for (j = i; j < len && s[j] == ' '; j++)
				;
			if (j - i > 1)
				q += 4 * ((j - i) / 2);
			if (j < len) {
				d = decode(s + j, len - j, &k);
				if (letter_class(d) == 0)
					q += 4;
			}
			prev = ' ';
			i = j;
			continue;
		}
		if (c < 0x80)
			q += 4;
		else if (c < 0x800)
			q += 6;
		else if ((c >= 0x2000 && c < 0x2070) ||
		    (c >= 0x20D0 && c < 0x2100) ||
		    (c >= 0xFE00 && c < 0xFE10) || is_fullwidth_alnum(c))
			q += 12;
		else if (c < 0x10000 && c != 0xFFFD)
			q += 6;
		else
			q += 4 * k;
		prev = c;
		i += k;
	}
	return q;
}

size_t
ms_tokens(enum ms_tokenizer t, const char *s, size_t n)
{
	return t == MS_TOKENIZER_MISTRAL ? ms_tokens_count(s, n)
					 : ms_tokens_estimate(s, n);
}

int
ms_tokenizer_parse(const char *s, enum ms_tokenizer *t)
{
	if (strcmp(s, "mistral") == 0)
		*t = MS_TOKENIZER_MISTRAL;
	else if (strcmp(s, "estimate") == 0)
		*t = MS_TOKENIZER_ESTIMATE;
	else
		return -1;
	return 0;
}

const char *
ms_tokenizer_name(enum ms_tokenizer t)
{
	return t == MS_TOKENIZER_MISTRAL ? "mistral" : "estimate";
}
