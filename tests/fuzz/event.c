/*
 * event.c: fuzz one stream event, read twice: by the fast path and by
 * json-c alone.  Everything the two give must be the same: the deltas,
 * the status, the error, the finish reason, usage, provider and model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "ms_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct run {
	struct ms_buf deltas; /* each followed by 0x1e */
	struct ms_resp r;
	struct ms_error err;
	int rc;
};

static int
on_delta(void *arg, const char *s, size_t n)
{
	struct run *run = arg;

	if (n == 0 || s == NULL)
		abort();
	ms_buf_add(&run->deltas, s, n);
	ms_buf_addch(&run->deltas, 0x1e);
	return 0;
}

static void
once(struct run *run, const char *data, size_t size, int slow)
{
	struct ms_sse_event ev = { "", data, size };

	ms_buf_init(&run->deltas);
	ms_error_clear(&run->err);
	ms_resp_init(&run->r, on_delta, run);
	ms_resp_test_slow(&run->r, slow);
	run->rc = ms_resp_event(&run->r, &ev, &run->err);
	if (slow && ms_resp_test_fast(&run->r) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run a, b;

	once(&a, (const char *)data, size, 0);
	once(&b, (const char *)data, size, 1);
	if (a.rc != b.rc || a.deltas.len != b.deltas.len ||
	    memcmp(a.deltas.data, b.deltas.data, a.deltas.len) != 0)
		abort();
	if (a.rc != 0 &&
	    (a.err.kind != b.err.kind || strcmp(a.err.msg, b.err.msg) != 0))
		abort();
	if (strcmp(a.r.finish_reason, b.r.finish_reason) != 0 ||
	    strcmp(a.r.provider, b.r.provider) != 0 ||
	    strcmp(a.r.model, b.r.model) != 0 ||
	    a.r.finished != b.r.finished || a.r.done != b.r.done ||
	    a.r.got_content != b.r.got_content ||
	    memcmp(&a.r.usage, &b.r.usage, sizeof(a.r.usage)) != 0)
		abort();
	ms_resp_release(&a.r);
	ms_resp_release(&b.r);
	ms_buf_release(&a.deltas);
	ms_buf_release(&b.deltas);
	return 0;
}
