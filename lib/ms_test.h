/* ms_test.h: hooks for libms's own tests and benchmarks; not the API. */
#ifndef MS_TEST_H
#define MS_TEST_H

#include <stddef.h>

struct ms_resp;

/*
 * With on set, every event is read by json-c and none by the fast path,
 * so that the two can be compared.
 */
void ms_resp_test_slow(struct ms_resp *, int on);
/* The events the fast path has read since ms_resp_init. */
long ms_resp_test_fast(const struct ms_resp *);

/*
 * The work of the token encoder (lib/tokenize.c), added to by
 * ms_tokens_test_encode.
 */
struct ms_tok_work {
	size_t runs;	/* byte-pair encodings of a window */
	size_t symbols; /* characters in them */
	size_t lookups; /* of a pair in the merge table */
	size_t cuts;	/* segments longer than the window cut */
	size_t guesses; /* of those, at a boundary no check confirmed */
};
/*
 * ms__tokens_encode with a window of the given characters (clamped to 64
 * to 1024; 1024 is ms_tokens_count's), counting its work in *work
 * (may be NULL).
 */
size_t ms_tokens_test_encode(const char *, size_t, int *ids, size_t max,
    size_t window, struct ms_tok_work *work);
/* The bytes of stack the encoder's state takes. */
size_t ms_tokens_test_stack(void);

/*
 * 1 when dir holds certificates by subject hash ("5ad8a5d6.0", as
 * c_rehash makes them), so that OpenSSL can look up only those it needs.
 */
int ms__hashed_dir(const char *dir);

#endif
