/*
 * output.c: tests for the output shaping filter (ms_out_*).  Every case is
 * run whole, split at every byte boundary (one and two cuts) and byte by
 * byte, and must write the same bytes each time.
 */
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "unit.h"

struct cfg {
	int strip;
	int crlf;
	enum ms_final_nl nl;
	const char *head;
	const char *tail;
};

static int fail_writes; /* the write function fails with MS_EPIPE */
static int batch;	/* batch mode, flushed after every other write */
static int nwrites;	/* calls of the write function */

static int
collect(void *arg, const char *s, size_t n)
{
	struct ms_buf *b = arg;

	nwrites++;
	if (n == 0)
		ms_buf_addstr(b, "<EMPTY WRITE>");
	if (fail_writes)
		return MS_EPIPE;
	ms_buf_add(b, s, n);
	return 0;
}

static int
run(const struct cfg *c, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, struct ms_buf *out)
{
	struct ms_out o;
	size_t i, at = 0, to;
	int rc = 0, r;

	ms_out_init(&o, collect, out);
	o.strip_fence = c->strip;
	o.crlf = c->crlf;
	o.nl = c->nl;
	o.head = c->head;
	o.tail = c->tail;
	o.batch = batch;
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		if ((r = ms_out_write(&o, in + at, to - at)) != 0 && rc == 0)
			rc = r;
		if (batch && i % 2 == 1 && (r = ms_out_flush(&o)) != 0 &&
		    rc == 0)
			rc = r;
		at = to;
	}
	if ((r = ms_out_finish(&o)) != 0 && rc == 0)
		rc = r;
	ms_out_release(&o);
	return rc;
}

static void
check(const char *name, const struct cfg *c, const char *in, const char *want)
{
	struct ms_buf got, ref;
	size_t len = strlen(in), cuts[2], i, j, bad = 0, *all;

	ms_buf_init(&got);
	ms_buf_init(&ref);
	is_int(run(c, in, len, NULL, 0, &ref), 0, "%s: returns 0", name);
	is_mem(ref.data, ref.len, want, strlen(want), "%s", name);
	/* Every split must write what the whole did. */
	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		ms_buf_reset(&got);
		run(c, in, len, cuts, 1, &got);
		if ((got.len != ref.len ||
			memcmp(got.data, ref.data, ref.len)) &&
		    bad++ == 0) {
			diag("split at %zu:", i);
			is_mem(got.data, got.len, ref.data, ref.len,
			    "%s: split", name);
		}
	}
	for (i = 0; i <= len; i++)
		for (j = i; j <= len; j++) {
			cuts[0] = i, cuts[1] = j;
			ms_buf_reset(&got);
			run(c, in, len, cuts, 2, &got);
			if ((got.len != ref.len ||
				memcmp(got.data, ref.data, ref.len)) &&
			    bad++ == 0) {
				diag("splits at %zu, %zu:", i, j);
				is_mem(got.data, got.len, ref.data, ref.len,
				    "%s: split in three", name);
			}
		}
	all = malloc((len + 1) * sizeof(*all));
	for (i = 0; i < len; i++)
		all[i] = i + 1;
	ms_buf_reset(&got);
	run(c, in, len, all, len, &got);
	if ((got.len != ref.len || memcmp(got.data, ref.data, ref.len)) &&
	    bad++ == 0)
		is_mem(got.data, got.len, ref.data, ref.len, "%s: byte by byte",
		    name);
	ok(bad == 0, "%s: same bytes at every split", name);
	/* Batched: the same bytes, in no more writes than flushes. */
	batch = 1;
	for (i = 0, bad = 0; i < len; i++)
		all[i] = i + 1;
	ms_buf_reset(&got);
	nwrites = 0;
	run(c, in, len, all, len, &got);
	if ((got.len != ref.len || memcmp(got.data, ref.data, ref.len)) &&
	    bad++ == 0)
		is_mem(got.data, got.len, ref.data, ref.len,
		    "%s: batched, byte by byte", name);
	ok(nwrites <= (int)len / 2 + 2, "%s: batched: %d writes for %zu bytes",
	    name, nwrites, len);
	batch = 0;
	free(all);
	ok(bad == 0, "%s: batched, the same bytes", name);
	ms_buf_release(&got);
	ms_buf_release(&ref);
}

static const struct cfg one = { 1, 0, MS_NL_ONE, NULL, NULL };
static const struct cfg one_nofence = { 0, 0, MS_NL_ONE, NULL, NULL };
static const struct cfg raw = { 0, 0, MS_NL_RAW, NULL, NULL };

static void
test_fence(void)
{
	check("fence with a language, closing fence without newline", &one,
	    "```python\nprint(1)\nprint(2)\n```", "print(1)\nprint(2)\n");
	check("fence with a language, closing fence with newline", &one,
	    "```python\nprint(1)\n```\n", "print(1)\n");
	check("fence without a language", &one, "```\nplain text\n```\n",
	    "plain text\n");
	check("fence without a language, no final newline", &one,
	    "```\nplain text\n```", "plain text\n");
	check("fence with blanks after the closing ticks", &one,
	    "```text\nx\n```  \n\n", "x\n");
	check("fence with blanks after the opening ticks", &one,
	    "```   \nx\n```\n", "x\n");
	check("blank lines before the fence", &one, "\n\n```sh\nls -l\n```\n",
	    "ls -l\n");
	check("indented closing fence", &one, "```\nx\n  ```\n", "x\n");
	check("fence with CRLF from the model", &one,
	    "```text\r\nline1\r\nline2\r\n```\r\n", "line1\nline2\n");
	/*
	 * The first "```" line closes the block, whatever opened inside:
	 * "more" after it is text outside, so the answer is not one block.
	 */
	check("inner fence: not one block, kept as written", &one,
	    "```markdown\n# Title\n```sh\nls\n```\nmore\n```\n",
	    "```markdown\n# Title\n```sh\nls\n```\nmore\n```\n");
	check("inner fence: not one block, outer close without newline", &one,
	    "```markdown\n# Title\n```sh\nls\n```\nmore\n```",
	    "```markdown\n# Title\n```sh\nls\n```\nmore\n```\n");
	check("inner fence openings and ticks in text stay in the body", &one,
	    "```text\na ```sh line\n```py\n````\n ``\n```\n",
	    "a ```sh line\n```py\n````\n ``\n");
	check("backticks inside the body", &one,
	    "```\nuse `ls` and ``x``\n``\n```\n", "use `ls` and ``x``\n``\n");
	check("fenced body with blank lines", &one, "```\n\na\n\n\nb\n\n```\n",
	    "a\n\n\nb\n");
	check("answer that starts with inline code is kept", &one,
	    "`ls` lists files.", "`ls` lists files.\n");
	check("inline triple backticks are kept", &one,
	    "```ls``` lists files.\n", "```ls``` lists files.\n");
	check("info string of two words is not a fence", &one,
	    "```bash title\nls\n```\n", "```bash title\nls\n```\n");
	check("text before the fence: kept", &one, "Here:\n```\ncode\n```\n",
	    "Here:\n```\ncode\n```\n");
	check("four backticks are not removed", &one, "````\ncode\n````\n",
	    "````\ncode\n````\n");
	check("no fence removal when not asked", &one_nofence,
	    "```python\nprint(1)\n```", "```python\nprint(1)\n```\n");
	check("fence only, never closed", &one, "```", "```\n");
	check("only an opening fence line", &one, "```python\n", "```python\n");
	check("only an opening fence, no newline", &one, "```python",
	    "```python\n");
	check("empty block", &one, "```\n```\n", "");
	check("empty block with a blank line", &one, "```\n\n```", "");
	check("two backticks only", &one, "``", "``\n");
	check("empty answer with fence removal", &one, "", "");
	check("blank answer with fence removal", &one, "\n \n", "");
}

/* The fence goes only when the whole answer is one fenced block. */
static void
test_one_block(void)
{
	struct cfg keep = { 1, 0, MS_NL_KEEP, "\n", "\n\n" };
	struct cfg crlf_one = { 1, 1, MS_NL_ONE, NULL, NULL };
	struct cfg crlf_keep = { 1, 1, MS_NL_KEEP, NULL, "\r\n" };
	struct cfg raw_strip = { 1, 0, MS_NL_RAW, NULL, NULL };

	check("block then prose: kept as written", &one,
	    "```sh\nls\n```\nThat lists files.",
	    "```sh\nls\n```\nThat lists files.\n");
	check("block then prose on the closing line's heels", &one,
	    "```sh\nls\n```\n\n  \nThat lists files.\n\n",
	    "```sh\nls\n```\n\n  \nThat lists files.\n");
	check("block then prose, KEEP", &keep,
	    "```sh\nls\n```\nThat lists files.\n",
	    "\n```sh\nls\n```\nThat lists files.\n\n");
	check("block then prose, CRLF", &crlf_one,
	    "```sh\nls\n```\nThat lists files.",
	    "```sh\r\nls\r\n```\r\nThat lists files.\r\n");
	check("block then prose, CRLF from the model", &one,
	    "```sh\r\nls\r\n```\r\nThat lists files.\r\n",
	    "```sh\nls\n```\nThat lists files.\n");
	check("block then prose, RAW", &raw_strip,
	    "```sh\nls\n```\nThat lists files.",
	    "```sh\nls\n```\nThat lists files.");
	check("two blocks: kept as written", &one, "```\na\n```\n\n```\nb\n```",
	    "```\na\n```\n\n```\nb\n```\n");
	check("two blocks, KEEP", &keep, "```\na\n```\n\n```\nb\n```\n",
	    "\n```\na\n```\n\n```\nb\n```\n\n");
	check("two blocks, CRLF", &crlf_keep, "```\na\n```\n\n```\nb\n```\n",
	    "```\r\na\r\n```\r\n\r\n```\r\nb\r\n```\r\n");
	check("block then a second fence opening", &one, "```\nx\n```\n```sh\n",
	    "```\nx\n```\n```sh\n");
	check("block then an indented fence opening", &one,
	    "```\nx\n```\n  ```", "```\nx\n```\n  ```\n");
	check("unclosed block: kept as written", &one, "```sh\nls -l\n",
	    "```sh\nls -l\n");
	check("unclosed block, half a closing fence", &one,
	    "```sh\nls -l\n  ``", "```sh\nls -l\n  ``\n");
	check("unclosed block, KEEP", &keep, "```sh\nls -l\n\n",
	    "\n```sh\nls -l\n\n");
	check("unclosed block, CRLF", &crlf_one, "```sh\nls -l\n",
	    "```sh\r\nls -l\r\n");
	check("text after the closing ticks: not a closing fence", &one,
	    "```\nx\n```y\n", "```\nx\n```y\n");
	check("four ticks do not close", &one, "```\nx\n````\n",
	    "```\nx\n````\n");
	check("blank lines before a block then prose", &one,
	    "\n \n```sh\nls\n```\nok", "```sh\nls\n```\nok\n");
	check("blank lines before a block then prose, RAW", &raw_strip,
	    "\n \n```sh\nls\n```\nok", "\n \n```sh\nls\n```\nok");
	check("blank lines before an indented block", &one,
	    "\n\n  ```sh\nls -l\n  ```\n", "ls -l\n");
	check("info string of two words, then prose", &one,
	    "```bash title\nls\n```\nok\n", "```bash title\nls\n```\nok\n");
	check("info string of two words, KEEP", &keep,
	    "```bash title\nls\n```\n", "\n```bash title\nls\n```\n\n");
	check("closing fence then blanks and newlines: stripped", &one,
	    "```\nx\n``` \t\n \n\t\n\n", "x\n");
	check("closing fence then CRLF blank lines: stripped", &one,
	    "```\r\nx\r\n```\r\n\r\n \r\n", "x\n");
	check("closing fence then blanks, CRLF", &crlf_one,
	    "```\nx\ny\n```\n\n\n", "x\r\ny\r\n");
	check("closing fence then blanks, KEEP", &keep, "```\nx\n\ny\n```\n\n",
	    "\nx\n\ny\n\n");
	check("closed block, RAW: the body as written", &raw_strip,
	    "\n```\n x\n\n```\n\n", " x\n");
	check("unclosed block, RAW: as written", &raw_strip, "\n```\n x\n\n",
	    "\n```\n x\n\n");
}

/*
 * Long inputs in one-byte pieces: linear time, or this never ends (the
 * rescan that was here took hours for a few million pieces).
 */
static void
test_long(void)
{
	enum { LONG = 2000000 };
	struct cfg cfgs[] = {
		{ 1, 0, MS_NL_ONE, NULL, NULL },
		{ 1, 1, MS_NL_KEEP, NULL, "\n" },
	};
	struct ms_buf in, out;
	struct ms_out o;
	size_t i, c;
	int bad;

	ms_buf_init(&in);
	ms_buf_init(&out);
	for (c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		/* Blanks, then a fence with a long first line. */
		ms_buf_reset(&in);
		for (i = 0; i < LONG; i++)
			ms_buf_addch(&in, " \n"[i % 2]);
		ms_buf_addstr(&in, "```");
		for (i = 0; i < LONG; i++)
			ms_buf_addch(&in, 'a');
		ms_buf_addstr(&in, "\nbody\n");
		for (i = 0; i < LONG; i++)
			ms_buf_addch(&in, " \nb"[i % 3]);
		ms_buf_addstr(&in, "\n```\n");
		for (i = 0; i < LONG; i++)
			ms_buf_addch(&in, '\n');
		ms_buf_reset(&out);
		ms_out_init(&o, collect, &out);
		o.strip_fence = 1;
		o.crlf = cfgs[c].crlf;
		o.nl = cfgs[c].nl;
		o.tail = cfgs[c].tail;
		for (i = 0, bad = 0; i < in.len; i++)
			bad |= ms_out_write(&o, in.data + i, 1);
		bad |= ms_out_finish(&o);
		ms_out_release(&o);
		/* The body alone: no fence line, no blank line after. */
		ok(bad == 0 && out.len > LONG / 2 &&
			out.len < 2 * (size_t)LONG &&
			memcmp(out.data, "body", 4) == 0 &&
			memmem(out.data, out.len, "`", 1) == NULL &&
			out.data[out.len - 1] == '\n' &&
			out.data[out.len - 2] == 'b',
		    "long blanks, first line and body in one-byte pieces, %zu",
		    c);

		/* The same with prose after the block: all as written. */
		in.len -= LONG;
		ms_buf_addstr(&in, "prose");
		ms_buf_reset(&out);
		ms_out_init(&o, collect, &out);
		o.strip_fence = 1;
		o.nl = MS_NL_RAW;
		for (i = 0, bad = 0; i < in.len; i++)
			bad |= ms_out_write(&o, in.data + i, 1);
		bad |= ms_out_finish(&o);
		ms_out_release(&o);
		ok(bad == 0 && out.len == in.len &&
			memcmp(out.data, in.data, in.len) == 0,
		    "long block then prose in one-byte pieces, as written, %zu",
		    c);
	}
	ms_buf_release(&in);
	ms_buf_release(&out);
}

static void
test_newlines(void)
{
	struct cfg keep = { 0, 0, MS_NL_KEEP, NULL, "\n\n" };
	struct cfg keep_none = { 0, 0, MS_NL_KEEP, NULL, NULL };
	struct cfg keep_empty = { 0, 0, MS_NL_KEEP, NULL, "" };
	struct cfg head = { 0, 0, MS_NL_KEEP, "\n\n", "\n" };
	struct cfg head_one = { 1, 0, MS_NL_ONE, "\n", NULL };
	struct cfg crlf = { 0, 1, MS_NL_KEEP, "\r\n", "\r\n" };
	struct cfg crlf_one = { 1, 1, MS_NL_ONE, NULL, NULL };

	check("ONE: adds the newline", &one_nofence, "Hello", "Hello\n");
	check("ONE: trailing newlines become one", &one_nofence, "Hello\n\n\n",
	    "Hello\n");
	check("ONE: trailing blanks dropped", &one_nofence, "Hello \t\n \n",
	    "Hello\n");
	check("ONE: leading blank lines dropped", &one_nofence, "\n\n\nHello",
	    "Hello\n");
	check("ONE: leading blank lines with spaces dropped", &one_nofence,
	    " \n\t\n  Hello", "  Hello\n");
	check("ONE: indentation of the first line kept", &one_nofence,
	    "    indented\n", "    indented\n");
	check("ONE: inner blank lines kept", &one_nofence, "a\n\n\nb\n",
	    "a\n\n\nb\n");
	check("ONE: inner spaces kept", &one_nofence, "a  b\t c", "a  b\t c\n");
	check("ONE: empty answer writes nothing", &one_nofence, "", "");
	check("ONE: blank answer writes nothing", &one_nofence, "\n\n  \n", "");
	check("ONE: UTF-8 passes", &one_nofence,
	    "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x98\x80\n",
	    "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x98\x80\n");
	check("KEEP: the tail given", &keep, "Hello\n", "Hello\n\n");
	check("KEEP: no tail", &keep_none, "Hello\n\n", "Hello");
	check("KEEP: empty tail", &keep_empty, "\nHello \n", "Hello");
	check("KEEP: empty answer writes nothing", &keep, "", "");
	check("KEEP: head before the answer", &head, "\n Hello\n\nWorld\n",
	    "\n\n Hello\n\nWorld\n");
	check("ONE: head before a fenced answer", &head_one, "```\nx\n```\n",
	    "\nx\n");
	check("RAW: exactly what was written", &raw, "\n\n  Hello \n\n\n",
	    "\n\n  Hello \n\n\n");
	check("RAW: fence kept", &raw, "```\nx\n```", "```\nx\n```");
	check("RAW: empty", &raw, "", "");
	check("CRLF: line ends converted", &crlf, "a\nb\n\nc\n",
	    "\r\na\r\nb\r\n\r\nc\r\n");
	check("CRLF: CRLF from the model not doubled", &crlf, "a\r\nb\r\n",
	    "\r\na\r\nb\r\n");
	check("CRLF: lone CR kept", &crlf, "a\rb", "\r\na\rb\r\n");
	check("LF: CRLF from the model becomes LF", &one_nofence,
	    "a\r\nb\r\n\r\nc\r\n", "a\nb\n\nc\n");
	check("LF: lone CR kept", &one_nofence, "a\rb", "a\rb\n");
	check(
	    "RAW: CRLF from the model kept", &raw, "a\r\nb\r\n", "a\r\nb\r\n");
	check("CRLF: ONE ends with CRLF", &crlf_one, "x\ny\n\n", "x\r\ny\r\n");
	check(
	    "CRLF: fenced answer", &crlf_one, "```\nx\ny\n```\n", "x\r\ny\r\n");
}

static void
test_errors(void)
{
	struct ms_out o;
	struct ms_buf b;

	ms_buf_init(&b);
	ms_out_init(&o, collect, &b);
	fail_writes = 1;
	is_int(ms_out_write(&o, "text", 4), MS_EPIPE,
	    "write: the write function's error comes back");
	is_int(ms_out_finish(&o), MS_EPIPE,
	    "finish: the write function's error comes back");
	fail_writes = 0;
	ms_out_release(&o);

	ms_out_init(&o, collect, &b);
	is_int(o.nl, MS_NL_ONE, "init: MS_NL_ONE by default");
	ok(!o.strip_fence && !o.crlf && o.head == NULL && o.tail == NULL,
	    "init: no fence removal, no CRLF, no head or tail");
	ms_buf_reset(&b);
	is_int(ms_out_write(&o, "", 0), 0, "write of nothing");
	ok(b.len == 0, "write of nothing writes nothing");
	ms_out_release(&o);
	ms_buf_release(&b);
}

/* A long answer in random pieces. */
static void
test_random(void)
{
	struct cfg cfgs[] = {
		{ 1, 0, MS_NL_ONE, NULL, NULL },
		{ 1, 1, MS_NL_KEEP, "\n", "\n\n" },
		{ 0, 0, MS_NL_RAW, NULL, NULL },
	};
	struct ms_buf text, want, got;
	size_t cuts[40], i, k, n, c, bad = 0;
	unsigned long seed = 99;

	ms_buf_init(&text);
	ms_buf_init(&want);
	ms_buf_init(&got);
	ms_buf_addstr(&text, "\n```python\n");
	for (i = 0; i < 50; i++)
		ms_buf_printf(
		    &text, "%*sline %zu `x` ``\n\n", (int)(i % 5), "", i);
	ms_buf_addstr(&text, "```\n\n");
	for (c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		ms_buf_reset(&want);
		run(&cfgs[c], text.data, text.len, NULL, 0, &want);
		for (n = 0; n < 500; n++) {
			size_t nc = 1 + n % 40;

			for (i = 0; i < nc; i++) {
				seed = seed * 1103515245 + 12345;
				cuts[i] = (seed >> 8) % (text.len + 1);
			}
			for (i = 1; i < nc; i++)
				for (k = i; k > 0 && cuts[k - 1] > cuts[k];
				     k--) {
					size_t t = cuts[k];

					cuts[k] = cuts[k - 1], cuts[k - 1] = t;
				}
			ms_buf_reset(&got);
			run(&cfgs[c], text.data, text.len, cuts, nc, &got);
			if (got.len != want.len ||
			    memcmp(got.data, want.data, want.len) != 0)
				bad++;
		}
	}
	ok(bad == 0, "random splits of a long answer, three settings");
	ok(want.len == text.len && memcmp(want.data, text.data, text.len) == 0,
	    "RAW of the long answer is the answer");
	ms_buf_release(&text);
	ms_buf_release(&want);
	ms_buf_release(&got);
}

int
main(void)
{
	test_fence();
	test_one_block();
	test_newlines();
	test_errors();
	test_random();
	test_long();
	return done();
}
