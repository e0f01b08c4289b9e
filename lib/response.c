/* response.c: chat-completion answers, streamed or whole, and error bodies. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>
#include <json-c/json.h>

#include "ms.h"

void
ms_resp_init(struct ms_resp *r, ms_delta_fn fn, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->on_delta = fn;
	r->arg = arg;
	ms_buf_init(&r->text);
}

void
ms_resp_release(struct ms_resp *r)
{
	if (r->tok != NULL)
		json_tokener_free(r->tok);
	r->tok = NULL;
	ms_buf_release(&r->text);
}

static struct json_object *
get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *
getstr(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Copy text as one printable line: controls become spaces, runs fold. */
static size_t
oneline(const char *s, size_t len, char *out, size_t outsz, size_t at)
{
	int space = at == 0 || out[at - 1] == ' ';
	size_t i;

	for (i = 0; i < len && at + 1 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!space)
				out[at++] = ' ';
			space = 1;
			continue;
		}
		out[at++] = (char)c;
		space = 0;
	}
	/* Cut short: never in the middle of a character. */
	if (i < len)
		at = ms_utf8_complete(out, at);
	while (at > 0 && out[at - 1] == ' ')
		at--;
	out[at] = '\0';
	return at;
}

static size_t
append(char *out, size_t outsz, size_t at, const char *s)
{
	if (at > 0 && at + 2 < outsz) {
		out[at++] = ':';
		out[at++] = ' ';
	}
	return oneline(s, strlen(s), out, outsz, at);
}

static size_t message_json(struct json_object *, char *, size_t, size_t, int);

static struct json_object *parse(const char *, size_t);

/*
 * A provider's own error as a JSON string (OpenRouter's metadata.raw):
 * take its message when it parses, else the text itself.
 */
static size_t
message_raw(const char *raw, char *out, size_t outsz, size_t at, int depth)
{
	struct json_object *o;
	size_t n;

	o = parse(raw, strlen(raw));
	if (o != NULL && depth < 4) {
		n = message_json(o, out, outsz, at, depth + 1);
		json_object_put(o);
		if (n > at)
			return n;
		return at;
	}
	json_object_put(o);
	return append(out, outsz, at, raw);
}

/* FastAPI's 422: "detail": [{"loc": [...], "msg": "...", ...}, ...]. */
static size_t
message_detail(struct json_object *d, char *out, size_t outsz, size_t at)
{
	struct json_object *it, *loc;
	struct ms_buf b;
	size_t i, j, n;
	const char *m;

	if (json_object_is_type(d, json_type_string))
		return append(out, outsz, at, json_object_get_string(d));
	if (!json_object_is_type(d, json_type_array))
		return append(out, outsz, at,
		    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
	ms_buf_init(&b);
	n = json_object_array_length(d);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(d, i);
		if ((m = getstr(it, "msg")) == NULL)
			m = json_object_to_json_string_ext(
			    it, JSON_C_TO_STRING_PLAIN);
		if (i > 0)
			ms_buf_addstr(&b, "; ");
		ms_buf_addstr(&b, m);
		loc = get(it, "loc");
		if (loc && json_object_is_type(loc, json_type_array)) {
			ms_buf_addstr(&b, " (");
			for (j = 0; j < json_object_array_length(loc); j++) {
				if (j > 0)
					ms_buf_addch(&b, '.');
				m = json_object_get_string(
				    json_object_array_get_idx(loc, j));
				ms_buf_addstr(&b, m != NULL ? m : "null");
			}
			ms_buf_addch(&b, ')');
		}
	}
	at = append(out, outsz, at, b.data);
	ms_buf_release(&b);
	return at;
}

static size_t
message_json(
    struct json_object *o, char *out, size_t outsz, size_t at, int depth)
{
	struct json_object *e, *md, *d;
	const char *s;

	if (json_object_is_type(o, json_type_string))
		return append(out, outsz, at, json_object_get_string(o));
	if (!json_object_is_type(o, json_type_object))
		return at;
	e = get(o, "error");
	if (e != NULL && json_object_is_type(e, json_type_string))
		return append(out, outsz, at, json_object_get_string(e));
	if (e != NULL && json_object_is_type(e, json_type_object)) {
		if ((s = getstr(e, "message")) != NULL)
			at = append(out, outsz, at, s);
		else
			at = message_json(e, out, outsz, at, depth + 1);
		md = get(e, "metadata");
		if ((s = getstr(md, "raw")) != NULL) {
			/* The provider's own words, unless they say it again. */
			char raw[512];
			size_t n = message_raw(s, raw, sizeof(raw), 0, depth);

			if (n > 0 && strstr(out, raw) == NULL)
				at = append(out, outsz, at, raw);
		}
		return at;
	}
	if ((s = getstr(o, "message")) != NULL)
		return append(out, outsz, at, s);
	if ((d = get(o, "message")) != NULL &&
	    json_object_is_type(d, json_type_object) && depth < 4)
		return message_json(d, out, outsz, at, depth + 1);
	if ((d = get(o, "detail")) != NULL)
		return message_detail(d, out, outsz, at);
	if ((s = getstr(o, "msg")) != NULL)
		return append(out, outsz, at, s);
	return at;
}

/* The text of an HTML element from s up to its end tag, tags dropped. */
static size_t
tag_text(const char *s, const char *e, const char *end_tag, char *out,
    size_t outsz, size_t at)
{
	const char *te = strnstr(s, end_tag, (size_t)(e - s));
	struct ms_buf txt;
	int intag = 0;

	if (te == NULL)
		te = e;
	ms_buf_init(&txt);
	for (; s < te && txt.len < outsz; s++) {
		if (*s == '<')
			intag = 1;
		else if (*s == '>' && intag) {
			intag = 0;
			ms_buf_addch(&txt, ' ');
		} else if (!intag)
			ms_buf_addch(&txt, *s);
	}
	if (txt.len > 0) {
		char *one = malloc(txt.len + 1);

		if (one != NULL) {
			oneline(txt.data, txt.len, one, txt.len + 1, 0);
			if (*one != '\0')
				at = append(out, outsz, at, one);
			free(one);
		}
	}
	ms_buf_release(&txt);
	return at;
}

/*
 * A body that is not JSON: an HTML page's <title> (or first heading) and
 * its first paragraph, or else the text itself.
 */
static size_t
message_text(const char *body, size_t len, char *out, size_t outsz)
{
	const char *e = body + len, *t, *p;
	size_t at = 0;

	out[0] = '\0';
	if ((t = strnstr(body, "<title>", len)) != NULL)
		at = tag_text(t + 7, e, "</title>", out, outsz, at);
	else if ((t = strnstr(body, "<h1>", len)) != NULL)
		at = tag_text(t + 4, e, "</h1>", out, outsz, at);
	if ((p = strnstr(body, "<p>", len)) != NULL ||
	    (p = strnstr(body, "<p ", len)) != NULL) {
		p = memchr(p, '>', (size_t)(e - p));
		if (p != NULL)
			at = tag_text(p + 1, e, "</p>", out, outsz, at);
	}
	if (at == 0 && t == NULL)
		at = tag_text(body, e, "\x01", out, outsz, 0);
	return at;
}

static struct json_object *
parse_with(struct json_tokener *keep, const char *s, size_t len)
{
	struct json_tokener *tok = keep;
	struct json_object *o;

	if (tok == NULL && (tok = json_tokener_new()) == NULL)
		return NULL;
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(
	    tok, s, (int)(len > INT32_MAX ? INT32_MAX : len));
	if (o != NULL && tok->char_offset < (int)len) {
		/* Trailing bytes other than blanks mean it was not one value. */
		size_t i;

		for (i = (size_t)tok->char_offset; i < len; i++)
			if (!isspace((unsigned char)s[i])) {
				json_object_put(o);
				o = NULL;
				break;
			}
	}
	if (keep == NULL)
		json_tokener_free(tok);
	return o;
}

static struct json_object *
parse(const char *s, size_t len)
{
	return parse_with(NULL, s, len);
}

size_t
ms_error_message(const char *body, size_t len, char *out, size_t outsz)
{
	struct json_object *o;
	size_t n = 0;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (len == 0)
		return 0;
	if ((o = parse(body, len)) != NULL) {
		n = message_json(o, out, outsz, 0, 0);
		if (n == 0 && !json_object_is_type(o, json_type_string))
			n = oneline(body, len, out, outsz, 0);
		json_object_put(o);
		return n;
	}
	return message_text(body, len, out, outsz);
}

static void
take_usage(struct ms_resp *r, struct json_object *u)
{
	struct json_object *v;

	if (u == NULL || !json_object_is_type(u, json_type_object))
		return;
	if ((v = get(u, "prompt_tokens")) != NULL &&
	    json_object_is_type(v, json_type_int)) {
		r->usage.prompt_tokens = (long)json_object_get_int64(v);
		r->usage.has_tokens = 1;
	}
	if ((v = get(u, "completion_tokens")) != NULL &&
	    json_object_is_type(v, json_type_int)) {
		r->usage.completion_tokens = (long)json_object_get_int64(v);
		r->usage.has_tokens = 1;
	}
	if ((v = get(u, "cost")) != NULL &&
	    (json_object_is_type(v, json_type_double) ||
		json_object_is_type(v, json_type_int))) {
		r->usage.cost = json_object_get_double(v);
		r->usage.has_cost = 1;
	}
}

/* An error object inside an answer: its message into err. */
static int
answer_error(struct json_object *e, struct ms_error *err)
{
	char msg[sizeof(err->msg) - 64];
	struct json_object *wrap;
	size_t n;

	msg[0] = '\0';
	/* Reuse the body parser by wrapping it as {"error": e}. */
	wrap = json_object_new_object();
	json_object_object_add(wrap, "error", json_object_get(e));
	n = message_json(wrap, msg, sizeof(msg), 0, 0);
	json_object_put(wrap);
	if (n == 0)
		strlcpy(msg, "unspecified error", sizeof(msg));
	return ms_error_set(err, MS_EUNAVAIL, "%s", msg);
}

static int
delta(struct ms_resp *r, const char *s, size_t n, struct ms_error *err)
{
	int kind;

	if (n == 0)
		return 0;
	r->got_content = 1;
	if (r->on_delta == NULL)
		return 0;
	if ((kind = r->on_delta(r->arg, s, n)) != 0)
		return ms_error_set(
		    err, (enum ms_errkind)kind, "cannot write the answer");
	return 0;
}

/* One chunk or whole answer object; msgkey is "delta" or "message". */
static int
answer(struct ms_resp *r, struct json_object *o, const char *msgkey,
    struct ms_error *err)
{
	struct json_object *e, *ch, *c0, *m, *c, *fr;
	const char *s;

	if ((s = getstr(o, "provider")) != NULL)
		strlcpy(r->provider, s, sizeof(r->provider));
	if ((s = getstr(o, "model")) != NULL)
		strlcpy(r->model, s, sizeof(r->model));
	take_usage(r, get(o, "usage"));
	e = get(o, "error");
	if (e != NULL && !json_object_is_type(e, json_type_null))
		return answer_error(e, err);
	ch = get(o, "choices");
	if (ch == NULL || !json_object_is_type(ch, json_type_array) ||
	    json_object_array_length(ch) == 0)
		return 0;
	c0 = json_object_array_get_idx(ch, 0);
	if (c0 == NULL || !json_object_is_type(c0, json_type_object))
		return ms_error_set(err, MS_EPROTOCOL,
		    "a choice is not an "
		    "object");
	e = get(c0, "error");
	if (e != NULL && !json_object_is_type(e, json_type_null))
		return answer_error(e, err);
	m = get(c0, msgkey);
	if (m == NULL && strcmp(msgkey, "delta") == 0)
		m = get(c0, "message"); /* some servers end with a message */
	c = get(m, "content");
	if (c != NULL && json_object_is_type(c, json_type_string) &&
	    delta(r, json_object_get_string(c),
		(size_t)json_object_get_string_len(c), err) == -1)
		return -1;
	fr = get(c0, "finish_reason");
	if (fr != NULL && json_object_is_type(fr, json_type_string) &&
	    json_object_get_string_len(fr) > 0) {
		s = json_object_get_string(fr);
		strlcpy(r->finish_reason, s, sizeof(r->finish_reason));
		r->finished = 1;
		if (strcmp(s, "error") == 0)
			return ms_error_set(err, MS_EUNAVAIL,
			    "the answer ended with finish_reason \"error\"");
	}
	return 0;
}

/*
 * The fast path for the events of a stream.  Nearly every event is a chunk
 * of one shape, and json-c builds a tree of a dozen objects for each, which
 * costs more than all the rest of the streaming path.  This scanner reads
 * that shape in place, in one pass, allocating nothing: it checks the whole
 * event as strict JSON and picks out model, provider,
 * choices[0].delta.content and choices[0].finish_reason.  Whatever it is
 * not sure of (usage, error, message, an escape it does not decode, a
 * number json-c might read otherwise, a key given twice, deep nesting,
 * anything not strict JSON) makes it decline before any effect, and json-c
 * reads the event as before.  Either way the results are the same; the
 * unit tests and tests/fuzz/event.c compare the two.
 */
#define SCAN_DEPTH 24 /* json-c refuses more than 32 */

struct span {
	const char *s;
	size_t n;
	int esc; /* has a backslash escape */
	int set; /* seen */
};

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

/* What the fast path found in one event. */
struct chunk {
	struct span model, provider, content, finish;
	int choices, deltas; /* times seen */
};

static int scan_value(struct scan *, int *isnull);
static int scan_object(struct scan *, struct chunk *,
    int (*)(struct scan *, struct chunk *, const struct span *));

/*
 * An array, at its opening bracket: its first value an object read with
 * first, when given; every other value skipped.
 */
static int
scan_array(struct scan *sc, struct chunk *ck,
    int (*first)(struct scan *, struct chunk *, const struct span *))
{
	int isnull, i = 0;

	if (++sc->depth > SCAN_DEPTH)
		return -1;
	sc->p++;
	if (scan_char(sc, ']'))
		return sc->depth--, 0;
	do {
		if (i++ == 0 && first != NULL ? scan_object(sc, ck, first) == -1
					      : scan_value(sc, &isnull) == -1)
			return -1;
	} while (scan_char(sc, ','));
	if (!scan_char(sc, ']'))
		return -1;
	sc->depth--;
	return 0;
}

/* A member no one wants: its value skipped. */
static int
skip_member(struct scan *sc, struct chunk *ck, const struct span *key)
{
	int isnull;

	(void)ck;
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
scan_object(struct scan *sc, struct chunk *ck,
    int (*fn)(struct scan *, struct chunk *, const struct span *))
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
		if (fn(sc, ck, &key) == -1)
			return -1;
	} while (scan_char(sc, ','));
	if (!scan_char(sc, '}'))
		return -1;
	sc->depth--;
	return 0;
}

static int
in_delta(struct scan *sc, struct chunk *ck, const struct span *key)
{
	int isnull;

	if (keyis(key, "content"))
		return scan_str_or_null(sc, &ck->content, 0);
	return scan_value(sc, &isnull);
}

static int
in_choice(struct scan *sc, struct chunk *ck, const struct span *key)
{
	int isnull;

	if (keyis(key, "finish_reason")) {
		if (scan_str_or_null(sc, &ck->finish, 1) == -1 ||
		    ck->finish.esc)
			return -1;
		return 0;
	}
	if (keyis(key, "delta")) {
		if (ck->deltas++ > 0)
			return -1;
		return scan_object(sc, ck, in_delta);
	}
	if (keyis(key, "error") || keyis(key, "message")) {
		if (scan_value(sc, &isnull) == -1 || !isnull)
			return -1;
		return keyis(key, "message") ? -1 : 0;
	}
	return scan_value(sc, &isnull);
}

static int
in_event(struct scan *sc, struct chunk *ck, const struct span *key)
{
	int isnull;

	if (keyis(key, "model"))
		return scan_str_or_null(sc, &ck->model, 1);
	if (keyis(key, "provider"))
		return scan_str_or_null(sc, &ck->provider, 1);
	if (keyis(key, "usage") || keyis(key, "error"))
		return scan_value(sc, &isnull) == -1 || !isnull ? -1 : 0;
	if (keyis(key, "choices")) {
		if (ck->choices++ > 0)
			return -1;
		scan_ws(sc);
		if (sc->p >= sc->end || *sc->p != '[')
			return scan_value(sc, &isnull);
		return scan_array(sc, ck, in_choice);
	}
	return scan_value(sc, &isnull);
}

/* The decoded bytes of a string with escapes scan_string accepted. */
static int
unescape(struct ms_buf *b, const struct span *sp)
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

static void
copy_span(char *dst, size_t size, const struct span *sp)
{
	size_t n = sp->n < size - 1 ? sp->n : size - 1;

	memcpy(dst, sp->s, n);
	dst[n] = '\0';
}

/*
 * One event by the fast path: 1 when it was read (and its effects had),
 * -1 when they failed (err set), 0 when declined, with no effect at all.
 */
static int
fast_event(struct ms_resp *r, const char *s, size_t n, struct ms_error *err)
{
	struct scan sc = { s, s + n, 0 };
	struct chunk ck;
	const char *text;
	size_t len;

	memset(&ck, 0, sizeof(ck));
	if (scan_object(&sc, &ck, in_event) == -1)
		return 0;
	scan_ws(&sc);
	if (sc.p != sc.end || ck.model.esc || ck.provider.esc)
		return 0;
	text = ck.content.s;
	len = ck.content.n;
	if (ck.content.esc) {
		if (unescape(&r->text, &ck.content) == -1)
			return 0;
		text = r->text.data;
		len = r->text.len;
	}
	r->fast++;
	/* The effects, in the order answer() has them. */
	if (ck.provider.set)
		copy_span(r->provider, sizeof(r->provider), &ck.provider);
	if (ck.model.set)
		copy_span(r->model, sizeof(r->model), &ck.model);
	if (ck.content.set && delta(r, text, len, err) == -1)
		return -1;
	if (ck.finish.set && ck.finish.n > 0) {
		copy_span(
		    r->finish_reason, sizeof(r->finish_reason), &ck.finish);
		r->finished = 1;
		if (strcmp(r->finish_reason, "error") == 0)
			return ms_error_set(err, MS_EUNAVAIL,
			    "the answer ended with finish_reason \"error\"");
	}
	return 1;
}

static int
isblank_str(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	return n == 0;
}

int
ms_resp_event(
    struct ms_resp *r, const struct ms_sse_event *ev, struct ms_error *err)
{
	struct json_object *o;
	const char *s = ev->data;
	size_t n = ev->len;
	int rc;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (strcmp(ev->event, "error") == 0) {
		char msg[sizeof(err->msg) - 64];

		if (ms_error_message(s, n, msg, sizeof(msg)) == 0)
			strlcpy(msg, "unspecified error", sizeof(msg));
		return ms_error_set(err, MS_EUNAVAIL, "%s", msg);
	}
	if (n == 0)
		return 0;
	if (n == 6 && memcmp(s, "[DONE]", 6) == 0) {
		r->done = 1;
		return 0;
	}
	/* Only something that tries to be JSON can be bad JSON. */
	if (s[0] != '{' && s[0] != '[')
		return 0;
	if (!r->slow && (rc = fast_event(r, s, n, err)) != 0)
		return rc == 1 ? 0 : -1;
	if (r->tok == NULL && (r->tok = json_tokener_new()) == NULL)
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	if ((o = parse_with(r->tok, s, n)) == NULL)
		return ms_error_set(
		    err, MS_EPROTOCOL, "bad JSON in the stream");
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return ms_error_set(
		    err, MS_EPROTOCOL, "an event is not a JSON object");
	}
	rc = answer(r, o, "delta", err);
	json_object_put(o);
	return rc;
}

int
ms_resp_body(
    struct ms_resp *r, const char *body, size_t len, struct ms_error *err)
{
	struct json_object *o, *ch;
	int rc;

	if (isblank_str(body, len))
		return ms_error_set(err, MS_EPROTOCOL, "empty answer");
	if ((o = parse(body, len)) == NULL)
		return ms_error_set(
		    err, MS_EPROTOCOL, "the answer is not JSON");
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return ms_error_set(
		    err, MS_EPROTOCOL, "the answer is not a JSON object");
	}
	if ((rc = answer(r, o, "message", err)) == 0) {
		ch = get(o, "choices");
		if (ch == NULL || !json_object_is_type(ch, json_type_array) ||
		    json_object_array_length(ch) == 0)
			rc = ms_error_set(
			    err, MS_EPROTOCOL, "the answer has no choices");
		else
			r->finished = 1;
	}
	json_object_put(o);
	return rc;
}

int
ms_resp_flush(struct ms_resp *r, struct ms_error *err)
{
	int kind;

	if (r->on_flush == NULL || (kind = r->on_flush(r->arg)) == 0)
		return 0;
	return ms_error_set(
	    err, (enum ms_errkind)kind, "cannot write the answer");
}

int
ms_resp_end(struct ms_resp *r, struct ms_error *err)
{
	if (r->done || r->finished)
		return 0;
	return ms_error_set(err, MS_EPROTOCOL,
	    "truncated stream: no "
	    "finish_reason and no [DONE]");
}
