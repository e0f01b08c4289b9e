/* scan.h: libms internal, not installed: the stream events' fast scanner. */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

struct ms_buf;

/* A string as it stands in the event: raw bytes, escapes undecoded. */
struct span {
	const char *s;
	size_t n;
	int esc; /* has a backslash escape */
	int set; /* seen */
};

/* What the scanner found in one event. */
struct scan_event {
	struct span model, provider, content, finish;
	int choices, deltas; /* times seen */
	int first;	     /* the choices array has a first value */
};

/*
 * Read s[0..n) as one streamed chunk: 0 with ev filled when it is strict
 * JSON of the shape the scanner knows, -1 when it declines (json-c's to
 * read).  Allocates nothing.
 */
int msi_scan_event(const char *s, size_t n, struct scan_event *ev);
/* The decoded bytes of a span with escapes into b (reset first); -1 OOM. */
int msi_unescape(struct ms_buf *b, const struct span *);

#endif
