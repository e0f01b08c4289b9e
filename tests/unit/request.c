/*
 * request.c: tests for the request body per dialect, read back with
 * json-c.
 */
#include <string.h>

#include <json-c/json.h>

#include "ms.h"
#include "unit.h"

static const struct ms_tmsg msgs[] = {
	{ "system", "You translate." },
	{ "user",
	    "Quote \" backslash \\ slash / tab \t nl \n "
	    "\xC3\xA9\xF0\x9F\x98\x80 \x01 </script>" },
	{ "assistant", "" },
};

static const char *fallbacks[] = { "mistralai/mistral-small-3.1",
	"openai/gpt-4o-mini" };
static const char *stops[] = { "END", "\n\n" };

static void
base(struct ms_request *rq, enum ms_dialect d)
{
	memset(rq, 0, sizeof(*rq));
	rq->dialect = d;
	rq->model = "mistral-small";
	rq->msgs = msgs;
	rq->nmsgs = sizeof(msgs) / sizeof(msgs[0]);
	rq->stream = 1;
}

/* Build and parse; the text goes to text (reset). */
static struct json_object *
build(const struct ms_request *rq, struct ms_buf *text)
{
	struct ms_error err;
	struct json_object *o;

	ms_buf_reset(text);
	ms_error_clear(&err);
	if (ms_request_json(rq, text, &err) == -1) {
		diag("ms_request_json: %s", err.msg);
		return NULL;
	}
	o = json_tokener_parse(text->data);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		diag("not a JSON object: %s", text->data);
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *
get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

static int
has(struct json_object *o, const char *k)
{
	return o != NULL && json_object_object_get_ex(o, k, NULL);
}

static int
is_true(struct json_object *o)
{
	return o != NULL && json_object_is_type(o, json_type_boolean) &&
	    json_object_get_boolean(o);
}

static void
test_messages(void)
{
	struct ms_request rq;
	struct ms_buf text;
	struct json_object *o, *m, *x;
	size_t i;

	ms_buf_init(&text);
	base(&rq, MS_DIALECT_OPENAI);
	o = build(&rq, &text);
	ok(o != NULL, "body is a JSON object");
	m = get(o, "messages");
	ok(m != NULL && json_object_is_type(m, json_type_array) &&
		json_object_array_length(m) == 3,
	    "three messages");
	for (i = 0; m != NULL && i < 3 && i < json_object_array_length(m);
	     i++) {
		x = json_object_array_get_idx(m, i);
		is_str(json_object_get_string(get(x, "role")), msgs[i].role,
		    "message %zu: role", i);
		is_str(json_object_get_string(get(x, "content")), msgs[i].text,
		    "message %zu: content survives the round trip", i);
	}
	is_str(
	    json_object_get_string(get(o, "model")), "mistral-small", "model");
	ok(is_true(get(o, "stream")), "stream: true");
	ok(!has(o, "temperature") && !has(o, "top_p") &&
		!has(o, "max_tokens") && !has(o, "seed") && !has(o, "stop") &&
		!has(o, "random_seed") && !has(o, "models") &&
		!has(o, "usage") && !has(o, "stream_options"),
	    "nothing that was not asked for");
	ok(strstr(text.data, "\\/") == NULL, "slashes are not escaped");
	ok(strchr(text.data, '\n') == NULL, "one line");
	json_object_put(o);

	rq.stream = 0;
	rq.model = "";
	o = build(&rq, &text);
	ok(o != NULL && !has(o, "model"), "empty model: no model field");
	x = get(o, "stream");
	ok(x != NULL && json_object_is_type(x, json_type_boolean) &&
		!json_object_get_boolean(x),
	    "stream: false");
	json_object_put(o);
	rq.model = NULL;
	o = build(&rq, &text);
	ok(o != NULL && !has(o, "model"), "NULL model: no model field");
	json_object_put(o);

	/* Appends to what is there. */
	ms_buf_reset(&text);
	ms_buf_addstr(&text, "X");
	{
		struct ms_error err;

		ok(ms_request_json(&rq, &text, &err) == 0 &&
			text.data[0] == 'X' && text.data[1] == '{',
		    "request_json appends");
	}
	ms_buf_release(&text);
}

static void
test_params(void)
{
	struct ms_request rq;
	struct ms_buf text;
	struct json_object *o, *x;

	ms_buf_init(&text);
	base(&rq, MS_DIALECT_OPENAI);
	rq.has_temperature = 1, rq.temperature = 0.2;
	rq.has_top_p = 1, rq.top_p = 0.9;
	rq.has_max_tokens = 1, rq.max_tokens = 1024;
	rq.has_seed = 1, rq.seed = 9007199254740993LL;
	rq.stops = stops, rq.nstops = 2;
	o = build(&rq, &text);
	ok(strstr(text.data, "\"temperature\":0.2,") != NULL ||
		strstr(text.data, "\"temperature\":0.2}") != NULL,
	    "temperature 0.2 is written 0.2");
	ok(strstr(text.data, "\"top_p\":0.9") != NULL, "top_p 0.9");
	x = get(o, "temperature");
	ok(x != NULL && json_object_get_double(x) == 0.2,
	    "temperature reads back as 0.2");
	is_int(json_object_get_int64(get(o, "max_tokens")), 1024, "max_tokens");
	ok(json_object_is_type(get(o, "max_tokens"), json_type_int),
	    "max_tokens is an integer");
	is_int(json_object_get_int64(get(o, "seed")), 9007199254740993LL,
	    "seed, exactly, beyond 2^53");
	ok(!has(o, "random_seed"), "openai: seed, not random_seed");
	x = get(o, "stop");
	ok(x != NULL && json_object_array_length(x) == 2 &&
		strcmp(json_object_get_string(json_object_array_get_idx(x, 1)),
		    "\n\n") == 0,
	    "stop list");
	json_object_put(o);

	rq.temperature = 0;
	rq.top_p = 1;
	o = build(&rq, &text);
	ok(strstr(text.data, "\"temperature\":0") != NULL &&
		json_object_get_double(get(o, "temperature")) == 0,
	    "temperature 0");
	ok(json_object_get_double(get(o, "top_p")) == 1, "top_p 1");
	json_object_put(o);

	rq.temperature = 0.1 + 0.2;
	rq.top_p = 0.95;
	o = build(&rq, &text);
	ok(strstr(text.data, "\"temperature\":0.3") != NULL,
	    "0.1 + 0.2 is written 0.3 (%s)", text.data + text.len - 80);
	ok(strstr(text.data, "\"top_p\":0.95") != NULL, "top_p 0.95");
	json_object_put(o);
	rq.temperature = 1.5;
	o = build(&rq, &text);
	ok(o != NULL && json_object_get_double(get(o, "temperature")) == 1.5,
	    "temperature 1.5");
	json_object_put(o);
	ms_buf_release(&text);
}

static void
test_dialects(void)
{
	struct ms_request rq;
	struct ms_buf text;
	struct json_object *o, *x;
	int stream, usage;

	ms_buf_init(&text);

	/* Mistral: only what it knows, whatever was asked. */
	for (stream = 0; stream < 2; stream++)
		for (usage = 0; usage < 2; usage++) {
			base(&rq, MS_DIALECT_MISTRAL);
			rq.stream = stream;
			rq.usage = usage;
			rq.has_seed = 1, rq.seed = 42;
			rq.fallbacks = fallbacks, rq.nfallbacks = 2;
			o = build(&rq, &text);
			ok(o != NULL &&
				json_object_get_int64(get(o, "random_seed")) ==
				    42 &&
				!has(o, "seed"),
			    "mistral stream=%d usage=%d: random_seed", stream,
			    usage);
			ok(!has(o, "stream_options") && !has(o, "usage") &&
				!has(o, "models"),
			    "mistral stream=%d usage=%d: "
			    "no stream_options, usage, models",
			    stream, usage);
			json_object_put(o);
		}

	/* OpenRouter: usage {include: true}, models with the fallbacks. */
	for (stream = 0; stream < 2; stream++) {
		base(&rq, MS_DIALECT_OPENROUTER);
		rq.model = "mistralai/mistral-small";
		rq.stream = stream;
		rq.usage = 1;
		rq.has_seed = 1, rq.seed = 7;
		rq.fallbacks = fallbacks, rq.nfallbacks = 2;
		o = build(&rq, &text);
		x = get(o, "usage");
		ok(x != NULL && is_true(get(x, "include")) &&
			json_object_object_length(x) == 1,
		    "openrouter stream=%d: usage {include: true}", stream);
		ok(!has(o, "stream_options"),
		    "openrouter stream=%d: no stream_options", stream);
		x = get(o, "models");
		ok(x != NULL && json_object_is_type(x, json_type_array) &&
			json_object_array_length(x) == 3 &&
			strcmp(json_object_get_string(
				   json_object_array_get_idx(x, 0)),
			    "mistralai/mistral-small") == 0 &&
			strcmp(json_object_get_string(
				   json_object_array_get_idx(x, 1)),
			    fallbacks[0]) == 0 &&
			strcmp(json_object_get_string(
				   json_object_array_get_idx(x, 2)),
			    fallbacks[1]) == 0,
		    "openrouter stream=%d: models = model + fallbacks", stream);
		is_str(json_object_get_string(get(o, "model")),
		    "mistralai/mistral-small", "openrouter: model kept");
		ok(json_object_get_int64(get(o, "seed")) == 7 &&
			!has(o, "random_seed"),
		    "openrouter: seed");
		json_object_put(o);
	}
	base(&rq, MS_DIALECT_OPENROUTER);
	o = build(&rq, &text);
	ok(!has(o, "usage") && !has(o, "models") && !has(o, "stream_options"),
	    "openrouter without usage or fallbacks: neither");
	json_object_put(o);
	base(&rq, MS_DIALECT_OPENROUTER);
	rq.model = NULL;
	rq.fallbacks = fallbacks, rq.nfallbacks = 2;
	o = build(&rq, &text);
	x = get(o, "models");
	ok(x != NULL && json_object_array_length(x) == 2 && !has(o, "model"),
	    "openrouter, no model: models = the fallbacks");
	json_object_put(o);

	/* OpenAI-compatible: stream_options only when streaming with usage. */
	for (stream = 0; stream < 2; stream++)
		for (usage = 0; usage < 2; usage++) {
			base(&rq, MS_DIALECT_OPENAI);
			rq.stream = stream;
			rq.usage = usage;
			rq.fallbacks = fallbacks, rq.nfallbacks = 2;
			o = build(&rq, &text);
			x = get(o, "stream_options");
			if (stream && usage)
				ok(x != NULL &&
					is_true(get(x, "include_usage")) &&
					json_object_object_length(x) == 1,
				    "openai stream usage: stream_options "
				    "{include_usage: true}");
			else
				ok(x == NULL,
				    "openai stream=%d usage=%d: no "
				    "stream_options",
				    stream, usage);
			ok(!has(o, "usage") && !has(o, "models"),
			    "openai stream=%d usage=%d: no usage, no models",
			    stream, usage);
			json_object_put(o);
		}
	ms_buf_release(&text);
}

int
main(void)
{
	test_messages();
	test_params();
	test_dialects();
	return done();
}
