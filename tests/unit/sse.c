/*
 * sse.c: tests for the server-sent events parser.  Every input is checked
 * whole, split at every byte boundary (one and two cuts), byte by byte,
 * with events taken only at the end, and at every prefix.
 */
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "unit.h"

/* Events as text: "event|data\x1e" for each, data escaped as-is. */
static void
record(struct ms_buf *out, const struct ms_sse_event *ev)
{
	ms_buf_addstr(out, ev->event);
	ms_buf_addch(out, '|');
	ms_buf_add(out, ev->data, ev->len);
	ms_buf_addch(out, 0x1e);
}

static int
drain(struct ms_sse *p, struct ms_buf *out)
{
	struct ms_sse_event ev;
	int rc;

	while ((rc = ms_sse_next(p, &ev)) == 1) {
		if (ev.event == NULL || ev.data == NULL ||
		    strlen(ev.data) != ev.len)
			ms_buf_addstr(out, "<BAD EVENT>");
		else
			record(out, &ev);
	}
	return rc;
}

/*
 * Feed in at the cuts (sorted offsets), taking events after each feed
 * unless late; then finish and take the rest.
 */
static int
run(const char *in, size_t len, const size_t *cuts, size_t ncuts, int late,
    struct ms_buf *out)
{
	struct ms_sse p;
	size_t i, at = 0, to;
	int rc = 0;

	ms_sse_init(&p);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		if (ms_sse_feed(&p, in + at, to - at) == -1)
			rc = -1;
		at = to;
		if (!late && drain(&p, out) == -1)
			rc = -1;
	}
	ms_sse_finish(&p);
	if (drain(&p, out) == -1)
		rc = -1;
	/* Once drained, it stays drained. */
	if (drain(&p, out) == -1)
		rc = -1;
	ms_sse_release(&p);
	return rc;
}

static void
check(const char *name, const char *in, size_t len, const char *want,
    size_t wantlen)
{
	struct ms_buf got;
	size_t cuts[2], i, j, bad, *all;

	ms_buf_init(&got);
	run(in, len, NULL, 0, 0, &got);
	is_mem(got.data, got.len, want, wantlen, "%s: whole", name);

	bad = 0;
	for (i = 0; i <= len && bad == 0; i++) {
		cuts[0] = i;
		ms_buf_reset(&got);
		run(in, len, cuts, 1, 0, &got);
		if (got.len != wantlen || memcmp(got.data, want, wantlen)) {
			bad++;
			diag("split at %zu differs", i);
			is_mem(got.data, got.len, want, wantlen, "%s: split",
			    name);
		}
	}
	ok(bad == 0, "%s: every split in two", name);

	bad = 0;
	for (i = 0; i <= len && bad == 0; i++)
		for (j = i; j <= len && bad == 0; j++) {
			cuts[0] = i, cuts[1] = j;
			ms_buf_reset(&got);
			run(in, len, cuts, 2, 0, &got);
			if (got.len != wantlen ||
			    memcmp(got.data, want, wantlen)) {
				bad++;
				diag("splits at %zu and %zu differ", i, j);
			}
		}
	ok(bad == 0, "%s: every split in three", name);

	all = malloc((len + 1) * sizeof(*all));
	for (i = 0; i < len; i++)
		all[i] = i + 1;
	ms_buf_reset(&got);
	run(in, len, all, len, 0, &got);
	is_mem(got.data, got.len, want, wantlen, "%s: byte by byte", name);
	ms_buf_reset(&got);
	run(in, len, all, len, 1, &got);
	is_mem(got.data, got.len, want, wantlen,
	    "%s: byte by byte, events taken at the end", name);
	free(all);

	/*
	 * Every prefix, then the end of input: no crash, and the events are
	 * those of the whole input, but for the last one that may be cut.
	 */
	bad = 0;
	for (i = 0; i <= len; i++) {
		size_t k = 0, last = 0;

		ms_buf_reset(&got);
		run(in, i, NULL, 0, 0, &got);
		/* got minus its last event must be a prefix of want. */
		for (k = 0; k < got.len; k++)
			if (got.data[k] == 0x1e && k + 1 < got.len)
				last = k + 1;
		if (last > wantlen || memcmp(got.data, want, last) != 0) {
			if (bad++ == 0)
				diag("prefix of %zu bytes gives other events",
				    i);
		}
	}
	ok(bad == 0, "%s: every prefix", name);
	ms_buf_release(&got);
}

#define CHECK(name, in, want) \
	check(name, in, sizeof(in) - 1, want, sizeof(want) - 1)
#define E "\x1e"

static void
test_events(void)
{
	CHECK("LF", "data: hello\n\n", "|hello" E);
	CHECK("two events LF", "data: a\n\ndata: b\n\n", "|a" E "|b" E);
	CHECK("CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", "|a" E "|b" E);
	CHECK("CR", "data: a\r\rdata: b\r\r", "|a" E "|b" E);
	CHECK("mixed line ends", "data: a\r\n\ndata: b\n\r\ndata: c\r\r\n",
	    "|a" E "|b" E "|c" E);
	CHECK("CRLF inside an event",
	    "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", "|a\nb" E "|c" E);
	CHECK("CR inside an event", "data: a\rdata: b\r\r", "|a\nb" E);
	CHECK("data: without space", "data:nospace\n\n", "|nospace" E);
	CHECK("data: with two spaces", "data:  two\n\n", "| two" E);
	CHECK("colon in value", "data:a:b: c\n\n", "|a:b: c" E);
	CHECK("several data lines", "data: a\ndata: b\ndata:\ndata: c\n\n",
	    "|a\nb\n\nc" E);
	CHECK("empty data line last", "data: a\ndata:\n\n", "|a\n" E);
	CHECK("field without colon", "data\n\n", "|" E);
	CHECK("comments",
	    ": OPENROUTER PROCESSING\n\ndata: x\n\n:\n\n"
	    ": OPENROUTER PROCESSING\n\n",
	    "|x" E);
	CHECK("comment between data lines", "data: a\n: ping\ndata: b\n\n",
	    "|a\nb" E);
	CHECK("comment after finish chunk, before usage",
	    "data: {\"f\":1}\n\n: OPENROUTER PROCESSING\n\ndata: {\"u\":2}\n\n"
	    "data: [DONE]\n\n",
	    "|{\"f\":1}" E "|{\"u\":2}" E "|[DONE]" E);
	CHECK("event field", "event: error\ndata: {\"m\":1}\n\n",
	    "error|{\"m\":1}" E);
	CHECK("event field resets after dispatch",
	    "event: ping\ndata: 1\n\ndata: 2\n\n", "ping|1" E "|2" E);
	CHECK(
	    "event without data is dropped", "event: x\n\ndata: y\n\n", "|y" E);
	CHECK("event field after data", "data: d\nevent: late\n\n", "late|d" E);
	CHECK(
	    "event without space", "event:message\ndata: m\n\n", "message|m" E);
	CHECK("llama.cpp error field",
	    "error: {\"code\":500,\"message\":\"too long\"}\n\n",
	    "error|{\"code\":500,\"message\":\"too long\"}" E);
	CHECK("llama.cpp error after data",
	    "data: {\"a\":1}\n\nerror: {\"message\":\"m\"}\n\n",
	    "|{\"a\":1}" E "error|{\"message\":\"m\"}" E);
	CHECK("id and retry ignored", "id: 7\nretry: 1000\ndata: x\nid: 8\n\n",
	    "|x" E);
	CHECK("unknown fields ignored", "foo: bar\nDATA: no\n\ndata: y\n\n",
	    "|y" E);
	CHECK("blank lines only", "\n\n\r\n\r\r", "");
	CHECK("many blank lines between events",
	    "\n\ndata: a\n\n\n\n\ndata: b\n\n\n", "|a" E "|b" E);
	CHECK("last event without blank line", "data: a\n\ndata: last\n",
	    "|a" E "|last" E);
	CHECK("last line without line end", "data: a\n\ndata: last",
	    "|a" E "|last" E);
	CHECK("[DONE] without blank line", "data: {}\n\ndata: [DONE]",
	    "|{}" E "|[DONE]" E);
	CHECK("[DONE] ending in CR", "data: [DONE]\r", "|[DONE]" E);
	CHECK("unterminated comment at the end", "data: a\n\n: bye", "|a" E);
	CHECK("multi-byte UTF-8",
	    "data: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD\n\n",
	    "|caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD" E);
	CHECK("openai stream",
	    "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
	    "data: [DONE]\n\n",
	    "|{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}" E
	    "|{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}" E "|[DONE]" E);
	CHECK("empty input", "", "");
}

static void
test_api(void)
{
	struct ms_sse p;
	struct ms_sse_event ev;
	struct ms_buf big, got;
	size_t i;
	int rc;

	/* The CR of a CRLF at the end of one feed, its LF at the next. */
	ms_sse_init(&p);
	ms_sse_feed(&p, "data: a\r", 8);
	is_int(ms_sse_next(&p, &ev), 0, "CR at the end of a feed: no event");
	ms_sse_feed(&p, "\ndata: b\r", 9);
	is_int(ms_sse_next(&p, &ev), 0,
	    "LF at the start of the next feed "
	    "is not a blank line");
	ms_sse_feed(&p, "\n\r", 2);
	rc = ms_sse_next(&p, &ev);
	is_int(rc, 1, "CR LF CR ends the event");
	if (rc == 1)
		is_str(ev.data, "a\nb", "both data lines");
	ms_sse_feed(&p, "\n", 1);
	is_int(ms_sse_next(&p, &ev), 0, "the LF of the last CRLF is eaten");
	ms_sse_finish(&p);
	is_int(ms_sse_next(&p, &ev), 0, "nothing at the end");
	ms_sse_release(&p);

	/* An event stays valid while more input is fed. */
	ms_sse_init(&p);
	ms_sse_feed(&p, "event: e1\ndata: first\n\n", 23);
	rc = ms_sse_next(&p, &ev);
	ms_sse_feed(&p, "event: e2\ndata: second\n\n", 24);
	ok(rc == 1 && strcmp(ev.data, "first") == 0 &&
		strcmp(ev.event, "e1") == 0 && ev.len == 5,
	    "event still valid after another feed");
	rc = ms_sse_next(&p, &ev);
	ok(rc == 1 && strcmp(ev.data, "second") == 0 &&
		strcmp(ev.event, "e2") == 0,
	    "next event");
	is_int(ms_sse_next(&p, &ev), 0, "then none");
	ms_sse_release(&p);

	/* Feeding nothing. */
	ms_sse_init(&p);
	is_int(ms_sse_feed(&p, NULL, 0), 0, "feed of 0 bytes");
	is_int(ms_sse_next(&p, &ev), 0, "no event from nothing");
	ms_sse_finish(&p);
	is_int(ms_sse_next(&p, &ev), 0, "no event at the end of nothing");
	ms_sse_release(&p);

	/* A large event in pieces; the input buffer does not keep growing. */
	ms_buf_init(&big);
	ms_buf_init(&got);
	ms_buf_addstr(&big, "data: ");
	for (i = 0; i < 100000; i++)
		ms_buf_addch(&big, 'a' + (int)(i % 26));
	ms_buf_addstr(&big, "\n\n");
	ms_sse_init(&p);
	rc = 0;
	for (i = 0; i < big.len; i += 1000) {
		size_t n = big.len - i < 1000 ? big.len - i : 1000;

		ms_sse_feed(&p, big.data + i, n);
		while (ms_sse_next(&p, &ev) == 1) {
			rc++;
			ms_buf_add(&got, ev.data, ev.len);
		}
	}
	ok(rc == 1 && got.len == 100000 &&
		memcmp(got.data, big.data + 6, 100000) == 0,
	    "100000-byte event fed in 1000-byte pieces");
	ms_sse_release(&p);

	/* Many small events: the parsed input is dropped as it goes. */
	ms_sse_init(&p);
	rc = 0;
	for (i = 0; i < 10000; i++) {
		ms_sse_feed(&p, "data: x\n\n", 9);
		while (ms_sse_next(&p, &ev) == 1)
			rc++;
	}
	is_int(rc, 10000, "10000 events one after the other");
	ok(p.in.cap < 1024, "the input buffer stays small (%zu)", p.in.cap);
	ms_sse_release(&p);
	ms_buf_release(&big);
	ms_buf_release(&got);
}

/* Random splits of a long realistic stream. */
static void
test_random(void)
{
	static const char stream[] =
	    ": OPENROUTER PROCESSING\r\n\r\n"
	    "data: {\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":"
	    "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"
	    "\r\n\r\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"Bonjour \xC3\xA0 "
	    "tous \xF0\x9F\x91\x8B\"}}]}\r\n\r\n"
	    ":\r\n\r\n"
	    "event: message\rdata: {\"choices\":[{\"delta\":{},\"finish_reason\":"
	    "\"stop\"}]}\r\r"
	    ": OPENROUTER PROCESSING\n\n"
	    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
	    "\"completion_tokens\":4,\"cost\":0.00001}}\n"
	    "\n"
	    "data: [DONE]";
	struct ms_buf want, got;
	size_t cuts[64], n, i, k, bad = 0;
	unsigned long seed = 12345;

	ms_buf_init(&want);
	ms_buf_init(&got);
	run(stream, sizeof(stream) - 1, NULL, 0, 0, &want);
	k = 0;
	for (i = 0; i < want.len; i++)
		if (want.data[i] == 0x1e)
			k++;
	is_int((long long)k, 5, "random: the stream has 5 events");
	for (n = 0; n < 2000; n++) {
		size_t nc = 1 + n % 63;

		for (i = 0; i < nc; i++) {
			seed = seed * 1103515245 + 12345;
			cuts[i] = (seed >> 8) % (sizeof(stream));
		}
		/* sort */
		for (i = 1; i < nc; i++)
			for (k = i; k > 0 && cuts[k - 1] > cuts[k]; k--) {
				size_t t = cuts[k];

				cuts[k] = cuts[k - 1], cuts[k - 1] = t;
			}
		ms_buf_reset(&got);
		run(stream, sizeof(stream) - 1, cuts, nc, (int)(n & 1), &got);
		if (got.len != want.len ||
		    memcmp(got.data, want.data, want.len) != 0)
			bad++;
	}
	ok(bad == 0, "random: 2000 random splits give the same events");
	ms_buf_release(&want);
	ms_buf_release(&got);
}

int
main(void)
{
	test_events();
	test_api();
	test_random();
	return done();
}
