/*
 * output.c: shape the model's text on its way to stdout, as it streams:
 * drop the code fence of an answer that is exactly one fenced block (any
 * other answer keeps its fences), blank lines at the start and the end,
 * and write the line ends the input used.
 */
#include <string.h>

#include "ms.h"

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
 * The fence stage reads each byte it holds once, whatever the pieces it
 * comes in: a server can send millions of deltas, and a rescan of the
 * held text on each would take hours.  F_LEAD to F_INFOSP read the first
 * line (an opening fence?), L_* the lines of a fenced body (each may be
 * the closing fence), F_CLOSED the blanks after a closing fence.
 */
enum {
	F_LEAD,	  /* blanks before the first line's text */
	F_TICKS,  /* the opening ticks, fticks of them so far */
	F_INFO,	  /* the info string after them */
	F_INFOSP, /* the same, just after a space */
	L_INDENT, /* a body line's indentation */
	L_TICKS,  /* ticks after it, fticks so far */
	L_AFTER,  /* "```" and blanks: closing, unless text follows */
	L_TEXT,	  /* the rest of a line that does not close */
	F_CLOSED, /* blanks after the closing fence line */
	F_PASS	  /* decided: everything passes as written */
};

/* A body line starts after the newline at i. */
static void
newline(struct ms_out *o, size_t i)
{
	o->fline = i + 1;
	o->fstate = L_INDENT;
}

/*
 * Read the held bytes from `from` on.  Returns 1 as soon as the answer
 * cannot be one fenced block, 0 while it still may be.  The closing fence
 * is "```" on a line of its own (indented or not, blanks after it); once
 * one has ended, anything but blanks after it is text outside the block.
 */
static int
scan(struct ms_out *o, size_t from)
{
	const char *s = o->fence.data, *nl;
	size_t n = o->fence.len, i;
	char c;

	for (i = from; i < n; i++) {
		c = s[i];
		switch (o->fstate) {
		case F_LEAD:
			if (c == '`') {
				o->fstate = F_TICKS;
				o->fticks = 1;
			} else if (!isws(c))
				return 1;
			break;
		case F_TICKS:
			if (c != '`')
				return 1;
			if (++o->fticks == 3)
				o->fstate = F_INFO;
			break;
		case F_INFO:
		case F_INFOSP:
			/* An info string: one word such as "text" or "python". */
			if (c == '`' ||
			    (o->fstate == F_INFOSP && c != ' ' && c != '\r' &&
				c != '\n'))
				return 1;
			if (c == '\n') {
				o->fbody = i + 1;
				newline(o, i);
			} else
				o->fstate = c == ' ' ? F_INFOSP : F_INFO;
			break;
		case L_INDENT:
			if (c == '`') {
				o->fstate = L_TICKS;
				o->fticks = 1;
			} else if (c == '\n')
				newline(o, i);
			else if (c != ' ' && c != '\t')
				o->fstate = L_TEXT;
			break;
		case L_TICKS:
			if (c == '\n')
				newline(o, i);
			else if (c != '`')
				o->fstate = L_TEXT;
			else if (++o->fticks == 3)
				o->fstate = L_AFTER;
			break;
		case L_AFTER:
			/* A fourth tick or a word: an inner fence, not ours. */
			if (c == '\n')
				o->fstate = F_CLOSED;
			else if (c != ' ' && c != '\t' && c != '\r')
				o->fstate = L_TEXT;
			break;
		case L_TEXT:
			/* Only the line's end matters: skip to it at once. */
			if ((nl = memchr(s + i, '\n', n - i)) == NULL)
				return 0;
			i = (size_t)(nl - s);
			newline(o, i);
			break;
		case F_CLOSED:
			if (!isws(c))
				return 1;
			break;
		}
	}
	return 0;
}

/* Not one fenced block: what was held goes on as written. */
static int
pass_held(struct ms_out *o)
{
	int rc;

	o->fstate = F_PASS;
	rc = shape(o, o->fence.data, o->fence.len);
	/* Free it: the held text may have been the whole answer so far. */
	ms_buf_release(&o->fence);
	return rc;
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
	size_t from;
	int rc = 0;

	if (broken(o))
		return MS_ESOFTWARE;
	if (!o->strip_fence || o->fstate == F_PASS)
		rc = shape(o, s, n);
	else {
		/*
		 * Appended, never consumed: bytes leave the held text all at
		 * once, when the answer shows whether it is one block.
		 */
		from = o->fence.len;
		if (ms_buf_add(&o->fence, s, n) == -1)
			return MS_ESOFTWARE;
		if (scan(o, from))
			rc = pass_held(o);
	}
	if (rc == -1)
		return MS_ESOFTWARE;
	return o->batch ? 0 : ms_out_flush(o);
}

int
ms_out_finish(struct ms_out *o)
{
	const char *f = o->fence.data;
	size_t end;

	if (broken(o))
		return MS_ESOFTWARE;
	if (o->strip_fence && o->fstate != F_PASS) {
		if (o->fstate == L_AFTER || o->fstate == F_CLOSED) {
			/*
			 * One closed block and nothing after it: its body
			 * alone, without the newline before the closing fence.
			 */
			end = o->fline > o->fbody ? o->fline - 1 : o->fbody;
			if (shape(o, f + o->fbody, end - o->fbody) == -1)
				return MS_ESOFTWARE;
			o->fstate = F_PASS;
			ms_buf_release(&o->fence);
		} else if (pass_held(o) == -1) /* not closed: as written */
			return MS_ESOFTWARE;
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
