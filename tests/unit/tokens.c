/*
 * tokens.c: tests for the token estimate: never below rough lower bounds,
 * and growing with the text.
 */
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "unit.h"

static const char prose[] =
    "The quick brown fox jumps over the lazy dog. It was the best of "
    "times, it was the worst of times, it was the age of wisdom, it was "
    "the age of foolishness. Internationalization and localization are "
    "often abbreviated i18n and l10n.\n\nA second paragraph, with numbers "
    "like 3.14159 and 2024-11-25, and some code: `printf(\"%d\\n\", x);`.";

static const char code[] =
    "static int\nmain(int argc, char **argv)\n{\n\tfor (int i = 0; i < "
    "argc; i++)\n\t\tputs(argv[i]);\n\treturn 0;\n}\n";

/* Several scripts: Latin with accents, Cyrillic, Greek, CJK, emoji. */
static const char mixed[] =
    "Caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
    "e. "
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, "
    "\xD0\xBC\xD0\xB8\xD1\x80! "
    "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1. "
    "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C\xE3\x80"
    "\x82 \xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF "
    "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89";

/* Number of characters (not bytes) in UTF-8 text. */
static size_t
nchars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static void
test_bounds(void)
{
	size_t n, t;

	is_int((long long)ms_tokens_estimate("", 0), 0, "empty: 0");
	ok(ms_tokens_estimate("a", 1) >= 1, "one letter: at least 1");
	ok(ms_tokens_estimate(".", 1) >= 1, "one dot: at least 1");
	ok(ms_tokens_estimate("\n", 1) >= 1, "one newline: at least 1");
	ok(ms_tokens_estimate("7", 1) >= 1, "one digit: at least 1");

	n = sizeof(prose) - 1;
	t = ms_tokens_estimate(prose, n);
	ok(t >= n / 4, "ASCII prose: %zu tokens for %zu bytes >= bytes/4", t,
	    n);
	ok(t <= n, "ASCII prose: not more tokens than bytes (%zu)", t);
	n = sizeof(code) - 1;
	t = ms_tokens_estimate(code, n);
	ok(t >= n / 3, "C code: %zu tokens for %zu bytes >= bytes/3", t, n);
	n = sizeof(mixed) - 1;
	t = ms_tokens_estimate(mixed, n);
	ok(t >= nchars(mixed, n) / 2,
	    "mixed scripts: %zu tokens for %zu "
	    "characters",
	    t, nchars(mixed, n));
	/* CJK: at least one token per character. */
	t = ms_tokens_estimate("\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95"
			       "\x8C",
	    12);
	ok(t >= 4, "CJK: at least one token per character (%zu)", t);
	/* Emoji: at least one token each. */
	t = ms_tokens_estimate("\xF0\x9F\x98\x80\xF0\x9F\x8E\x89", 8);
	ok(t >= 2, "emoji: at least one token each (%zu)", t);
	/* Digits: one each. */
	t = ms_tokens_estimate("1234567890", 10);
	ok(t >= 10, "digits: one token each (%zu)", t);
	/* Long runs of blanks still cost. */
	t = ms_tokens_estimate("                                ", 32);
	ok(t >= 4, "32 spaces: at least 4 (%zu)", t);
	/* A long word without spaces. */
	t = ms_tokens_estimate(
	    "Pneumonoultramicroscopicsilicovolcanoconiosis", 45);
	ok(t >= 12, "a 45-letter word: at least 12 (%zu)", t);
	/* Invalid UTF-8 does not crash and counts. */
	t = ms_tokens_estimate("\xFF\xFE\x80\x80\xC3", 5);
	ok(t >= 1, "invalid UTF-8: some tokens (%zu)", t);
	/* An overlong space once sent the estimate round in circles. */
	t = ms_tokens_estimate("a\xC0\xA0\xE4\xC0\xA0"
			       "b",
	    7);
	ok(t >= 3, "overlong forms: counted, and the estimate ends (%zu)", t);
	/* A lead byte at the very end does not read past the length. */
	{
		char *p = malloc(1);

		p[0] = (char)0xF0;
		t = ms_tokens_estimate(p, 1);
		ok(t >= 1, "4-byte lead at the end: counted, no overread");
		free(p);
	}
}

/* Pseudo-random ASCII text: the bytes/4 lower bound holds for any. */
static void
test_random_ascii(void)
{
	static const char alphabet[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
	    "KLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"()[]{}<>-_=+*/\\|@#$%^&~`\n\t";
	char buf[512];
	unsigned long seed = 7;
	size_t i, n, t, bad = 0;
	int round;

	for (round = 0; round < 2000; round++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = (seed >> 33) % sizeof(buf);
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			/* Mostly letters and spaces, like prose. */
			if ((seed >> 40) % 4 == 0)
				buf[i] = ' ';
			else
				buf[i] = alphabet[(seed >> 33) %
				    (sizeof(alphabet) - 1)];
		}
		t = ms_tokens_estimate(buf, n);
		if (t < n / 4 && bad++ == 0)
			diag("%zu tokens for %zu bytes: %.*s", t, n, (int)n,
			    buf);
	}
	ok(bad == 0, "2000 random ASCII texts: never under bytes/4");
}

/*
 * Every prefix that ends at a character boundary costs at least what the
 * shorter ones did (a prefix that ends inside a character is not text
 * that can be sent); every byte prefix is estimated without a crash.
 */
static void
check_monotonic(const char *name, const char *s, size_t n)
{
	size_t i, prev = 0, t, bad = 0;

	for (i = 0; i <= n; i++) {
		t = ms_tokens_estimate(s, i);
		if (ms_utf8_complete(s, i) != i)
			continue;
		if (t < prev && bad++ == 0)
			diag("%s: prefix %zu: %zu < %zu", name, i, t, prev);
		prev = t;
	}
	ok(bad == 0, "%s: grows with every appended character", name);
}

static void
test_monotonic(void)
{
	struct ms_buf b;
	size_t i, j, a, ab, bad = 0;
	const char *parts[] = { prose, code, mixed, "  ", "x", "\n\n", "123",
		"\xC3\xA9", "word", "\xF0\x9F\x98\x80" };

	check_monotonic("prose", prose, sizeof(prose) - 1);
	check_monotonic("code", code, sizeof(code) - 1);
	check_monotonic("mixed scripts", mixed, sizeof(mixed) - 1);
	check_monotonic("spaces", "a    b     c      d", 19);

	/* est(a + b) >= est(a) and >= est(b) - 1 for any two texts. */
	ms_buf_init(&b);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (j = 0; j < sizeof(parts) / sizeof(parts[0]); j++) {
			ms_buf_reset(&b);
			ms_buf_addstr(&b, parts[i]);
			ms_buf_addstr(&b, parts[j]);
			a = ms_tokens_estimate(parts[i], strlen(parts[i]));
			ab = ms_tokens_estimate(b.data, b.len);
			if (ab < a && bad++ == 0)
				diag("parts %zu + %zu: %zu < %zu", i, j, ab, a);
		}
	ok(bad == 0, "appending a text never lowers the estimate");
	/* Doubling the text about doubles the estimate. */
	ms_buf_reset(&b);
	ms_buf_addstr(&b, prose);
	ms_buf_addstr(&b, prose);
	a = ms_tokens_estimate(prose, sizeof(prose) - 1);
	ab = ms_tokens_estimate(b.data, b.len);
	ok(ab + 2 >= 2 * a, "the text twice costs about twice (%zu, %zu)", a,
	    ab);
	ms_buf_release(&b);
}

/* The letter classes the chunker shares with the estimate. */
static void
test_letters(void)
{
	static const struct {
		const char *s;
		int want;
		const char *name;
	} v[] = {
		{ "a", MS__LATIN, "ASCII letter" },
		{ "Z", MS__LATIN, "capital" },
		{ "\xC3\xA9", MS__LATIN, "e acute" },
		{ "\xC9\x8F", MS__LATIN, "U+024F" },
		{ "\xC9\x90", 0, "U+0250, IPA" },
		{ "\xC3\x97", 0, "multiplication sign" },
		{ "\xC3\xB7", 0, "division sign" },
		{ "\xD0\x96", MS__CYRILLIC, "Cyrillic Zhe" },
		{ "\xD4\xAF", MS__CYRILLIC, "U+052F" },
		{ "\xD4\xB0", 0, "U+0530" },
		{ "1", 0, "digit" },
		{ " ", 0, "space" },
		{ "\xE4\xB8\xAD", 0, "CJK" },
		{ "\xC1\xA1", 0, "overlong 'a' is no letter" },
		{ "\xC3", 0, "a lead byte cut short" },
		{ "\xC3\x41", 0, "a lead byte without its continuation" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		is_int(ms__letter_at(v[i].s, strlen(v[i].s)), v[i].want,
		    "letter class: %s", v[i].name);
}

int
main(void)
{
	test_bounds();
	test_random_ascii();
	test_monotonic();
	test_letters();
	return done();
}
