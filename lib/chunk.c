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

/* Is s[i] the end of a sentence: ". " and the like, or 。！？ */
static size_t
sentence_end(const unsigned char *s, size_t n, size_t i)
{
	if ((s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == ';') &&
	    i + 1 < n && s[i + 1] == ' ')
		return i + 2;
	if (i + 2 < n && s[i] == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x82)
		return i + 3;
	if (i + 2 < n && s[i] == 0xEF && s[i + 1] == 0xBC &&
	    (s[i + 2] == 0x81 || s[i + 2] == 0x9F))
		return i + 3;
	return 0;
}

/* The first character boundary at or after i. */
static size_t
boundary(const unsigned char *s, size_t n, size_t i)
{
	while (i < n && (s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/*
 * What joining the next piece costs: a space is free before a word of
 * Latin or Cyrillic letters and costs one before anything else, as in
 * ms_tokens_estimate, whose rule this asks.
 */
static size_t
join(const char *s, size_t n, size_t end)
{
	if (end >= n)
		return 0;
	return ms__letter_at(s + end, n - end) == 0;
}

/*
 * What the piece [start, end) of a line of n bytes costs, in quarter
 * tokens.  Estimated, pieces add up with the price of the join.  Counted
 * exactly, a space goes with the word after it, as the tokenizer has it
 * (" world"): a cut before such a space is one no token spans, so the
 * counts of the pieces add up to the count of the line.
 */
static size_t
piece_cost(
    enum ms_tokenizer t, const char *str, size_t n, size_t start, size_t end)
{
	if (t == MS_TOKENIZER_ESTIMATE)
		return ms_tokens_quarters(str + start, end - start) +
		    4 * join(str, n, end);
	if (start > 0 && str[start - 1] == ' ')
		start--;
	if (end < n && end > start && str[end - 1] == ' ')
		end--;
	return 4 * ms_tokens_count(str + start, end - start);
}

/*
 * Within one line too long for a chunk: the longest run of whole
 * sentences that fits, else of whole words, else of characters (at least
 * one).  Pieces are summed, which never undercounts the estimate, and is
 * the count when counted exactly, but for the space a cut leaves at the
 * chunk's end, one token of its own.  A cut depends only on the text up
 * to it and the byte after it, so it is the same however the input
 * arrives; 0 means more of the line is needed to choose.
 */
static size_t
fit_line(
    enum ms_tokenizer t, const char *str, size_t n, size_t budget, int final)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, start, end, sum, best, k, lo, hi, mid;
	size_t tail = t == MS_TOKENIZER_MISTRAL ? 4 : 0;
	int pass, over;

	for (pass = 0; pass < 2; pass++) {
		sum = best = start = 0;
		over = 0;
		for (i = 0; i < n; i++) {
			end = pass == 0 ? sentence_end(s, n, i)
			    : s[i] == ' ' && i + 1 < n && s[i + 1] != ' '
			    ? i + 1
			    : 0;
			if (end == 0)
				continue;
			if (end >= n && !final)
				break;
			sum += piece_cost(t, str, n, start, end);
			if (sum + tail > 4 * budget) {
				over = 1;
				break;
			}
			best = start = end;
			i = end - 1;
		}
		if (!over && !final &&
		    sum + piece_cost(t, str, n, start, n) <= 4 * budget)
			return 0; /* the next piece may still end in time */
		if (best > 0)
			return best;
	}
	/*
	 * The first piece alone is too large.  Counted exactly: a character
	 * costs at most its bytes (they fall back to byte tokens) and merges
	 * only lower that, so budget bytes always fit; the count of a part
	 * of a word is not monotone, and a search over it could cut
	 * differently as the input arrives.
	 */
	if (t == MS_TOKENIZER_MISTRAL) {
		if (n <= budget)
			return final ? n : 0;
		for (hi = budget; hi > 0 && (s[hi] & 0xC0) == 0x80; hi--)
			;
		return hi > 0 ? hi : boundary(s, n, 1);
	}
	/*
	 * Estimated: the longest run of characters that fits, found by
	 * doubling, then halving, so that only the text up to the cut
	 * matters.
	 */
	lo = 0;
	for (k = 1;; k *= 2) {
		hi = boundary(s, n, k < n ? k : n);
		if (ms_tokens_estimate(str, hi) > budget)
			break;
		lo = hi;
		if (hi == n)
			return final ? n : 0;
	}
	while ((mid = boundary(s, n, lo + (hi - lo) / 2)) < hi) {
		if (mid <= lo && (mid = boundary(s, n, lo + 1)) >= hi)
			break;
		if (ms_tokens_estimate(str, mid) <= budget)
			lo = mid;
		else
			hi = mid;
	}
	return lo > 0 ? lo : boundary(s, n, 1);
}

/* Too little of a line to tell blank from text, or a fence from text. */
static int
undecided(const char *s, size_t n)
{
	size_t i = 0;

	if (ms_text_blank(s, n))
		return 1;
	while (ms_text_blank(s + i, 1))
		i++;
	return (s[i] == '`' || s[i] == '~') && n - i < 3;
}

int
ms_chunker_next(struct ms_chunker *k, struct ms_chunk *out)
{
	const char *s = k->buf.data, *nl;
	size_t n = k->buf.len, le, lc, cut;
	struct ms_chunk_scan st, top;
	int over = 0, blank, partial, opener, new_fence;

	/* A character still arriving is no part of any decision yet. */
	if (!k->eof)
		n = ms_utf8_complete(s, n);
	memset(out, 0, sizeof(*out));
	/* A feed failed: what is held has a hole, and no chunk is whole. */
	if (k->buf.oom)
		return -1;
	if (n == 0)
		return 0;
	/*
	 * Go on from where the last look stopped for want of input: the
	 * lines before it are priced already, and counting them again on
	 * every read would cost as many counts as reads per chunk.
	 */
	if (k->scan.valid)
		st = k->scan;
	else {
		memset(&st, 0, sizeof(st));
		st.fence = k->fence;
	}
	k->scan.valid = 0;
	top = st;
	while (st.pos < n) {
		top = st;
		nl = memchr(s + st.pos, '\n', n - st.pos);
		partial = nl == NULL && !k->eof; /* the rest comes later */
		le = nl ? (size_t)(nl - s) + 1 : n;
		blank = ms_text_blank(s + st.pos, le - st.pos);
		opener = !st.fence && fence_line(s + st.pos, le - st.pos);
		/*
		 * A paragraph starts after blank lines or a code block, and a
		 * code block starts one; none starts inside code.
		 */
		if (!st.fence && st.pos > 0 &&
		    ((!blank && (st.prev_blank || st.closed)) || opener)) {
			st.para_cut = st.pos;
			st.para_fence = 0;
		}
		/* No token spans a line end: lines add up. */
		lc = ms_tokens(k->tokenizer, s + st.pos, le - st.pos);
		if (st.cost + lc > k->budget) {
			/*
			 * Too much, but what kind of line is it?  Until that
			 * shows, the cut before it cannot be chosen.
			 */
			if (partial && undecided(s + st.pos, le - st.pos)) {
				k->scan = top;
				k->scan.valid = 1;
				return 0;
			}
			over = 1;
			break;
		}
		if (partial)
			break;
		st.cost += lc;
		st.closed = 0;
		if (fence_line(s + st.pos, le - st.pos)) {
			st.closed = st.fence;
			st.fence = !st.fence;
		}
		st.prev_blank = blank && !st.fence;
		st.pos = le;
		st.line_cut = st.pos;
		st.line_fence = st.fence;
		top = st;
	}
	if (!over && !k->eof) {
		/* More may fit: the partial line is looked at again. */
		k->scan = top;
		k->scan.valid = 1;
		return 0;
	}
	if (!over) {
		cut = n;
		new_fence = st.fence;
	} else if (st.para_cut > 0) {
		cut = st.para_cut;
		new_fence = st.para_fence;
	} else if (st.line_cut > 0) {
		cut = st.line_cut;
		new_fence = st.line_fence;
	} else {
		/* One line alone is too large: cut inside it. */
		nl = memchr(s, '\n', n);
		cut = fit_line(k->tokenizer, s, nl ? (size_t)(nl - s) + 1 : n,
		    k->budget, nl != NULL || k->eof);
		if (cut == 0)
			return 0;
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

int
ms_text_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
			return 0;
	return 1;
}
