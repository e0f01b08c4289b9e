/*
 * body.c: fuzz the non-streamed answer parser and the error message
 * finder with any bytes a server may send.  The first byte chooses the
 * size of the message buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
on_delta(void *arg, const char *s, size_t n)
{
	size_t *total = arg, off;

	/* A whole answer goes out whole, and only as text. */
	if (n == 0 || s == NULL || ms_utf8_check(s, n, &off) != 0)
		abort();
	*total += n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 2, 3, 8, 17, 64, 300, 1024 };
	struct ms_resp r;
	struct ms_error err;
	const char *body;
	char *out;
	size_t len, outsz, n, total = 0, off;
	int rc;

	if (size < 1)
		return 0;
	outsz = sizes[data[0] % (sizeof(sizes) / sizeof(sizes[0]))];
	body = (const char *)data + 1;
	len = size - 1;

	ms_error_clear(&err);
	ms_resp_init(&r, on_delta, &total);
	rc = ms_resp_body(&r, body, len, &err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (err.kind == MS_OK || err.msg[0] == '\0'))
		abort();
	if (rc == 0 && !r.finished)
		abort();
	if (memchr(r.finish_reason, '\0', sizeof(r.finish_reason)) == NULL ||
	    memchr(r.provider, '\0', sizeof(r.provider)) == NULL ||
	    memchr(r.model, '\0', sizeof(r.model)) == NULL)
		abort();
	/* The server's fields are cleaned as messages are. */
	if (ms_utf8_check(r.model, strlen(r.model), &off) != 0 ||
	    ms_utf8_check(r.provider, strlen(r.provider), &off) != 0 ||
	    ms_utf8_check(r.finish_reason, strlen(r.finish_reason), &off) != 0)
		abort();
	ms_resp_release(&r);

	/* Exactly outsz bytes, so that ASan sees any write past it. */
	out = malloc(outsz);
	n = ms_error_message(body, len, out, outsz);
	if (n >= outsz || strlen(out) != n)
		abort();
	/* One line of valid UTF-8: no C0, DEL or C1 control characters. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f ||
		    ((unsigned char)out[i] == 0xc2 && i + 1 < n &&
			(unsigned char)out[i + 1] < 0xa0))
			abort();
	if (ms_utf8_check(out, n, &off) != 0)
		abort();
	free(out);
	return 0;
}
