/*
 * response.c: tests for chat-completion answers (ms_resp_*) and error
 * bodies (ms_error_message), on streams as real servers send them.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ms.h"
#include "ms_test.h"
#include "unit.h"

/* What one stream gave. */
struct result {
	struct ms_buf text;   /* the deltas, joined */
	struct ms_buf deltas; /* the deltas, each followed by 0x1e */
	int rc;		      /* 0, or -1 at the first failure */
	enum ms_errkind kind;
	char msg[1024];
	int at_end;	  /* the failure came from ms_resp_end */
	struct ms_resp r; /* copied after release */
};

static int fail_after = -1; /* the delta callback fails after N calls */
static int slow_json;	    /* read every event with json-c alone */

static int
on_delta(void *arg, const char *s, size_t n)
{
	struct result *res = arg;

	if (fail_after == 0)
		return MS_EPIPE;
	if (fail_after > 0)
		fail_after--;
	ms_buf_add(&res->text, s, n);
	ms_buf_add(&res->deltas, s, n);
	ms_buf_addch(&res->deltas, 0x1e);
	return 0;
}

static void
res_init(struct result *res)
{
	memset(res, 0, sizeof(*res));
	ms_buf_init(&res->text);
	ms_buf_init(&res->deltas);
}

static void
res_release(struct result *res)
{
	ms_buf_release(&res->text);
	ms_buf_release(&res->deltas);
}

/* A one-line summary of everything a stream produced, to compare runs. */
static void
res_summary(const struct result *res, struct ms_buf *out)
{
	ms_buf_reset(out);
	ms_buf_addstr(out, "deltas=");
	ms_buf_add(out, res->deltas.data, res->deltas.len);
	ms_buf_printf(out,
	    " rc=%d kind=%d end=%d msg=%s finish=%s fin=%d "
	    "done=%d got=%d usage=%d:%ld/%ld cost=%d:%g provider=%s model=%s",
	    res->rc, res->rc ? (int)res->kind : 0, res->at_end,
	    res->rc ? res->msg : "", res->r.finish_reason, res->r.finished,
	    res->r.done, res->r.got_content, res->r.usage.has_tokens,
	    res->r.usage.prompt_tokens, res->r.usage.completion_tokens,
	    res->r.usage.has_cost, res->r.usage.cost, res->r.provider,
	    res->r.model);
}

/*
 * Feed an SSE stream at the cuts, pass every event to ms_resp_event, stop
 * at the first failure, else call ms_resp_end.
 */
static void
stream(const char *in, size_t len, const size_t *cuts, size_t ncuts,
    struct result *res)
{
	struct ms_sse p;
	struct ms_sse_event ev;
	struct ms_error err;
	size_t i, at = 0, to;
	int rc = 0, n;

	ms_error_clear(&err);
	ms_sse_init(&p);
	ms_resp_init(&res->r, on_delta, res);
	ms_resp_test_slow(&res->r, slow_json);
	for (i = 0; i <= ncuts && rc == 0; i++) {
		to = i < ncuts ? cuts[i] : len;
		ms_sse_feed(&p, in + at, to - at);
		at = to;
		if (i == ncuts)
			ms_sse_finish(&p);
		while (rc == 0 && (n = ms_sse_next(&p, &ev)) == 1)
			rc = ms_resp_event(&res->r, &ev, &err);
	}
	if (rc == 0) {
		rc = ms_resp_end(&res->r, &err);
		res->at_end = rc != 0;
	}
	res->rc = rc;
	res->kind = err.kind;
	memcpy(res->msg, err.msg, sizeof(res->msg));
	ms_resp_release(&res->r);
	ms_sse_release(&p);
}

/* Run a stream whole, check it gives the same at every split. */
static void
splits(const char *name, const char *in, size_t len, struct result *whole)
{
	struct result res;
	struct ms_buf want, got;
	size_t cut, cuts[2], bad = 0, i;
	size_t stride1 = len / 40 > 7 ? len / 40 : 7;
	size_t stride2 = len / 30 > 13 ? len / 30 : 13;
	int saved = fail_after;

	ms_buf_init(&want);
	ms_buf_init(&got);
	res_init(whole);
	stream(in, len, NULL, 0, whole);
	res_summary(whole, &want);
	for (cut = 0; cut <= len; cut++) {
		fail_after = saved;
		res_init(&res);
		cuts[0] = cut;
		stream(in, len, cuts, 1, &res);
		res_summary(&res, &got);
		if (strcmp(got.data, want.data) != 0 && bad++ == 0) {
			diag("split at %zu:", cut);
			is_str(got.data, want.data, "%s: split", name);
		}
		res_release(&res);
	}
	/* Three pieces at strides, to keep the run short. */
	for (cut = 0; cut <= len; cut += stride1)
		for (i = cut; i <= len; i += stride2) {
			fail_after = saved;
			res_init(&res);
			cuts[0] = cut, cuts[1] = i;
			stream(in, len, cuts, 2, &res);
			res_summary(&res, &got);
			if (strcmp(got.data, want.data) != 0 && bad++ == 0)
				diag("splits at %zu and %zu differ", cut, i);
			res_release(&res);
		}
	/* Byte by byte. */
	{
		size_t *all = malloc((len + 1) * sizeof(*all));

		for (i = 0; i < len; i++)
			all[i] = i + 1;
		fail_after = saved;
		res_init(&res);
		stream(in, len, all, len, &res);
		res_summary(&res, &got);
		if (strcmp(got.data, want.data) != 0 && bad++ == 0)
			is_str(got.data, want.data, "%s: byte by byte", name);
		res_release(&res);
		free(all);
	}
	ok(bad == 0, "%s: same result at every split", name);
	/* The fast path for events gives what json-c alone gives. */
	fail_after = saved;
	res_init(&res);
	slow_json = 1;
	stream(in, len, NULL, 0, &res);
	slow_json = 0;
	res_summary(&res, &got);
	is_str(got.data, want.data, "%s: same result with json-c alone", name);
	res_release(&res);
	/* Every prefix: no crash; a cut stream never passes as complete
	 * unless it already had its finish_reason or [DONE]. */
	bad = 0;
	for (cut = 0; cut < len; cut++) {
		fail_after = saved;
		res_init(&res);
		stream(in, cut, NULL, 0, &res);
		res_release(&res);
	}
	ok(1, "%s: every prefix handled", name);
	fail_after = saved;
	ms_buf_release(&want);
	ms_buf_release(&got);
}

#define STREAM(name, in, res) splits(name, in, sizeof(in) - 1, res)

static void
expect_ok(
    const char *name, struct result *res, const char *text, const char *finish)
{
	is_int(res->rc, 0, "%s: succeeds", name);
	if (res->rc != 0)
		diag("error %d: %s", res->kind, res->msg);
	is_mem(res->text.data, res->text.len, text, strlen(text), "%s: text",
	    name);
	is_str(res->r.finish_reason, finish, "%s: finish_reason", name);
}

static void
expect_err(const char *name, struct result *res, enum ms_errkind kind,
    const char *msg, const char *text)
{
	is_int(res->rc, -1, "%s: fails", name);
	is_int(res->kind, kind, "%s: error kind", name);
	if (msg != NULL)
		is_str(res->msg, msg, "%s: message", name);
	is_mem(res->text.data, res->text.len, text, strlen(text),
	    "%s: text before the error", name);
}

/* ---------------------------------------------------------------- */

static const char openrouter[] =
    ": OPENROUTER PROCESSING\n\n"
    "data: {\"id\":\"gen-1\",\"provider\":\"Mistral\",\"model\":"
    "\"mistralai/mistral-small\",\"object\":\"chat.completion.chunk\","
    "\"created\":1700000000,\"choices\":[{\"index\":0,\"delta\":{\"role\":"
    "\"assistant\",\"content\":\"\"},\"finish_reason\":null,"
    "\"native_finish_reason\":null,\"logprobs\":null}]}\n\n"
    "data: {\"id\":\"gen-1\",\"provider\":\"Mistral\",\"model\":"
    "\"mistralai/mistral-small\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"role\":\"assistant\",\"content\":\"Bonjour \\u00e0 \"},"
    "\"finish_reason\":null}]}\n\n"
    ":\n\n"
    "data: {\"id\":\"gen-1\",\"provider\":\"Mistral\",\"model\":"
    "\"mistralai/mistral-small\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"role\":\"assistant\",\"content\":\"tous \xF0\x9F\x91\x8B\"},"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"gen-1\",\"provider\":\"Mistral\",\"model\":"
    "\"mistralai/mistral-small\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\","
    "\"native_finish_reason\":\"stop\"}]}\n\n"
    ": OPENROUTER PROCESSING\n\n"
    "data: {\"id\":\"gen-1\",\"provider\":\"Mistral\",\"model\":"
    "\"mistralai/mistral-small\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],"
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,"
    "\"total_tokens\":21,\"cost\":0.0000123,\"is_byok\":false}}\n\n"
    "data: [DONE]\n\n";

static const char mistral[] =
    "data: {\"id\":\"cmpl-e5cc\",\"object\":\"chat.completion.chunk\","
    "\"created\":1702256327,\"model\":\"mistral-small-latest\",\"choices\":"
    "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
    "\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"id\":\"cmpl-e5cc\",\"object\":\"chat.completion.chunk\","
    "\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\"Hallo! \"},\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"id\":\"cmpl-e5cc\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\"Gr\\u00fc\\u00dfe.\"},\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"id\":\"cmpl-e5cc\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":"
    "{\"prompt_tokens\":10,\"total_tokens\":22,\"completion_tokens\":12}}"
    "\r\n\r\n"
    "data: [DONE]\r\n\r\n";

static const char openai[] =
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
    "\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
    "\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\" there\\n\"},\"logprobs\":null,\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},"
    "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
    "9,\"completion_tokens\":2,\"total_tokens\":11,"
    "\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\n"
    "data: [DONE]\n\n";

static const char ollama[] =
    "data: {\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistral-small\",\"system_fingerprint\":"
    "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
    "\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistral-small\",\"system_fingerprint\":"
    "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
    "\"assistant\",\"content\":\"lo\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistral-small\",\"system_fingerprint\":"
    "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
    "\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistral-small\",\"system_fingerprint\":"
    "\"fp_ollama\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
    "\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
    "data: [DONE]\n\n";

static const char vllm[] =
    "data: {\"id\":\"chatcmpl-a\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistralai/Mistral-Small-24B-Instruct-2501\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
    "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-a\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistralai/Mistral-Small-24B-Instruct-2501\","
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Cut\"},"
    "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-a\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistralai/Mistral-Small-24B-Instruct-2501\","
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" sho\"},"
    "\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}"
    "\n\n"
    "data: {\"id\":\"chatcmpl-a\",\"object\":\"chat.completion.chunk\","
    "\"created\":1,\"model\":\"mistralai/Mistral-Small-24B-Instruct-2501\","
    "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":7,"
    "\"completion_tokens\":2}}\n\n"
    "data: [DONE]\n\n";

static const char llamacpp[] =
    "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
    "{\"role\":\"assistant\",\"content\":null}}],\"created\":1,\"id\":"
    "\"chatcmpl-x\",\"model\":\"gpt-3.5-turbo\",\"system_fingerprint\":"
    "\"b4500\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
    "{\"content\":\"Salut\"}}],\"created\":1,\"id\":\"chatcmpl-x\","
    "\"model\":\"gpt-3.5-turbo\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":"
    "{}}],\"created\":1,\"id\":\"chatcmpl-x\",\"model\":\"gpt-3.5-turbo\","
    "\"object\":\"chat.completion.chunk\",\"usage\":{\"completion_tokens\":"
    "2,\"prompt_tokens\":5,\"total_tokens\":7},\"timings\":{\"prompt_n\":5,"
    "\"predicted_per_second\":33.5}}\n\n"
    "data: [DONE]\n\n";

static void
test_providers(void)
{
	struct result res;

	STREAM("openrouter", openrouter, &res);
	expect_ok("openrouter", &res, "Bonjour \xC3\xA0 tous \xF0\x9F\x91\x8B",
	    "stop");
	is_str(res.deltas.data,
	    "Bonjour \xC3\xA0 \x1etous \xF0\x9F\x91\x8B\x1e",
	    "openrouter: two deltas, empty ones skipped");
	ok(res.r.done && res.r.finished && res.r.got_content,
	    "openrouter: done, finished, got content");
	ok(res.r.usage.has_tokens && res.r.usage.prompt_tokens == 12 &&
		res.r.usage.completion_tokens == 9,
	    "openrouter: usage after the finish chunk");
	ok(res.r.usage.has_cost && res.r.usage.cost > 0.0000122 &&
		res.r.usage.cost < 0.0000124,
	    "openrouter: cost");
	is_str(res.r.provider, "Mistral", "openrouter: provider");
	is_str(res.r.model, "mistralai/mistral-small", "openrouter: model");
	res_release(&res);

	STREAM("mistral", mistral, &res);
	expect_ok("mistral", &res,
	    "Hallo! Gr\xC3\xBC\xC3\x9F"
	    "e.",
	    "stop");
	ok(res.r.usage.has_tokens && res.r.usage.prompt_tokens == 10 &&
		res.r.usage.completion_tokens == 12 && !res.r.usage.has_cost,
	    "mistral: usage on the finish chunk, no cost");
	is_str(res.r.model, "mistral-small-latest", "mistral: model");
	is_str(res.r.provider, "", "mistral: no provider");
	res_release(&res);

	STREAM("openai", openai, &res);
	expect_ok("openai", &res, "Hi there\n", "stop");
	ok(res.r.usage.has_tokens && res.r.usage.prompt_tokens == 9 &&
		res.r.usage.completion_tokens == 2,
	    "openai: usage: null, then usage with choices []");
	res_release(&res);

	STREAM("ollama", ollama, &res);
	expect_ok("ollama", &res, "Hello", "stop");
	ok(res.r.usage.has_tokens && res.r.usage.prompt_tokens == 5 &&
		res.r.usage.completion_tokens == 2,
	    "ollama: usage");
	is_str(res.r.model, "mistral-small", "ollama: model");
	res_release(&res);

	STREAM("vllm", vllm, &res);
	expect_ok("vllm", &res, "Cut sho", "length");
	ok(res.r.usage.has_tokens && res.r.usage.completion_tokens == 2,
	    "vllm: usage");
	res_release(&res);

	STREAM("llama.cpp", llamacpp, &res);
	expect_ok("llama.cpp", &res, "Salut", "stop");
	ok(res.r.usage.has_tokens && res.r.usage.prompt_tokens == 5,
	    "llama.cpp: usage with timings");
	res_release(&res);
}

static void
test_shapes(void)
{
	struct result res;

	STREAM("content absent, null, empty, number",
	    "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":null}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":5}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":null}]}\n\n"
	    "data: {\"choices\":[{}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_ok("content shapes", &res, "x", "");
	ok(res.r.done && !res.r.finished,
	    "content shapes: [DONE] without "
	    "finish_reason");
	res_release(&res);

	STREAM("role-only stream, then nothing",
	    "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
	    &res);
	expect_ok("empty answer", &res, "", "stop");
	ok(!res.r.got_content, "empty answer: got_content is 0");
	res_release(&res);

	STREAM("choices [] and missing",
	    "data: {\"choices\":[]}\n\n"
	    "data: {\"id\":\"x\"}\n\n"
	    "data: {\"choices\":null}\n\n"
	    "data: {\"choices\":{}}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
	    &res);
	expect_ok("choices [] and missing", &res, "ok", "stop");
	res_release(&res);

	STREAM("finish_reason null and \"\"",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},"
	    "\"finish_reason\":null}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"b\"},"
	    "\"finish_reason\":\"\"}]}\n\n",
	    &res);
	expect_err(
	    "finish_reason null and \"\"", &res, MS_EPROTOCOL, NULL, "ab");
	ok(res.at_end, "finish_reason \"\" is no finish: ms_resp_end fails");
	ok(!res.r.finished, "not finished");
	res_release(&res);

	STREAM("finish_reason end_turn",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},"
	    "\"finish_reason\":\"end_turn\"}]}\n\n",
	    &res);
	expect_ok("end_turn", &res, "a", "end_turn");
	res_release(&res);

	STREAM("finish_reason model_length, content on the finish chunk",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"last\"},"
	    "\"finish_reason\":\"model_length\"}]}\n\n",
	    &res);
	expect_ok("model_length", &res, "last", "model_length");
	res_release(&res);

	STREAM("text after the finish chunk is still read",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},"
	    "\"finish_reason\":\"stop\"}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"b\"},"
	    "\"finish_reason\":null}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_ok("after finish", &res, "ab", "stop");
	res_release(&res);

	STREAM("final message instead of delta",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
	    "data: {\"choices\":[{\"message\":{\"content\":\"b\"},"
	    "\"finish_reason\":\"stop\"}]}\n\n",
	    &res);
	expect_ok("message in a chunk", &res, "ab", "stop");
	res_release(&res);

	STREAM("proxy junk is skipped",
	    "data: : OPENROUTER PROCESSING\n\n"
	    "data:\n\n"
	    "data: \n\n"
	    "data: OK\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Junk \"}}]}\n\n"
	    "data: : OPENROUTER PROCESSING\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"skipped.\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_ok("proxy junk", &res, "Junk skipped.", "stop");
	res_release(&res);

	STREAM("[DONE] with blanks, no blank line at the end",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"z\"}}]}\n\n"
	    "data:  [DONE] ",
	    &res);
	expect_ok("[DONE] with blanks", &res, "z", "");
	ok(res.r.done, "[DONE] seen");
	res_release(&res);

	STREAM("JSON escapes",
	    "data: {\"choices\":[{\"delta\":{\"content\":"
	    "\"\\\"q\\\" \\\\ \\/ \\t\\r\\n \\u00e9\\ud83d\\ude00 \\u4e2d\"}}]}"
	    "\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_ok("JSON escapes", &res,
	    "\"q\" \\ / \t\r\n \xC3\xA9\xF0\x9F\x98\x80 \xE4\xB8\xAD", "");
	res_release(&res);

	STREAM("multi-line data event",
	    "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"ml\"}}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_ok("multi-line data", &res, "ml", "");
	res_release(&res);

	STREAM("usage as zero cost, integers",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"u\"},"
	    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
	    "\"completion_tokens\":1,\"cost\":0}}\n\n",
	    &res);
	expect_ok("zero cost", &res, "u", "stop");
	ok(res.r.usage.has_cost && res.r.usage.cost == 0, "cost 0 counts");
	res_release(&res);

	STREAM("usage of the wrong types is ignored",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"u\"},"
	    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":\"1\","
	    "\"completion_tokens\":null,\"cost\":\"0.1\"}}\n\n",
	    &res);
	expect_ok("usage wrong types", &res, "u", "stop");
	ok(!res.r.usage.has_tokens && !res.r.usage.has_cost,
	    "usage wrong types: nothing taken");
	res_release(&res);

	STREAM("error: null is no error",
	    "data: {\"error\":null,\"choices\":[{\"error\":null,\"delta\":"
	    "{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]}\n\n",
	    &res);
	expect_ok("error null", &res, "fine", "stop");
	res_release(&res);

	STREAM("a very long finish_reason is cut, not overflowed",
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\""
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\"}]}\n\n",
	    &res);
	is_int(res.rc, 0, "long finish_reason: ok");
	is_int((long long)strlen(res.r.finish_reason), 63,
	    "long finish_reason: cut to the field");
	res_release(&res);
}

static void
test_errors(void)
{
	struct result res;

	STREAM("error first, numeric code, no choices",
	    "data: {\"error\":{\"code\":503,\"message\":\"no provider available"
	    "\"}}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err(
	    "error first", &res, MS_EUNAVAIL, "no provider available", "");
	res_release(&res);

	STREAM("error with string code and choices, after text",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Partial \"}}]}\n\n"
	    "data: {\"id\":\"gen-1\",\"provider\":\"openai\",\"error\":"
	    "{\"code\":\"server_error\",\"message\":\"Provider disconnected\"},"
	    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
	    "\"finish_reason\":\"error\"}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err("error string code", &res, MS_EUNAVAIL,
	    "Provider disconnected", "Partial ");
	res_release(&res);

	STREAM("error with numeric code and choices",
	    "data: {\"error\":{\"code\":502,\"message\":\"Upstream failed\"},"
	    "\"choices\":[{\"delta\":{\"content\":\"not shown\"}}]}\n\n",
	    &res);
	expect_err("error numeric code + choices", &res, MS_EUNAVAIL,
	    "Upstream failed", "");
	res_release(&res);

	STREAM("error as a string", "data: {\"error\":\"rate limited\"}\n\n",
	    &res);
	expect_err("error string", &res, MS_EUNAVAIL, "rate limited", "");
	res_release(&res);

	STREAM("error object without a message",
	    "data: {\"error\":{\"code\":500}}\n\n", &res);
	expect_err("error without message", &res, MS_EUNAVAIL, NULL, "");
	ok(res.msg[0] != '\0', "error without message: some message (%s)",
	    res.msg);
	res_release(&res);

	STREAM("choices[0].error",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Partial \"}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
	    "null,\"error\":{\"code\":429,\"message\":\"provider rate limited "
	    "the stream\"}}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err("choices[0].error", &res, MS_EUNAVAIL,
	    "provider rate limited the stream", "Partial ");
	res_release(&res);

	STREAM("finish_reason error",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Par\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"error\"}]}"
	    "\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err("finish_reason error", &res, MS_EUNAVAIL,
	    "the answer ended with finish_reason \"error\"", "Par");
	res_release(&res);

	STREAM("event: error with a JSON body",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Partial \"}}]}\n\n"
	    "event: error\ndata: {\"code\":500,\"message\":\"model crashed\","
	    "\"type\":\"server_error\"}\n\n",
	    &res);
	expect_err(
	    "event: error", &res, MS_EUNAVAIL, "model crashed", "Partial ");
	res_release(&res);

	STREAM("event: error with an error object",
	    "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
	    "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
	    &res);
	expect_err("event: error object", &res, MS_EUNAVAIL, "Overloaded", "");
	res_release(&res);

	STREAM("event: error with plain text",
	    "event: error\ndata: upstream timed out\n\n", &res);
	expect_err(
	    "event: error text", &res, MS_EUNAVAIL, "upstream timed out", "");
	res_release(&res);

	STREAM("event: error with no data", "event: error\ndata:\n\n", &res);
	expect_err(
	    "event: error empty", &res, MS_EUNAVAIL, "unspecified error", "");
	res_release(&res);

	STREAM("llama.cpp error: field",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
	    "error: {\"code\":500,\"message\":\"the request exceeds the "
	    "available context size\",\"type\":\"exceed_context_size_error\","
	    "\"n_prompt_tokens\":40000,\"n_ctx\":32768}\n\n",
	    &res);
	expect_err("llama.cpp error", &res, MS_EUNAVAIL,
	    "the request exceeds the available context size", "x");
	res_release(&res);

	STREAM("llama.cpp error in data",
	    "data: {\"error\":{\"code\":500,\"message\":\"Failed to parse "
	    "input\",\"type\":\"server_error\"}}\n\n",
	    &res);
	expect_err("llama.cpp error data", &res, MS_EUNAVAIL,
	    "Failed to parse input", "");
	res_release(&res);

	STREAM("OpenRouter error with metadata.raw in the stream",
	    "data: {\"error\":{\"code\":502,\"message\":\"Provider returned "
	    "error\",\"metadata\":{\"raw\":\"{\\\"message\\\":\\\"Service "
	    "unavailable\\\"}\",\"provider_name\":\"Mistral\"}}}\n\n",
	    &res);
	expect_err("error with raw", &res, MS_EUNAVAIL,
	    "Provider returned error: Service unavailable", "");
	res_release(&res);

	STREAM("error with only metadata.raw",
	    "data: {\"error\":{\"code\":500,\"metadata\":{\"raw\":"
	    "\"upstream boom\"}}}\n\n",
	    &res);
	expect_err(
	    "error with only raw", &res, MS_EUNAVAIL, "upstream boom", "");
	res_release(&res);

	STREAM("error whose raw repeats the message",
	    "data: {\"error\":{\"message\":\"Rate limited\",\"metadata\":"
	    "{\"raw\":\"{\\\"message\\\":\\\"Rate limited\\\"}\"}}}\n\n",
	    &res);
	expect_err(
	    "raw repeats the message", &res, MS_EUNAVAIL, "Rate limited", "");
	res_release(&res);

	STREAM("bad JSON",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err(
	    "bad JSON", &res, MS_EPROTOCOL, "bad JSON in the stream", "a");
	res_release(&res);

	STREAM("trailing garbage after JSON", "data: {\"choices\":[]} x\n\n",
	    &res);
	expect_err("trailing garbage", &res, MS_EPROTOCOL, NULL, "");
	res_release(&res);

	STREAM("two JSON values in one event",
	    "data: {\"choices\":[]}\ndata: {\"choices\":[]}\n\n", &res);
	expect_err("two values", &res, MS_EPROTOCOL, NULL, "");
	res_release(&res);

	STREAM("JSON array event", "data: [1,2]\n\n", &res);
	expect_err("array event", &res, MS_EPROTOCOL,
	    "an event is not a JSON object", "");
	res_release(&res);

	STREAM("choice not an object", "data: {\"choices\":[\"x\"]}\n\n", &res);
	expect_err("choice not an object", &res, MS_EPROTOCOL,
	    "a choice is not an object", "");
	res_release(&res);

	STREAM("truncated stream",
	    "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Half an \"}}]}\n\n",
	    &res);
	expect_err("truncated", &res, MS_EPROTOCOL,
	    "truncated stream: no finish_reason and no [DONE]", "Half an ");
	ok(res.at_end, "truncated: reported by ms_resp_end");
	res_release(&res);

	STREAM("truncated inside an event",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Half\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"cont",
	    &res);
	expect_err("truncated event", &res, MS_EPROTOCOL, NULL, "Half");
	res_release(&res);

	STREAM("empty stream", "", &res);
	expect_err("empty stream", &res, MS_EPROTOCOL, NULL, "");
	res_release(&res);

	STREAM("only comments", ": OPENROUTER PROCESSING\n\n:\n\n", &res);
	expect_err("only comments", &res, MS_EPROTOCOL, NULL, "");
	res_release(&res);

	/* The reader went away: the callback's kind comes back. */
	fail_after = 1;
	STREAM("delta callback fails",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"one\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"two\"}}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	fail_after = -1;
	expect_err("callback fails", &res, MS_EPIPE, NULL, "one");
	ok(!res.at_end, "callback fails: from ms_resp_event");
	res_release(&res);
}

static void
test_null_callback(void)
{
	struct ms_resp r;
	struct ms_sse_event ev;
	struct ms_error err;
	const char d[] = "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}";

	ms_resp_init(&r, NULL, NULL);
	ev.event = "";
	ev.data = d;
	ev.len = sizeof(d) - 1;
	is_int(ms_resp_event(&r, &ev, &err), 0, "no callback: event ok");
	ok(r.got_content, "no callback: got_content");
	is_int(ms_resp_end(&r, &err), -1, "no callback: truncated");
	ms_resp_release(&r);
	ms_resp_release(&r);
	ok(1, "release twice");

	/* Data not NUL-terminated where len says. */
	ms_resp_init(&r, NULL, NULL);
	ev.data = "[DONE]xyz";
	ev.len = 6;
	is_int(ms_resp_event(&r, &ev, &err), 0, "[DONE] by length");
	ok(r.done, "[DONE] by length: done");
	ms_resp_release(&r);
}

/* ---------------------------------------------------------------- */

static void
body(const char *name, const char *b, struct result *res)
{
	struct ms_error err;
	size_t n = strlen(b);
	char *copy = malloc(n ? n : 1);

	/* A copy without NUL, so that a read past len is caught. */
	memcpy(copy, b, n);
	res_init(res);
	ms_error_clear(&err);
	ms_resp_init(&res->r, on_delta, res);
	res->rc = ms_resp_body(&res->r, copy, n, &err);
	res->kind = err.kind;
	memcpy(res->msg, err.msg, sizeof(res->msg));
	ms_resp_release(&res->r);
	free(copy);
	(void)name;
}

static void
test_body(void)
{
	struct result res;

	body("openrouter",
	    "\n\n\n{\"id\":\"gen-1\",\"provider\":\"Mistral\","
	    "\"model\":\"mistralai/mistral-small\",\"object\":\"chat.completion\","
	    "\"created\":1700000000,\"choices\":[{\"logprobs\":null,"
	    "\"finish_reason\":\"stop\",\"native_finish_reason\":\"stop\","
	    "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
	    "\"Bonjour d\\u2019OpenRouter.\",\"refusal\":null,\"reasoning\":"
	    "null}}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,"
	    "\"total_tokens\":21,\"cost\":1.23e-05,\"is_byok\":false}}",
	    &res);
	expect_ok("body openrouter (leading newlines)", &res,
	    "Bonjour d\xE2\x80\x99OpenRouter.", "stop");
	ok(res.r.finished && res.r.usage.has_tokens && res.r.usage.has_cost &&
		res.r.usage.prompt_tokens == 12,
	    "body openrouter: usage, cost");
	is_str(res.r.provider, "Mistral", "body openrouter: provider");
	res_release(&res);

	body("mistral",
	    "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\","
	    "\"created\":1,\"model\":\"mistral-small-latest\",\"choices\":"
	    "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
	    "\"Hallo.\",\"tool_calls\":null},\"finish_reason\":\"length\"}],"
	    "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":7,"
	    "\"completion_tokens\":2}}\n",
	    &res);
	expect_ok("body mistral", &res, "Hallo.", "length");
	res_release(&res);

	body("content null",
	    "{\"choices\":[{\"message\":{\"role\":"
	    "\"assistant\",\"content\":null},\"finish_reason\":\"stop\"}]}",
	    &res);
	expect_ok("body content null", &res, "", "stop");
	ok(res.r.finished && !res.r.got_content,
	    "body content null: "
	    "finished, no content");
	res_release(&res);

	body("no finish_reason",
	    "{\"choices\":[{\"message\":{\"content\":"
	    "\"x\"}}]}",
	    &res);
	expect_ok("body without finish_reason", &res, "x", "");
	ok(res.r.finished, "a whole body counts as finished");
	res_release(&res);

	body("error body with 200",
	    "{\"error\":{\"message\":\"Invalid "
	    "request\",\"code\":400}}",
	    &res);
	expect_err("body error", &res, MS_EUNAVAIL, "Invalid request", "");
	res_release(&res);

	body("choices[0].error",
	    "{\"choices\":[{\"error\":{\"message\":"
	    "\"inner\"},\"finish_reason\":\"error\"}]}",
	    &res);
	expect_err("body choices[0].error", &res, MS_EUNAVAIL, "inner", "");
	res_release(&res);

	body("finish_reason error",
	    "{\"choices\":[{\"message\":{\"content\":"
	    "\"\"},\"finish_reason\":\"error\"}]}",
	    &res);
	expect_err("body finish_reason error", &res, MS_EUNAVAIL, NULL, "");
	res_release(&res);

	body("choices []", "{\"choices\":[]}", &res);
	expect_err("body choices []", &res, MS_EPROTOCOL,
	    "the answer has no choices", "");
	res_release(&res);

	body("no choices", "{\"id\":\"x\",\"object\":\"chat.completion\"}",
	    &res);
	expect_err("body no choices", &res, MS_EPROTOCOL,
	    "the answer has no choices", "");
	res_release(&res);

	body("html", "<html><head><title>200 OK</title></head></html>", &res);
	expect_err(
	    "body HTML", &res, MS_EPROTOCOL, "the answer is not JSON", "");
	res_release(&res);

	body("truncated", "{\"choices\":[{\"message\":{\"content\":\"x\"}}",
	    &res);
	expect_err(
	    "body truncated", &res, MS_EPROTOCOL, "the answer is not JSON", "");
	res_release(&res);

	body("trailing", "{\"choices\":[]} {}", &res);
	expect_err("body trailing garbage", &res, MS_EPROTOCOL,
	    "the answer is not JSON", "");
	res_release(&res);

	body("empty", "", &res);
	expect_err("body empty", &res, MS_EPROTOCOL, "empty answer", "");
	res_release(&res);

	body("blank", " \r\n\t\n", &res);
	expect_err("body blank", &res, MS_EPROTOCOL, "empty answer", "");
	res_release(&res);

	body("array", "[{\"choices\":[]}]", &res);
	expect_err("body array", &res, MS_EPROTOCOL,
	    "the answer is not a JSON object", "");
	res_release(&res);

	body("number", "42", &res);
	expect_err("body number", &res, MS_EPROTOCOL, NULL, "");
	res_release(&res);
}

/* ---------------------------------------------------------------- */

static void
errmsg(const char *body_text, size_t len, const char *want, const char *name)
{
	char out[1024];
	char *copy = malloc(len ? len : 1);
	size_t n;

	memset(out, 'X', sizeof(out));
	memcpy(copy, body_text, len);
	n = ms_error_message(copy, len, out, sizeof(out));
	is_str(out, want, "error_message: %s", name);
	is_int((long long)n, (long long)strlen(want),
	    "error_message: %s: length returned", name);
	free(copy);
}

#define EM(body, want, name) errmsg(body, sizeof(body) - 1, want, name)

static void
test_error_message(void)
{
	char out[64];
	size_t n, i, off;
	int bad;

	EM("{\"error\":{\"code\":400,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"{\\\"object\\\":\\\"error\\\","
	   "\\\"message\\\":\\\"Invalid model: x\\\",\\\"type\\\":"
	   "\\\"invalid_model\\\",\\\"param\\\":null,\\\"code\\\":\\\"1500\\\"}"
	   "\",\"provider_name\":\"Mistral\"}}}",
	    "Provider returned error: Invalid model: x",
	    "OpenRouter, metadata.raw holds Mistral's JSON");
	EM("{\"error\":{\"code\":429,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"{\\\"error\\\":{\\\"message\\\":\\\"Rate "
	   "limit reached\\\",\\\"type\\\":\\\"requests\\\"}}\","
	   "\"provider_name\":\"OpenAI\"}}}",
	    "Provider returned error: Rate limit reached",
	    "OpenRouter, metadata.raw holds an error object");
	EM("{\"error\":{\"code\":400,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"context length exceeded: 40000 > 32768\","
	   "\"provider_name\":\"Mistral\"}}}",
	    "Provider returned error: context length exceeded: 40000 > 32768",
	    "OpenRouter, metadata.raw is plain text");
	EM("{\"error\":{\"code\":422,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"{\\\"object\\\":\\\"error\\\","
	   "\\\"message\\\":{\\\"detail\\\":[{\\\"type\\\":\\\"extra_forbidden"
	   "\\\",\\\"loc\\\":[\\\"body\\\",\\\"seed\\\"],\\\"msg\\\":\\\"Extra "
	   "inputs are not permitted\\\"}]}}\"}}}",
	    "Provider returned error: Extra inputs are not permitted "
	    "(body.seed)",
	    "OpenRouter, metadata.raw holds Mistral's 422");
	EM("{\"error\":{\"code\":400,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"1 validation error for "
	   "ChatCompletionRequest\"}}}",
	    "Provider returned error: 1 validation error for "
	    "ChatCompletionRequest",
	    "OpenRouter, metadata.raw is text that starts with a number");
	EM("{\"error\":{\"code\":502,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"502 Bad Gateway\"}}}",
	    "Provider returned error: 502 Bad Gateway",
	    "OpenRouter, metadata.raw is an HTTP status line");
	EM("{\"error\":{\"code\":400,\"message\":\"Provider returned error\","
	   "\"metadata\":{\"raw\":\"\"}}}",
	    "Provider returned error", "OpenRouter, metadata.raw is empty");
	EM("{\"error\":{\"code\":401,\"message\":\"No auth credentials found\""
	   "}}",
	    "No auth credentials found", "OpenRouter 401");
	EM("{\"error\":{\"code\":402,\"message\":\"Insufficient credits. Add "
	   "more using https://openrouter.ai/credits\",\"metadata\":{}}}",
	    "Insufficient credits. Add more using "
	    "https://openrouter.ai/credits",
	    "OpenRouter 402");
	EM("{\"error\":{\"code\":403,\"message\":\"Input was flagged\","
	   "\"metadata\":{\"reasons\":[\"violence\"],\"flagged_input\":"
	   "\"...\",\"provider_name\":\"x\",\"model_slug\":\"y\"}}}",
	    "Input was flagged", "OpenRouter moderation");
	EM("{\"object\":\"error\",\"message\":\"Invalid model: foo\","
	   "\"type\":\"invalid_model\",\"param\":null,\"code\":\"1500\"}",
	    "Invalid model: foo", "Mistral object/message");
	EM("{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":"
	   "\"extra_forbidden\",\"loc\":[\"body\",\"usage\"],\"msg\":\"Extra "
	   "inputs are not permitted\",\"input\":{\"include\":true}}]},"
	   "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}",
	    "Extra inputs are not permitted (body.usage)",
	    "Mistral 422: message is an object with detail");
	EM("{\"message\":\"Unauthorized\",\"request_id\":\"abc123\"}",
	    "Unauthorized", "Mistral 401 message");
	EM("{\"detail\":\"Not Found\"}", "Not Found", "detail string");
	EM("{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\","
	   "\"stream_options\"],\"msg\":\"Extra inputs are not permitted\","
	   "\"input\":{\"include_usage\":true}},{\"type\":\"extra_forbidden\","
	   "\"loc\":[\"body\",\"seed\"],\"msg\":\"Extra inputs are not "
	   "permitted\",\"input\":42}]}",
	    "Extra inputs are not permitted (body.stream_options); Extra "
	    "inputs are not permitted (body.seed)",
	    "FastAPI detail array");
	EM("{\"detail\":[{\"loc\":[\"body\",\"messages\",0,\"role\"],\"msg\":"
	   "\"field required\",\"type\":\"value_error.missing\"}]}",
	    "field required (body.messages.0.role)",
	    "FastAPI detail with a number in loc");
	EM("{\"detail\":[{\"type\":\"missing\"}]}", "{\"type\":\"missing\"}",
	    "FastAPI detail without msg");
	EM("{\"detail\":{\"reason\":\"x\"}}", "{\"reason\":\"x\"}",
	    "detail object");
	EM("{\"error\":{\"message\":\"model \\\"mistral-small\\\" not found, "
	   "try pulling it first\",\"type\":\"api_error\",\"param\":null,"
	   "\"code\":null}}",
	    "model \"mistral-small\" not found, try pulling it first",
	    "Ollama OpenAI-style");
	EM("{\"error\":\"model 'x' not found\"}", "model 'x' not found",
	    "Ollama native");
	EM("{\"object\":\"error\",\"message\":\"The model `x` does not "
	   "exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
	    "The model `x` does not exist.", "vLLM old");
	EM("{\"error\":{\"message\":\"max_tokens is too large\",\"type\":"
	   "\"BadRequestError\",\"param\":null,\"code\":400}}",
	    "max_tokens is too large", "vLLM new");
	EM("{\"error\":{\"code\":400,\"message\":\"the request exceeds the "
	   "available context size\",\"type\":\"exceed_context_size_error\","
	   "\"n_prompt_tokens\":40000,\"n_ctx\":32768}}",
	    "the request exceeds the available context size", "llama.cpp");
	EM("{\"msg\":\"bad gateway\"}", "bad gateway", "msg");
	EM("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
	   "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx"
	   "</center>\r\n</body>\r\n</html>\r\n",
	    "502 Bad Gateway", "nginx HTML");
	EM("<!DOCTYPE html><html><head><title>\n  Just a moment...\n"
	   "</title></head><body>x</body></html>",
	    "Just a moment...", "HTML title over several lines");
	EM("<html><body><h1>Service Unavailable</h1><p>Try later.</p></body>"
	   "</html>",
	    "Service Unavailable: Try later.", "HTML without title");
	EM("upstream connect error or disconnect/reset before headers. reset "
	   "reason: overflow\n",
	    "upstream connect error or disconnect/reset "
	    "before headers. reset reason: overflow",
	    "plain text");
	EM("Internal Server Error", "Internal Server Error",
	    "plain text, "
	    "no newline");
	EM("line one\r\n\r\nline two\n", "line one line two",
	    "plain text on lines");
	EM("", "", "empty");
	EM(" \n\t ", "", "blanks");
	EM("{\"status\":\"fail\"}", "{\"status\":\"fail\"}",
	    "JSON without a message: the body");
	EM("\"just a string\"", "just a string", "JSON string");
	EM("{\"message\":\"line1\\nline2\\ttab \\u001b[31mred\"}",
	    "line1 line2 tab [31mred", "control characters become spaces");
	EM("{\"message\":\"  padded   message  \"}", "padded message",
	    "blanks folded and trimmed");
	EM("{\"error\":{\"message\":\"x\",\"metadata\":{\"raw\":\"{\\\"error"
	   "\\\":{\\\"message\\\":\\\"y\\\"}}\"}}}",
	    "x: y", "nested raw");
	EM("not json {\"error\":{\"message\":\"x\"}}",
	    "not json {\"error\":{\"message\":\"x\"}}", "text before JSON");
	EM("abc\0def", "abc def", "NUL byte in a text body");
	EM("{\"message\":\"csi \\u009b31m nel\\u0085x \xC2\x9B"
	   "2J"
	   "\xC2\xA0ok\"}",
	    "csi 31m nel x 2J\xC2\xA0ok",
	    "C1 controls become spaces, U+00A0 stays");
	EM("{\"message\":\"bad \xFF\xFE\xFD bytes \xE2\x82 end \xC3\"}",
	    "bad \xEF\xBF\xBD bytes \xEF\xBF\xBD end \xEF\xBF\xBD",
	    "a run of invalid UTF-8 becomes one U+FFFD");
	EM("<title>ti\x1B]0;x\x07tle \xC2\x9B\xE2\x80\xAE"
	   "evil</title>",
	    "ti ]0;x tle evil", "escapes and bidi controls in HTML");
	EM("{\"message\":\"a\\u2028b\\u2029c\\u2066d\\u200be\"}",
	    "a b c d\xE2\x80\x8B"
	    "e",
	    "line separators and isolates become spaces");

	/* Bounds. */
	n = ms_error_message("{\"message\":\"0123456789abcdef\"}", 30, out, 10);
	is_str(out, "012345678", "error_message: cut to outsz - 1");
	is_int((long long)n, 9, "error_message: cut length");
	out[0] = 'X';
	n = ms_error_message("{\"message\":\"abc\"}", 17, out, 1);
	ok(n == 0 && out[0] == '\0', "error_message: outsz 1");
	out[0] = 'X';
	n = ms_error_message("{\"message\":\"abc\"}", 17, out, 0);
	ok(n == 0 && out[0] == 'X', "error_message: outsz 0 writes nothing");
	n = ms_error_message("<title>abcdefghijklmnop</title>", 31, out, 5);
	is_str(out, "abcd", "error_message: title cut");
	n = ms_error_message("{\"error\":{\"message\":\"abcdefgh\",\"metadata\""
			     ":{\"raw\":\"ijklmnop\"}}}",
	    58, out, 12);
	ok(n < 12 && strlen(out) == n, "error_message: raw cut (%s)", out);

	/* A cut message stays valid UTF-8. */
	bad = 0;
	for (i = 2; i < 20; i++) {
		n = ms_error_message(
		    "{\"message\":\"\xC3\xA9\xC3\xA9\xE2\x82"
		    "\xAC\xE2\x82\xAC\xF0\x9F\x98\x80\xF0\x9F\x98\x80\"}",
		    32, out, i);
		if (ms_utf8_check(out, n, &off) != 0) {
			if (bad++ == 0)
				diag("outsz %zu: cut inside a character", i);
		}
	}
	ok(bad == 0, "error_message: a cut message is valid UTF-8");

	/* Whatever the bytes, a message is one clean line of UTF-8. */
	bad = 0;
	for (i = 0; i < 20000; i++) {
		unsigned char junk[48];
		size_t k;

		for (k = 0; k < sizeof(junk); k++)
			junk[k] =
			    (unsigned char)((i * 7919 + k * 104729) >> (k % 5));
		n = ms_error_message(
		    (const char *)junk, sizeof(junk), out, 1 + i % sizeof(out));
		if (ms_utf8_check(out, n, &off) != 0)
			bad++;
		for (k = 0; k < n; k++)
			if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f ||
			    ((unsigned char)out[k] == 0xC2 && k + 1 < n &&
				(unsigned char)out[k + 1] < 0xA0))
				bad++;
	}
	ok(bad == 0, "error_message: junk gives clean UTF-8");
}

/* ---------------------------------------------------------------- */

/* Run fn in a child; 1 when it returned normally. */
static int
survives(void (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == -1)
		return 0;
	if (WIFSIGNALED(st))
		diag("child died of signal %d", WTERMSIG(st));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void
detail_null_loc(void)
{
	char out[256];
	const char b[] = "{\"detail\":[{\"loc\":[\"body\",null],\"msg\":"
			 "\"bad\"}]}";

	ms_error_message(b, sizeof(b) - 1, out, sizeof(out));
	if (strstr(out, "bad") == NULL)
		_exit(1);
}

static void
detail_null_item(void)
{
	char out[256];
	const char b[] = "{\"detail\":[null,{\"msg\":\"m\"}]}";

	ms_error_message(b, sizeof(b) - 1, out, sizeof(out));
	if (strstr(out, "m") == NULL)
		_exit(1);
}

static void
stream_null_loc(void)
{
	struct ms_resp r;
	struct ms_sse_event ev;
	struct ms_error err;
	const char d[] =
	    "{\"error\":{\"message\":\"x\",\"metadata\":{\"raw\":"
	    "\"{\\\"detail\\\":[{\\\"loc\\\":[null],\\\"msg\\\":\\\"y\\\"}]}\"}}}";

	ms_resp_init(&r, NULL, NULL);
	ev.event = "";
	ev.data = d;
	ev.len = sizeof(d) - 1;
	if (ms_resp_event(&r, &ev, &err) != -1 || err.kind != MS_EUNAVAIL)
		_exit(1);
	ms_resp_release(&r);
}

static void
test_crashes(void)
{
	ok(survives(detail_null_loc),
	    "error_message: null in a FastAPI loc "
	    "does not crash");
	ok(survives(detail_null_item),
	    "error_message: null item in a detail "
	    "array does not crash");
	ok(survives(stream_null_loc),
	    "resp_event: null in a loc inside "
	    "metadata.raw does not crash");
}

/*
 * The fast path for events: each event gives the same with it as with
 * json-c alone, and the fast path reads the common shapes itself (fast 1)
 * and leaves the rest to json-c (fast 0).
 */
static void
test_fast_path(void)
{
	static const struct {
		const char *name, *event;
		int fast;
	} t[] = {
		{ "openrouter chunk",
		    "{\"id\":\"gen-1\",\"provider\":\"Mistral\",\"model\":"
		    "\"mistralai/mistral-small\",\"object\":\"chat.completion."
		    "chunk\",\"created\":1764080000,\"choices\":[{\"index\":0,"
		    "\"delta\":{\"role\":\"assistant\",\"content\":\" word\"},"
		    "\"finish_reason\":null,\"native_finish_reason\":null,"
		    "\"logprobs\":null}]}",
		    1 },
		{ "spaces everywhere",
		    " { \"choices\" : [ { \"delta\" : { \"content\" : \"a\" } "
		    ", \"finish_reason\" : \"stop\" } ] } ",
		    1 },
		{ "escapes",
		    "{\"choices\":[{\"delta\":{\"content\":"
		    "\"\\n\\\"\\\\\\/\\t\\b\\f\\r\\u00e9\\u20ac\\u0041\"}}]}",
		    1 },
		{ "surrogate pair",
		    "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ude00\"}}]}",
		    0 },
		{ "lone surrogate",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\\ud83d\"}}]}",
		    0 },
		{ "escaped NUL",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\"}}]}",
		    0 },
		{ "raw UTF-8 and bad bytes",
		    "{\"choices\":[{\"delta\":{\"content\":\"\xc3\xa9\xff\x80\"}}]}",
		    1 },
		{ "raw control character",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\x01\"}}]}", 0 },
		{ "content twice",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":"
		    "\"b\"}}]}",
		    0 },
		{ "null, then content",
		    "{\"choices\":[{\"delta\":{\"content\":null,\"content\":"
		    "\"b\"}}]}",
		    1 },
		{ "delta twice",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{}}]}",
		    0 },
		{ "choices twice",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":"
		    "[]}",
		    0 },
		{ "model twice", "{\"model\":\"a\",\"model\":\"b\"}", 0 },
		{ "model null, then a string",
		    "{\"model\":null,\"model\":\"b\"}", 1 },
		{ "model a number, then a string",
		    "{\"model\":1,\"model\":\"b\"}", 1 },
		{ "escaped model", "{\"model\":\"a\\u0062\"}", 0 },
		{ "escaped key",
		    "{\"choices\":[{\"delta\":{\"cont\\u0065nt\":\"a\"}}]}",
		    0 },
		{ "long model",
		    "{\"model\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "yyy\"}",
		    1 },
		{ "content null",
		    "{\"choices\":[{\"delta\":{\"content\":null}}]}", 1 },
		{ "content a number",
		    "{\"choices\":[{\"delta\":{\"content\":5}}]}", 0 },
		{ "content parts",
		    "{\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\","
		    "\"text\":\"a\"}]}}]}",
		    0 },
		{ "delta null", "{\"choices\":[{\"delta\":null}]}", 0 },
		{ "message in a chunk",
		    "{\"choices\":[{\"message\":{\"content\":\"a\"}}]}", 0 },
		{ "finish_reason error",
		    "{\"choices\":[{\"delta\":{},\"finish_reason\":\"error\"}]}",
		    1 },
		{ "finish_reason empty",
		    "{\"choices\":[{\"delta\":{},\"finish_reason\":\"\"}]}",
		    1 },
		{ "finish_reason a number",
		    "{\"choices\":[{\"delta\":{},\"finish_reason\":1}]}", 1 },
		{ "escaped finish_reason",
		    "{\"choices\":[{\"delta\":{},\"finish_reason\":\"st\\u006fp\"}"
		    "]}",
		    0 },
		{ "usage", "{\"choices\":[],\"usage\":{\"prompt_tokens\":5}}",
		    0 },
		{ "usage null", "{\"choices\":[],\"usage\":null}", 1 },
		{ "error", "{\"error\":{\"message\":\"boom\",\"code\":502}}",
		    0 },
		{ "error null",
		    "{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}",
		    1 },
		{ "error in a choice",
		    "{\"choices\":[{\"error\":{\"message\":\"boom\"}}]}", 0 },
		{ "choices empty", "{\"choices\":[]}", 1 },
		{ "choices a string", "{\"choices\":\"x\"}", 1 },
		{ "a choice not an object", "{\"choices\":[1]}", 0 },
		{ "second choice skipped",
		    "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{"
		    "\"content\":\"b\"}},[1,{\"x\":[true,false,null]}]]}",
		    1 },
		{ "empty object", "{}", 1 },
		{ "numbers",
		    "{\"a\":[0,-0,1.5,-12.25,123456789012345],\"choices\":[]}",
		    1 },
		{ "exponent", "{\"a\":1e5,\"choices\":[]}", 0 },
		{ "leading zero", "{\"a\":01,\"choices\":[]}", 0 },
		{ "long number", "{\"a\":12345678901234567890,\"choices\":[]}",
		    0 },
		{ "bare minus", "{\"a\":-,\"choices\":[]}", 0 },
		{ "NaN", "{\"a\":NaN,\"choices\":[]}", 0 },
		{ "bad literal", "{\"a\":nul,\"choices\":[]}", 0 },
		{ "literal run on", "{\"a\":truex,\"choices\":[]}", 0 },
		{ "trailing comma", "{\"choices\":[],}", 0 },
		{ "single quotes", "{'choices':[]}", 0 },
		{ "comment", "{/* c */\"choices\":[]}", 0 },
		{ "bytes after the object", "{\"choices\":[]} x", 0 },
		{ "two objects", "{\"choices\":[]}{}", 0 },
		{ "cut short", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}",
		    0 },
		{ "an array", "[{\"choices\":[]}]", 0 },
		{ "nested 20 deep",
		    "{\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]],\"choices\":"
		    "[{\"delta\":{\"content\":\"a\"}}]}",
		    1 },
		{ "nested 30 deep",
		    "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]"
		    "]]]]]]],\"choices\":[{\"delta\":{\"content\":\"a\"}}]}",
		    0 },
		{ "nested 40 deep",
		    "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]"
		    "]]]]]]]]]]]]]]]]]]]]]]]]]],\"choices\":[]}",
		    0 },
	};
	struct result fast, slow;
	struct ms_buf a, b, in;
	size_t i;

	ms_buf_init(&a);
	ms_buf_init(&b);
	ms_buf_init(&in);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ms_buf_reset(&in);
		ms_buf_printf(&in, "data: %s\n\ndata: [DONE]\n\n", t[i].event);
		res_init(&fast);
		res_init(&slow);
		stream(in.data, in.len, NULL, 0, &fast);
		slow_json = 1;
		stream(in.data, in.len, NULL, 0, &slow);
		slow_json = 0;
		res_summary(&fast, &a);
		res_summary(&slow, &b);
		is_str(a.data, b.data, "fast path: %s: as json-c reads it",
		    t[i].name);
		is_int(ms_resp_test_fast(&fast.r), t[i].fast,
		    "fast path: %s: %s", t[i].name,
		    t[i].fast ? "read fast" : "left to json-c");
		is_int(ms_resp_test_fast(&slow.r), 0,
		    "fast path: %s: not taken when slow", t[i].name);
		res_release(&fast);
		res_release(&slow);
	}
	ms_buf_release(&a);
	ms_buf_release(&b);
	ms_buf_release(&in);
}

static int flushes;

static int
on_flush(void *arg)
{
	(void)arg;
	flushes++;
	return fail_after == 0 ? MS_EPIPE : 0;
}

/* ms_resp_flush: calls on_flush, and turns its failure into an error. */
static void
test_flush(void)
{
	struct ms_resp r;
	struct ms_error err;

	ms_error_clear(&err);
	ms_resp_init(&r, on_delta, NULL);
	is_int(ms_resp_flush(&r, &err), 0, "flush: no on_flush, nothing to do");
	r.on_flush = on_flush;
	flushes = 0;
	fail_after = -1;
	is_int(ms_resp_flush(&r, &err), 0, "flush: on_flush succeeds");
	is_int(flushes, 1, "flush: on_flush called once");
	fail_after = 0;
	errno = 0;
	is_int(ms_resp_flush(&r, &err), -1, "flush: on_flush fails");
	is_int(err.kind, MS_EPIPE, "flush: with its kind");
	is_str(err.msg, "cannot write output", "flush: and a message");
	fail_after = 0;
	errno = ENOSPC;
	is_int(ms_resp_flush(&r, &err), -1, "flush: fails again");
	is_str(err.msg, "cannot write output: No space left on device",
	    "flush: the message has the reason");
	is_int(ms_resp_flush(&r, NULL), -1, "flush: no error to fill");
	fail_after = -1;
	ms_resp_release(&r);
}

/* ---------------------------------------------------------------- */

/* The bytes of a delta as JSON string contents: NUL as \u0000. */
static void
json_bytes(struct ms_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0')
			ms_buf_addstr(b, "\\u0000");
		else
			ms_buf_addch(b, s[i]);
}

/* A stream of the pieces of text cut at cuts (sorted), then stop. */
static void
deltas_stream(struct ms_buf *b, const char *text, size_t len,
    const size_t *cuts, size_t ncuts)
{
	size_t i, at = 0, to;

	ms_buf_reset(b);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		ms_buf_addstr(
		    b, "data: {\"choices\":[{\"delta\":{\"content\":\"");
		json_bytes(b, text + at, to - at);
		ms_buf_addstr(b, "\"}}]}\n\n");
		at = to;
	}
	ms_buf_addstr(b,
	    "data: {\"choices\":[{\"delta\":{},"
	    "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
}

/*
 * Text cut into deltas at every byte, and every two bytes: the same text
 * handed out and the same outcome (msg, or "" for success) as in one.
 */
static void
utf8_deltas(const char *name, const char *text, size_t len, const char *msg,
    const char *before)
{
	struct result res;
	struct ms_buf in, want, got;
	size_t cuts[2], i, j, bad = 0;

	ms_buf_init(&in);
	ms_buf_init(&want);
	ms_buf_init(&got);
	deltas_stream(&in, text, len, NULL, 0);
	res_init(&res);
	stream(in.data, in.len, NULL, 0, &res);
	if (*msg == '\0')
		expect_ok(name, &res, before, "stop");
	else
		expect_err(name, &res, MS_EPROTOCOL, msg, before);
	ms_buf_printf(&want, "%d %s|", res.rc, res.rc ? res.msg : "");
	ms_buf_add(&want, res.text.data, res.text.len);
	res_release(&res);
	for (i = 0; i <= len; i++)
		for (j = i; j <= len; j++) {
			cuts[0] = i, cuts[1] = j;
			deltas_stream(&in, text, len, cuts, 2);
			res_init(&res);
			stream(in.data, in.len, NULL, 0, &res);
			ms_buf_reset(&got);
			ms_buf_printf(
			    &got, "%d %s|", res.rc, res.rc ? res.msg : "");
			ms_buf_add(&got, res.text.data, res.text.len);
			if ((got.len != want.len ||
				memcmp(got.data, want.data, got.len) != 0) &&
			    bad++ == 0)
				is_mem(got.data, got.len, want.data, want.len,
				    "%s: deltas cut at %zu and %zu", name, i,
				    j);
			res_release(&res);
		}
	ok(bad == 0, "%s: the same in deltas cut anywhere", name);
	ms_buf_release(&in);
	ms_buf_release(&want);
	ms_buf_release(&got);
}

#define UTF8_DELTAS(name, text, msg, before) \
	utf8_deltas(name, text, sizeof(text) - 1, msg, before)

/* What a hostile or broken server may send in a 200 answer. */
static void
test_hostile(void)
{
	struct result res;
	struct ms_buf b;
	size_t i;

	UTF8_DELTAS("valid UTF-8", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80!",
	    "", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80!");
	UTF8_DELTAS("a byte that is never UTF-8",
	    "ab\xFF"
	    "cd",
	    "the answer has invalid UTF-8 at byte 2", "ab");
	UTF8_DELTAS("a lead byte before ASCII", "a\xC3(b",
	    "the answer has invalid UTF-8 at byte 1", "a");
	UTF8_DELTAS("an overlong form", "\xC3\xA9\xE0\x80\x80z",
	    "the answer has invalid UTF-8 at byte 2", "\xC3\xA9");
	UTF8_DELTAS("a surrogate", "ab\xED\xA0\x80",
	    "the answer has invalid UTF-8 at byte 2", "ab");
	UTF8_DELTAS("above U+10FFFF", "x\xF4\x90\x80\x80",
	    "the answer has invalid UTF-8 at byte 1", "x");
	UTF8_DELTAS("a continuation byte first",
	    "\x80"
	    "abc",
	    "the answer has invalid UTF-8 at byte 0", "");
	UTF8_DELTAS("the answer ends inside a character", "ab\xE2\x82",
	    "the answer has invalid UTF-8 at byte 2", "ab");
	UTF8_DELTAS("a NUL", "ok\xC3\xA9\0!",
	    "the answer has a NUL byte at byte 4", "ok\xC3\xA9");

	STREAM("\\u0000 in a delta",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"ab\\u0000\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}"
	    "\n\ndata: [DONE]\n\n",
	    &res);
	expect_err("\\u0000", &res, MS_EPROTOCOL,
	    "the answer has a NUL byte at byte 2", "ab");
	res_release(&res);

	STREAM("a raw byte 0xFF in a delta",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"abc\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"d\xFF\"}}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err("raw 0xFF", &res, MS_EPROTOCOL,
	    "the answer has invalid UTF-8 at byte 4", "abcd");
	ok(!res.at_end, "raw 0xFF: found in the event, not at the end");
	res_release(&res);

	STREAM("a character cut between deltas, then the end",
	    "data: {\"choices\":[{\"delta\":{\"content\":\"caf\xC3\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}"
	    "\n\ndata: [DONE]\n\n",
	    &res);
	expect_err("cut at the end", &res, MS_EPROTOCOL,
	    "the answer has invalid UTF-8 at byte 3", "caf");
	ok(res.at_end, "cut at the end: found by ms_resp_end");
	res_release(&res);

	STREAM("no choices in any event",
	    "data: {\"id\":\"x\"}\n\ndata: {\"id\":\"x\",\"usage\":null}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err(
	    "no choices", &res, MS_EPROTOCOL, "the stream has no choices", "");
	res_release(&res);

	STREAM("only empty choices",
	    "data: {\"choices\":[]}\n\n"
	    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_err("only empty choices", &res, MS_EPROTOCOL,
	    "the stream has no choices", "");
	res_release(&res);

	STREAM("[DONE] alone", "data: [DONE]\n\n", &res);
	expect_err("[DONE] alone", &res, MS_EPROTOCOL,
	    "the stream has no choices", "");
	res_release(&res);

	STREAM("escapes in model, provider and finish_reason",
	    "data: {\"model\":\"m\\u001b]0;x\\u0007\\u009b2J\xC2\x85z\","
	    "\"provider\":\"P\xC2\x9B"
	    "31m\xFFq\",\"choices\":[{\"delta\":"
	    "{\"content\":\"Hi\"}}]}\n\n"
	    "data: {\"model\":\"m2\xC2\x9B\",\"choices\":[{\"delta\":{},"
	    "\"finish_reason\":\"st\xC2\x9Bop\"}]}\n\n"
	    "data: [DONE]\n\n",
	    &res);
	expect_ok("escapes in fields", &res, "Hi", "st op");
	is_str(res.r.model, "m2", "escapes in fields: model cleaned");
	is_str(res.r.provider, "P 31m\xEF\xBF\xBDq",
	    "escapes in fields: provider cleaned");
	res_release(&res);

	STREAM("escapes in model, json-c's to read",
	    "data: {\"model\":\"m\\u001b]0;x\\u0007\\u009b2J\xC2\x85z\","
	    "\"choices\":[{\"delta\":{\"content\":\"Hi\"},"
	    "\"finish_reason\":\"stop\"}]}\n\n",
	    &res);
	expect_ok("escaped model", &res, "Hi", "stop");
	is_str(res.r.model, "m ]0;x 2J z", "escaped model: cleaned");
	res_release(&res);

	body("NUL in a body",
	    "{\"choices\":[{\"message\":{\"content\":\"ab\\u0000c\"},"
	    "\"finish_reason\":\"stop\"}]}",
	    &res);
	expect_err("body NUL", &res, MS_EPROTOCOL,
	    "the answer has a NUL byte at byte 2", "");
	res_release(&res);

	body("a body that ends inside a character",
	    "{\"choices\":[{\"message\":{\"content\":\"ab\xE2\x82\"},"
	    "\"finish_reason\":\"stop\"}]}",
	    &res);
	expect_err("body cut character", &res, MS_EPROTOCOL,
	    "the answer has invalid UTF-8 at byte 2", "");
	res_release(&res);

	/* JSON that json-c would need hundreds of MB for. */
	ms_buf_init(&b);
	ms_buf_addstr(&b,
	    "{\"choices\":[{\"message\":{\"content\":\"x\"}}],"
	    "\"x\":[0");
	for (i = 0; i < MS_MAX_JSON_VALUES; i++)
		ms_buf_addstr(&b, ",0");
	ms_buf_addstr(&b, "]}");
	body("too many values", b.data, &res);
	expect_err("body with too many values", &res, MS_EPROTOCOL,
	    "the answer has more than 262144 JSON values (the limit)", "");
	res_release(&res);
	/* Commas in a string are not values. */
	ms_buf_reset(&b);
	ms_buf_addstr(&b, "{\"choices\":[{\"message\":{\"content\":\"\\\"");
	for (i = 0; i < MS_MAX_JSON_VALUES; i++)
		ms_buf_addstr(&b, ",[");
	ms_buf_addstr(&b, "\\\\\"}}]}");
	body("commas in a string", b.data, &res);
	is_int(res.rc, 0, "commas and brackets in a string are no values");
	is_int((long long)res.text.len, 2 * MS_MAX_JSON_VALUES + 2,
	    "commas in a string: the text");
	res_release(&res);
	ms_buf_release(&b);
}

int
main(void)
{
	/* First, so that a child under valgrind starts with no errors. */
	test_crashes();
	test_providers();
	test_shapes();
	test_errors();
	test_null_callback();
	test_body();
	test_error_message();
	test_fast_path();
	test_flush();
	test_hostile();
	return done();
}
