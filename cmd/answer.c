/*
 * answer.c: one answer on its way to stdout.  A live answer streams
 * through the output shaper, one write for what one read of the network
 * brought; any other is held until it is whole, then written the same
 * way, so both come out byte for byte alike.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "answer.h"
#include "msg.h"

static int
to_stdout(void *arg, const char *s, size_t n)
{
	(void)arg;
	return out_write(s, n);
}

/* The answer a piece of text belongs to: its output, or its held text. */
static struct answer *
of_out(void *arg)
{
	return (struct answer *)((char *)arg - offsetof(struct answer, out));
}

static struct answer *
of_held(void *arg)
{
	return (struct answer *)((char *)arg - offsetof(struct answer, held));
}

static int
stream(void *arg, const char *s, size_t n)
{
	struct answer *a = of_out(arg);

	if (!a->text && !ms_text_blank(s, n))
		a->text = 1;
	return ms_out_write(arg, s, n);
}

static int
flush(void *arg)
{
	return ms_out_flush(arg);
}

static int
hold(void *arg, const char *s, size_t n)
{
	struct answer *a = of_held(arg);

	if (!a->text && !ms_text_blank(s, n))
		a->text = 1;
	return ms_buf_add(arg, s, n) == -1 ? MS_ESOFTWARE : 0;
}

void
answer_init(struct answer *a, int live)
{
	memset(a, 0, sizeof(*a));
	a->live = live;
	ms_buf_init(&a->held);
	ms_out_init(&a->out, to_stdout, NULL);
	if (live) {
		ms_resp_init(&a->resp, stream, &a->out);
		a->resp.on_flush = flush;
	} else
		ms_resp_init(&a->resp, hold, &a->held);
}

void
answer_release(struct answer *a)
{
	ms_resp_release(&a->resp);
	ms_out_release(&a->out);
	ms_buf_release(&a->held);
}

void
answer_shape(struct answer *a, const struct plan *p, int fenced, int eol,
    enum ms_final_nl nl, const char *head, const char *tail)
{
	struct ms_out *o = &a->out;
	int raw = p->o->raw;

	o->strip_fence = !fenced && !raw;
	o->crlf = raw ? MS_EOL_MIXED : eol;
	o->nl = raw ? MS_NL_RAW : nl;
	o->head = head;
	o->tail = tail;
	o->batch = 1; /* one write for the deltas of one read */
}

int
answer_write_error(struct ms_error *err, int rc)
{
	return ms_error_set(err, (enum ms_errkind)rc, "cannot write output: %s",
	    strerror(errno));
}

int
answer_write(struct answer *a, struct ms_error *err)
{
	int rc = 0;

	if (!a->live)
		rc = ms_out_write(&a->out, a->held.data, a->held.len);
	if (rc == 0)
		rc = ms_out_finish(&a->out);
	return rc != 0 ? answer_write_error(err, rc) : 0;
}

static int
among(const char *s, const char *const *v)
{
	for (; *v != NULL; v++)
		if (strcmp(s, *v) == 0)
			return 1;
	return 0;
}

int
answer_check(const struct answer *a, struct ms_error *err)
{
	static const char *const stop[] = { "", "stop", "end_turn", "eos",
		"eos_token", "stop_sequence", NULL };
	static const char *const cut[] = { "length", "model_length",
		"max_tokens", NULL };
	const char *why = a->resp.finish_reason;

	if (among(why, cut))
		return 1;
	if (strcmp(why, "content_filter") == 0)
		return ms_error_set(err, MS_EUNAVAIL,
		    "the provider's content filter stopped the answer "
		    "(finish_reason \"content_filter\")%s",
		    a->text ? " after part of it" : "");
	if (!among(why, stop))
		return ms_error_set(err, MS_EUNAVAIL,
		    "the answer stopped with finish_reason \"%.100s\"", why);
	if (!a->text)
		return ms_error_set(err, MS_EUNAVAIL,
		    "the answer is empty: the model wrote nothing%s%.100s%s",
		    *why ? " (finish_reason \"" : "", why, *why ? "\")" : "");
	return 0;
}
