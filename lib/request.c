/* request.c: the JSON body of a chat-completion request, per dialect. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "ms.h"

static const char *const dialects[] = {
	[MS_DIALECT_OPENAI] = "openai",
	[MS_DIALECT_OPENROUTER] = "openrouter",
	[MS_DIALECT_MISTRAL] = "mistral",
};

const char *
ms_dialect_name(enum ms_dialect d)
{
	return dialects[d];
}

int
ms_dialect_parse(const char *s, enum ms_dialect *d)
{
	size_t i;

	for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		if (strcmp(s, dialects[i]) == 0) {
			*d = (enum ms_dialect)i;
			return 0;
		}
	return -1;
}

/* A number as a person wrote it: 0.2, not 0.20000000000000001. */
static struct json_object *
dbl(double x)
{
	char b[32];

	snprintf(b, sizeof(b), "%.15g", x);
	return json_object_new_double_s(x, b);
}

static struct json_object *
strarray(const char *first, const char **v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	if (first != NULL)
		json_object_array_add(a, json_object_new_string(first));
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

int
ms_request_json(
    const struct ms_request *rq, struct ms_buf *out, struct ms_error *err)
{
	struct json_object *o, *msgs, *m, *x;
	const char *s;
	size_t i, len;
	int mistral = rq->dialect == MS_DIALECT_MISTRAL;

	o = json_object_new_object();
	if (rq->model != NULL && rq->model[0] != '\0')
		json_object_object_add(
		    o, "model", json_object_new_string(rq->model));
	if (rq->nfallbacks > 0 && rq->dialect == MS_DIALECT_OPENROUTER)
		json_object_object_add(o, "models",
		    strarray(rq->model && rq->model[0] ? rq->model : NULL,
			rq->fallbacks, rq->nfallbacks));
	msgs = json_object_new_array();
	for (i = 0; i < rq->nmsgs; i++) {
		m = json_object_new_object();
		json_object_object_add(
		    m, "role", json_object_new_string(rq->msgs[i].role));
		json_object_object_add(
		    m, "content", json_object_new_string(rq->msgs[i].text));
		json_object_array_add(msgs, m);
	}
	json_object_object_add(o, "messages", msgs);
	if (rq->has_temperature)
		json_object_object_add(o, "temperature", dbl(rq->temperature));
	if (rq->has_top_p)
		json_object_object_add(o, "top_p", dbl(rq->top_p));
	if (rq->has_max_tokens)
		json_object_object_add(
		    o, "max_tokens", json_object_new_int64(rq->max_tokens));
	if (rq->has_seed)
		json_object_object_add(o, mistral ? "random_seed" : "seed",
		    json_object_new_int64(rq->seed));
	if (rq->nstops > 0)
		json_object_object_add(
		    o, "stop", strarray(NULL, rq->stops, rq->nstops));
	json_object_object_add(
	    o, "stream", json_object_new_boolean(rq->stream));
	if (rq->usage && rq->dialect == MS_DIALECT_OPENROUTER) {
		x = json_object_new_object();
		json_object_object_add(
		    x, "include", json_object_new_boolean(1));
		json_object_object_add(o, "usage", x);
	} else if (rq->usage && rq->stream &&
	    rq->dialect == MS_DIALECT_OPENAI) {
		x = json_object_new_object();
		json_object_object_add(
		    x, "include_usage", json_object_new_boolean(1));
		json_object_object_add(o, "stream_options", x);
	}
	s = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || ms_buf_add(out, s, len) == -1) {
		json_object_put(o);
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	}
	json_object_put(o);
	return 0;
}
