/*
 * tokenize.c: the exact token count of Mistral's tokenizer, as the npm
 * package mistral-tokenizer-js 1.0.0 gives it for encode(text, false,
 * false): no BOS, no EOS, no space put before the text.
 *
 * The encoder there is byte-pair encoding over characters: each space
 * becomes U+2581, each character its one-character token, or the tokens
 * <0xNN> of its UTF-8 bytes when the vocabulary has none; then, over and
 * over, the adjacent pair of tokens with the lowest rank (its place in the
 * package's list of merges; there are no scores) is merged, the leftmost
 * first among equals, until none merges.  Its priority queue orders pairs
 * by 2 * rank + 1 plus the position of the pair's first token over the
 * length of the text in UTF-16 units.  Between characters that did not
 * fall back to bytes that fraction grows by less than 1 from one end of a
 * run to the other, so within such a run, where all merges happen, the
 * order is rank, then position, as here; bytes that fell back merge with
 * nothing.
 *
 * Done so over a whole text it costs a heap the size of the text.  Two
 * things keep the work here in a fixed window on the stack instead:
 *
 * - Cuts.  Where two characters stand side by side in no token of the
 *   vocabulary (tokvocab.h's pair table), no merge ever joins them, and
 *   the text on each side encodes alone.  U+2581 stands after nothing but
 *   itself in any token, so every space after a word is a cut; so is
 *   either side of a digit, of a byte that fell back, of U+FFFD and of
 *   most characters outside the Latin and Cyrillic scripts.  A segment
 *   between cuts is a word, or a run of spaces and a word: short.
 *
 * - A segment longer than the window (a long word, a megabyte of "=" or
 *   of spaces) is cut where its encoding must have a token boundary.  If
 *   d is a boundary of the encoding of a text, the tokens before d are the
 *   encoding of the text before d alone, and those after it of the text
 *   after it (no pair across d was ever merged, so the pairs on each side
 *   were merged in the order they would have been alone).  The encoding
 *   of the whole segment has a boundary at some j among the last
 *   MSI_TOK_MAXLEN positions of the window, so its tokens up to j are
 *   those of the window cut at j; a boundary d that the encodings of the
 *   window cut at every such j all have is one of the segment's, and the
 *   tokens before d are final.  The candidates are the boundaries of the
 *   encoding of the window, from its end back.  Each is checked for each
 *   j without encoding the window again (keeps()): the merges left of d
 *   are those of the window's encoding, in the same order; the rest, d to
 *   j, is encoded alone; the two lists of merges are walked in the order
 *   the whole would make them, watching the pair across d.  A full window
 *   thus costs one encoding and MSI_TOK_MAXLEN short ones.  Were no
 *   candidate to hold (never seen: the end of a text changes its encoding
 *   a few tokens back at most), the window would be cut at its last
 *   boundary, and ms_tokens_test_encode counts such guesses.
 *
 * Invalid UTF-8 is read as Node's Buffer.toString('utf8') reads it (the
 * WHATWG decoder): each maximal part of a sequence that cannot be
 * completed is one U+FFFD.
 */
#include <stdint.h>
#include <string.h>

#include "ms.h"
#include "ms_test.h"
#include "tokvocab.h"

/* The most characters of one segment encoded at once; at most 32767. */
#define WINDOW 1024
/* Segments up to this long are encoded without a heap. */
#define SHORT 24

#if WINDOW < 4 * MSI_TOK_MAXLEN || WINDOW > 32767
#error "WINDOW must hold four tokens and fit an int16_t"
#endif

/*
 * One byte-pair encoding of up to WINDOW characters.  The tokens are a
 * list of nodes, each named by the position of its first character; the
 * pairs that merge are in a binary heap keyed by rank, then position.
 */
struct bpe {
	uint16_t tok[WINDOW];		    /* the token at this node */
	int16_t next[WINDOW], prev[WINDOW]; /* -1: none */
	uint32_t key[WINDOW];  /* rank << 16 | position, of the pair */
	uint16_t made[WINDOW]; /* the token the pair makes */
	int16_t heap[WINDOW];  /* nodes whose pair merges */
	int16_t slot[WINDOW];  /* where the node is in heap, or -1 */
	int nheap;
};

/* One merge of an encoding, in the order they were made. */
struct step {
	uint32_t key;  /* of the pair: rank << 16 | its left node */
	int16_t right; /* the node merged into the left one */
	uint16_t tok;  /* the token they made */
};

struct enc {
	int *ids;
	size_t max, count;
	int window;
	struct ms_tok_work *work;
	uint16_t seg[WINDOW]; /* the segment since the last cut */
	int nseg;
	struct bpe b;
	/* Cutting a long segment: */
	struct step left[WINDOW], right[WINDOW];
	uint16_t done[WINDOW];		 /* the tokens of its first part */
	unsigned char bound[WINDOW + 1]; /* where they start */
};

/* The merge of a then b: 1 with its rank and result, or 0. */
static int
merge(struct enc *e, unsigned a, unsigned b, uint32_t *rank, uint16_t *made)
{
	const uint16_t *r = msi_tok_right + msi_tok_first[a];
	unsigned n = msi_tok_first[a + 1] - msi_tok_first[a], half;

	if (e->work != NULL)
		e->work->lookups++;
	if (n == 0)
		return 0;
	/* The last of r[0..n) not above b. */
	while (n > 1) {
		half = n / 2;
		r = r[half] <= b ? r + half : r;
		n -= half;
	}
	if (*r != b)
		return 0;
	*rank = msi_tok_rank[r - msi_tok_right];
	*made = msi_tok_result[r - msi_tok_right];
	return 1;
}

static void
heap_swap(struct bpe *b, int i, int j)
{
	int16_t t = b->heap[i];

	b->heap[i] = b->heap[j];
	b->heap[j] = t;
	b->slot[b->heap[i]] = (int16_t)i;
	b->slot[b->heap[j]] = (int16_t)j;
}

static void
heap_up(struct bpe *b, int i)
{
	while (i > 0 && b->key[b->heap[i]] < b->key[b->heap[(i - 1) / 2]]) {
		heap_swap(b, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct bpe *b, int i)
{
	int c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= b->nheap)
			break;
		if (c + 1 < b->nheap &&
		    b->key[b->heap[c + 1]] < b->key[b->heap[c]])
			c++;
		if (b->key[b->heap[c]] >= b->key[b->heap[i]])
			break;
		heap_swap(b, i, c);
		i = c;
	}
}

static void
heap_remove(struct bpe *b, int node)
{
	int i = b->slot[node], moved;

	b->slot[node] = -1;
	if (i == --b->nheap)
		return;
	moved = b->heap[b->nheap];
	b->heap[i] = (int16_t)moved;
	b->slot[moved] = (int16_t)i;
	heap_up(b, i);
	heap_down(b, b->slot[moved]);
}

/* Node i and the node after it: put their pair in the heap, or take it out. */
static void
pair_set(struct enc *e, int i)
{
	struct bpe *b = &e->b;
	uint32_t rank;
	int j = b->next[i];

	if (j >= 0 && merge(e, b->tok[i], b->tok[j], &rank, &b->made[i])) {
		b->key[i] = rank << 16 | (uint32_t)i;
		if (b->slot[i] < 0) {
			b->slot[i] = (int16_t)b->nheap;
			b->heap[b->nheap++] = (int16_t)i;
		}
		heap_up(b, b->slot[i]);
		heap_down(b, b->slot[i]);
	} else if (b->slot[i] >= 0)
		heap_remove(b, i);
}

/*
 * Encode seg[from..to) alone; the tokens are the list from node from.
 * With log, write there the merges in the order made; returns how many.
 */
static int
bpe_run(struct enc *e, int from, int to, struct step *log)
{
	struct bpe *b = &e->b;
	int i, j, k, steps = 0;
	uint32_t rank;

	if (e->work != NULL) {
		e->work->runs++;
		e->work->symbols += (size_t)(to - from);
	}
	for (i = from; i < to; i++) {
		b->tok[i] = e->seg[i];
		b->next[i] = (int16_t)(i + 1 < to ? i + 1 : -1);
		b->prev[i] = (int16_t)(i > from ? i - 1 : -1);
		b->slot[i] = -1;
	}
	b->nheap = 0;
	for (i = from; i + 1 < to; i++)
		if (merge(e, b->tok[i], b->tok[i + 1], &rank, &b->made[i])) {
			b->key[i] = rank << 16 | (uint32_t)i;
			b->slot[i] = (int16_t)b->nheap;
			b->heap[b->nheap++] = (int16_t)i;
		}
	for (i = b->nheap / 2 - 1; i >= 0; i--)
		heap_down(b, i);
	while (b->nheap > 0) {
		i = b->heap[0];
		heap_remove(b, i);
		j = b->next[i];
		k = b->next[j];
		if (log != NULL) {
			log[steps].key = b->key[i];
			log[steps].right = (int16_t)j;
			log[steps].tok = b->made[i];
		}
		steps++;
		b->tok[i] = b->made[i];
		b->next[i] = (int16_t)k;
		if (k >= 0)
			b->prev[k] = (int16_t)i;
		if (b->slot[j] >= 0)
			heap_remove(b, j);
		pair_set(e, i);
		if (b->prev[i] >= 0)
			pair_set(e, b->prev[i]);
	}
	return steps;
}

static void
emit(struct enc *e, unsigned id)
{
	if (e->count < e->max)
		e->ids[e->count] = (int)id;
	e->count++;
}

/*
 * Encode a short segment, seg[0..n), and write its tokens: the same
 * merges as bpe_run, the lowest pair found by a scan of the few there are
 * rather than kept in a heap.
 */
static void
bpe_short(struct enc *e, int n)
{
	uint16_t tok[SHORT], made[SHORT];
	uint32_t rank[SHORT], best;
	int i, at;

	if (e->work != NULL) {
		e->work->runs++;
		e->work->symbols += (size_t)n;
	}
	for (i = 0; i < n; i++)
		tok[i] = e->seg[i];
	for (i = 0; i + 1 < n; i++)
		if (!merge(e, tok[i], tok[i + 1], &rank[i], &made[i]))
			rank[i] = UINT32_MAX;
	for (;;) {
		best = UINT32_MAX;
		at = -1;
		for (i = 0; i + 1 < n; i++)
			if (rank[i] < best) {
				best = rank[i];
				at = i;
			}
		if (at < 0)
			break;
		tok[at] = made[at];
		n--;
		for (i = at + 1; i < n; i++) {
			tok[i] = tok[i + 1];
			rank[i] = rank[i + 1];
			made[i] = made[i + 1];
		}
		if (at + 1 < n &&
		    !merge(e, tok[at], tok[at + 1], &rank[at], &made[at]))
			rank[at] = UINT32_MAX;
		if (at > 0 &&
		    !merge(
			e, tok[at - 1], tok[at], &rank[at - 1], &made[at - 1]))
			rank[at - 1] = UINT32_MAX;
	}
	for (i = 0; i < n; i++)
		emit(e, tok[i]);
}

/* The segment ends at a cut: encode what is left of it. */
static void
segment_end(struct enc *e)
{
	int i;

	if (e->nseg == 1)
		emit(e, e->seg[0]);
	else if (e->nseg <= SHORT)
		bpe_short(e, e->nseg);
	else {
		bpe_run(e, 0, e->nseg, NULL);
		for (i = 0; i >= 0; i = e->b.next[i])
			emit(e, e->b.tok[i]);
	}
	e->nseg = 0;
}

/* The key of the pair of tokens x (at node at) and y, or UINT32_MAX. */
static uint32_t
pair_key(struct enc *e, unsigned x, int at, unsigned y)
{
	uint32_t rank;
	uint16_t made;

	if (!merge(e, x, y, &rank, &made))
		return UINT32_MAX;
	return rank << 16 | (uint32_t)at;
}

/*
 * Whether the encoding of seg[0..j) has a boundary at d, knowing the
 * merges of seg[0..d) alone (those of left[0..nleft) left of d; d is a
 * boundary of the encoding they come from).  The encoding of the whole
 * makes the merges each side makes alone, at each step the one of lower
 * key of the next merge of each side (the lowest pair the side then has),
 * until the pair across d, the last token of the left side and the first
 * of the right, is a merge whose key is below both: then it is made, and
 * d is no boundary.  The right side is encoded here; the two lists of
 * merges are walked as the whole would make them.
 */
static int
keeps(struct enc *e, int d, int j, int nleft)
{
	const struct step *a = e->left, *b = e->right;
	int nright, ia = 0, ib = 0, last = d - 1;
	unsigned x = e->seg[d - 1], y = e->seg[d];
	uint32_t across, ka, kb;

	nright = bpe_run(e, d, j, e->right);
	across = pair_key(e, x, last, y);
	for (;;) {
		while (ia < nleft && (int)(a[ia].key & 0xFFFF) >= d)
			ia++;
		ka = ia < nleft ? a[ia].key : UINT32_MAX;
		kb = ib < nright ? b[ib].key : UINT32_MAX;
		if (across < ka && across < kb)
			return 0;
		if (ka == UINT32_MAX && kb == UINT32_MAX)
			return 1;
		if (ka < kb) {
			/* A merge into the last token of the left side. */
			if (a[ia].right == last) {
				last = (int)(a[ia].key & 0xFFFF);
				x = a[ia].tok;
				across = pair_key(e, x, last, y);
			}
			ia++;
		} else {
			if ((int)(b[ib].key & 0xFFFF) == d) {
				y = b[ib].tok;
				across = pair_key(e, x, last, y);
			}
			ib++;
		}
	}
}

/*
 * The segment goes on past a full window of n characters: find a
 * boundary d that its encoding must have (see the top of the file), write
 * the tokens before it and keep the characters after it.  The encoding of
 * the segment has a boundary at some j among the last MSI_TOK_MAXLEN
 * positions of the window, so d must be a boundary of the encoding of
 * seg[0..j) for each.  The candidates are the boundaries of the encoding
 * of the window, from the end back.
 */
static void
segment_cut(struct enc *e)
{
	int n = e->nseg, d, j, i, nleft;

	nleft = bpe_run(e, 0, n, e->left);
	memset(e->bound, 0, (size_t)n + 1);
	for (i = 0; i >= 0; i = e->b.next[i]) {
		e->bound[i] = 1;
		e->done[i] = e->b.tok[i];
	}
	for (d = n - MSI_TOK_MAXLEN; d > 0; d--) {
		if (!e->bound[d])
			continue;
		for (j = n - MSI_TOK_MAXLEN + 1; j < n; j++)
			if (!keeps(e, d, j, nleft))
				break;
		if (j == n)
			break;
	}
	if (d == 0) {
		/* Never seen; the last boundary that leaves a token. */
		for (d = n - MSI_TOK_MAXLEN; !e->bound[d]; d--)
			;
		if (e->work != NULL)
			e->work->guesses++;
	}
	if (e->work != NULL)
		e->work->cuts++;
	for (i = 0; i < d; i++)
		if (e->bound[i])
			emit(e, e->done[i]);
	memmove(e->seg, e->seg + d, (size_t)(n - d) * sizeof(e->seg[0]));
	e->nseg = n - d;
}

/*
 * The next character of s[0..n), n > 0, and its length in *len: U+FFFD
 * for each maximal part of a sequence that is not UTF-8 (WHATWG).
 */
static uint32_t
decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
		c &= 0x07;
	} else {
		*len = 1;
		return 0xFFFD;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*len = i;
			return 0xFFFD;
		}
		c = c << 6 | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*len = need + 1;
	return c;
}

/* Whether character y may follow character x inside a token. */
static int
joins(unsigned x, unsigned y)
{
	unsigned bit;

	x -= MSI_TOK_JOIN0;
	y -= MSI_TOK_JOIN0;
	if (x >= MSI_TOK_JOINS || y >= MSI_TOK_JOINS)
		return 0;
	bit = x * MSI_TOK_JOINS + y;
	return msi_tok_pair[bit >> 3] >> (bit & 7) & 1;
}

static size_t
encode(struct enc *e, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, k, m;
	uint32_t c;
	unsigned id, last = 0;

	for (i = 0; i < len; i += k) {
		c = decode(s + i, len - i, &k);
		id = c < MSI_TOK_CPEND
		    ? msi_tok_leaf[msi_tok_page[c >> MSI_TOK_SHIFT]]
				  [c & (MSI_TOK_PAGE - 1)]
		    : 0;
		if (id == 0) {
			/* No token: the bytes (valid UTF-8 here). */
			segment_end(e);
			for (m = 0; m < k; m++)
				emit(e, MSI_TOK_BYTE0 + s[i + m]);
			last = 0;
			continue;
		}
		if (e->nseg > 0 && !joins(last, id))
			segment_end(e);
		else if (e->nseg == e->window)
			segment_cut(e);
		e->seg[e->nseg++] = (uint16_t)id;
		last = id;
	}
	segment_end(e);
	return e->count;
}

size_t
ms_tokens_test_encode(const char *text, size_t len, int *ids, size_t max,
    size_t window, struct ms_tok_work *work)
{
	struct enc e;

	e.ids = ids;
	e.max = ids != NULL ? max : 0;
	e.count = 0;
	e.window = window < 4 * MSI_TOK_MAXLEN ? 4 * MSI_TOK_MAXLEN
	    : window > WINDOW		       ? WINDOW
					       : (int)window;
	e.work = work;
	e.nseg = 0;
	return encode(&e, text, len);
}

size_t
ms_tokens_test_stack(void)
{
	return sizeof(struct enc);
}

size_t
ms__tokens_encode(const char *text, size_t len, int *ids, size_t max)
{
	return ms_tokens_test_encode(text, len, ids, max, WINDOW, NULL);
}

size_t
ms_tokens_count(const char *text, size_t len)
{
	return ms_tokens_test_encode(text, len, NULL, 0, WINDOW, NULL);
}
