/* buf.c: a growable byte buffer and the error record shared by libms. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "ms.h"

static char ms_buf_empty[1];

void
ms_error_clear(struct ms_error *e)
{
	e->kind = MS_OK;
	e->msg[0] = '\0';
}

int
ms_error_set(struct ms_error *e, enum ms_errkind kind, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (e == NULL)
		return -1;
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/*
	 * One line, whatever the parts from files and the environment hold
	 * (a name with a newline, a tag cut across lines, an escape sequence
	 * for the terminal): a blank for a tab, '?' for other controls.
	 */
	for (p = e->msg; *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

void
ms_buf_init(struct ms_buf *b)
{
	b->data = ms_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
}

void
ms_buf_release(struct ms_buf *b)
{
	if (b->cap > 0)
		free(b->data);
	ms_buf_init(b);
}

void
ms_buf_wipe(struct ms_buf *b)
{
	if (b->cap > 0)
		explicit_bzero(b->data, b->cap);
	ms_buf_release(b);
}

int
ms_buf_grow(struct ms_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->cap == 0) {
		if ((p = malloc(cap)) == NULL)
			goto fail;
		memcpy(p, b->data, b->len + 1);
	} else if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->oom = 1;
	return -1;
}

int
ms_buf_add(struct ms_buf *b, const void *p, size_t n)
{
	if (b->oom)
		return -1;
	if (n == 0)
		return 0;
	if (ms_buf_grow(b, n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
ms_buf_addstr(struct ms_buf *b, const char *s)
{
	return ms_buf_add(b, s, strlen(s));
}

int
ms_buf_addch(struct ms_buf *b, int c)
{
	char ch = (char)c;

	return ms_buf_add(b, &ch, 1);
}

int
ms_buf_printf(struct ms_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		/* Too large for an int: the text is lost all the same. */
		b->oom = 1;
		return -1;
	}
	if (ms_buf_grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
ms_buf_reset(struct ms_buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->data[0] = '\0';
}

void
ms_buf_consume(struct ms_buf *b, size_t n)
{
	if (n >= b->len) {
		ms_buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

char *
ms_buf_detach(struct ms_buf *b)
{
	char *p;
	int oom = b->oom;

	if (b->cap == 0)
		p = strdup("");
	else
		p = b->data;
	ms_buf_init(b);
	/* What was handed over may be incomplete: the caller checks first. */
	b->oom = oom;
	return p;
}
