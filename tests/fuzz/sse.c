/*
 * sse.c: fuzz the SSE parser and the answer handler together.
 *
 * The first byte chooses the settings and the second seeds the piece
 * sizes (and, with the first byte's top bit, small limits for lines and
 * events, so that they are hit); the rest is the stream.  The stream is
 * read twice, whole and in pieces, and both runs must give the same
 * deltas, the same outcome (a limit passed included) and the same shaped
 * output, with work linear in the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct run {
	struct ms_buf text; /* deltas joined */
	struct ms_buf out;  /* after ms_out */
	struct ms_out o;
	int rc, kind, end_rc;
	int sse_error; /* the parser stopped: a limit */
	char finish[64];
};

static int
on_write(void *arg, const char *s, size_t n)
{
	struct ms_buf *b = arg;

	if (n == 0)
		abort(); /* the filter never writes nothing */
	return ms_buf_add(b, s, n) == -1 ? MS_ESOFTWARE : 0;
}

static int
on_delta(void *arg, const char *s, size_t n)
{
	struct run *r = arg;

	if (n == 0)
		abort(); /* empty deltas are not handed out */
	ms_buf_add(&r->text, s, n);
	return ms_out_write(&r->o, s, n);
}

static void
run(struct run *r, const char *s, size_t n, unsigned flags, unsigned seed,
    int pieces)
{
	struct ms_sse p;
	struct ms_sse_event ev;
	struct ms_resp resp;
	struct ms_error err;
	size_t at = 0, k;
	int rc = 0, got;

	memset(r, 0, sizeof(*r));
	ms_buf_init(&r->text);
	ms_buf_init(&r->out);
	ms_out_init(&r->o, on_write, &r->out);
	r->o.strip_fence = flags & 1;
	r->o.crlf = (flags >> 1) & 1;
	r->o.nl = (enum ms_final_nl)(((flags >> 2) & 3) % 3);
	r->o.head = flags & 16 ? "\n" : NULL;
	r->o.tail = flags & 32 ? "\n\n" : NULL;
	ms_error_clear(&err);
	ms_sse_init(&p);
	if (flags & 128) {
		p.max_line = 1 + seed % 29;
		p.max_event = 1 + (seed * 7) % 61;
	}
	ms_resp_init(&resp, on_delta, r);
	while (at < n || at == 0) {
		if (pieces) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % (flags & 64 ? 3 : 64);
		} else
			k = n;
		if (k > n - at)
			k = n - at;
		if (ms_sse_feed(&p, s + at, k) == -1 &&
		    (p.error != MS_SSE_ELINE || !(flags & 128)))
			abort(); /* only a line past a small limit */
		at += k;
		if (at == n)
			ms_sse_finish(&p);
		while ((got = ms_sse_next(&p, &ev)) == 1) {
			if (ev.event == NULL || ev.data == NULL ||
			    ev.data[ev.len] != '\0' || ev.len > p.max_event)
				abort();
			if (rc == 0)
				rc = ms_resp_event(&resp, &ev, &err);
		}
		if (got == -1) {
			if (!(flags & 128) ||
			    (p.error != MS_SSE_ELINE &&
				p.error != MS_SSE_EEVENT))
				abort();
			if (ms_sse_next(&p, &ev) != -1 ||
			    ms_sse_feed(&p, "\n\n", 2) != -1)
				abort(); /* a failure is for good */
			r->sse_error = p.error;
			break;
		}
		if (n == 0)
			break;
	}
	/* Linear: searched and moved bytes within a few times the input. */
	if (p.work > 6 * n + 64)
		abort();
	r->rc = rc;
	r->kind = rc ? (int)err.kind : 0;
	if (rc == 0 && r->sse_error == 0) {
		r->end_rc = ms_resp_end(&resp, &err);
		ms_out_finish(&r->o);
	}
	if (rc != 0 && (err.kind == MS_OK || err.msg[0] == '\0'))
		abort(); /* a failure always says what and why */
	memcpy(r->finish, resp.finish_reason, sizeof(r->finish));
	if (memchr(r->finish, '\0', sizeof(r->finish)) == NULL)
		abort();
	ms_resp_release(&resp);
	ms_sse_release(&p);
	ms_out_release(&r->o);
}

/* The answer text through the filter again, in other pieces. */
static void
reshape(const struct run *a, unsigned flags, unsigned seed)
{
	struct ms_buf out;
	struct ms_out o;
	size_t at = 0, k;

	ms_buf_init(&out);
	ms_out_init(&o, on_write, &out);
	o.strip_fence = flags & 1;
	o.crlf = (flags >> 1) & 1;
	o.nl = (enum ms_final_nl)(((flags >> 2) & 3) % 3);
	o.head = flags & 16 ? "\n" : NULL;
	o.tail = flags & 32 ? "\n\n" : NULL;
	while (at < a->text.len) {
		seed = seed * 69069u + 1u;
		k = 1 + (seed >> 16) % 7;
		if (k > a->text.len - at)
			k = a->text.len - at;
		ms_out_write(&o, a->text.data + at, k);
		at += k;
	}
	ms_out_finish(&o);
	if (out.len != a->out.len ||
	    memcmp(out.data, a->out.data, out.len) != 0)
		abort(); /* the filter depends on the pieces */
	ms_out_release(&o);
	ms_buf_release(&out);
}

static void
done(struct run *r)
{
	ms_buf_release(&r->text);
	ms_buf_release(&r->out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run a, b;
	unsigned flags, seed;

	if (size < 2)
		return 0;
	flags = data[0];
	seed = data[1];
	run(&a, (const char *)data + 2, size - 2, flags, seed, 0);
	run(&b, (const char *)data + 2, size - 2, flags, seed, 1);
	if (a.rc != b.rc || a.kind != b.kind || a.end_rc != b.end_rc ||
	    a.sse_error != b.sse_error || strcmp(a.finish, b.finish) != 0 ||
	    a.text.len != b.text.len ||
	    memcmp(a.text.data, b.text.data, a.text.len) != 0)
		abort(); /* the pieces changed the answer */
	if (a.out.len != b.out.len ||
	    memcmp(a.out.data, b.out.data, a.out.len) != 0)
		abort(); /* the pieces changed the output */
	if (a.rc == 0 && a.sse_error == 0)
		reshape(&a, flags, seed);
	done(&a);
	done(&b);
	return 0;
}
