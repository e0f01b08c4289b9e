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
}

void
ms_resp_release(struct ms_resp *r)
{
	if (r->tok != NULL)
		json_tokener_free(r->tok);
	r->tok = NULL;
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
ms_resp_end(struct ms_resp *r, struct ms_error *err)
{
	if (r->done || r->finished)
		return 0;
	return ms_error_set(err, MS_EPROTOCOL,
	    "truncated stream: no "
	    "finish_reason and no [DONE]");
}
