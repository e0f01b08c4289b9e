/*
 * scan.c: the fast path for the events of a stream.  Nearly every event is
 * a chunk of one shape, and json-c builds a tree of a dozen objects for
 * each, which costs more than all the rest of the streaming path.  This
 * scanner reads that shape in place, in one pass, allocating nothing: it
 * checks the whole event as strict JSON and picks out model, provider,
 * choices[0].delta.content and choices[0].finish_reason.  Whatever it is
 * not sure of (usage, error, message, an escape it does not decode, a
 * number json-c might read otherwise, a key given twice, deep nesting,
 * anything not strict JSON) makes it decline before any effect, and json-c
 * reads the event as before.  Either way the results are the same; the
 * unit tests and tests/fuzz/event.c compare the two.
 */
#include <ctype.h>
#include <string.h>

#include "ms.h"
#include "scan.h"

#define SCAN_DEPTH 24 /* json-c refuses more than 32 */

struct scan {
	const char *p, *end;
	int depth;
};

static void
scan_ws(struct scan *sc)
{
	while (sc->p < sc->end &&
	    (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' ||
		*sc->p == '\t'))
		sc->p++;
}

static int
scan_char(struct scan *sc, char c)
{
	scan_ws(sc);
	if (sc->p >= sc->end || *sc->p != c)
		return 0;
	sc->p++;
	return 1;
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		*v = *v * 16 +
		    (unsigned)(isdigit((unsigned char)p[i])
			    ? p[i] - '0'
			    : (tolower((unsigned char)p[i]) - 'a' + 10));
	}
	return 0;
}

/* The bytes a string holds as they are: all but '"', '\\' and controls. */
/* clang-format off */
static const unsigned char plain[256] = {
	[0x20] =
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xa0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xb0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xc0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xd0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xe0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xf0 */
};
/* clang-format on */

/* A string, at its opening quote: its raw bytes in *sp.  -1: decline. */
static int
scan_string(struct scan *sc, struct span *sp)
{
	const char *p;
	unsigned v;

	scan_ws(sc);
	if (sc->p >= sc->end || *sc->p != '"')
		return -1;
	p = ++sc->p;
	sp->esc = 0;
	for (;;) {
		while (p < sc->end && plain[(unsigned char)*p])
			p++;
		if (p >= sc->end || (unsigned char)*p < 0x20)
			return -1;
		if (*p == '"')
			break;
		sp->esc = 1;
		if (sc->end - p < 2)
			return -1;
		if (strchr("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0')
			p += 2;
		else if (p[1] == 'u' && sc->end - p >= 6 &&
		    hex4(p + 2, &v) == 0 && v != 0 &&
		    (v < 0xd800 || v > 0xdfff))
			p += 6;
		else
			return -1; /* NUL, surrogates: json-c's to decode */
	}
	sp->s = sc->p;
	sp->n = (size_t)(p - sc->p);
	sp->set = 1;
	sc->p = p + 1;
	return 0;
}

/* A number json-c reads exactly as written: no exponent, few digits. */
static int
scan_number(struct scan *sc)
{
	const char *p = sc->p;
	size_t d;

	if (p < sc->end && *p == '-')
		p++;
	for (d = 0; p < sc->end && isdigit((unsigned char)*p); d++)
		p++;
	if (d == 0 || d > 15 || (d > 1 && p[-(long)d] == '0'))
		return -1;
	if (p < sc->end && *p == '.') {
		for (p++, d = 0; p < sc->end && isdigit((unsigned char)*p); d++)
			p++;
		if (d == 0 || d > 15)
			return -1;
	}
	if (p < sc->end && strchr("eE+-.0123456789", *p) != NULL)
		return -1;
	sc->p = p;
	return 0;
}

static int scan_value(struct scan *, int *isnull);
static int scan_object(struct scan *, struct scan_event *,
    int (*)(struct scan *, struct scan_event *, const struct span *));

/*
 * An array, at its opening bracket: its first value an object read with
 * first, when given; every other value skipped.
 */
static int
scan_array(struct scan *sc, struct scan_event *ev,
    int (*first)(struct scan *, struct scan_event *, const struct span *))
{
	int isnull, i = 0;

	if (++sc->depth > SCAN_DEPTH)
		return -1;
	sc->p++;
	if (scan_char(sc, ']'))
		return sc->depth--, 0;
	do {
		if (i++ == 0 && first != NULL) {
			ev->first = 1;
			if (scan_object(sc, ev, first) == -1)
				return -1;
		} else if (scan_value(sc, &isnull) == -1)
			return -1;
	} while (scan_char(sc, ','));
	if (!scan_char(sc, ']'))
		return -1;
	sc->depth--;
	return 0;
}

/* A member no one wants: its value skipped. */
static int
skip_member(struct scan *sc, struct scan_event *ev, const struct span *key)
{
	int isnull;

	(void)ev;
	(void)key;
	return scan_value(sc, &isnull);
}

/* Skip any value; *isnull tells a null. */
static int
scan_value(struct scan *sc, int *isnull)
{
	struct span sp;
	size_t n;
	const char *lit;

	*isnull = 0;
	scan_ws(sc);
	if (sc->p >= sc->end)
		return -1;
	switch (*sc->p) {
	case '{':
		return scan_object(sc, NULL, skip_member);
	case '[':
		return scan_array(sc, NULL, NULL);
	case '"':
		return scan_string(sc, &sp);
	case 't':
		lit = "true";
		break;
	case 'f':
		lit = "false";
		break;
	case 'n':
		lit = "null";
		*isnull = 1;
		break;
	default:
		return scan_number(sc);
	}
	n = strlen(lit);
	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, lit, n) != 0)
		return -1;
	sc->p += n;
	if (sc->p < sc->end && isalnum((unsigned char)*sc->p))
		return -1;
	return 0;
}

static int
keyis(const struct span *k, const char *name)
{
	return k->n == strlen(name) && memcmp(k->s, name, k->n) == 0;
}

/* A string value, or null (left unset); anything else: declined. */
static int
scan_str_or_null(struct scan *sc, struct span *sp, int any)
{
	int isnull;

	if (sp->set)
		return -1; /* the key twice: json-c keeps the last */
	scan_ws(sc);
	if (sc->p < sc->end && *sc->p == '"')
		return scan_string(sc, sp);
	if (scan_value(sc, &isnull) == -1 || !(isnull || any))
		return -1;
	return 0;
}

/* The members of one object; fn picks the keys it wants. */
static int
scan_object(struct scan *sc, struct scan_event *ev,
    int (*fn)(struct scan *, struct scan_event *, const struct span *))
{
	struct span key;

	scan_ws(sc);
	if (sc->p >= sc->end || *sc->p != '{' || ++sc->depth > SCAN_DEPTH)
		return -1;
	sc->p++;
	if (scan_char(sc, '}'))
		return sc->depth--, 0;
	do {
		/* An escaped key may spell one of ours: json-c's to read. */
		if (scan_string(sc, &key) == -1 || key.esc ||
		    !scan_char(sc, ':'))
			return -1;
		if (fn(sc, ev, &key) == -1)
			return -1;
	} while (scan_char(sc, ','));
	if (!scan_char(sc, '}'))
		return -1;
	sc->depth--;
	return 0;
}

static int
in_delta(struct scan *sc, struct scan_event *ev, const struct span *key)
{
	int isnull;

	if (keyis(key, "content"))
		return scan_str_or_null(sc, &ev->content, 0);
	return scan_value(sc, &isnull);
}

static int
in_choice(struct scan *sc, struct scan_event *ev, const struct span *key)
{
	int isnull;

	if (keyis(key, "finish_reason")) {
		if (scan_str_or_null(sc, &ev->finish, 1) == -1 ||
		    ev->finish.esc)
			return -1;
		return 0;
	}
	if (keyis(key, "delta")) {
		if (ev->deltas++ > 0)
			return -1;
		return scan_object(sc, ev, in_delta);
	}
	if (keyis(key, "error") || keyis(key, "message")) {
		if (scan_value(sc, &isnull) == -1 || !isnull)
			return -1;
		return keyis(key, "message") ? -1 : 0;
	}
	return scan_value(sc, &isnull);
}

static int
in_event(struct scan *sc, struct scan_event *ev, const struct span *key)
{
	int isnull;

	if (keyis(key, "model"))
		return scan_str_or_null(sc, &ev->model, 1);
	if (keyis(key, "provider"))
		return scan_str_or_null(sc, &ev->provider, 1);
	if (keyis(key, "usage") || keyis(key, "error"))
		return scan_value(sc, &isnull) == -1 || !isnull ? -1 : 0;
	if (keyis(key, "choices")) {
		if (ev->choices++ > 0)
			return -1;
		scan_ws(sc);
		if (sc->p >= sc->end || *sc->p != '[')
			return scan_value(sc, &isnull);
		return scan_array(sc, ev, in_choice);
	}
	return scan_value(sc, &isnull);
}

/*
 * A span scan_string read: its escapes are whole and checked, none a
 * surrogate or a NUL, so they decode without a second look.
 */
int
msi_unescape(struct ms_buf *b, const struct span *sp)
{
	const char *p = sp->s, *e = sp->s + sp->n;
	unsigned v;
	char u[3];

	ms_buf_reset(b);
	while (p < e) {
		const char *q = memchr(p, '\\', (size_t)(e - p));

		if (q == NULL)
			q = e;
		if (ms_buf_add(b, p, (size_t)(q - p)) == -1)
			return -1;
		if ((p = q) == e)
			break;
		switch (p[1]) {
		case 'b':
			v = '\b';
			break;
		case 'f':
			v = '\f';
			break;
		case 'n':
			v = '\n';
			break;
		case 'r':
			v = '\r';
			break;
		case 't':
			v = '\t';
			break;
		case 'u':
			hex4(p + 2, &v);
			p += 4;
			break;
		default:
			v = (unsigned char)p[1];
			break;
		}
		p += 2;
		if (v < 0x80) {
			u[0] = (char)v;
			if (ms_buf_add(b, u, 1) == -1)
				return -1;
		} else if (v < 0x800) {
			u[0] = (char)(0xc0 | v >> 6);
			u[1] = (char)(0x80 | (v & 0x3f));
			if (ms_buf_add(b, u, 2) == -1)
				return -1;
		} else {
			u[0] = (char)(0xe0 | v >> 12);
			u[1] = (char)(0x80 | (v >> 6 & 0x3f));
			u[2] = (char)(0x80 | (v & 0x3f));
			if (ms_buf_add(b, u, 3) == -1)
				return -1;
		}
	}
	return 0;
}

int
msi_scan_event(const char *s, size_t n, struct scan_event *ev)
{
	struct scan sc = { s, s + n, 0 };

	memset(ev, 0, sizeof(*ev));
	if (scan_object(&sc, ev, in_event) == -1)
		return -1;
	scan_ws(&sc);
	return sc.p == sc.end ? 0 : -1;
}
