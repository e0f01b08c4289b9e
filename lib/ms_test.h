/* ms_test.h: hooks for libms's own tests and benchmarks; not the API. */
#ifndef MS_TEST_H
#define MS_TEST_H

struct ms_resp;

/*
 * With on set, every event is read by json-c and none by the fast path,
 * so that the two can be compared.
 */
void ms_resp_test_slow(struct ms_resp *, int on);
/* The events the fast path has read since ms_resp_init. */
long ms_resp_test_fast(const struct ms_resp *);

/*
 * 1 when dir holds certificates by subject hash ("5ad8a5d6.0", as
 * c_rehash makes them), so that OpenSSL can look up only those it needs.
 */
int ms__hashed_dir(const char *dir);

#endif
