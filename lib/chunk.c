/*
 * chunk.c: cut text that does not fit one request into chunks that do:
 * at paragraph ends, else line ends, else sentence ends, else between two
 * characters; never inside a fenced code block unless the block alone is
 * too large.  Input arrives in pieces of any size and only about one
 * chunk of it is held at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "ms.h"

void
ms_chunker_init(struct ms_chunker *k, size_t budget)
{
	memset(k, 0, sizeof(*k));
	ms_buf_init(&k->buf);
	k->budget = budget > 0 ? budget : 1;
}

void
ms_chunker_release(struct ms_chunker *k)
{
	ms_buf_release(&k->buf);
}

int
ms_chunker_feed(struct ms_chunker *k, const char *s, size_t n)
{
	return ms_buf_add(&k->buf, s, n);
}

void
ms_chunker_finish(struct ms_chunker *k)
{
	k->eof = 1;
}

static int
blank_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* A line that opens or closes a fenced code block: ``` or ~~~. */
static int
fence_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	return n - i >= 3 &&
	    (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

/* The longest prefix of s, at a character boundary, that fits budget. */
static size_t
fit_chars(const char *s, size_t n, size_t budget)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (ms_tokens_estimate(s, mid) <= budget)
			lo = mid;
		else
			hi = mid - 1;
	}
	lo = ms_utf8_complete(s, lo);
	if (lo == 0) {
		/* Not even one character fits: take one anyway. */
		lo = ms_utf8_complete(s, n < 4 ? n : 4);
		if (lo == 0)
			lo = n < 4 ? n : 4;
	}
	return lo;
}

/* Within one long line: the last sentence end that fits, else characters. */
static size_t
fit_line(const char *s, size_t n, size_t budget)
{
	size_t i, best = 0, cut;

	for (i = 0; i < n; i++) {
		cut = 0;
		if ((s[i] == '.' || s[i] == '!' || s[i] == '?' ||
			s[i] == ';') &&
		    i + 1 < n && s[i + 1] == ' ')
			cut = i + 2;
		else if (i + 2 < n && (unsigned char)s[i] == 0xE3 &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x82)
			cut = i + 3; /* 。 */
		else if (i + 2 < n && (unsigned char)s[i] == 0xEF &&
		    (unsigned char)s[i + 1] == 0xBC &&
		    ((unsigned char)s[i + 2] == 0x81 ||
			(unsigned char)s[i + 2] == 0x9F))
			cut = i + 3; /* ！ ？ */
		if (cut == 0)
			continue;
		if (ms_tokens_estimate(s, cut) > budget)
			break;
		best = cut;
	}
	return best > 0 ? best : fit_chars(s, n, budget);
}

int
ms_chunker_next(struct ms_chunker *k, struct ms_chunk *out)
{
	const char *s = k->buf.data, *nl;
	size_t n = k->buf.len, pos = 0, cost = 0, le, lc, cut;
	size_t para_cut = 0, line_cut = 0;
	int fence = k->fence, para_fence = 0, line_fence = 0, new_fence;
	int over = 0, prev_blank = 0, blank;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	while (pos < n) {
		nl = memchr(s + pos, '\n', n - pos);
		if (nl == NULL && !k->eof) {
			/* An unfinished line: wait for it, unless too large. */
			if (cost + ms_tokens_estimate(s + pos, n - pos) >
			    k->budget)
				over = 1;
			break;
		}
		le = nl ? (size_t)(nl - s) + 1 : n;
		blank = blank_line(s + pos, le - pos);
		/* A paragraph starts after a run of blank lines, not in code. */
		if (!blank && prev_blank && !fence) {
			para_cut = pos;
			para_fence = fence;
		}
		lc = ms_tokens_estimate(s + pos, le - pos);
		if (cost + lc > k->budget) {
			over = 1;
			break;
		}
		cost += lc;
		if (fence_line(s + pos, le - pos))
			fence = !fence;
		prev_blank = blank && !fence;
		pos = le;
		line_cut = pos;
		line_fence = fence;
	}
	if (!over) {
		if (!k->eof)
			return 0; /* more may fit */
		cut = n;
		new_fence = fence;
	} else if (para_cut > 0) {
		cut = para_cut;
		new_fence = para_fence;
	} else if (line_cut > 0) {
		cut = line_cut;
		new_fence = line_fence;
	} else {
		/* One line alone is too large: cut inside it. */
		nl = memchr(s, '\n', n);
		cut = fit_line(s, nl ? (size_t)(nl - s) + 1 : n, k->budget);
		new_fence = k->fence;
	}
	if ((out->text = malloc(cut + 1)) == NULL)
		return -1;
	memcpy(out->text, s, cut);
	out->text[cut] = '\0';
	out->len = cut;
	out->index = k->index++;
	out->last = k->eof && cut == n;
	ms_buf_consume(&k->buf, cut);
	k->fence = new_fence;
	return 1;
}

void
ms_text_trim(const char *s, size_t n, size_t *head, size_t *tail)
{
	size_t i, h = 0;

	for (i = 0; i < n &&
	     (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n');
	     i++)
		if (s[i] == '\n')
			h = i + 1;
	*head = h;
	for (i = n; i > h &&
	     (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\r' ||
		 s[i - 1] == '\n');
	     i--)
		;
	*tail = i;
}
