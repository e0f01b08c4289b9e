/* errbody.c: the human-readable message in an error body of any shape. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>
#include <json-c/json.h>

#include "ms.h"
#include "errbody.h"

/*
 * Everything here only builds a message for a human: when memory runs
 * out, a message cut short (or the body's own text instead of what it
 * says) is the accepted outcome, not an error.
 */

struct json_object *
msi_json_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *
msi_json_getstr(struct json_object *o, const char *key)
{
	struct json_object *v = msi_json_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A value written as compact JSON; "" when out of memory. */
static const char *
to_text(struct json_object *o)
{
	const char *s =
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	return s != NULL ? s : "";
}

/*
 * The length of a character of the valid UTF-8 at s (n > 0 bytes) that
 * must not reach a terminal as it is (a control, a line or paragraph
 * separator, a bidirectional override), or 0 when it may.
 */
static size_t
unsafe(const unsigned char *s, size_t n)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2; /* C1: U+0080 to U+009F, CSI and OSC among them */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xa8 &&
	    s[2] <= 0xae)
		return 3; /* U+2028 to U+202E */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 &&
	    s[2] <= 0xa9)
		return 3; /* U+2066 to U+2069 */
	return 0;
}

/* The length of the character at s (n > 0 bytes of valid UTF-8). */
static size_t
charlen(const unsigned char *s, size_t n)
{
	size_t k = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;

	return k < n ? k : n;
}

size_t
msi_clean(char *dst, size_t dstsz, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, at = 0, k, off;
	int space = 1, bad = 0;

	if (dstsz == 0)
		return 0;
	while (i < n) {
		k = 1;
		if (s[i] > ' ' && s[i] < 0x7f) {
			/* Printable ASCII, the common case. */
			if (at + 1 >= dstsz)
				break;
			dst[at++] = (char)s[i++];
			space = bad = 0;
			continue;
		}
		if (s[i] >= 0x80) {
			k = n - i < 4 ? n - i : 4;
			if (ms_utf8_check(src + i, k, &off) != 0 && off == 0) {
				/* Invalid: one U+FFFD for a run of such bytes. */
				i++;
				if (bad)
					continue;
				if (at + 3 >= dstsz)
					break;
				memcpy(dst + at, "\xef\xbf\xbd", 3);
				at += 3;
				space = 0, bad = 1;
				continue;
			}
			if ((k = unsafe(s + i, n - i)) == 0) {
				k = charlen(s + i, n - i);
				if (at + k >= dstsz)
					break;
				memcpy(dst + at, s + i, k);
				at += k, i += k;
				space = bad = 0;
				continue;
			}
		}
		/* A blank or a control (NUL too): one space for a run. */
		i += k;
		if (!space && at + 1 < dstsz)
			dst[at++] = ' ';
		space = 1, bad = 0;
	}
	while (at > 0 && dst[at - 1] == ' ')
		at--;
	dst[at] = '\0';
	return at;
}

/* Copy text as one printable line after out[0..at), as msi_clean does. */
static size_t
oneline(const char *s, size_t len, char *out, size_t outsz, size_t at)
{
	if (at >= outsz)
		return at;
	at += msi_clean(out + at, outsz - at, s, len);
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

static struct json_object *
parse(const char *s, size_t len)
{
	return msi_json_parse(NULL, s, len);
}

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
		return append(out, outsz, at, to_text(d));
	/* Out of memory, b keeps what it holds: the message is cut short. */
	ms_buf_init(&b);
	n = json_object_array_length(d);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(d, i);
		if ((m = msi_json_getstr(it, "msg")) == NULL)
			m = to_text(it);
		if (i > 0)
			ms_buf_addstr(&b, "; ");
		ms_buf_addstr(&b, m);
		loc = msi_json_get(it, "loc");
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

/*
 * An "error" member: 1 when it is one this reads (a string or an object),
 * its message appended at *at; 0 when the body must say it elsewhere.
 */
static int
message_error(
    struct json_object *e, char *out, size_t outsz, size_t *at, int depth)
{
	struct json_object *md;
	const char *s;

	if (e != NULL && json_object_is_type(e, json_type_string)) {
		*at = append(out, outsz, *at, json_object_get_string(e));
		return 1;
	}
	if (e == NULL || !json_object_is_type(e, json_type_object))
		return 0;
	if ((s = msi_json_getstr(e, "message")) != NULL)
		*at = append(out, outsz, *at, s);
	else
		*at = message_json(e, out, outsz, *at, depth + 1);
	md = msi_json_get(e, "metadata");
	if ((s = msi_json_getstr(md, "raw")) != NULL) {
		/* The provider's own words, unless they say it again. */
		char raw[512];
		size_t n = message_raw(s, raw, sizeof(raw), 0, depth);

		if (n > 0 && strstr(out, raw) == NULL)
			*at = append(out, outsz, *at, raw);
	}
	return 1;
}

static size_t
message_json(
    struct json_object *o, char *out, size_t outsz, size_t at, int depth)
{
	struct json_object *d;
	const char *s;

	if (json_object_is_type(o, json_type_string))
		return append(out, outsz, at, json_object_get_string(o));
	if (!json_object_is_type(o, json_type_object))
		return at;
	if (message_error(msi_json_get(o, "error"), out, outsz, &at, depth))
		return at;
	if ((s = msi_json_getstr(o, "message")) != NULL)
		return append(out, outsz, at, s);
	if ((d = msi_json_get(o, "message")) != NULL &&
	    json_object_is_type(d, json_type_object) && depth < 4)
		return message_json(d, out, outsz, at, depth + 1);
	if ((d = msi_json_get(o, "detail")) != NULL)
		return message_detail(d, out, outsz, at);
	if ((s = msi_json_getstr(o, "msg")) != NULL)
		return append(out, outsz, at, s);
	return at;
}

size_t
msi_error_object(struct json_object *e, char *out, size_t outsz)
{
	size_t at = 0;

	out[0] = '\0';
	message_error(e, out, outsz, &at, 0);
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
	/* Out of memory, txt keeps what it holds: the message is cut short. */
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

size_t
msi_json_values(const char *s, size_t n)
{
	const char *e = s + n, *q;
	size_t k = 1;

	for (; s < e; s++) {
		if (*s == '"') {
			/* A string: to its closing quote, over escapes. */
			while ((q = memchr(s + 1, '"', (size_t)(e - s - 1))) !=
			    NULL) {
				const char *b = q;

				while (b > s + 1 && b[-1] == '\\')
					b--;
				s = q;
				if ((q - b) % 2 == 0)
					break;
			}
			if (q == NULL)
				break;
		} else if (*s == ',' || *s == ':' || *s == '[' || *s == '{')
			k++;
	}
	return k;
}

struct json_object *
msi_json_parse(struct json_tokener *keep, const char *s, size_t len)
{
	struct json_tokener *tok = keep;
	struct json_object *o;

	if (msi_json_values(s, len) > MS_MAX_JSON_VALUES)
		return NULL;
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
