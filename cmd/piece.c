/*
 * piece.c: what every job does with its pieces, whatever the tool: make
 * a piece's request, hand it to the engine, fail, show progress, count
 * usage, and write the answer the user reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "piece.h"
#include "msg.h"

struct piece *
piece_new(struct job *j, int live)
{
	struct piece *pc;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return NULL;
	pc->job = j;
	ms_buf_init(&pc->body);
	ms_buf_init(&pc->halves[0]);
	ms_buf_init(&pc->halves[1]);
	answer_init(&pc->a, live);
	return pc;
}

void
piece_free(struct piece *pc)
{
	if (pc == NULL)
		return;
	free(pc->text);
	free(pc->ohead);
	free(pc->otail);
	free(pc->input);
	ms_buf_release(&pc->halves[0]);
	ms_buf_release(&pc->halves[1]);
	ms_buf_release(&pc->body);
	answer_release(&pc->a);
	free(pc);
}

int
job_submit(struct job *j, struct piece *pc, const struct ms_template *t,
    const char *input, size_t len)
{
	int cost = j->dry && j->p->o->usage;
	struct ms_error err;
	size_t tokens = 0;

	ms_error_clear(&err);
	if (plan_request(j->p, t, input, len, &pc->body, cost ? &tokens : NULL,
		&err) == -1) {
		job_fail(j, msg_status(err.kind), &err);
		return -1;
	}
	if (j->dry) {
		int rc;

		/* -n -u: what the request will cost, before it is sent. */
		if (cost) {
			j->dry_tokens += tokens;
			msg_err("usage: request %zu: %zu tokens in", ++j->made,
			    tokens);
		}

		if (ms_buf_addch(&pc->body, '\n') == -1)
			rc = MS_ESOFTWARE, errno = ENOMEM;
		else
			rc = out_write(pc->body.data, pc->body.len);
		if (rc != 0) {
			answer_write_error(&err, rc);
			job_fail(j, rc == MS_EPIPE ? msg_status(rc) : EX_IOERR,
			    &err);
			return -1;
		}
		return 0;
	}
	pc->call.body = pc->body.data;
	pc->call.len = pc->body.len;
	pc->call.resp = &pc->a.resp;
	pc->call.arg = pc;
	/* mtranslate's pieces are in input order; the others are here. */
	if (pc->text == NULL) {
		pc->inext = j->inflight;
		j->inflight = pc;
	}
	if (ms_http_add(j->h, &pc->call) == -1) {
		job_fail(j, msg_status(pc->call.err.kind), &pc->call.err);
		return -1;
	}
	j->outstanding++;
	j->made++;
	return 0;
}

void
job_fail(struct job *j, int status, const struct ms_error *err)
{
	if (j->status != 0)
		return;
	if (err != NULL)
		msg_fail(err);
	j->status = status;
	if (j->h != NULL && !j->draining)
		ms_http_stop(j->h);
}

void
job_progress(struct job *j, int clear)
{
	char line[128];

	if (!j->progress)
		return;
	if (clear) {
		msg_progress(NULL);
		return;
	}
	if (j->shown_finished == j->finished && j->shown_made == j->made &&
	    j->made > 0)
		return; /* nothing new to show */
	j->shown_finished = j->finished;
	j->shown_made = j->made;
	snprintf(line, sizeof(line), "%zu/%zu%s chunks", j->finished, j->made,
	    j->input_done ? "" : "+");
	msg_progress(line);
}

void
job_usage_add(struct job *j, const struct ms_resp *r, int attempts)
{
	const struct ms_usage *u = &r->usage;
	const struct ms_profile *f = j->p->prof;

	j->u.requests += attempts;
	if (u->has_tokens) {
		j->u.tokens_in += u->prompt_tokens;
		j->u.tokens_out += u->completion_tokens;
		j->u.has_tokens = 1;
	}
	if (u->has_cost)
		j->u.cost += u->cost;
	else if (f->price_in >= 0 && f->price_out >= 0)
		j->u.cost += ((double)u->prompt_tokens * f->price_in +
				 (double)u->completion_tokens * f->price_out) /
		    1e6;
	else
		j->u.all_cost = 0;
}

void
job_dry_report(const struct job *j)
{
	const struct ms_profile *f = j->p->prof;
	char cost[96] = "cost unknown (no price_in)";

	if (f->price_in >= 0)
		snprintf(cost, sizeof(cost), "$%.6f for the input",
		    (double)j->dry_tokens * f->price_in / 1e6);
	msg_err("usage: %zu request%s, %zu tokens in (%s), %s; the answers "
		"%sare not counted",
	    j->made, j->made == 1 ? "" : "s", j->dry_tokens,
	    j->p->tokenizer == MS_TOKENIZER_MISTRAL ? "counted" : "estimated",
	    cost,
	    j->p->mode == LONG_SUMMARIZE && j->made > 1
		? "and the summaries of the summaries "
		: "");
}

void
job_usage_report(const struct job *j)
{
	const struct usage *u = &j->u;
	const char *s = u->requests == 1 ? "" : "s";

	if (!u->has_tokens)
		msg_err("usage: tokens unknown (the server sent no usage), "
			"%d request%s",
		    u->requests, s);
	else if (u->all_cost)
		msg_err("usage: %ld tokens in, %ld out, %d request%s, $%.6f",
		    u->tokens_in, u->tokens_out, u->requests, s, u->cost);
	else
		msg_err("usage: %ld tokens in, %ld out, %d request%s, cost "
			"unknown",
		    u->tokens_in, u->tokens_out, u->requests, s);
}

int
job_halves(const struct plan *p, const char *text, size_t len, size_t tokens,
    struct ms_chunk ck[2])
{
	struct ms_chunker k;
	int n = 0;

	ms_chunker_init(&k, tokens / 2 + 1);
	k.tokenizer = p->tokenizer;
	if (ms_chunker_feed(&k, text, len) == 0) {
		ms_chunker_finish(&k);
		if (tokens >= 8 && ms_chunker_next(&k, &ck[0]) == 1) {
			n = 1;
			/* The second half is all the rest, whatever its size. */
			if (ck[0].len < len &&
			    (ck[1].text = strndup(
				 text + ck[0].len, len - ck[0].len)) != NULL) {
				ck[1].len = len - ck[0].len;
				n = 2;
			}
		}
	}
	ms_chunker_release(&k);
	if (n == 1)
		free(ck[0].text);
	return n == 2 ? 0 : -1;
}

void
job_answer(struct job *j, const struct ms_template *t, const char *text,
    size_t len, int fenced, int whole)
{
	struct piece *pc;

	j->final_started = 1;
	/* The answer streams: the progress line goes first. */
	job_progress(j, 1);
	j->progress = 0;
	if ((pc = piece_new(j, !j->p->buffered)) == NULL) {
		struct ms_error err;

		ms_error_set(&err, MS_ESOFTWARE, "out of memory");
		job_fail(j, msg_status(MS_ESOFTWARE), &err);
		return;
	}
	pc->level = FINAL;
	/* The whole input in one request may be redone in parts. */
	if (whole && (pc->input = strndup(text, len)) != NULL) {
		pc->ilen = len;
		pc->whole = 1;
	}
	answer_shape(&pc->a, j->p, fenced, MS_EOL_LF, MS_NL_ONE, NULL, NULL);
	if (job_submit(j, pc, t, text, len) == -1 || j->dry)
		piece_free(pc);
}

void
job_answer_done(struct job *j, struct piece *pc, int cut)
{
	struct ms_error err;

	job_progress(j, 1);
	if (cut) {
		/* Streamed, a summary of the whole cannot be taken back. */
		ms_error_set(&err, MS_EUNAVAIL,
		    "the answer was cut short (finish_reason \"length\"): it "
		    "needs more room than the context leaves; raise "
		    "--max-tokens or --context%s",
		    pc->whole && pc->a.live && j->p->mode == LONG_SUMMARIZE
			? ", or use --no-stream so that it can be redone in parts"
			: "");
		job_fail(j, EX_UNAVAILABLE, &err);
	} else if (answer_write(&pc->a, &err) == -1)
		job_fail(j, msg_status(err.kind), &err);
	piece_free(pc);
}
