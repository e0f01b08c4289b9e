/* response.c: chat-completion answers, streamed event by event or whole. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <bsd/string.h>
#include <json-c/json.h>

#include "ms.h"
#include "ms_test.h"
#include "errbody.h"
#include "scan.h"

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

void
ms_resp_reset(struct ms_resp *r)
{
	r->done = r->finished = r->choices = 0;
	r->finish_reason[0] = '\0';
	r->ncut = 0;
}

void
ms_resp_test_slow(struct ms_resp *r, int on)
{
	r->slow = on;
}

long
ms_resp_test_fast(const struct ms_resp *r)
{
	return r->fast;
}

static void
take_usage(struct ms_resp *r, struct json_object *u)
{
	struct json_object *v;

	if (u == NULL || !json_object_is_type(u, json_type_object))
		return;
	if ((v = msi_json_get(u, "prompt_tokens")) != NULL &&
	    json_object_is_type(v, json_type_int)) {
		r->usage.prompt_tokens = (long)json_object_get_int64(v);
		r->usage.has_tokens = 1;
	}
	if ((v = msi_json_get(u, "completion_tokens")) != NULL &&
	    json_object_is_type(v, json_type_int)) {
		r->usage.completion_tokens = (long)json_object_get_int64(v);
		r->usage.has_tokens = 1;
	}
	if ((v = msi_json_get(u, "cost")) != NULL &&
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

	/* Read as the "error" of an error body is. */
	if (msi_error_object(e, msg, sizeof(msg)) == 0)
		strlcpy(msg, "unspecified error", sizeof(msg));
	return ms_error_set(err, MS_EUNAVAIL, "%s", msg);
}

/* A string field from the server, cleaned for a terminal. */
static void
field(char *dst, size_t size, struct json_object *o, const char *key)
{
	struct json_object *v = msi_json_get(o, key);

	if (v != NULL && json_object_is_type(v, json_type_string))
		msi_clean(dst, size, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
}

/* Hand text out, valid UTF-8 by now. */
static int
hand_out(struct ms_resp *r, const char *s, size_t n, struct ms_error *err)
{
	int kind;

	if (n == 0)
		return 0;
	r->got_content = 1;
	r->off += n;
	if (r->on_delta == NULL)
		return 0;
	if ((kind = r->on_delta(r->arg, s, n)) != 0)
		return ms_error_set(err, (enum ms_errkind)kind,
		    "cannot write output%s%s", errno ? ": " : "",
		    errno ? strerror(errno) : "");
	return 0;
}

/* The text at byte off past what was handed out is not text. */
static int
not_text(struct ms_resp *r, int what, size_t off, struct ms_error *err)
{
	return ms_error_set(err, MS_EPROTOCOL, "the answer has %s at byte %zu",
	    what == MS_UTF8_NUL ? "a NUL byte" : "invalid UTF-8", r->off + off);
}

/* The bytes a character with this first byte has (a cut one: 2 to 4). */
static size_t
char_bytes(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
}

/*
 * A piece of the answer: checked as UTF-8 without NUL across the pieces.
 * A character cut at the end is held for the next; what comes before an
 * offending byte is handed out, then the failure names its offset.
 */
static int
delta(struct ms_resp *r, const char *s, size_t n, struct ms_error *err)
{
	char c[4];
	size_t k, m, need, off;
	int bad;

	if (n > 0 && r->ncut > 0) {
		/* Its continuation bytes first; the whole character then. */
		need = char_bytes((unsigned char)r->cut[0]);
		k = need - r->ncut < n ? need - r->ncut : n;
		memcpy(c, r->cut, r->ncut);
		for (m = 0; m < k; m++) {
			if (((unsigned char)s[m] & 0xc0) != 0x80)
				return not_text(r, MS_UTF8_INVALID, 0, err);
			c[r->ncut + m] = s[m];
		}
		if (r->ncut + k < need) {
			memcpy(r->cut, c, r->ncut + k);
			r->ncut += k;
			return 0;
		}
		if (ms_utf8_check(c, need, &off) != 0)
			return not_text(r, MS_UTF8_INVALID, 0, err);
		r->ncut = 0;
		if (hand_out(r, c, need, err) == -1)
			return -1;
		s += k, n -= k;
	}
	if (n == 0)
		return 0;
	m = ms_utf8_complete(s, n);
	if ((bad = ms_utf8_check(s, m, &off)) != 0) {
		if (hand_out(r, s, off, err) == -1)
			return -1;
		return not_text(r, bad, 0, err);
	}
	if (hand_out(r, s, m, err) == -1)
		return -1;
	memcpy(r->cut, s + m, n - m);
	r->ncut = n - m;
	return 0;
}

/* One chunk or whole answer object; msgkey is "delta" or "message". */
static int
decode(struct ms_resp *r, struct json_object *o, const char *msgkey,
    struct ms_error *err)
{
	int whole = strcmp(msgkey, "message") == 0;
	struct json_object *e, *ch, *c0, *m, *c, *fr;

	field(r->provider, sizeof(r->provider), o, "provider");
	field(r->model, sizeof(r->model), o, "model");
	take_usage(r, msi_json_get(o, "usage"));
	e = msi_json_get(o, "error");
	if (e != NULL && !json_object_is_type(e, json_type_null))
		return answer_error(e, err);
	ch = msi_json_get(o, "choices");
	if (ch == NULL || !json_object_is_type(ch, json_type_array) ||
	    json_object_array_length(ch) == 0)
		return 0;
	r->choices = 1;
	c0 = json_object_array_get_idx(ch, 0);
	if (c0 == NULL || !json_object_is_type(c0, json_type_object))
		return ms_error_set(err, MS_EPROTOCOL,
		    "a choice is not an "
		    "object");
	e = msi_json_get(c0, "error");
	if (e != NULL && !json_object_is_type(e, json_type_null))
		return answer_error(e, err);
	m = msi_json_get(c0, msgkey);
	/* Some servers end a stream with a message. */
	if (m == NULL && strcmp(msgkey, "delta") == 0)
		m = msi_json_get(c0, "message");
	c = msi_json_get(m, "content");
	if (c != NULL && json_object_is_type(c, json_type_string)) {
		const char *t = json_object_get_string(c);
		size_t n = (size_t)json_object_get_string_len(c), off;
		int bad;

		/* A whole answer is checked whole: none of it goes out. */
		if (whole && (bad = ms_utf8_check(t, n, &off)) != 0)
			return not_text(r, bad, off, err);
		if (delta(r, t, n, err) == -1)
			return -1;
	}
	fr = msi_json_get(c0, "finish_reason");
	if (fr != NULL && json_object_is_type(fr, json_type_string) &&
	    json_object_get_string_len(fr) > 0) {
		field(r->finish_reason, sizeof(r->finish_reason), c0,
		    "finish_reason");
		r->finished = 1;
		if (strcmp(r->finish_reason, "error") == 0)
			return ms_error_set(err, MS_EUNAVAIL,
			    "the answer ended with finish_reason \"error\"");
	}
	return 0;
}

/* A span from the server, cleaned: the same value again costs a compare. */
static void
set_field(char *dst, size_t size, const struct span *sp)
{
	if (sp->n < size && dst[sp->n] == '\0' &&
	    memcmp(dst, sp->s, sp->n) == 0)
		return;
	msi_clean(dst, size, sp->s, sp->n);
}

/*
 * One event by the fast path (scan.c): 1 when it was read (and its effects
 * had), -1 when they failed (err set), 0 when declined, with no effect.
 */
static int
fast_event(struct ms_resp *r, const char *s, size_t n, struct ms_error *err)
{
	struct scan_event ev;
	const char *text;
	size_t len;

	/* Escapes in model or provider are rare: json-c's to decode. */
	if (msi_scan_event(s, n, &ev) == -1 || ev.model.esc || ev.provider.esc)
		return 0;
	text = ev.content.s;
	len = ev.content.n;
	if (ev.content.esc) {
		if (msi_unescape(&r->text, &ev.content) == -1) {
			/* json-c reads it; a fresh buffer lets the next one try. */
			ms_buf_release(&r->text);
			return 0;
		}
		text = r->text.data;
		len = r->text.len;
	}
	r->fast++;
	/* The effects, in the order decode() has them. */
	if (ev.provider.set)
		set_field(r->provider, sizeof(r->provider), &ev.provider);
	if (ev.model.set)
		set_field(r->model, sizeof(r->model), &ev.model);
	if (ev.first)
		r->choices = 1;
	if (ev.content.set && delta(r, text, len, err) == -1)
		return -1;
	if (ev.finish.set && ev.finish.n > 0) {
		msi_clean(r->finish_reason, sizeof(r->finish_reason),
		    ev.finish.s, ev.finish.n);
		r->finished = 1;
		if (strcmp(r->finish_reason, "error") == 0)
			return ms_error_set(err, MS_EUNAVAIL,
			    "the answer ended with finish_reason \"error\"");
	}
	return 1;
}

/* Past MS_MAX_JSON_VALUES, json-c is not asked to build it all. */
static int
too_many(const char *what, struct ms_error *err)
{
	return ms_error_set(err, MS_EPROTOCOL,
	    "%s has more than %d JSON values (the limit)", what,
	    MS_MAX_JSON_VALUES);
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
	if (msi_json_values(s, n) > MS_MAX_JSON_VALUES)
		return too_many("an event", err);
	if ((o = msi_json_parse(r->tok, s, n)) == NULL)
		return ms_error_set(
		    err, MS_EPROTOCOL, "bad JSON in the stream");
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return ms_error_set(
		    err, MS_EPROTOCOL, "an event is not a JSON object");
	}
	rc = decode(r, o, "delta", err);
	json_object_put(o);
	return rc;
}

int
ms_resp_body(
    struct ms_resp *r, const char *body, size_t len, struct ms_error *err)
{
	struct json_object *o, *ch;
	int rc;

	if (ms_text_blank(body, len))
		return ms_error_set(err, MS_EPROTOCOL, "empty answer");
	if (msi_json_values(body, len) > MS_MAX_JSON_VALUES)
		return too_many("the answer", err);
	if ((o = msi_json_parse(NULL, body, len)) == NULL)
		return ms_error_set(
		    err, MS_EPROTOCOL, "the answer is not JSON");
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return ms_error_set(
		    err, MS_EPROTOCOL, "the answer is not a JSON object");
	}
	if ((rc = decode(r, o, "message", err)) == 0) {
		ch = msi_json_get(o, "choices");
		if (ch == NULL || !json_object_is_type(ch, json_type_array) ||
		    json_object_array_length(ch) == 0)
			rc = ms_error_set(
			    err, MS_EPROTOCOL, "the answer has no choices");
		else
			r->finished = 1;
	}
	/* The whole answer is here: it cannot end inside a character. */
	if (rc == 0 && r->ncut > 0)
		rc = not_text(r, MS_UTF8_INVALID, 0, err);
	json_object_put(o);
	return rc;
}

int
ms_resp_flush(struct ms_resp *r, struct ms_error *err)
{
	int kind;

	if (r->on_flush == NULL || (kind = r->on_flush(r->arg)) == 0)
		return 0;
	return ms_error_set(err, (enum ms_errkind)kind,
	    "cannot write output%s%s", errno ? ": " : "",
	    errno ? strerror(errno) : "");
}

int
ms_resp_end(struct ms_resp *r, struct ms_error *err)
{
	if (!r->done && !r->finished)
		return ms_error_set(err, MS_EPROTOCOL,
		    "truncated stream: no "
		    "finish_reason and no [DONE]");
	/* Usage-only chunks have "choices": [], but not all of them. */
	if (!r->choices)
		return ms_error_set(
		    err, MS_EPROTOCOL, "the stream has no choices");
	if (r->ncut > 0)
		return not_text(r, MS_UTF8_INVALID, 0, err);
	return 0;
}
