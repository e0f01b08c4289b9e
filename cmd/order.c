/*
 * order.c: mtranslate's pieces.  Each chunk is translated on its own,
 * with the blank lines and line ends around it kept as read; answers are
 * written strictly in input order (the first may stream as it arrives),
 * and an answer cut for length is redone in two smaller parts.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "order.h"
#include "msg.h"

/* The text as the model reads it: CRLF as LF when every line ends so. */
static int
send_eol(struct ms_buf *out, const char *s, size_t n, int eol)
{
	size_t i;

	if (eol != MS_EOL_CRLF)
		return ms_buf_add(out, s, n);
	for (i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			ms_buf_addch(out, s[i]);
	return out->oom ? -1 : 0;
}

static void
oom(struct job *j)
{
	struct ms_error err;

	ms_error_set(&err, MS_ESOFTWARE, "out of memory");
	job_fail(j, EX_SOFTWARE, &err);
}

/* A translation piece for text, which it takes over; NULL on failure. */
static struct piece *
piece(struct job *j, char *text, size_t len, int live)
{
	struct piece *pc;
	struct ms_buf send;
	int fenced, eol, rc;

	if ((pc = piece_new(j, live)) == NULL) {
		free(text);
		oom(j);
		return NULL;
	}
	pc->text = text;
	pc->len = len;
	ms_text_trim(text, len, &pc->head, &pc->tail);
	fenced = memmem(text, len, "```", 3) != NULL;
	eol = ms_text_eol(text + pc->head, pc->tail - pc->head);
	if ((pc->ohead = strndup(text, pc->head)) == NULL ||
	    (pc->otail = strdup(text + pc->tail)) == NULL) {
		piece_free(pc);
		oom(j);
		return NULL;
	}
	answer_shape(
	    &pc->a, j->p, fenced, eol, MS_NL_KEEP, pc->ohead, pc->otail);
	if (pc->head == pc->tail) {
		pc->done = 1; /* only blanks: they are their own translation */
		return pc;
	}
	ms_buf_init(&send);
	if (send_eol(&send, text + pc->head, pc->tail - pc->head, eol) == -1) {
		ms_buf_release(&send);
		piece_free(pc);
		oom(j);
		return NULL;
	}
	rc = job_submit(j, pc, &j->p->tpl, send.data, send.len);
	ms_buf_release(&send);
	if (rc == -1) {
		piece_free(pc);
		return NULL;
	}
	return pc;
}

int
order_add(struct job *j, char *text, size_t len, int live)
{
	struct piece *pc;

	if ((pc = piece(j, text, len, live)) == NULL)
		return -1;
	if (j->dry) {
		piece_free(pc);
		return 0;
	}
	*j->lastp = pc;
	j->lastp = &pc->next;
	j->held++;
	return 0;
}

/* Write every finished piece at the front, in order. */
void
order_flush(struct job *j)
{
	struct ms_error err;
	struct piece *pc;
	int rc;

	/* -k, --no-stream: nothing is written before the whole is done. */
	if (j->p->buffered && (j->outstanding > 0 || !j->input_done))
		return;
	while ((pc = j->first) != NULL && pc->done && !pc->failed &&
	    !j->write_failed) {
		if (pc->head == pc->tail) {
			if ((rc = out_write(pc->text, pc->len)) != 0)
				answer_write_error(&err, rc);
		} else
			rc = answer_write(&pc->a, &err);
		if (rc != 0) {
			j->write_failed = 1;
			j->draining = 0;
			job_fail(j, msg_status(err.kind), &err);
			return;
		}
		if ((j->first = pc->next) == NULL)
			j->lastp = &j->first;
		j->held--;
		piece_free(pc);
	}
	if (j->draining && (j->first == NULL || j->first->failed)) {
		j->draining = 0;
		ms_http_stop(j->h);
	}
}

/*
 * A chunk failed.  What comes before it in the input is still written,
 * whole, once its requests out are answered; nothing after it.
 */
void
order_fail(struct job *j, struct piece *pc, const struct ms_error *err)
{
	pc->failed = 1;
	j->draining = !j->p->buffered;
	job_fail(j, msg_status(err->kind), err);
	order_flush(j);
}

/* An answer cut for length: translate its chunk again in smaller parts. */
static void
resplit(struct job *j, struct piece *pc)
{
	struct ms_chunk ck[2];
	struct piece *a, *b;
	struct ms_error err;
	size_t tokens =
	    plan_tokens(j->p, pc->text + pc->head, pc->tail - pc->head);

	if (job_halves(j->p, pc->text, pc->len, tokens, ck) == -1) {
		ms_error_set(&err, MS_EUNAVAIL,
		    "the answer to a chunk of about %zu tokens was cut short "
		    "(finish_reason \"length\") and it cannot be cut smaller; "
		    "raise --max-tokens or --context",
		    tokens);
		order_fail(j, pc, &err);
		return;
	}
	if ((a = piece(j, ck[0].text, ck[0].len, 0)) == NULL) {
		free(ck[1].text);
		pc->failed = 1;
		return;
	}
	if ((b = piece(j, ck[1].text, ck[1].len, 0)) == NULL) {
		piece_free(a);
		pc->failed = 1;
		return;
	}
	/* The halves take the place of the piece, in order. */
	a->next = b;
	b->next = pc->next;
	pc->next = a;
	if (j->lastp == &pc->next)
		j->lastp = &b->next;
	pc->done = 1;
	pc->len = 0; /* written as nothing */
	pc->head = pc->tail = 0;
	j->held += 2;
}

void
order_done(struct job *j, struct piece *pc, int cut)
{
	struct ms_error err;

	if (!cut)
		pc->done = 1;
	else if (pc->a.live) {
		ms_error_set(&err, MS_EUNAVAIL,
		    "the answer to the first chunk was cut short "
		    "(finish_reason \"length\") after part of it was "
		    "written; use --no-stream so that it can be redone in "
		    "parts");
		order_fail(j, pc, &err);
		return;
	} else
		resplit(j, pc);
	order_flush(j);
}

void
order_release(struct job *j)
{
	struct piece *pc;

	while ((pc = j->first) != NULL) {
		j->first = pc->next;
		piece_free(pc);
	}
}
