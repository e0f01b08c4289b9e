/*
 * job.c: the run of a job.  The input is cut into chunks that fit the
 * context (one chunk when it fits one request), the chunks become pieces,
 * and the pieces' requests run on one engine, at most -j at a time, while
 * more input is read as slots come free; so memory stays near jobs x
 * chunk size whatever the input's length.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "auth.h"
#include "job.h"
#include "order.h"
#include "reduce.h"
#include "msg.h"

#define READ_BLOCK (64 * 1024)

/* Room the answer needs in the context, unless it is as long as its input. */
static size_t
room(const struct plan *p)
{
	return p->rq.has_max_tokens ? (size_t)p->rq.max_tokens : 1024;
}

/* Tokens of input in one request: the context less prompt and answer. */
static int
budget(struct job *j)
{
	const struct plan *p = j->p;
	int translate = p->mode == LONG_TRANSLATE;
	struct ms_error err;
	size_t ov = 0, ov2 = 0;

	ms_error_clear(&err);
	if (plan_request(p, &p->tpl, "", 0, NULL, &ov, &err) == -1 ||
	    (!translate &&
		plan_request(p, &p->part, "", 0, NULL, &ov2, &err) == -1))
		return msg_fail(&err);
	if (ov2 > ov)
		ov = ov2;
	if ((size_t)p->context <= ov + 128 + (translate ? 0 : room(p))) {
		msg_err("the context of %ld tokens leaves no room for input "
			"next to the prompt of about %zu",
		    p->context, ov);
		return EX_DATAERR;
	}
	j->budget = (size_t)p->context - ov - 64;
	if (!translate)
		j->budget -= room(p);
	else if (p->rq.has_max_tokens)
		j->budget = j->budget > room(p) ? j->budget - room(p) : 1;
	else
		j->budget /= 2; /* the translation is as long as the text */
	return 0;
}

/* mschat: the whole input in one request, or an error that says so. */
static int
fits(struct job *j, const char *text, size_t len)
{
	const struct plan *p = j->p;
	struct ms_error err;
	size_t tokens = 0;

	ms_error_clear(&err);
	if (plan_request(p, &p->tpl, text, len, NULL, &tokens, &err) == -1)
		return msg_fail(&err);
	if (tokens + room(p) > (size_t)p->context) {
		msg_err("input too long: about %zu tokens with the prompt and "
			"%zu for the answer, the context holds %ld; use "
			"msummarize, or raise --context",
		    tokens, room(p), p->context);
		return EX_DATAERR;
	}
	return 0;
}

/* The next chunk, reading more as needed: 1, 0 at the end, -1 (err). */
static int
next_chunk(struct job *j, struct ms_chunk *ck, struct ms_error *err)
{
	struct ms_buf rb;
	ssize_t n;
	int r;

	for (;;) {
		if ((r = ms_chunker_next(&j->ck, ck)) != 0)
			return r == 1
			    ? 1
			    : ms_error_set(err, MS_ESOFTWARE, "out of memory");
		if (j->ck.eof && !j->in->file_end)
			return 0;
		if (j->ck.eof) {
			/* A file of its own: no chunk runs into the next. */
			ms_chunker_release(&j->ck);
			ms_chunker_init(&j->ck, j->budget);
			j->ck.tokenizer = j->p->tokenizer;
			input_next_file(j->in);
			continue;
		}
		ms_buf_init(&rb);
		if ((n = input_read(j->in, &rb, READ_BLOCK, err)) == 0)
			ms_chunker_finish(&j->ck);
		else if (n > 0 && ms_chunker_feed(&j->ck, rb.data, rb.len))
			n = ms_error_set(err, MS_ESOFTWARE, "out of memory");
		ms_buf_release(&rb);
		if (n == -1)
			return -1;
	}
}

/* A chunk becomes a piece (or, when it is the whole input, the answer). */
static void
take(struct job *j, struct ms_chunk *ck)
{
	const struct plan *p = j->p;
	size_t n = ck->len;

	if (memmem(ck->text, ck->len, "```", 3) != NULL)
		j->fenced = 1;
	/* The first piece may stream: nothing comes before it. */
	if (p->mode == LONG_TRANSLATE) {
		order_add(
		    j, ck->text, ck->len, j->taken++ == 0 && !p->buffered);
		return;
	}
	j->taken++;
	if (ck->index == 0 && ck->last) {
		/* One request: the text without its final line ends. */
		while (n > 0 &&
		    (ck->text[n - 1] == '\n' || ck->text[n - 1] == '\r'))
			n--;
		job_answer(j, &p->tpl, ck->text, n, j->fenced, 1);
	} else
		reduce_chunk(j, ck->text, ck->len);
	free(ck->text);
}

static int
on_fill(void *arg, struct ms_http *h, size_t n)
{
	struct job *j = arg;
	int translate = j->p->mode == LONG_TRANSLATE;
	struct ms_error err;
	struct ms_chunk ck;
	int r;

	(void)h;
	if (j->has_pending && n > 0) {
		j->has_pending = 0;
		take(j, &j->pending);
		n--;
	}
	while (n > 0 && !j->input_done && j->status == 0) {
		/*
		 * Answers wait for their turn in memory: keep them few (all
		 * of them, though, when nothing may be written before the end).
		 */
		if (translate && !j->p->buffered && j->held >= 2 * j->p->jobs)
			break;
		if (!translate && j->early >= 2 * j->p->jobs)
			break;
		if ((r = next_chunk(j, &ck, &err)) <= 0) {
			if (r == -1)
				job_fail(j, msg_status(err.kind), &err);
			j->input_done = 1;
			break;
		}
		take(j, &ck);
		n--;
	}
	if (translate && j->status == 0)
		order_flush(j);
	if (!translate && j->input_done && j->outstanding == 0 &&
	    !j->final_started && j->status == 0)
		reduce_finish(j);
	job_progress(j, 0);
	return 0;
}

static void
unlink_inflight(struct job *j, struct piece *pc)
{
	struct piece **pp;

	for (pp = &j->inflight; *pp != NULL; pp = &(*pp)->inext)
		if (*pp == pc) {
			*pp = pc->inext;
			return;
		}
}

static void
on_done(void *arg, struct ms_http *h, struct ms_call *call)
{
	struct job *j = arg;
	struct piece *pc = call->arg;
	const struct ms_resp *r = &pc->a.resp;
	int cut = 0;

	(void)h;
	j->outstanding--;
	j->finished++;
	ms_buf_release(&pc->body); /* answered: the request is not needed */
	if (pc->text == NULL)
		unlink_inflight(j, pc);
	job_usage_add(j, r, call->st.attempts);
	if (r->provider[0] || r->model[0])
		msg_info("answered by %s%s%s", r->model[0] ? r->model : "?",
		    r->provider[0] ? " via " : "", r->provider);
	/* Only a whole answer counts (SPEC 8). */
	if (call->rc == 0 && (cut = answer_check(&pc->a, &call->err)) == -1)
		call->rc = -1;
	if (cut && j->p->rq.has_max_tokens) {
		cut = 0; /* what the user asked for: said once, at the end */
		j->cut_kept = 1;
	}
	if (call->rc == -1 && pc->text != NULL)
		order_fail(j, pc, &call->err);
	else if (call->rc == -1) {
		job_fail(j, msg_status(call->err.kind), &call->err);
		piece_free(pc);
	} else if (pc->level == FINAL && cut && pc->whole && !pc->a.live &&
	    j->p->mode == LONG_SUMMARIZE) {
		/* Summarized again in parts, then the parts' summaries. */
		reduce_redo_whole(j, pc->input, pc->ilen);
		piece_free(pc);
	} else if (pc->level == FINAL)
		job_answer_done(j, pc, cut);
	else if (pc->text != NULL)
		order_done(j, pc, cut);
	else
		reduce_done(j, pc, cut);
}

static void
on_log(void *arg, const char *line)
{
	(void)arg;
	msg_info("%s", line);
}

/* Fetch the key and start the engine; 0, or an exit status. */
static int
connect_engine(struct job *j)
{
	struct ms_http_opts ho = j->p->ho;
	struct ms_error err;

	ms_error_clear(&err);
	if (auth_key(j->p, &j->key, &err) == -1 ||
	    ms_http_global_init(&err) == -1)
		return msg_fail(&err);
	ho.key = j->key.data;
	ho.log = msg_verbose() ? on_log : NULL;
	if ((j->h = ms_http_new(&ho, &err)) == NULL)
		return msg_fail(&err);
	return 0;
}

/* The first chunk, read before anything is sent: 0, or an exit status. */
static int
first_chunk(struct job *j, int *nothing)
{
	struct ms_error err;
	struct ms_chunk *ck = &j->pending;
	int r, rc, whole;

	*nothing = 0;
	if ((r = next_chunk(j, ck, &err)) == -1)
		return msg_fail(&err);
	whole = r == 1 && ck->last && !j->in->file_end;
	if (r == 0 || (whole && ms_text_blank(ck->text, ck->len))) {
		/* Nothing to summarize; nothing to translate but blanks. */
		*nothing = 1;
		rc = 0;
		if (r == 1 && j->p->mode == LONG_TRANSLATE &&
		    (rc = out_write(ck->text, ck->len)) != 0) {
			answer_write_error(&err, rc);
			rc = rc == MS_EPIPE ? msg_fail(&err)
					    : (msg_fail(&err), EX_IOERR);
		}
		if (r == 1)
			free(ck->text);
		return rc;
	}
	j->has_pending = 1;
	if (whole)
		j->progress = 0; /* one request: nothing to count */
	else
		msg_info("long input: chunks of at most %zu tokens, %zu at a "
			 "time",
		    j->budget, j->p->jobs);
	return 0;
}

/* -n: every request of the first pass, one JSON object a line. */
static int
dry_run(struct job *j, const char *text, size_t len, int fenced)
{
	struct ms_error err;
	struct ms_chunk ck;
	int r;

	auth_show(j->p);
	if (text != NULL) {
		job_answer(j, &j->p->tpl, text, len, fenced, 0);
		if (j->status == 0 && j->p->o->usage)
			job_dry_report(j);
		return j->status;
	}
	j->has_pending = 0;
	take(j, &j->pending);
	while (j->status == 0 && (r = next_chunk(j, &ck, &err)) != 0) {
		if (r == -1) {
			job_fail(j, msg_status(err.kind), &err);
			break;
		}
		take(j, &ck);
	}
	if (j->status == 0 && j->p->o->usage)
		job_dry_report(j);
	return j->status;
}

static void
job_release(struct job *j)
{
	struct piece *pc;

	if (j->has_pending)
		free(j->pending.text);
	ms_http_free(j->h);
	while ((pc = j->inflight) != NULL) {
		j->inflight = pc->inext;
		piece_free(pc);
	}
	order_release(j);
	reduce_release(j);
	ms_chunker_release(&j->ck);
	ms_buf_wipe(&j->key);
}

int
job_run(const struct plan *p, struct input *in, const char *text, size_t len,
    int fenced)
{
	struct ms_http_cb cb = { on_fill, on_done, NULL };
	struct ms_error err;
	struct job j;
	int status, nothing = 0, L;

	memset(&j, 0, sizeof(j));
	j.p = p;
	j.in = in;
	j.lastp = &j.first;
	j.dry = p->o->dry_run;
	j.u.all_cost = 1;
	for (L = 0; L < MAX_LEVELS; L++)
		ms_buf_init(&j.levels[L].acc);
	ms_buf_init(&j.key);
	ms_chunker_init(&j.ck, 1);
	/* Progress on a terminal, unless it would mix with the answer there. */
	j.progress = isatty(STDERR_FILENO) && !j.dry &&
	    !(p->mode == LONG_TRANSLATE && !p->buffered &&
		isatty(STDOUT_FILENO));
	if (text != NULL) {
		j.progress = 0;
		j.input_done = 1;
		status = fits(&j, text, len);
	} else if ((status = budget(&j)) == 0) {
		ms_chunker_init(&j.ck, j.budget);
		j.ck.tokenizer = p->tokenizer;
		status = first_chunk(&j, &nothing);
	}
	if (status != 0 || nothing)
		goto out;
	if (j.dry) {
		status = dry_run(&j, text, len, fenced);
		goto out;
	}
	if ((status = connect_engine(&j)) != 0)
		goto out;
	if (text != NULL)
		job_answer(&j, &p->tpl, text, len, fenced, 0);
	cb.arg = &j;
	ms_error_clear(&err);
	if (ms_http_run(j.h, p->jobs, &cb, &err) == -1 && j.status == 0)
		job_fail(&j, msg_status(err.kind), &err);
	ms_buf_wipe(&j.key);
	if (p->mode == LONG_TRANSLATE && j.status == 0)
		order_flush(&j);
	job_progress(&j, 1);
	status = j.status;
	if (status == 0 && j.cut_kept)
		msg_warn("the answer was cut short at --max-tokens "
			 "(finish_reason \"length\")");
	/* What was spent is spent, whether the job succeeded or not. */
	if (p->o->usage && j.made > 0)
		job_usage_report(&j);
out:
	job_release(&j);
	return status;
}
