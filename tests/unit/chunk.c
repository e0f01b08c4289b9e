/*
 * chunk.c: tests for the chunker (SPEC 5): the chunks put together are the
 * input, byte for byte; each fits the budget unless it is one character;
 * no cut inside a character, nor inside a fenced block that fits; cuts at
 * paragraph ends when there are any, else line ends, else sentence ends;
 * the same chunks however the input is fed.  Also ms_text_trim and
 * ms_text_eol.
 */
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "unit.h"

/* --- a list of chunks ---------------------------------------------------- */

struct list {
	size_t n, cap;
	struct ms_chunk *c;
	/*
	 * 1 an index out of order, 2 an empty chunk or no NUL, 3 -1, 4 the
	 * last chunk not "last", 5 another one "last"
	 */
	int bad;
};

/* How the chunker under test counts: the estimate, then Mistral's count. */
static enum ms_tokenizer tok = MS_TOKENIZER_ESTIMATE;

static void
list_init(struct list *l)
{
	memset(l, 0, sizeof(*l));
}

static void
list_release(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->c[i].text);
	free(l->c);
	memset(l, 0, sizeof(*l));
}

/* Take every chunk that is ready. */
static void
drain(struct ms_chunker *k, struct list *l)
{
	struct ms_chunk ck;
	int r;

	while ((r = ms_chunker_next(k, &ck)) == 1) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->c = realloc(l->c, l->cap * sizeof(*l->c));
			if (l->c == NULL)
				abort();
		}
		if (ck.index != l->n)
			l->bad = 1;
		else if (ck.text == NULL || ck.text[ck.len] != '\0' ||
		    ck.len == 0)
			l->bad = 2;
		l->c[l->n++] = ck;
	}
	if (r == -1)
		l->bad = 3;
}

/*
 * Cut s into l, fed in pieces: step 0 whole, step N pieces of N bytes;
 * first > 0: a first piece of that many bytes, then the rest.
 */
static void
cut(const char *s, size_t n, size_t budget, size_t step, size_t first,
    struct list *l)
{
	struct ms_chunker k;
	size_t at = 0, m;

	list_init(l);
	ms_chunker_init(&k, budget);
	k.tokenizer = tok;
	if (step == 0 && first == 0) {
		/* All of it at once, and the end: the last chunk knows it. */
		if (ms_chunker_feed(&k, s, n) == -1)
			abort();
		at = n;
		ms_chunker_finish(&k);
	}
	while (at < n) {
		if (first > 0 && at == 0)
			m = first;
		else if (step == 0 || first > 0)
			m = n - at;
		else
			m = step;
		if (m > n - at)
			m = n - at;
		if (ms_chunker_feed(&k, s + at, m) == -1)
			abort();
		at += m;
		drain(&k, l);
	}
	ms_chunker_finish(&k);
	drain(&k, l);
	drain(&k, l); /* nothing more after the end */
	ms_chunker_release(&k);
	if (step == 0 && first == 0 && l->n > 0 && !l->c[l->n - 1].last)
		l->bad = 4;
	for (m = 0; m + 1 < l->n; m++)
		if (l->c[m].last)
			l->bad = 5;
}

static int
same_lists(const struct list *a, const struct list *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->c[i].len != b->c[i].len ||
		    memcmp(a->c[i].text, b->c[i].text, a->c[i].len) != 0)
			return 0;
	return 1;
}

static void
show(const struct list *l)
{
	size_t i;

	for (i = 0; i < l->n && i < 3; i++)
		unit_escaped("chunk:", l->c[i].text, l->c[i].len);
}

/* Show the first chunk where a and b differ. */
static void
show_diff(const struct list *a, const struct list *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (a->c[i].len != b->c[i].len ||
		    memcmp(a->c[i].text, b->c[i].text, a->c[i].len) != 0)
			break;
	diag("chunk %zu of %zu and %zu differs:", i, a->n, b->n);
	if (i < a->n)
		unit_escaped("whole:", a->c[i].text, a->c[i].len);
	if (i < b->n)
		unit_escaped("  fed:", b->c[i].text, b->c[i].len);
}

/* --- what the input looks like ----------------------------------------- */

static int
cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* The length of the one character at s, or 0 when s is not one. */
static size_t
one_char(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

	return n == k ? k : 0;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static int
fence_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	return n - i >= 3 &&
	    (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

/* The cost of s counted line by line, as the chunker counts. */
static size_t
cost_lines(const char *s, size_t n)
{
	size_t pos = 0, le, t = 0;
	const char *nl;

	while (pos < n) {
		nl = memchr(s + pos, '\n', n - pos);
		le = nl ? (size_t)(nl - s) + 1 : n;
		t += ms_tokens(tok, s + pos, le - pos);
		pos = le;
	}
	return t;
}

/*
 * The shape of s, byte by byte: para[i] when a paragraph starts at i,
 * outside fenced code: a line that is not blank after a blank line or
 * after a fenced block, or the opening line of a fenced block (which
 * interrupts a paragraph, as in CommonMark); fence_end[i] > 0 when i is
 * inside the fenced block [start, fence_end[i]) (between its first and
 * last byte), and fence_fits[i] when that block fits the budget (counted
 * line by line).
 */
struct shape {
	char *para, *fence_fits;
	size_t *fence_end;
};

static void
shape_of(const char *s, size_t n, size_t budget, struct shape *sh)
{
	size_t pos = 0, le, start = 0, i;
	const char *nl;
	int fence = 0, prev_blank = 0, closed = 0, b, f;

	sh->para = calloc(n + 1, 1);
	sh->fence_fits = calloc(n + 1, 1);
	sh->fence_end = calloc(n + 1, sizeof(size_t));
	if (!sh->para || !sh->fence_fits || !sh->fence_end)
		abort();
	while (pos < n) {
		nl = memchr(s + pos, '\n', n - pos);
		le = nl ? (size_t)(nl - s) + 1 : n;
		b = blank(s + pos, le - pos);
		f = fence_line(s + pos, le - pos);
		if (!fence && pos > 0 && ((!b && (prev_blank || closed)) || f))
			sh->para[pos] = 1;
		closed = 0;
		if (f) {
			if (!fence)
				start = pos;
			else {
				for (i = start + 1; i < le; i++) {
					sh->fence_end[i] = le;
					sh->fence_fits[i] =
					    cost_lines(s + start, le - start) <=
					    budget;
				}
				closed = 1;
			}
			fence = !fence;
		}
		prev_blank = b && !fence;
		pos = le;
	}
	if (fence) /* unclosed: the block runs to the end */
		for (i = start + 1; i < n; i++) {
			sh->fence_end[i] = n;
			sh->fence_fits[i] =
			    cost_lines(s + start, n - start) <= budget;
		}
}

static void
shape_release(struct shape *sh)
{
	free(sh->para);
	free(sh->fence_fits);
	free(sh->fence_end);
}

/* --- the properties ----------------------------------------------------- */

/*
 * Check the chunks of s at budget: everything but the "same chunks
 * however fed" test.  Returns the number of failed checks.
 */
static int
check(const char *name, const char *s, size_t n, size_t budget,
    const struct list *l)
{
	struct shape sh;
	size_t i, at = 0, j, over = 0, split = 0, fenced = 0, notpara = 0;
	size_t start, end, t;
	int joined = 1, failed = 0;

	shape_of(s, n, budget, &sh);
	for (i = 0; i < l->n; i++) {
		start = at;
		end = at + l->c[i].len;
		if (end > n || memcmp(l->c[i].text, s + at, l->c[i].len) != 0) {
			joined = 0;
			break;
		}
		t = ms_tokens(tok, l->c[i].text, l->c[i].len);
		if (t > budget && one_char(l->c[i].text, l->c[i].len) == 0) {
			if (over++ == 0) {
				diag("chunk %zu: %zu tokens > %zu", i, t,
				    budget);
				unit_escaped(
				    "chunk:", l->c[i].text, l->c[i].len);
			}
		}
		if (cont((unsigned char)s[start]) ||
		    (end < n && cont((unsigned char)s[end])) ||
		    ms_utf8_complete(l->c[i].text, l->c[i].len) != l->c[i].len)
			split++;
		if (end < n && sh.fence_end[end] > 0 && sh.fence_fits[end]) {
			if (fenced++ == 0) {
				diag("cut %zu at byte %zu inside a fenced "
				     "block that fits",
				    i, end);
				unit_escaped(
				    "chunk:", l->c[i].text, l->c[i].len);
			}
		}
		/* A paragraph starts inside: the cut is at one too. */
		if (end < n && !sh.para[end]) {
			for (j = start + 1; j < end; j++)
				if (sh.para[j])
					break;
			if (j < end && notpara++ == 0) {
				diag("cut %zu at byte %zu is no paragraph end, "
				     "but one is at %zu",
				    i, end, j);
				unit_escaped(
				    "chunk:", l->c[i].text, l->c[i].len);
			}
		}
		at = end;
	}
	if (at != n)
		joined = 0;
	failed += !ok(joined && !l->bad,
	    "%s, budget %zu: %zu chunks put together are the input", name,
	    budget, l->n);
	if (!joined || l->bad) {
		diag("%s (%d) at chunk %zu, byte %zu of %zu",
		    l->bad ? "bad list" : "differs", l->bad, i, at, n);
		if (i < l->n)
			unit_escaped("chunk:", l->c[i].text, l->c[i].len);
		unit_escaped("input:", s + at, n - at < 40 ? n - at : 40);
	}
	failed += !ok(over == 0, "%s, budget %zu: every chunk fits (%zu over)",
	    name, budget, over);
	failed +=
	    !ok(split == 0, "%s, budget %zu: no cut inside a character (%zu)",
		name, budget, split);
	failed += !ok(fenced == 0,
	    "%s, budget %zu: no cut inside a fenced block that fits (%zu)",
	    name, budget, fenced);
	failed += !ok(notpara == 0,
	    "%s, budget %zu: cuts at paragraph ends when there are some (%zu)",
	    name, budget, notpara);
	shape_release(&sh);
	return failed;
}

/* Check s at budget, fed whole, in pieces of a few sizes and byte by byte. */
static void
check_all(const char *name, const char *s, size_t n, size_t budget)
{
	struct list whole, other;
	static const size_t steps[] = { 1, 3, 64, 1000, 65536 };
	size_t i, bad = 0;

	cut(s, n, budget, 0, 0, &whole);
	check(name, s, n, budget, &whole);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		cut(s, n, budget, steps[i], 0, &other);
		if (!same_lists(&whole, &other) && bad++ == 0) {
			diag("in pieces of %zu bytes:", steps[i]);
			show_diff(&whole, &other);
		}
		list_release(&other);
	}
	ok(bad == 0,
	    "%s, budget %zu: the same chunks fed whole, byte by byte and in "
	    "pieces",
	    name, budget);
	list_release(&whole);
}

/* Check s at budget split in two at every byte: the same chunks. */
static void
check_every_split(const char *name, const char *s, size_t n, size_t budget)
{
	struct list whole, other;
	size_t i, bad = 0;

	cut(s, n, budget, 0, 0, &whole);
	check(name, s, n, budget, &whole);
	for (i = 1; i < n; i++) {
		cut(s, n, budget, 0, i, &other);
		if (!same_lists(&whole, &other) && bad++ == 0) {
			diag("split at byte %zu:", i);
			show_diff(&whole, &other);
		}
		list_release(&other);
	}
	ok(bad == 0,
	    "%s, budget %zu: the same chunks when split at any of %zu bytes "
	    "(%zu differ)",
	    name, budget, n, bad);
	list_release(&whole);
}

/* --- inputs ------------------------------------------------------------- */

static unsigned long rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

static const char *const words[] = {
	"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
	"internationalization", "x", "42", "3.14", "caf\xC3\xA9",
	"cr\xC3\xA8me", "br\xC3\xBBl\xC3\xA9\x65",
	"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", /* привет */
	"\xD0\xBC\xD0\xB8\xD1\x80",			    /* мир */
	"\xCE\xBA\xCF\x8C\xCF\x83\xCE\xBC\xCE\xB5",	    /* κόσμε */
	"\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C", /* 你好世界 */
	"\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF",
	"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", /* مرحبا */
	"\xF0\x9F\x99\x82",			    /* 🙂 */
	"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",	    /* 👍🏽 */
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* Sentence ends: ". ", "! ", "? ", the ideographic full stop, "！". */
static const char *const ends[] = { ". ", "! ", "? ", "\xE3\x80\x82",
	"\xEF\xBC\x81", ". " };

static void
add(struct ms_buf *b, const char *s)
{
	if (ms_buf_addstr(b, s) == -1)
		abort();
}

/* A sentence of a few words, its end included. */
static void
sentence(struct ms_buf *b, unsigned words_max)
{
	unsigned i, w = 2 + rnd(words_max);

	for (i = 0; i < w; i++) {
		if (i > 0)
			add(b, " ");
		add(b, words[rnd(NWORDS)]);
	}
	add(b, ends[rnd(sizeof(ends) / sizeof(ends[0]))]);
}

/*
 * Markdown of about size bytes: headings, paragraphs of a few lines,
 * lists, fenced code (``` and ~~~) with blank lines inside, runs of blank
 * lines, blank lines with spaces; with crlf, every third section CRLF.
 */
static void
markdown(struct ms_buf *b, size_t size, int crlf)
{
	struct ms_buf sec;
	unsigned i, j, k, lines;
	const char *f;
	size_t p;

	ms_buf_init(&sec);
	for (i = 0; b->len < size; i++) {
		ms_buf_reset(&sec);
		for (j = rnd(3) + 1; j > 0; j--)
			add(&sec, "#");
		add(&sec, " Heading ");
		add(&sec, words[rnd(NWORDS)]);
		add(&sec, "\n\n");
		for (j = 0; j < 1 + rnd(4); j++) {
			switch (rnd(4)) {
			case 0:
			case 1:
				lines = 1 + rnd(4);
				for (k = 0; k < lines; k++) {
					sentence(&sec, 8);
					add(&sec, "\n");
				}
				break;
			case 2:
				for (k = 0; k < 2 + rnd(4); k++) {
					add(&sec, rnd(2) ? "- " : "  * ");
					sentence(&sec, 5);
					add(&sec, "\n");
				}
				break;
			default:
				f = rnd(2) ? "```" : "~~~";
				add(&sec, f);
				add(&sec, rnd(2) ? "c\n" : "\n");
				for (k = 0; k < 1 + rnd(8); k++) {
					add(&sec, "    x = f(");
					add(&sec, words[rnd(NWORDS)]);
					add(&sec, ");\n");
					if (rnd(4) == 0)
						add(&sec, "\n\n");
				}
				add(&sec, f);
				add(&sec, "\n");
			}
			switch (rnd(5)) {
			case 0:
				add(&sec, "\n\n\n");
				break;
			case 1:
				add(&sec, "\n  \t\n");
				break;
			default:
				add(&sec, "\n");
			}
		}
		if (crlf && i % 3 == 2) {
			for (p = 0; p < sec.len; p++) {
				if (sec.data[p] == '\n')
					add(b, "\r\n");
				else if (ms_buf_addch(b, sec.data[p]) == -1)
					abort();
			}
		} else if (ms_buf_add(b, sec.data, sec.len) == -1)
			abort();
	}
	ms_buf_release(&sec);
}

/* One paragraph on one line, of sentences, about size bytes. */
static void
long_sentences(struct ms_buf *b, size_t size)
{
	while (b->len < size)
		sentence(b, 12);
	add(b, "\n");
}

/* One line of words with no sentence end at all, about size bytes. */
static void
long_words(struct ms_buf *b, size_t size)
{
	while (b->len < size) {
		add(b, words[rnd(NWORDS)]);
		add(b, rnd(3) ? " " : "");
	}
}

/* One line of code words, many starting with "_", no sentence end. */
static void
long_identifiers(struct ms_buf *b, size_t size)
{
	static const char *const ids[] = { "_private", "__init__", "x_1",
		"self", "_", "__", "snake_case", "ab", "_ab", "(x)", "=" };

	while (b->len < size) {
		add(b, ids[rnd(sizeof(ids) / sizeof(ids[0]))]);
		add(b, " ");
	}
}

/* A paragraph, a fenced block of lines lines, a paragraph. */
static void
big_fence(struct ms_buf *b, unsigned lines)
{
	unsigned i;

	add(b, "Before the code.\n\n```python\n");
	for (i = 0; i < lines; i++) {
		add(b, "def f(x):  # ");
		add(b, words[rnd(NWORDS)]);
		add(b, "\n");
		if (i % 17 == 5)
			add(b, "\n\n");
	}
	add(b,
	    "```\n\nAfter the code, a paragraph.\n\nAnd another one.\n"
	    "\n\n## A heading\n\nThe end.\n");
}

/* --- the tests ---------------------------------------------------------- */

static void
test_exact(void)
{
	struct list l;
	const char *s;

	/* Lines "aaa\n" cost 2 tokens and blank lines 1. */
	s = "aaa\n\nbbb\n\nccc\n";
	cut(s, strlen(s), 5, 0, 0, &l);
	ok(l.n == 2 && l.c[0].len == 5 &&
		memcmp(l.c[0].text, "aaa\n\n", 5) == 0 &&
		strcmp(l.c[1].text, "bbb\n\nccc\n") == 0,
	    "paragraphs: the cut is at the start of one, blanks before it");
	if (l.n != 2)
		show(&l);
	list_release(&l);

	cut(s, strlen(s), 1000, 0, 0, &l);
	ok(l.n == 1 && l.c[0].len == strlen(s) && l.c[0].last &&
		l.c[0].index == 0,
	    "input that fits is one chunk, the last");
	list_release(&l);

	cut("", 0, 10, 0, 0, &l);
	ok(l.n == 0 && !l.bad, "no input, no chunk");
	list_release(&l);

	/* No paragraph: line ends. */
	s = "one two\nthree four\nfive six\nseven eight\n";
	cut(s, strlen(s), 6, 0, 0, &l);
	ok(l.n >= 2 && l.c[0].text[l.c[0].len - 1] == '\n' &&
		l.c[1].text[l.c[1].len - 1] == '\n',
	    "no paragraph: cuts at line ends");
	list_release(&l);

	/* A fence with blank lines inside is no paragraph end. */
	{
		const char *f =
		    "```\ncode one\n\ncode two\n\ncode three\n```\n";
		size_t b = cost_lines(f, strlen(f)) + 1;

		s = "Text.\n\n```\ncode one\n\ncode two\n\ncode three\n```\n"
		    "\nEnd.\n";
		cut(s, strlen(s), b, 0, 0, &l);
		ok(l.n == 3 && strcmp(l.c[0].text, "Text.\n\n") == 0 &&
			strncmp(l.c[1].text, f, strlen(f)) == 0,
		    "a fence with blank lines inside that fits stays whole");
		if (l.n != 3 || strcmp(l.c[0].text, "Text.\n\n") != 0)
			show(&l);
		list_release(&l);

		/* A fence right after a line of text, no blank line. */
		f = "```\nint a;\nint b;\n```\n";
		b = cost_lines(f, strlen(f)) + 2;
		s = "Some words on a line.\n```\nint a;\nint b;\n```\n";
		cut(s, strlen(s), b, 0, 0, &l);
		ok(l.n == 2 && strcmp(l.c[1].text, f) == 0,
		    "a fence that fits right after a line of text: the cut "
		    "is before it, not in it");
		if (l.n != 2 || strcmp(l.c[1].text, f) != 0)
			show(&l);
		list_release(&l);
	}

	/* Sentences in one long line. */
	s = "First sentence here. Second one is here! Third one? Fourth.\n";
	cut(s, strlen(s), 10, 0, 0, &l);
	ok(l.n >= 2 && strncmp(l.c[0].text, "First sentence here. ", 21) == 0 &&
		l.c[0].text[l.c[0].len - 1] == ' ' &&
		strchr(".!?", l.c[0].text[l.c[0].len - 2]) != NULL,
	    "one long line: cut after a sentence");
	if (l.n < 2)
		show(&l);
	list_release(&l);

	/* CRLF: never between CR and LF. */
	s = "one\r\ntwo\r\n\r\nthree\r\nfour\r\n\r\nfive\r\n";
	cut(s, strlen(s), 5, 0, 0, &l);
	{
		size_t i;
		int good = l.n >= 2;

		for (i = 0; i < l.n; i++)
			if (l.c[i].text[l.c[i].len - 1] == '\r' ||
			    l.c[i].text[0] == '\n')
				good = 0;
		ok(good, "CRLF: no cut between CR and LF");
		if (!good)
			show(&l);
	}
	list_release(&l);

	/* One character larger than the budget is a chunk of its own. */
	s = "\xF0\x9F\x99\x82\xF0\x9F\x99\x82";
	cut(s, strlen(s), 1, 0, 0, &l);
	ok(l.n == 2 && l.c[0].len == 4 && l.c[1].len == 4,
	    "a character over the budget: one a chunk");
	list_release(&l);

	/*
	 * A space costs a token before a word that does not start with a
	 * Latin or Cyrillic letter: "_", "\xC3\x97", "\xC3\xB7", IPA
	 * U+0250 and Armenian U+0531 are not.
	 */
	{
		static const char *const starts[] = { "_", "\xC3\x97",
			"\xC3\xB7", "\xC9\x90", "\xD4\xB1" };
		struct ms_buf t;
		size_t i, w;
		int good;

		ms_buf_init(&t);
		for (w = 0; w < sizeof(starts) / sizeof(starts[0]); w++) {
			ms_buf_reset(&t);
			add(&t, "ab");
			for (i = 0; i < 12; i++) {
				add(&t, " ");
				add(&t, starts[w]);
				add(&t, "ab");
			}
			cut(t.data, t.len, 9, 0, 0, &l);
			good = l.n >= 2;
			for (i = 0; i < l.n; i++)
				if (ms_tokens_estimate(
					l.c[i].text, l.c[i].len) > 9)
					good = 0;
			ok(good,
			    "one long line of words starting with %s: each "
			    "chunk fits",
			    starts[w]);
			if (!good)
				show(&l);
			list_release(&l);
		}
		ms_buf_release(&t);
	}

	/* Budget 0 is taken as 1: still progress. */
	s = "abc def\n";
	cut(s, strlen(s), 0, 0, 0, &l);
	ok(l.n >= 2 && !l.bad, "budget 0: chunks of one token or character");
	list_release(&l);
}

static void
test_inputs(void)
{
	struct ms_buf b;
	static const size_t budgets[] = { 1, 3, 16, 50, 200, 1000 };
	size_t i;

	ms_buf_init(&b);
	markdown(&b, 6000, 0);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_all("markdown", b.data, b.len, budgets[i]);

	ms_buf_reset(&b);
	markdown(&b, 6000, 1);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_all(
		    "markdown with CRLF sections", b.data, b.len, budgets[i]);

	ms_buf_reset(&b);
	long_sentences(&b, 4000);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_all("one paragraph of sentences on one line", b.data,
		    b.len, budgets[i]);

	ms_buf_reset(&b);
	long_words(&b, 4000);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_all(
		    "one line, no sentence end", b.data, b.len, budgets[i]);

	ms_buf_reset(&b);
	long_identifiers(&b, 4000);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_all("one line of identifiers with _", b.data, b.len,
		    budgets[i]);

	ms_buf_reset(&b);
	big_fence(&b, 150);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_all("a fenced block over the budget", b.data, b.len,
		    budgets[i]);
	ms_buf_release(&b);
}

/* b: unit repeated to about size bytes, one line, no newline. */
static void
blob(struct ms_buf *b, const char *unit, size_t size)
{
	ms_buf_reset(b);
	while (b->len < size)
		add(b, unit);
}

/*
 * The chunks of b fit and each but the last fills at least pct%.  Counted
 * exactly, a word longer than a chunk is cut at budget bytes, which always
 * fit (a character costs at most its bytes): those fill the budget in
 * bytes, less the rest of a character.
 */
static void
check_full(const char *name, struct ms_buf *b, size_t budget, size_t pct)
{
	struct list l;
	size_t i, t, bad = 0;

	cut(b->data, b->len, budget, 0, 0, &l);
	check(name, b->data, b->len, budget, &l);
	for (i = 0; i + 1 < l.n; i++) {
		t = tok == MS_TOKENIZER_MISTRAL
		    ? l.c[i].len + 3
		    : ms_tokens_estimate(l.c[i].text, l.c[i].len);
		if (100 * t < pct * budget && bad++ == 0) {
			diag("chunk %zu: %zu tokens", i, t);
			unit_escaped("chunk:", l.c[i].text, l.c[i].len);
		}
	}
	ok(l.n > 10 && bad == 0,
	    "%s, budget %zu: %zu chunks, each but the last at least %zu%% "
	    "full (%zu not)",
	    name, budget, l.n, pct, bad);
	list_release(&l);
}

/* In a long line of sentences, non-final chunks end at a sentence end. */
static void
test_sentences(void)
{
	struct ms_buf b;
	struct list l;
	size_t i, bad = 0;
	const char *e;

	ms_buf_init(&b);
	long_sentences(&b, 10000);
	cut(b.data, b.len, 200, 0, 0, &l);
	for (i = 0; i + 1 < l.n; i++) {
		e = l.c[i].text + l.c[i].len;
		if (!(l.c[i].len >= 2 && e[-1] == ' ' &&
			strchr(".!?", e[-2])) &&
		    !(l.c[i].len >= 3 &&
			(memcmp(e - 3, "\xE3\x80\x82", 3) == 0 ||
			    memcmp(e - 3, "\xEF\xBC\x81", 3) == 0)))
			if (bad++ == 0)
				unit_escaped("chunk:", l.c[i].text, l.c[i].len);
	}
	ok(l.n > 10 && bad == 0,
	    "a long line of sentences: %zu chunks, each ends a sentence (%zu "
	    "do not)",
	    l.n, bad);
	list_release(&l);

	/*
	 * A long line without sentence ends: cut between words or
	 * characters, no chunk but the last under half the budget.
	 */
	ms_buf_reset(&b);
	long_words(&b, 10000);
	cut(b.data, b.len, 100, 0, 0, &l);
	bad = 0;
	for (i = 0; i + 1 < l.n; i++)
		if (ms_tokens_estimate(l.c[i].text, l.c[i].len) < 50 &&
		    bad++ == 0) {
			diag("chunk %zu: %zu tokens", i,
			    ms_tokens_estimate(l.c[i].text, l.c[i].len));
			unit_escaped("chunk:", l.c[i].text, l.c[i].len);
		}
	ok(l.n > 10 && bad == 0,
	    "a long line without sentence ends: %zu chunks, each but the "
	    "last at least half the budget (%zu not)",
	    l.n, bad);
	list_release(&l);

	/* No space at all: characters, as many as fit. */
	blob(&b, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C", 6000);
	check_full("a line of CJK without spaces or stops", &b, 100, 90);
	blob(&b, "aGVsbG8gd29ybGQK+/0123ZmluZQ", 6000);
	check_full("a line of base64 (no space, no stop)", &b, 100, 50);
	blob(&b, "GATTACACCGTAGGCTTAACG", 6000);
	check_full("a line of letters (DNA, no space, no stop)", &b, 100, 50);

	/* A fenced block over the budget: cut at its line ends. */
	ms_buf_reset(&b);
	big_fence(&b, 300);
	cut(b.data, b.len, 100, 0, 0, &l);
	bad = 0;
	for (i = 0; i + 1 < l.n; i++)
		if (l.c[i].text[l.c[i].len - 1] != '\n' && bad++ == 0)
			unit_escaped("chunk:", l.c[i].text, l.c[i].len);
	ok(l.n > 5 && bad == 0,
	    "a fenced block over the budget: %zu chunks cut at line ends", l.n);
	/*
	 * After it, paragraphs again: "After the code" starts a chunk or
	 * follows the closing fence in one, and the chunks after it start
	 * paragraphs.
	 */
	bad = 0;
	for (i = 0; i < l.n; i++)
		if (strstr(l.c[i].text, "After the code") != NULL)
			break;
	if (i == l.n ||
	    (strstr(l.c[i].text, "```\n\nAfter") == NULL &&
		strncmp(l.c[i].text, "After", 5) != 0))
		bad++;
	for (i++; i < l.n; i++)
		if (strncmp(l.c[i].text, "And ", 4) != 0 &&
		    strncmp(l.c[i].text, "## A", 4) != 0 &&
		    strncmp(l.c[i].text, "The end", 7) != 0)
			bad++;
	ok(l.n > 0 && bad == 0,
	    "after a fenced block over the budget, paragraphs are found again");
	if (bad)
		show(&l);
	list_release(&l);
	ms_buf_release(&b);
}

static void
test_every_split(void)
{
	struct ms_buf b;
	static const size_t budgets[] = { 2, 7, 20, 60 };
	size_t i;
	const char *s;

	ms_buf_init(&b);
	rng = 777;
	markdown(&b, 600, 1);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_every_split("small markdown", b.data, b.len, budgets[i]);

	/* Multi-byte characters whose bytes alone cost more than they do. */
	s = "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE4\xBD\xA0"
	    "\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\n\n\xE4\xBD\xA0\xE5\xA5\xBD"
	    "\xE4\xB8\x96\xE7\x95\x8C\xE3\x80\x82\xE4\xBD\xA0\xE5\xA5\xBD\xE4"
	    "\xB8\x96\xE7\x95\x8C\xE3\x80\x82\n\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2"
	    "\xD0\xB5\xD1\x82 \xF0\x9F\x99\x82\xF0\x9F\x99\x82 caf\xC3\xA9 "
	    "cr\xC3\xA8me.\n";
	for (i = 1; i <= 24; i++)
		check_every_split("CJK, Cyrillic, emoji", s, strlen(s), i);

	ms_buf_reset(&b);
	rng = 99;
	long_sentences(&b, 400);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++)
		check_every_split(
		    "a short line of sentences", b.data, b.len, budgets[i]);
	ms_buf_release(&b);
}

static void
trim_is(const char *s, size_t head, size_t tail)
{
	size_t h = 99, t = 99;

	ms_text_trim(s, strlen(s), &h, &t);
	if (!ok(h == head && t == tail, "ms_text_trim: head %zu, tail %zu",
		head, tail)) {
		unit_escaped("text:", s, strlen(s));
		diag("got head %zu, tail %zu", h, t);
	}
}

static void
test_trim(void)
{
	trim_is("", 0, 0);
	trim_is("abc", 0, 3);
	trim_is("\n\nabc\n\n", 2, 5);
	trim_is("  indented  ", 0, 10);
	trim_is("\n  indented", 1, 11);
	trim_is(" \t\r\n\r\n  x \r\n", 6, 9);
	trim_is("\n\n\n", 3, 3);
	trim_is(" \n  ", 2, 2);
	trim_is("a\n\nb", 0, 4);
	trim_is("\t\n- item\n  - sub\n\n \t\n", 2, 16);
	trim_is("x", 0, 1);
}

static void
test_eol(void)
{
	is_int(ms_text_eol("", 0), MS_EOL_LF, "ms_text_eol: empty is LF");
	is_int(ms_text_eol("abc", 3), MS_EOL_LF, "ms_text_eol: no line end");
	is_int(ms_text_eol("a\nb\n", 4), MS_EOL_LF, "ms_text_eol: LF");
	is_int(ms_text_eol("a\r\nb\r\n", 6), MS_EOL_CRLF, "ms_text_eol: CRLF");
	is_int(ms_text_eol("\r\n", 2), MS_EOL_CRLF,
	    "ms_text_eol: CRLF at the start");
	is_int(ms_text_eol("a\r\nb\n", 5), MS_EOL_MIXED,
	    "ms_text_eol: CRLF and LF are mixed");
	is_int(ms_text_eol("\na\r\n", 4), MS_EOL_MIXED,
	    "ms_text_eol: LF first, then CRLF");
	is_int(ms_text_eol("a\rb\n", 4), MS_EOL_LF,
	    "ms_text_eol: a lone CR is no line end");
	is_int(ms_text_eol("a\r", 2), MS_EOL_LF,
	    "ms_text_eol: a CR at the end is no line end");
	/* The CR before is outside the span: LF. */
	is_int(ms_text_eol(&"a\r\nb"[2], 2), MS_EOL_LF,
	    "ms_text_eol: only the span counts");
}

static void
test_blank(void)
{
	is_int(ms_text_blank("", 0), 1, "ms_text_blank: empty");
	is_int(ms_text_blank("x", 0), 1, "ms_text_blank: n 0");
	is_int(
	    ms_text_blank(" \t\n\r\f\v", 6), 1, "ms_text_blank: every blank");
	is_int(ms_text_blank(" \t\n x", 5), 0, "ms_text_blank: text");
	is_int(ms_text_blank("  x", 2), 1, "ms_text_blank: only n bytes");
	is_int(ms_text_blank(" \0 ", 3), 0, "ms_text_blank: NUL is no blank");
	is_int(ms_text_blank("\xC2\xA0", 2), 0,
	    "ms_text_blank: no-break space is no blank");
}

int
main(void)
{
	test_exact();
	test_inputs();
	test_sentences();
	test_every_split();
	/*
	 * Counted exactly: the same rules, the same chunks however the input
	 * comes, and each chunk within the budget by the count.
	 */
	tok = MS_TOKENIZER_MISTRAL;
	test_inputs();
	test_sentences();
	test_every_split();
	tok = MS_TOKENIZER_ESTIMATE;
	test_trim();
	test_eol();
	test_blank();
	return done();
}
