/* utf8.c: tests for ms_utf8_check and ms_utf8_complete. */
#include <string.h>

#include "ms.h"
#include "unit.h"

struct ccase {
	const char *s;
	size_t len;
	int want;
	size_t off;
	const char *name;
};

#define C(lit, want, off, name) \
	{ \
		lit, sizeof(lit) - 1, want, off, name \
	}

static const struct ccase checks[] = {
	C("", 0, 0, "empty"),
	C("plain ASCII\n\t~", 0, 0, "ASCII"),
	C("caf\xC3\xA9", 0, 0, "2-byte"),
	C("\xE2\x82\xAC", 0, 0, "3-byte (euro)"),
	C("\xF0\x9F\x98\x80", 0, 0, "4-byte (emoji)"),
	C("\xC2\x80", 0, 0, "U+0080, smallest 2-byte"),
	C("\xDF\xBF", 0, 0, "U+07FF"),
	C("\xE0\xA0\x80", 0, 0, "U+0800, smallest 3-byte"),
	C("\xED\x9F\xBF", 0, 0, "U+D7FF, before the surrogates"),
	C("\xEE\x80\x80", 0, 0, "U+E000, after the surrogates"),
	C("\xEF\xBF\xBF", 0, 0, "U+FFFF"),
	C("\xEF\xBB\xBFx", 0, 0, "BOM is valid UTF-8"),
	C("\xF0\x90\x80\x80", 0, 0, "U+10000, smallest 4-byte"),
	C("\xF4\x8F\xBF\xBF", 0, 0, "U+10FFFF, the largest"),
	C("\xC0\x80", MS_UTF8_INVALID, 0, "overlong NUL C0 80"),
	C("\xC1\xBF", MS_UTF8_INVALID, 0, "overlong C1 BF"),
	C("ab\xE0\x80\x80", MS_UTF8_INVALID, 2, "overlong 3-byte E0 80 80"),
	C("\xE0\x9F\xBF", MS_UTF8_INVALID, 0, "overlong 3-byte E0 9F BF"),
	C("\xF0\x80\x80\x80", MS_UTF8_INVALID, 0, "overlong 4-byte F0 80"),
	C("\xF0\x8F\xBF\xBF", MS_UTF8_INVALID, 0, "overlong 4-byte F0 8F"),
	C("x\xED\xA0\x80", MS_UTF8_INVALID, 1, "surrogate U+D800"),
	C("\xED\xBF\xBF", MS_UTF8_INVALID, 0, "surrogate U+DFFF"),
	C("\xED\xA0\xBD\xED\xB8\x80", MS_UTF8_INVALID, 0,
	    "CESU-8 surrogate pair"),
	C("\xF4\x90\x80\x80", MS_UTF8_INVALID, 0, "U+110000"),
	C("\xF5\x80\x80\x80", MS_UTF8_INVALID, 0, "lead F5"),
	C("\xF8\x88\x80\x80\x80", MS_UTF8_INVALID, 0, "5-byte form"),
	C("\xFC\x84\x80\x80\x80\x80", MS_UTF8_INVALID, 0, "6-byte form"),
	C("\xFE", MS_UTF8_INVALID, 0, "FE"),
	C("\xFF", MS_UTF8_INVALID, 0, "FF"),
	C("abc\x80", MS_UTF8_INVALID, 3, "lone continuation"),
	C("\xC3\xA9\xA9", MS_UTF8_INVALID, 2, "extra continuation"),
	C("abc\xC3", MS_UTF8_INVALID, 3, "truncated 2-byte at the end"),
	C("abc\xE2\x82", MS_UTF8_INVALID, 3, "truncated 3-byte at the end"),
	C("\xF0\x9F\x98", MS_UTF8_INVALID, 0, "truncated 4-byte at the end"),
	C("\xE2\x82x", MS_UTF8_INVALID, 0, "truncated 3-byte before ASCII"),
	C("\xC3 ", MS_UTF8_INVALID, 0, "lead byte then space"),
	C("\xE2\xC3\xA9", MS_UTF8_INVALID, 0, "lead then another lead"),
	C("a\0b", MS_UTF8_NUL, 1, "NUL"),
	C("\0", MS_UTF8_NUL, 0, "NUL alone"),
	C("\xC3\xA9\xE2\x82\xAC\0", MS_UTF8_NUL, 5, "NUL after multi-byte"),
	C("a\0\xFF", MS_UTF8_NUL, 1, "NUL before invalid: first wins"),
	C("a\xFF\0", MS_UTF8_INVALID, 1, "invalid before NUL: first wins"),
};

static void
test_check(void)
{
	size_t i, off;
	int rc;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		off = 12345;
		rc = ms_utf8_check(checks[i].s, checks[i].len, &off);
		is_int(rc, checks[i].want, "check: %s", checks[i].name);
		if (checks[i].want != 0)
			is_int((long long)off, (long long)checks[i].off,
			    "check: %s: offset", checks[i].name);
	}
	/* The length given counts, not the NUL after it. */
	is_int(ms_utf8_check("ab\xC3\xA9", 3, &off), MS_UTF8_INVALID,
	    "check: a character cut by len is invalid");
	is_int((long long)off, 2, "check: cut character offset");
	is_int(ms_utf8_check("ab\xC3\xA9", 2, &off), 0,
	    "check: prefix that ends before the character");
}

/* Brute force: every 1..4 byte sequence against a reference decoder. */
static int
ref_valid(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t need, i;

	if (n == 0)
		return 1;
	if (s[0] < 0x80)
		need = 1, cp = s[0];
	else if ((s[0] & 0xE0) == 0xC0)
		need = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		need = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n != need)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp == 0)
		return 0; /* NUL is refused, as a different code */
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && cp < 0x10000))
		return 0;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	return cp <= 0x10FFFF;
}

static void
test_exhaustive(void)
{
	unsigned char s[4];
	unsigned long bad = 0, tried = 0;
	unsigned a, b, c;
	size_t off;
	int got, want;

	/* All 2-byte sequences, and 3-byte ones with a sampled third byte. */
	for (a = 1; a < 256; a++)
		for (b = 0; b < 256; b++) {
			s[0] = (unsigned char)a, s[1] = (unsigned char)b;
			if (a >= 0x80 && b != 0) {
				want = ref_valid(s, 2);
				got = ms_utf8_check((char *)s, 2, &off) == 0;
				tried++;
				if (got != want && bad++ < 5)
					diag("2-byte %02x %02x: got %d want %d",
					    a, b, got, want);
			}
			for (c = 0x7F; c <= 0xC0; c++) {
				if (a < 0xE0 || a > 0xF4 || b == 0)
					break;
				s[2] = (unsigned char)c;
				want = ref_valid(s, 3);
				got = ms_utf8_check((char *)s, 3, &off) == 0;
				tried++;
				if (got != want && bad++ < 5)
					diag("3-byte %02x %02x %02x: got %d "
					     "want %d",
					    a, b, c, got, want);
			}
		}
	/* 4-byte leads with every second byte. */
	for (a = 0xF0; a < 0x100; a++)
		for (b = 0; b < 256; b++) {
			s[0] = (unsigned char)a, s[1] = (unsigned char)b;
			s[2] = 0x80, s[3] = 0xBF;
			if (b == 0)
				continue;
			want = ref_valid(s, 4);
			got = ms_utf8_check((char *)s, 4, &off) == 0;
			tried++;
			if (got != want && bad++ < 5)
				diag("4-byte %02x %02x 80 bf: got %d want %d",
				    a, b, got, want);
		}
	ok(bad == 0, "check agrees with a reference decoder on %lu sequences",
	    tried);
}

struct kcase {
	const char *s;
	size_t len;
	size_t want;
	const char *name;
};

#define K(lit, want, name) \
	{ \
		lit, sizeof(lit) - 1, want, name \
	}

static const struct kcase completes[] = {
	K("", 0, "empty"),
	K("abc", 3, "ASCII"),
	K("a\xC3", 1, "2-byte lead at the end"),
	K("a\xC3\xA9", 3, "complete 2-byte"),
	K("a\xE2", 1, "3-byte lead at the end"),
	K("a\xE2\x82", 1, "3-byte with 1 continuation"),
	K("a\xE2\x82\xAC", 4, "complete 3-byte"),
	K("\xF0", 0, "4-byte lead alone"),
	K("\xF0\x9F", 0, "4-byte with 1 continuation"),
	K("\xF0\x9F\x98", 0, "4-byte with 2 continuations"),
	K("\xF0\x9F\x98\x80", 4, "complete 4-byte"),
	K("\xF0\x9F\x98\x80\xF0\x9F", 4, "complete then cut 4-byte"),
	K("x\x80", 2, "stray continuation: left to validation"),
	K("\x80\x80\x80\x80\x80", 5, "only continuations"),
	K("ab\xFF", 3, "FF is not a lead byte"),
};

static void
test_complete(void)
{
	static const char mixed[] = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
				    "z\xD0\xBF\xE4\xB8\xAD";
	/* Character boundaries of mixed. */
	static const size_t bounds[] = { 0, 1, 3, 6, 10, 11, 13, 16 };
	size_t i, k, want, bad = 0;

	for (i = 0; i < sizeof(completes) / sizeof(completes[0]); i++)
		is_int((long long)ms_utf8_complete(
			   completes[i].s, completes[i].len),
		    (long long)completes[i].want, "complete: %s",
		    completes[i].name);
	for (i = 0; i <= sizeof(mixed) - 1; i++) {
		want = 0;
		for (k = 0; k < sizeof(bounds) / sizeof(bounds[0]); k++)
			if (bounds[k] <= i)
				want = bounds[k];
		if (ms_utf8_complete(mixed, i) != want) {
			bad++;
			diag("prefix %zu: got %zu want %zu", i,
			    ms_utf8_complete(mixed, i), want);
		}
	}
	ok(bad == 0,
	    "complete: every prefix of a mixed text ends at the last "
	    "whole character");
	/* A complete prefix is always valid when the whole text is. */
	bad = 0;
	for (i = 0; i <= sizeof(mixed) - 1; i++) {
		size_t off, n = ms_utf8_complete(mixed, i);

		if (ms_utf8_check(mixed, n, &off) != 0)
			bad++;
	}
	ok(bad == 0, "complete: the complete prefix always validates");
}

int
main(void)
{
	test_check();
	test_exhaustive();
	test_complete();
	return done();
}
