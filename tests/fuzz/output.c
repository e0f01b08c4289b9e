/*
 * output.c: fuzz the output shaper (ms_out) alone.
 *
 * The first byte chooses the settings, the next two a cut and the fourth
 * a piece size; the rest is the answer.  It is shaped whole, cut in two at
 * the chosen point, and in pieces of the chosen size: the three outputs
 * must be the same, since a server may split its deltas anywhere.  With
 * no fence removal and MS_NL_RAW the output must be the answer itself;
 * with fence removal and MS_NL_RAW, the answer or a piece of it (the body
 * of its one fenced block).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
on_write(void *arg, const char *s, size_t n)
{
	struct ms_buf *b = arg;

	if (n == 0)
		abort(); /* the filter never writes nothing */
	return ms_buf_add(b, s, n) == -1 ? MS_ESOFTWARE : 0;
}

/* Shape s in pieces of `piece` bytes, the first cut at `cut`. */
static void
shape(struct ms_buf *out, const char *s, size_t n, unsigned flags, size_t cut,
    size_t piece)
{
	struct ms_out o;
	size_t at = 0, k;

	ms_buf_init(out);
	ms_out_init(&o, on_write, out);
	o.strip_fence = flags & 1;
	o.crlf = (int)((flags >> 1) & 3) % 3;
	o.nl = (enum ms_final_nl)(((flags >> 3) & 3) % 3);
	o.head = flags & 32 ? "\n" : NULL;
	o.tail = flags & 64 ? "\n\n" : NULL;
	o.batch = (flags & 128) != 0;
	while (at < n) {
		k = at < cut ? cut - at : piece;
		if (k > n - at)
			k = n - at;
		if (ms_out_write(&o, s + at, k) != 0)
			abort();
		/* Batched, as ms: one write for a read of several deltas. */
		if (o.batch && (at / piece) % 2 == 1 && ms_out_flush(&o) != 0)
			abort();
		at += k;
	}
	if (ms_out_finish(&o) != 0)
		abort();
	ms_out_release(&o);
}

static int
same(const struct ms_buf *a, const struct ms_buf *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_buf whole, two, pieces;
	const char *s = (const char *)data + 4;
	size_t n, cut;
	unsigned flags;

	if (size < 4)
		return 0;
	flags = data[0];
	n = size - 4;
	cut = ((size_t)data[1] << 8 | data[2]) % (n + 1);
	shape(&whole, s, n, flags, 0, n ? n : 1);
	shape(&two, s, n, flags, cut, n ? n : 1);
	shape(&pieces, s, n, flags, 0, 1 + data[3] % 16);
	if (!same(&whole, &two) || !same(&whole, &pieces))
		abort(); /* the output depends on the pieces */
	if (((flags >> 3) & 3) % 3 == MS_NL_RAW) {
		if (!(flags & 1) &&
		    (whole.len != n || (n > 0 && memcmp(whole.data, s, n))))
			abort(); /* RAW and no fence removal: as written */
		if ((flags & 1) && whole.len > 0 &&
		    memmem(s, n, whole.data, whole.len) == NULL)
			abort(); /* the answer, or the body of its block */
	}
	ms_buf_release(&whole);
	ms_buf_release(&two);
	ms_buf_release(&pieces);
	return 0;
}
