/*
 * output.c: shape the model's text on its way to stdout, as it streams:
 * drop a code fence around the whole answer, blank lines at the start and
 * the end, and write the line ends the input used.
 */
#include <string.h>

#include "ms.h"

enum { F_START, F_FENCED, F_PASS };

void
ms_out_init(struct ms_out *o, ms_write_fn fn, void *arg)
{
	memset(o, 0, sizeof(*o));
	o->write = fn;
	o->arg = arg;
	o->nl = MS_NL_ONE;
	ms_buf_init(&o->fence);
	ms_buf_init(&o->ws);
	ms_buf_init(&o->scratch);
}

void
ms_out_release(struct ms_out *o)
{
	ms_buf_release(&o->fence);
	ms_buf_release(&o->ws);
	ms_buf_release(&o->scratch);
}

/* An append failed earlier: the text held has a hole, so none goes out. */
static int
broken(const struct ms_out *o)
{
	return o->fence.oom || o->ws.oom || o->scratch.oom;
}

static int
isws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Append a run of blanks to the scratch buffer, with the line ends wanted. */
static int
put_ws(struct ms_out *o, const char *s, size_t n)
{
	size_t i;

	if (o->crlf == MS_EOL_MIXED)
		return ms_buf_add(&o->scratch, s, n);
	/* The input's line ends, whatever the model used: CRLF or LF. */
	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n' && o->crlf) {
			if (ms_buf_add(&o->scratch, "\r\n", 2) == -1)
				return -1;
		} else if (ms_buf_addch(&o->scratch, s[i]) == -1)
			return -1;
	}
	return 0;
}

/* The newline stage: text after the fence stage. */
static int
shape(struct ms_out *o, const char *s, size_t n)
{
	size_t i, start;

	if (o->nl == MS_NL_RAW)
		return ms_buf_add(&o->scratch, s, n);
	for (i = 0; i < n; i = start) {
		start = i;
		if (isws(s[i])) {
			while (start < n && isws(s[start]))
				start++;
			if (ms_buf_add(&o->ws, s + i, start - i) == -1)
				return -1;
			continue;
		}
		while (start < n && !isws(s[start]))
			start++;
		if (!o->started) {
			/* Blank lines before the text go; indentation stays. */
			size_t k = o->ws.len;

			while (k > 0 && o->ws.data[k - 1] != '\n' &&
			    o->ws.data[k - 1] != '\r')
				k--;
			ms_buf_consume(&o->ws, k);
			if (o->head != NULL &&
			    ms_buf_addstr(&o->scratch, o->head) == -1)
				return -1;
			o->started = 1;
		}
		if (put_ws(o, o->ws.data, o->ws.len) == -1)
			return -1;
		ms_buf_reset(&o->ws);
		if (ms_buf_add(&o->scratch, s + i, start - i) == -1)
			return -1;
	}
	return 0;
}

/*
 * Could s, which starts at a newline, be the closing fence at the end of
 * the answer, or the start of one?  "\n```" with blanks after it.
 */
static int
could_close(const char *s, size_t n, int *complete)
{
	size_t i = 1, ticks = 0;

	*complete = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (i < n && s[i] == '`' && ticks < 3)
		i++, ticks++;
	if (i == n) {
		*complete = ticks == 3;
		return 1;
	}
	if (ticks < 3)
		return 0;
	for (; i < n; i++)
		if (!isws(s[i]))
			return 0;
	*complete = 1;
	return 1;
}

/* Is the first line an opening fence?  1 yes, 0 no, -1 not yet known. */
static int
opening(const char *s, size_t n, size_t *end)
{
	size_t i = 0, j;

	while (i < n && isws(s[i]))
		i++;
	for (j = 0; j < 3; j++, i++) {
		if (i == n)
			return -1;
		if (s[i] != '`')
			return 0;
	}
	/* An info string: one word such as "text" or "python". */
	for (; i < n && s[i] != '\n'; i++)
		if (s[i] == '`' ||
		    (s[i] == ' ' && i + 1 < n && s[i + 1] != ' ' &&
			s[i + 1] != '\r' && s[i + 1] != '\n'))
			return 0;
	if (i == n)
		return -1;
	*end = i + 1;
	return 1;
}

/* Pass the fenced body on, holding back what may be the closing fence. */
static int
fenced(struct ms_out *o)
{
	struct ms_buf *f = &o->fence;
	size_t i;
	int complete;

	for (i = 0; i < f->len; i++)
		if (f->data[i] == '\n' &&
		    could_close(f->data + i, f->len - i, &complete))
			break;
	if (shape(o, f->data, i) == -1)
		return -1;
	ms_buf_consume(f, i);
	return 0;
}

int
ms_out_flush(struct ms_out *o)
{
	int rc;

	if (broken(o))
		return MS_ESOFTWARE;
	if (o->scratch.len == 0)
		return 0;
	rc = o->write(o->arg, o->scratch.data, o->scratch.len);
	ms_buf_reset(&o->scratch);
	return rc;
}

int
ms_out_write(struct ms_out *o, const char *s, size_t n)
{
	size_t end;
	int rc = 0;

	if (broken(o))
		return MS_ESOFTWARE;
	switch (o->strip_fence ? o->fstate : F_PASS) {
	case F_START:
		if (ms_buf_add(&o->fence, s, n) == -1)
			return MS_ESOFTWARE;
		switch (opening(o->fence.data, o->fence.len, &end)) {
		case -1:
			return 0;
		case 1:
			ms_buf_consume(&o->fence, end);
			o->fstate = F_FENCED;
			rc = fenced(o);
			break;
		default:
			o->fstate = F_PASS;
			rc = shape(o, o->fence.data, o->fence.len);
			ms_buf_reset(&o->fence);
			break;
		}
		break;
	case F_FENCED:
		if (ms_buf_add(&o->fence, s, n) == -1)
			return MS_ESOFTWARE;
		rc = fenced(o);
		break;
	default:
		rc = shape(o, s, n);
		break;
	}
	if (rc == -1)
		return MS_ESOFTWARE;
	return o->batch ? 0 : ms_out_flush(o);
}

int
ms_out_finish(struct ms_out *o)
{
	int complete = 0;

	if (broken(o))
		return MS_ESOFTWARE;
	if (o->strip_fence && o->fence.len > 0) {
		/* An unclosed fence stays as written; a closing one goes. */
		if (o->fstate == F_FENCED && o->fence.data[0] == '\n')
			could_close(o->fence.data, o->fence.len, &complete);
		if (!complete && shape(o, o->fence.data, o->fence.len) == -1)
			return MS_ESOFTWARE;
		ms_buf_reset(&o->fence);
	}
	switch (o->nl) {
	case MS_NL_RAW:
		break;
	case MS_NL_ONE:
		if (o->started && put_ws(o, "\n", 1) == -1)
			return MS_ESOFTWARE;
		break;
	case MS_NL_KEEP:
		if (o->started && o->tail != NULL &&
		    ms_buf_addstr(&o->scratch, o->tail) == -1)
			return MS_ESOFTWARE;
		break;
	}
	ms_buf_reset(&o->ws);
	return ms_out_flush(o);
}

int
ms_text_eol(const char *s, size_t n)
{
	size_t i, lf = 0, crlf = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\n') {
			if (i > 0 && s[i - 1] == '\r')
				crlf++;
			else
				lf++;
		}
	if (crlf == 0)
		return MS_EOL_LF;
	return lf == 0 ? MS_EOL_CRLF : MS_EOL_MIXED;
}
