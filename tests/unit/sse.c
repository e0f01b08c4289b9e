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

/* Limits for run(), when not 0. */
static size_t lim_line, lim_event;

/*
 * Feed in at the cuts (sorted offsets), taking events after each feed
 * unless late; then finish and take the rest.  A failure of the parser
 * shows as "!" and its error after the events it handed out.
 */
static int
run(const char *in, size_t len, const size_t *cuts, size_t ncuts, int late,
    struct ms_buf *out)
{
	struct ms_sse p;
	size_t i, at = 0, to;
	int rc = 0;

	ms_sse_init(&p);
	if (lim_line)
		p.max_line = lim_line;
	if (lim_event)
		p.max_event = lim_event;
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
	if (p.error) {
		ms_buf_addch(out, '!');
		ms_buf_addch(out, '0' + p.error);
	}
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
/* The same with lines of at most 12 bytes and events of at most 10. */
#define CHECK_LIMITS(name, in, want) \
	do { \
		lim_line = 12, lim_event = 10; \
		CHECK(name, in, want); \
		lim_line = lim_event = 0; \
	} while (0)
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

/* Lines and events past their limits, at every split. */
static void
test_limits(void)
{
	CHECK_LIMITS("a line at the limit", "data: 123456\n\n", "|123456" E);
	CHECK_LIMITS(
	    "a line at the limit, CRLF", "data: 123456\r\n\r\n", "|123456" E);
	CHECK_LIMITS("a line past the limit", "data: 1234567\n\n", "!2");
	CHECK_LIMITS("events before a long line are out",
	    "data: a\n\ndata: 12345678\n\ndata: b\n\n", "|a" E "!2");
	CHECK_LIMITS("a long line at the end of input",
	    "data: a\r\n\r\ndata: 1234567", "|a" E "!2");
	CHECK_LIMITS("a long line ending in CR", "data: a\r\rdata: 123456789\r",
	    "|a" E "!2");
	CHECK_LIMITS("a long comment", ": 12345678901\n\ndata: x\n\n", "!2");
	CHECK_LIMITS(
	    "an unknown field, long", "xx: 1234567890\ndata: x\n\n", "!2");
	CHECK_LIMITS("an event at the limit", "data: 12345\ndata: 1234\n\n",
	    "|12345\n1234" E);
	CHECK_LIMITS("an event past the limit",
	    "data: a\n\ndata: 12345\ndata: 12345\ndata: x\n\n", "|a" E "!3");
	CHECK_LIMITS("data lines without a blank line",
	    "data: 1234\ndata: 1234\ndata: 1234\ndata: 1234\n", "!3");
	CHECK_LIMITS("empty data lines count their newlines",
	    "data\ndata\ndata\ndata\ndata\ndata\ndata\ndata\ndata\ndata\n"
	    "data\ndata\n\n",
	    "!3");
	CHECK_LIMITS("llama.cpp's error field counts",
	    "error: 12345\ndata: 123456\n\n", "!3");
	CHECK_LIMITS("the event field does not count",
	    "event: 12345\ndata: 123456\ndata: 123\n\n", "12345|123456\n123" E);
	CHECK_LIMITS("a long line after a short one in one event",
	    "data: 1\ndata: 1234567890\n\ndata: 2\n\n", "!2");
}

/* The limits through the API: what is kept, what is told. */
static void
test_limits_api(void)
{
	struct ms_sse p;
	struct ms_sse_event ev;
	struct ms_buf big;
	size_t i;
	int rc;

	ms_sse_init(&p);
	ok(p.max_line == MS_MAX_SSE_LINE && p.max_event == MS_MAX_SSE_EVENT,
	    "limits: the defaults");
	p.max_line = 1000;
	ms_buf_init(&big);
	ms_buf_addstr(&big, "data: a\n\ndata: ");
	for (i = 0; i < 100000; i++)
		ms_buf_addch(&big, 'x');
	is_int(ms_sse_feed(&p, big.data, big.len), -1,
	    "limits: a feed with a long line fails");
	is_int(p.error, MS_SSE_ELINE, "limits: the error says which");
	ok(p.in.cap < 1000, "limits: the long line is not kept (%zu)",
	    p.in.cap);
	rc = ms_sse_next(&p, &ev);
	ok(rc == 1 && strcmp(ev.data, "a") == 0,
	    "limits: the event before it is out");
	is_int(ms_sse_next(&p, &ev), -1, "limits: then the failure");
	is_int(ms_sse_next(&p, &ev), -1, "limits: and again");
	is_int(ms_sse_feed(&p, "\n\n", 2), -1, "limits: no more feeds");
	ms_sse_finish(&p);
	is_int(ms_sse_next(&p, &ev), -1, "limits: not even after the end");
	ok(p.in.cap == 0 && p.data.cap == 0, "limits: the memory is freed");
	ms_sse_release(&p);

	/* At the default limits: a line of MS_MAX_SSE_LINE passes. */
	ms_buf_reset(&big);
	ms_buf_addstr(&big, "data: ");
	while (big.len < MS_MAX_SSE_LINE)
		ms_buf_addch(&big, 'a' + (int)(big.len % 26));
	ms_sse_init(&p);
	for (i = 0, rc = 0; i < big.len; i += 16384)
		if (ms_sse_feed(&p, big.data + i,
			big.len - i < 16384 ? big.len - i : 16384) == -1)
			rc = -1;
	ms_sse_feed(&p, "\n\n", 2);
	ok(rc == 0 && ms_sse_next(&p, &ev) == 1 &&
		ev.len == MS_MAX_SSE_LINE - 6,
	    "limits: a line of MS_MAX_SSE_LINE bytes passes");
	ms_sse_release(&p);
	/* One byte more does not, and fails with the feed that shows it. */
	ms_buf_addch(&big, 'z');
	ms_sse_init(&p);
	for (i = 0, rc = 0; rc == 0 && i < big.len; i += 16384)
		rc = ms_sse_feed(&p, big.data + i,
		    big.len - i < 16384 ? big.len - i : 16384);
	ok(i - 16384 == big.len / 16384 * 16384 && ms_sse_next(&p, &ev) == -1 &&
		p.error == MS_SSE_ELINE,
	    "limits: one byte more fails");
	ms_sse_release(&p);
	ms_buf_release(&big);
}

/*
 * Linear whatever the pieces: the bytes searched or moved (work) stay
 * within a few times the input.  The old parser searched a line from its
 * start again at every feed: an 8 MB line in 1 KB pieces was 32 GB.
 */
static void
linear(const char *name, const char *s, size_t len, size_t piece, int late,
    size_t events)
{
	struct ms_sse p;
	struct ms_sse_event ev;
	size_t i, n = 0, k;
	int rc = 0;

	ms_sse_init(&p);
	p.max_line = p.max_event = 64u << 20;
	for (i = 0; i < len && rc == 0; i += k) {
		k = len - i < piece ? len - i : piece;
		rc = ms_sse_feed(&p, s + i, k);
		/* late: one event after each piece, the rest at the end. */
		if (late) {
			if (ms_sse_next(&p, &ev) == 1)
				n++;
			continue;
		}
		while (ms_sse_next(&p, &ev) == 1)
			n++;
	}
	ms_sse_finish(&p);
	while (ms_sse_next(&p, &ev) == 1)
		n++;
	is_int((long long)n, (long long)events, "%s: the events", name);
	ok(rc == 0 && p.work <= 4 * len + 64,
	    "%s: linear (%zu bytes of work for %zu of input)", name, p.work,
	    len);
	ms_sse_release(&p);
}

static void
test_linear(void)
{
	struct ms_buf b;
	size_t i;

	ms_buf_init(&b);
	ms_buf_addstr(&b, "data: ");
	for (i = 0; i < (8u << 20); i++)
		ms_buf_addch(&b, 'a' + (int)(i % 26));
	ms_buf_addstr(&b, "\n\n");
	linear("an 8 MB line in 1 KB pieces", b.data, b.len, 1024, 0, 1);
	linear("an 8 MB line in 16 KB pieces", b.data, b.len, 16384, 0, 1);
	linear("the first 1 MB of it byte by byte", b.data + (7u << 20),
	    b.len - (7u << 20), 1, 0, 0);

	ms_buf_reset(&b);
	for (i = 0; i < 200000; i++)
		ms_buf_addstr(&b, "data: x\r\r");
	linear("CR line ends only, fed whole", b.data, b.len, b.len, 0, 200000);
	linear(
	    "CR line ends only, 16 KB pieces", b.data, b.len, 16384, 0, 200000);

	ms_buf_reset(&b);
	for (i = 0; i < 200000; i++)
		ms_buf_addstr(&b, "data: y\n\n");
	linear("events taken one per byte fed", b.data, b.len, 1, 1, 200000);
	linear("events taken one per 7 bytes fed", b.data, b.len, 7, 1, 200000);
	ms_buf_release(&b);
}

int
main(void)
{
	test_events();
	test_api();
	test_random();
	test_limits();
	test_limits_api();
	test_linear();
	return done();
}
