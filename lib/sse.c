/*
 * sse.c: a push parser for server-sent events; no I/O.
 *
 * Linear in the input whatever the pieces: the searches for a line's end
 * resume where they stopped, the buffer sheds what was read only when
 * that moves fewer bytes than it frees, and a line or an event past its
 * limit stops the parser before it holds more.
 */
#include <string.h>

#include "ms.h"

void
ms_sse_init(struct ms_sse *p)
{
	memset(p, 0, sizeof(*p));
	ms_buf_init(&p->in);
	ms_buf_init(&p->data);
	ms_buf_init(&p->event);
	ms_buf_init(&p->out_data);
	ms_buf_init(&p->out_event);
	p->max_line = MS_MAX_SSE_LINE;
	p->max_event = MS_MAX_SSE_EVENT;
}

void
ms_sse_release(struct ms_sse *p)
{
	ms_buf_release(&p->in);
	ms_buf_release(&p->data);
	ms_buf_release(&p->event);
	ms_buf_release(&p->out_data);
	ms_buf_release(&p->out_event);
}

/* Stop for good: -1, and the memory the parser held goes back. */
static int
fail(struct ms_sse *p, int error)
{
	p->error = error;
	p->failed = 1;
	ms_buf_release(&p->in);
	ms_buf_release(&p->data);
	ms_buf_release(&p->event);
	p->pos = p->lf = p->cr = p->tail = 0;
	return -1;
}

/* Drop the bytes already read when that moves fewer than it drops. */
static void
compact(struct ms_sse *p)
{
	size_t k = p->pos;

	if (k == 0 || k < p->in.len - k)
		return;
	p->work += p->in.len - k;
	ms_buf_consume(&p->in, k);
	p->pos = 0;
	p->lf = p->lf > k ? p->lf - k : 0;
	p->cr = p->cr > k ? p->cr - k : 0;
	p->tail = p->tail > k ? p->tail - k : 0;
}

/* Where the last CR or LF of s is, plus one; 0 when there is none. */
static size_t
last_end(struct ms_sse *p, const char *s, size_t n)
{
	const char *lf = memrchr(s, '\n', n), *cr;
	size_t from = lf != NULL ? (size_t)(lf - s) + 1 : 0;

	cr = memrchr(s + from, '\r', n - from);
	p->work += lf != NULL ? n - (size_t)(lf - s) : n;
	p->work += cr != NULL ? n - (size_t)(cr - s) : n - from;
	if (cr != NULL)
		from = (size_t)(cr - s) + 1;
	return from;
}

int
ms_sse_feed(struct ms_sse *p, const char *s, size_t n)
{
	size_t e, keep;

	if (p->error)
		return -1;
	if (n == 0)
		return 0;
	compact(p);
	e = last_end(p, s, n);
	/* The line left unfinished, with what came before it in this piece. */
	keep = e > 0 ? n - e : p->in.len - p->tail + n;
	if (keep > p->max_line) {
		/* Too long whatever comes next: keep only the lines before it. */
		if (ms_buf_add(&p->in, s, e) == -1)
			return fail(p, MS_SSE_ENOMEM);
		if (e > 0)
			p->tail = p->in.len;
		p->error = MS_SSE_ELINE;
		return -1;
	}
	if (ms_buf_add(&p->in, s, n) == -1)
		return fail(p, MS_SSE_ENOMEM);
	if (e > 0)
		p->tail = p->in.len - n + e;
	return 0;
}

void
ms_sse_finish(struct ms_sse *p)
{
	p->eof = 1;
}

/* Hand the event built so far to the caller; 1 if there was one. */
static int
dispatch(struct ms_sse *p, struct ms_sse_event *ev)
{
	struct ms_buf t;

	if (!p->has_data) {
		ms_buf_reset(&p->event);
		return 0;
	}
	/* The data lines were each followed by '\n'; drop the last one. */
	if (p->data.len > 0)
		p->data.data[--p->data.len] = '\0';
	t = p->out_data, p->out_data = p->data, p->data = t;
	t = p->out_event, p->out_event = p->event, p->event = t;
	ms_buf_reset(&p->data);
	ms_buf_reset(&p->event);
	p->has_data = 0;
	ev->event = p->out_event.data;
	ev->data = p->out_data.data;
	ev->len = p->out_data.len;
	return 1;
}

/* A data line's value joins the event's data: 0, or an MS_SSE_E*. */
static int
add_data(struct ms_sse *p, const char *v, size_t vlen)
{
	/* The data lines joined by '\n': each line adds its '\n' first. */
	if (p->data.len + vlen > p->max_event)
		return MS_SSE_EEVENT;
	p->has_data = 1;
	if (ms_buf_add(&p->data, v, vlen) == -1 ||
	    ms_buf_addch(&p->data, '\n') == -1)
		return MS_SSE_ENOMEM;
	return 0;
}

/* One line without its end: 0, or an MS_SSE_E*. */
static int
line(struct ms_sse *p, const char *s, size_t n)
{
	const char *colon, *v;
	size_t flen, vlen;

	if (n > p->max_line)
		return MS_SSE_ELINE;
	if (n > 0 && s[0] == ':')
		return 0; /* a comment or keep-alive */
	colon = memchr(s, ':', n);
	flen = colon ? (size_t)(colon - s) : n;
	v = colon ? colon + 1 : s + n;
	vlen = n - (size_t)(v - s);
	if (vlen > 0 && v[0] == ' ')
		v++, vlen--;
	if (flen == 4 && memcmp(s, "data", 4) == 0)
		return add_data(p, v, vlen);
	if (flen == 5 && memcmp(s, "event", 5) == 0) {
		ms_buf_reset(&p->event);
		if (ms_buf_add(&p->event, v, vlen) == -1)
			return MS_SSE_ENOMEM;
	} else if (flen == 5 && memcmp(s, "error", 5) == 0) {
		/* llama.cpp's own field: an error event carried outside data. */
		ms_buf_reset(&p->event);
		if (ms_buf_addstr(&p->event, "error") == -1)
			return MS_SSE_ENOMEM;
		return add_data(p, v, vlen);
	}
	/* id, retry and unknown fields do not matter here. */
	return 0;
}

/*
 * The first c at or after from in in[0..n), or n.  *at is where the last
 * search for c stopped: at a c, or at the end of what it searched; it
 * found no c between its own from and *at, so the next one starts there.
 */
static size_t
find(struct ms_sse *p, size_t *at, int c, size_t from, size_t n)
{
	const char *s = p->in.data, *q;
	size_t i = *at;

	if (i < from)
		i = from;
	else if (i >= n)
		return n; /* none before *at, so none before n */
	else if (s[i] == c)
		return i;
	q = memchr(s + i, c, n - i);
	*at = q != NULL ? (size_t)(q - s) : n;
	p->work += q != NULL ? *at - i + 1 : n - i;
	return *at;
}

/* Where the line at pos ends: its first CR or LF, or in.len. */
static size_t
eol(struct ms_sse *p)
{
	size_t n = p->in.len, lf;

	if (p->tail <= p->pos) {
		/* No line end after pos: the searches may start at n. */
		p->lf = p->cr = n;
		return n;
	}
	lf = find(p, &p->lf, '\n', p->pos, n);
	return find(p, &p->cr, '\r', p->pos, lf);
}

int
ms_sse_next(struct ms_sse *p, struct ms_sse_event *ev)
{
	const char *s;
	size_t i, n;
	int rc;

	/* A feed or a line failed: the stream has a hole, no event is whole. */
	if (p->failed || p->error == MS_SSE_ENOMEM || p->in.oom ||
	    p->data.oom || p->event.oom)
		return p->failed ? -1 : fail(p, MS_SSE_ENOMEM);
	for (;;) {
		s = p->in.data;
		n = p->in.len;
		if (p->skip_lf && p->pos < n) {
			if (s[p->pos] == '\n')
				p->pos++;
			p->skip_lf = 0;
		}
		if ((i = eol(p)) == n) {
			/* A line too long: what came before it is out. */
			if (p->error)
				return fail(p, p->error);
			if (n - p->pos > p->max_line)
				return fail(p, MS_SSE_ELINE);
			if (!p->eof)
				return 0;
			/* End of input: the last line counts without its end. */
			if (p->pos < n) {
				if ((rc = line(p, s + p->pos, n - p->pos)) != 0)
					return fail(p, rc);
				p->pos = n;
			}
			return dispatch(p, ev);
		}
		if (s[i] == '\r')
			p->skip_lf = 1;
		if (i == p->pos) {
			p->pos = i + 1;
			if (dispatch(p, ev))
				return 1;
			continue;
		}
		if ((rc = line(p, s + p->pos, i - p->pos)) != 0)
			return fail(p, rc);
		p->pos = i + 1;
	}
}
