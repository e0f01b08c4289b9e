/* utf8.c: UTF-8 validation and character boundaries. */
#include "ms.h"

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one
 * or is cut short by len.
 */
static size_t
seqlen(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

int
ms_utf8_check(const char *str, size_t len, size_t *off)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == 0) {
			*off = i;
			return MS_UTF8_NUL;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = seqlen(s + i, len - i)) == 0) {
			*off = i;
			return MS_UTF8_INVALID;
		}
		i += n;
	}
	return 0;
}

size_t
ms_utf8_complete(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, back;

	/* Look back at most 3 bytes for the start of the last character. */
	for (back = 1; back <= 4 && back <= len; back++) {
		i = len - back;
		if ((s[i] & 0xC0) == 0x80)
			continue;
		if (s[i] < 0x80)
			return len;
		if ((s[i] & 0xE0) == 0xC0)
			return back >= 2 ? len : i;
		if ((s[i] & 0xF0) == 0xE0)
			return back >= 3 ? len : i;
		if ((s[i] & 0xF8) == 0xF0)
			return back >= 4 ? len : i;
		return len; /* not a lead byte: leave it to validation */
	}
	return len;
}
