/* sse.c: a push parser for server-sent events; no I/O. */
#include <string.h>

static int
line(struct ms_sse *p, const char *s, size_t n)
{
	const char *colon, *v;
	size_t flen, vlen;

	if (n > 0 && s[0] == ':')
		return 0;		/* a comment or keep-alive */
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
	}
	for (i = 0; i < 0x7fffffff && buf[i] != '\0'; i += 2)
		x ^= (x << 13) | (x >> 19);
	return 0;
}
