/*
 * tokenize.c: fuzz the token encoder against the simple one of
 * tests/unit/tokslow.h (the textbook byte-pair encoding over the whole
 * text, which tests/unit/tokenize.c checks against the reference ids):
 * any difference in the ids aborts.
 *
 * The first byte chooses the encoder's window, 64 to 190 characters (so
 * that long segments are cut often) or, at 127, its own 1024; with its
 * high bit set, each byte of the rest picks a piece of text from a table
 * of the characters tokens are made of, so that long runs that merge are
 * common; else the rest is the text, bytes as they come.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "ms_test.h"
#include "../unit/tokslow.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* At most this many bytes of text: the simple encoder is quadratic. */
#define MAXTEXT 2048

static const char *const pieces[] = { " ", " ", "  ", "a", "b", "c", "e", "l",
	"o", "h", "n", "s", "t", "r", "i", "=", "-", ".", "_", "*", "#", "/",
	"\r", "\xe2\x96\x81", "\xc3\xa9", "\xd1\x81", "\xd1\x80", "\xd0\xb0",
	"\xe6\x95\xb0", "\xe6\x8d\xae", "\xe2\x80\x8b", "(" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A byte is at most one token; a piece at most 3 bytes. */
	static int fast[MAXTEXT + 3], slow[MAXTEXT + 3];
	static char text[MAXTEXT + 3];
	struct ms_tok_work work;
	size_t window, n = 0, i, k, nfast, nslow;
	const char *p;

	if (size < 1)
		return 0;
	window = (data[0] & 0x7F) == 0x7F ? 1024 : 64 + (data[0] & 0x7F);
	if (data[0] & 0x80) {
		for (i = 1; i < size && n < MAXTEXT; i++) {
			p = pieces[data[i] %
			    (sizeof(pieces) / sizeof(pieces[0]))];
			k = strlen(p);
			memcpy(text + n, p, k);
			n += k;
		}
	} else {
		n = size - 1 < MAXTEXT ? size - 1 : MAXTEXT;
		memcpy(text, data + 1, n);
	}

	memset(&work, 0, sizeof(work));
	nfast = ms_tokens_test_encode(text, n, fast, n, window, &work);
	nslow = slow_encode(text, n, slow, n);
	if (nslow == (size_t)-1)
		return 0;
	if (nfast != nslow || nfast > n)
		abort(); /* another count */
	if (memcmp(fast, slow, nfast * sizeof(int)) != 0)
		abort(); /* other tokens */
	if (ms_tokens_count(text, n) != nslow)
		abort(); /* another count with the full window */
	if (window == 1024 && work.guesses > 0)
		abort(); /* a cut not confirmed */
	return 0;
}
