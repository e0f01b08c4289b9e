/* sse.c: a push parser for server-sent events; no I/O. */
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

int
ms_sse_feed(struct ms_sse *p, const char *s, size_t n)
{
	/* Drop what was parsed before appending, so the buffer stays small. */
	if (p->pos > 0) {
		ms_buf_consume(&p->in, p->pos);
		p->pos = 0;
	}
	return ms_buf_add(&p->in, s, n);
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

/* One line without its end; returns -1 when out of memory. */
static int
line(struct ms_sse *p, const char *s, size_t n)
{
	const char *colon, *v;
	size_t flen, vlen;

	if (n > 0 && s[0] == ':')
		return 0; /* a comment or keep-alive */
	colon = memchr(s, ':', n);
	flen = colon ? (size_t)(colon - s) : n;
	v = colon ? colon + 1 : s + n;
	vlen = n - (size_t)(v - s);
	if (vlen > 0 && v[0] == ' ')
		v++, vlen--;
	if (flen == 4 && memcmp(s, "data", 4) == 0) {
		p->has_data = 1;
		if (ms_buf_add(&p->data, v, vlen) == -1 ||
		    ms_buf_addch(&p->data, '\n') == -1)
			return -1;
	} else if (flen == 5 && memcmp(s, "event", 5) == 0) {
		ms_buf_reset(&p->event);
		if (ms_buf_add(&p->event, v, vlen) == -1)
			return -1;
	} else if (flen == 5 && memcmp(s, "error", 5) == 0) {
		/* llama.cpp's own field: an error event carried outside data. */
		p->has_data = 1;
		ms_buf_reset(&p->event);
		if (ms_buf_addstr(&p->event, "error") == -1 ||
		    ms_buf_add(&p->data, v, vlen) == -1 ||
		    ms_buf_addch(&p->data, '\n') == -1)
			return -1;
	}
	/* id, retry and unknown fields do not matter here. */
	return 0;
}

/* Where the line at from ends: its first CR or LF, or n (memchr is fast). */
static size_t
eol(const char *s, size_t from, size_t n)
{
	const char *lf = memchr(s + from, '\n', n - from);
	size_t end = lf != NULL ? (size_t)(lf - s) : n;
	const char *cr = memchr(s + from, '\r', end - from);

	return cr != NULL ? (size_t)(cr - s) : end;
}

int
ms_sse_next(struct ms_sse *p, struct ms_sse_event *ev)
{
	const char *s;
	size_t i, n;

	/* A feed or a line failed: the stream has a hole, no event is whole. */
	if (p->in.oom || p->data.oom || p->event.oom)
		return -1;
	for (;;) {
		s = p->in.data;
		n = p->in.len;
		if (p->skip_lf && p->pos < n) {
			if (s[p->pos] == '\n')
				p->pos++;
			p->skip_lf = 0;
		}
		if ((i = eol(s, p->pos, n)) == n) {
			if (!p->eof)
				return 0;
			/* End of input: the last line counts without its end. */
			if (p->pos < n) {
				if (line(p, s + p->pos, n - p->pos) == -1)
					return -1;
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
		if (line(p, s + p->pos, i - p->pos) == -1)
			return -1;
		p->pos = i + 1;
	}
}
