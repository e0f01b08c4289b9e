/*
 * long.c: input too long for one request (SPEC 5).  mtranslate cuts it
 * into chunks, translates them concurrently and writes the translations
 * strictly in input order; msummarize summarizes the chunks, then the
 * summaries, until one answer is left.  Input is read as chunks are
 * needed, so memory stays near jobs x chunk size whatever its length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

#define MAX_LEVELS 16
#define READ_BLOCK (64 * 1024)
#define FINAL (-1) /* the level of msummarize's last request */

struct job;

/* One request of a long job. */
struct piece {
	struct piece *next; /* mtranslate: the next in input order */
	struct job *job;
	char *text;		/* the chunk as read (mtranslate) */
	size_t len, head, tail; /* text[head..tail) is what is sent */
	char *ohead, *otail;	/* written around its translation */
	struct piece *inext;	/* msummarize: the calls out */
	int level;		/* msummarize: 0 for chunks, FINAL at last */
	size_t seq;		/* order within its level */
	int done, live;
	int eol;    /* its line ends: MS_EOL_* */
	int fenced; /* its text has a code fence */
	int failed; /* mtranslate: the output ends before it */
	struct ms_buf body, answer;
	struct ms_resp resp;
	struct ms_out out; /* live pieces write through it */
	struct ms_call call;
};

/* Partial summaries of one level, joined in order until they fill a request. */
struct level {
	struct ms_buf acc;
	size_t acc_tokens;
	size_t issued;	     /* requests made at this level */
	size_t next;	     /* the seq whose summary is appended next */
	struct piece *early; /* done before their turn, by seq */
};

struct job {
	struct cmd *c;
	struct plan *p;
	struct ms_http *h;
	struct ms_chunker ck;
	struct ms_buf rbuf;
	int translate;
	size_t budget; /* tokens of input in one request */
	int input_done;
	size_t outstanding; /* calls not finished */
	size_t held;	    /* mtranslate: pieces not yet written */
	size_t early;	    /* msummarize: summaries waiting for their turn */
	struct piece *first, **lastp;
	struct piece *inflight; /* msummarize: pieces with a call out */
	struct level levels[MAX_LEVELS];
	int final_started;
	int fenced;   /* some input had a code fence */
	int draining; /* failed; writing what comes before the failure */
	int write_failed;
	int status; /* the job's exit status, once it failed */
	int dry;
	size_t made, finished;
	int progress;
	size_t progress_len;
	size_t shown_finished, shown_made;
};

static void
progress(struct job *j, int clear)
{
	char line[128];
	int n;

	if (!j->progress)
		return;
	if (clear) {
		if (j->progress_len > 0)
			fprintf(stderr, "\r%*s\r", (int)j->progress_len, "");
		j->progress_len = 0;
		return;
	}
	if (j->shown_finished == j->finished && j->shown_made == j->made &&
	    j->progress_len > 0)
		return; /* nothing new to show */
	j->shown_finished = j->finished;
	j->shown_made = j->made;
	n = snprintf(line, sizeof(line), "%s: %zu/%zu%s chunks", j->c->prog,
	    j->finished, j->made, j->input_done ? "" : "+");
	fprintf(stderr, "\r%s", line);
	if ((size_t)n < j->progress_len)
		fprintf(stderr, "%*s", (int)(j->progress_len - (size_t)n), "");
	j->progress_len = (size_t)n;
}

/* Stop the job with status and, unless quiet about it, a message. */
static void flush(struct job *);

static void
job_fail(struct job *j, int status, struct ms_error *err)
{
	if (j->status != 0)
		return;
	progress(j, 1);
	if (err != NULL && err->kind != MS_EINTR && err->kind != MS_EPIPE)
		cmd_fail(j->c, err);
	j->status = status;
	if (j->h != NULL && !j->draining)
		ms_http_stop(j->h);
}

/*
 * mtranslate: a chunk failed.  What comes before it in the input is still
 * written, whole, once its requests out are answered; nothing after it.
 */
static void
piece_fail(struct job *j, struct piece *pc, int status, struct ms_error *err)
{
	pc->failed = 1;
	j->draining = !j->p->buffered;
	job_fail(j, status, err);
	flush(j);
}

static void
piece_free(struct piece *pc)
{
	if (pc == NULL)
		return;
	free(pc->text);
	free(pc->ohead);
	free(pc->otail);
	ms_buf_release(&pc->body);
	ms_buf_release(&pc->answer);
	ms_resp_release(&pc->resp);
	ms_out_release(&pc->out);
	free(pc);
}

/*
 * How an answer is written: fenced is whether its input held a code fence,
 * in which case a fence around the answer is meant.
 */
static void
out_setup(struct job *j, struct ms_out *o, int fenced, int crlf,
    enum ms_final_nl nl, const char *head, const char *tail)
{
	struct cmd *c = j->c;

	ms_out_init(o, cmd_out_fd, NULL);
	o->strip_fence = !fenced && !c->raw;
	o->crlf = c->raw ? MS_EOL_MIXED : crlf;
	o->nl = c->raw ? MS_NL_RAW : nl;
	o->head = head;
	o->tail = tail;
	o->batch = 1; /* one write for the deltas of one read */
}

/* The next chunk of input, reading more as needed: 1, or 0 at the end. */
static int
next_chunk(struct job *j, struct ms_chunk *ck)
{
	int r;

	for (;;) {
		if ((r = ms_chunker_next(&j->ck, ck)) != 0) {
			if (r == 1 && memmem(ck->text, ck->len, "```", 3))
				j->fenced = 1;
			return r;
		}
		if (j->ck.eof)
			return 0;
		ms_buf_reset(&j->rbuf);
		if (cmd_source_read(j->c, &j->rbuf, READ_BLOCK) == 0)
			ms_chunker_finish(&j->ck);
		else if (ms_chunker_feed(&j->ck, j->rbuf.data, j->rbuf.len))
			return -1;
	}
}

/* Make the request of a piece and hand it to the engine. */
static int
submit(struct job *j, struct piece *pc, const struct ms_template *t,
    const char *input, size_t len)
{
	struct ms_error err;

	ms_error_clear(&err);
	if (cmd_body(j->c, j->p, t, input, len, &pc->body, NULL, &err) == -1) {
		job_fail(j, cmd_exit_status(err.kind), &err);
		return -1;
	}
	if (j->dry) {
		printf("%s\n", pc->body.data);
		return 0;
	}
	pc->call.body = pc->body.data;
	pc->call.len = pc->body.len;
	pc->call.resp = &pc->resp;
	pc->call.arg = pc;
	if (!j->translate) {
		pc->inext = j->inflight;
		j->inflight = pc;
	}
	j->outstanding++;
	j->made++;
	ms_http_add(j->h, &pc->call);
	return 0;
}

static struct piece *
piece_new(struct job *j, int live)
{
	struct piece *pc;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return NULL;
	pc->job = j;
	pc->live = live;
	ms_buf_init(&pc->body);
	ms_buf_init(&pc->answer);
	ms_out_init(&pc->out, cmd_out_fd, NULL);
	if (live) {
		ms_resp_init(&pc->resp, cmd_delta_stream, &pc->out);
		pc->resp.on_flush = cmd_delta_flush;
	} else
		ms_resp_init(&pc->resp, cmd_delta_buffer, &pc->answer);
	return pc;
}

/* --- mtranslate --------------------------------------------------------- */

/* A translation piece for text, which it takes over. */
static struct piece *
tpiece(struct job *j, char *text, size_t len, int live)
{
	struct piece *pc;
	struct ms_buf send;

	if ((pc = piece_new(j, live)) == NULL)
		return NULL;
	pc->text = text;
	pc->len = len;
	ms_text_trim(text, len, &pc->head, &pc->tail);
	pc->fenced = memmem(text, len, "```", 3) != NULL;
	pc->eol = ms_text_eol(text + pc->head, pc->tail - pc->head);
	if ((pc->ohead = strndup(text, pc->head)) == NULL ||
	    (pc->otail = strdup(text + pc->tail)) == NULL) {
		piece_free(pc);
		return NULL;
	}
	/* A live piece streams through its own output, blanks around it. */
	if (live)
		out_setup(j, &pc->out, pc->fenced, pc->eol, MS_NL_KEEP,
		    pc->ohead, pc->otail);
	if (pc->head == pc->tail) {
		pc->done = 1; /* only blanks: they are their own translation */
		return pc;
	}
	ms_buf_init(&send);
	cmd_send_eol(&send, text + pc->head, pc->tail - pc->head, pc->eol);
	if (submit(j, pc, &j->p->tpl, send.data, send.len) == -1) {
		ms_buf_release(&send);
		piece_free(pc);
		return NULL;
	}
	ms_buf_release(&send);
	return pc;
}

/* Write every finished piece at the front, in order. */
static void
flush(struct job *j)
{
	struct piece *pc;
	struct ms_out o;
	int rc;

	/* -k, --no-stream: nothing is written before the whole is done. */
	if (j->p->buffered && (j->outstanding > 0 || !j->input_done))
		return;
	while ((pc = j->first) != NULL && pc->done && !pc->failed &&
	    !j->write_failed) {
		if (pc->live) {
			rc = ms_out_finish(&pc->out);
		} else if (pc->head == pc->tail) {
			rc = cmd_out_fd(NULL, pc->text, pc->len);
		} else {
			out_setup(j, &o, pc->fenced, pc->eol, MS_NL_KEEP,
			    pc->ohead, pc->otail);
			rc = ms_out_write(&o, pc->answer.data, pc->answer.len);
			if (rc == 0)
				rc = ms_out_finish(&o);
			ms_out_release(&o);
		}
		if (rc != 0) {
			struct ms_error err;

			ms_error_set(&err, (enum ms_errkind)rc,
			    "cannot write the answer: %s", strerror(errno));
			j->write_failed = 1;
			j->draining = 0;
			job_fail(j, cmd_exit_status(err.kind), &err);
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

/* An answer cut for length: translate its chunk again in smaller parts. */
static void
resplit(struct job *j, struct piece *pc)
{
	struct ms_chunker k;
	struct ms_chunk ck[2];
	struct piece *a, *b;
	struct ms_error err;
	size_t tokens =
	    ms_tokens_estimate(pc->text + pc->head, pc->tail - pc->head);
	int n = 0;

	/* Two halves, each cut where the chunker would cut. */
	ms_chunker_init(&k, tokens / 2 + 1);
	ms_chunker_feed(&k, pc->text, pc->len);
	ms_chunker_finish(&k);
	if (tokens >= 8 && ms_chunker_next(&k, &ck[0]) == 1) {
		n = 1;
		/* The second half is all the rest, whatever its size. */
		if (ck[0].len < pc->len) {
			ck[1].text = strdup(pc->text + ck[0].len);
			ck[1].len = pc->len - ck[0].len;
			n = ck[1].text != NULL ? 2 : 1;
		}
	}
	ms_chunker_release(&k);
	if (n < 2) {
		if (n == 1)
			free(ck[0].text);
		ms_error_set(&err, MS_EUNAVAIL,
		    "the answer to a chunk of about %zu tokens was cut short "
		    "(finish_reason \"length\") and it cannot be cut smaller; "
		    "raise --max-tokens",
		    tokens);
		piece_fail(j, pc, EX_UNAVAILABLE, &err);
		return;
	}
	if ((a = tpiece(j, ck[0].text, ck[0].len, 0)) == NULL ||
	    (b = tpiece(j, ck[1].text, ck[1].len, 0)) == NULL) {
		ms_error_set(&err, MS_ESOFTWARE, "out of memory");
		piece_fail(j, pc, EX_SOFTWARE, &err);
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

/* --- msummarize --------------------------------------------------------- */

static void append(struct job *, int level, const char *, size_t);

/* Summarize text (partial summaries, or a chunk) at level L. */
static void
reduce(struct job *j, int L, const char *text, size_t len)
{
	struct piece *pc;

	if (L >= MAX_LEVELS) {
		struct ms_error err;

		ms_error_set(&err, MS_EUNAVAIL,
		    "the summaries do not get shorter after %d passes; is the "
		    "model summarizing?",
		    MAX_LEVELS);
		job_fail(j, EX_UNAVAILABLE, &err);
		return;
	}
	if ((pc = piece_new(j, 0)) == NULL)
		return;
	pc->level = L;
	pc->seq = j->levels[L].issued++;
	if (submit(j, pc, &j->p->part, text, len) == -1 || j->dry)
		piece_free(pc);
}

/* A partial summary of level L arrived: join it in its turn. */
static void
deliver(struct job *j, struct piece *pc)
{
	struct level *lv = &j->levels[pc->level];
	struct piece **pp;

	for (pp = &lv->early; *pp != NULL && (*pp)->seq < pc->seq;
	     pp = &(*pp)->next)
		;
	pc->next = *pp;
	*pp = pc;
	j->early++;
	while ((pc = lv->early) != NULL && pc->seq == lv->next) {
		lv->early = pc->next;
		lv->next++;
		j->early--;
		append(j, pc->level, pc->answer.data, pc->answer.len);
		piece_free(pc);
	}
}

static void
append(struct job *j, int L, const char *s, size_t n)
{
	struct level *lv = &j->levels[L];
	size_t t;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	t = ms_tokens_estimate(s, n) + 1;
	if (lv->acc.len > 0 && lv->acc_tokens + t > j->budget) {
		reduce(j, L + 1, lv->acc.data, lv->acc.len);
		ms_buf_reset(&lv->acc);
		lv->acc_tokens = 0;
	}
	if (lv->acc.len > 0)
		ms_buf_addstr(&lv->acc, "\n\n");
	ms_buf_add(&lv->acc, s, n);
	lv->acc_tokens += t;
}

/*
 * All requests are answered and the input is over: carry the lowest
 * level's summaries up, or, when nothing is above them, write the summary.
 */
static void
finalize(struct job *j)
{
	struct piece *pc;
	struct level *lv;
	int L, M, above = 0;

	for (L = 0; L < MAX_LEVELS && j->levels[L].acc.len == 0; L++)
		;
	if (L == MAX_LEVELS) {
		j->final_started = 1; /* nothing to summarize */
		return;
	}
	lv = &j->levels[L];
	for (M = L + 1; M < MAX_LEVELS; M++)
		if (j->levels[M].issued > 0 || j->levels[M].acc.len > 0)
			above = 1;
	if (above) {
		reduce(j, L + 1, lv->acc.data, lv->acc.len);
		ms_buf_reset(&lv->acc);
		lv->acc_tokens = 0;
		return;
	}
	j->final_started = 1;
	/* The summary streams: the progress line goes first. */
	progress(j, 1);
	j->progress = 0;
	if ((pc = piece_new(j, !j->p->buffered)) == NULL)
		return;
	pc->level = FINAL;
	out_setup(j, &pc->out, j->fenced, MS_EOL_LF, MS_NL_ONE, NULL, NULL);
	if (submit(j, pc, &j->p->tpl, lv->acc.data, lv->acc.len) == -1)
		piece_free(pc);
}

/* --- the engine's callbacks ------------------------------------------- */

static int
fill(void *arg, struct ms_http *h, size_t n)
{
	struct job *j = arg;
	struct ms_chunk ck;
	struct piece *pc;
	int r;

	(void)h;
	while (n > 0 && !j->input_done && j->status == 0) {
		/*
		 * Answers wait for their turn in memory: keep them few (all
		 * of them, though, when nothing may be written before the end).
		 */
		if (j->translate && !j->p->buffered &&
		    j->held >= 2 * j->p->jobs)
			break;
		if (!j->translate && j->early >= 2 * j->p->jobs)
			break;
		if ((r = next_chunk(j, &ck)) <= 0) {
			if (r == -1) {
				struct ms_error err;

				ms_error_set(
				    &err, MS_ESOFTWARE, "out of memory");
				job_fail(j, EX_SOFTWARE, &err);
			}
			j->input_done = 1;
			break;
		}
		if (j->translate) {
			pc = tpiece(j, ck.text, ck.len,
			    ck.index == 0 && !j->p->buffered);
			if (pc == NULL)
				break;
			*j->lastp = pc;
			j->lastp = &pc->next;
			j->held++;
		} else {
			reduce(j, 0, ck.text, ck.len);
			free(ck.text);
		}
		n--;
	}
	if (j->translate && j->status == 0)
		flush(j);
	if (!j->translate && j->input_done && j->outstanding == 0 &&
	    !j->final_started && j->status == 0)
		finalize(j);
	progress(j, 0);
	return 0;
}

static void
done(void *arg, struct ms_http *h, struct ms_call *call)
{
	struct job *j = arg;
	struct piece *pc = call->arg;

	(void)h;
	j->outstanding--;
	j->finished++;
	ms_buf_release(&pc->body); /* answered: the request is not needed */
	if (!j->translate) {
		struct piece **pp;

		for (pp = &j->inflight; *pp != NULL; pp = &(*pp)->inext)
			if (*pp == pc) {
				*pp = pc->inext;
				break;
			}
	}
	cmd_usage_add(j->p, &pc->resp, call->st.attempts);
	if (call->rc == -1) {
		if (j->translate) {
			piece_fail(
			    j, pc, cmd_exit_status(call->err.kind), &call->err);
			return;
		}
		job_fail(j, cmd_exit_status(call->err.kind), &call->err);
		piece_free(pc);
		return;
	}
	if (j->translate) {
		if (strcmp(pc->resp.finish_reason, "length") == 0) {
			if (pc->live) {
				struct ms_error err;

				ms_error_set(&err, MS_EUNAVAIL,
				    "the answer to the first chunk was cut "
				    "short (finish_reason \"length\") after "
				    "part of it was written; use --no-stream "
				    "so that it can be redone in parts");
				piece_fail(j, pc, EX_UNAVAILABLE, &err);
				return;
			}
			resplit(j, pc);
		} else
			pc->done = 1;
		flush(j);
		return;
	}
	if (pc->level == FINAL) {
		int rc = 0;

		progress(j, 1);
		if (!pc->live)
			rc = ms_out_write(
			    &pc->out, pc->answer.data, pc->answer.len);
		if (rc == 0)
			rc = ms_out_finish(&pc->out);
		if (rc != 0) {
			struct ms_error err;

			ms_error_set(&err, (enum ms_errkind)rc,
			    "cannot write the answer: %s", strerror(errno));
			job_fail(j, cmd_exit_status(err.kind), &err);
		}
		if (strcmp(pc->resp.finish_reason, "length") == 0 &&
		    !j->c->quiet)
			cmd_warn(j->c,
			    "the summary was cut short (finish_reason "
			    "\"length\"); raise --max-tokens");
		piece_free(pc);
		return;
	}
	deliver(j, pc);
}

/* -n: every request of the first pass, one JSON object a line. */
static int
dry_run(struct job *j)
{
	struct ms_chunk ck;
	struct piece *pc;
	int r;

	cmd_dry_headers(j->c, j->p);
	while ((r = next_chunk(j, &ck)) == 1 && j->status == 0) {
		if (j->translate) {
			pc = tpiece(j, ck.text, ck.len, 0);
			piece_free(pc);
		} else {
			reduce(j, 0, ck.text, ck.len);
			free(ck.text);
		}
	}
	if (j->status == 0 && fflush(stdout) == EOF)
		return EX_IOERR;
	return j->status;
}

int
cmd_long(struct cmd *c, struct plan *p, struct ms_buf *read)
{
	struct ms_http_cb cb = { fill, done, NULL };
	struct ms_error err;
	struct job j;
	size_t ov = 0, room, L;
	int status, rc;
	struct piece *pc;

	memset(&j, 0, sizeof(j));
	j.c = c;
	j.p = p;
	j.translate = c->mode == LONG_TRANSLATE;
	j.lastp = &j.first;
	j.dry = c->dry_run;
	/* Progress on a terminal, unless it would mix with the answer there. */
	j.progress = isatty(STDERR_FILENO) && !c->quiet && !j.dry &&
	    !(j.translate && !p->buffered && isatty(STDOUT_FILENO));
	ms_buf_init(&j.rbuf);
	for (L = 0; L < MAX_LEVELS; L++)
		ms_buf_init(&j.levels[L].acc);
	ms_error_clear(&err);

	/* Room for a chunk: the context less the prompt and the answer. */
	if (cmd_body(c, p, j.translate ? &p->tpl : &p->part, "", 0, NULL, &ov,
		&err) == -1)
		return cmd_fail(c, &err);
	if (!j.translate) {
		size_t ov2 = 0;

		if (cmd_body(c, p, &p->tpl, "", 0, NULL, &ov2, &err) == -1)
			return cmd_fail(c, &err);
		if (ov2 > ov)
			ov = ov2;
	}
	room = p->rq.has_max_tokens ? (size_t)p->rq.max_tokens : 1024;
	if ((size_t)p->context <= ov + 128 + (j.translate ? 0 : room)) {
		fprintf(stderr,
		    "%s: the context of %ld tokens leaves no room for input "
		    "next to the prompt of about %zu\n",
		    c->prog, p->context, ov);
		return EX_DATAERR;
	}
	j.budget = (size_t)p->context - ov - 64;
	if (j.translate)
		j.budget = p->rq.has_max_tokens
		    ? (j.budget > room ? j.budget - room : 1)
		    : j.budget / 2;
	else
		j.budget -= room;
	if (c->verbose)
		fprintf(stderr,
		    "%s: long input: chunks of at most %zu tokens, "
		    "%zu at a time\n",
		    c->prog, j.budget, p->jobs);
	ms_chunker_init(&j.ck, j.budget);
	if (ms_chunker_feed(&j.ck, read->data, read->len) == -1) {
		ms_chunker_release(&j.ck);
		return EX_SOFTWARE;
	}
	if (c->src.eof)
		ms_chunker_finish(&j.ck);
	if (!c->keep)
		ms_buf_release(read); /* the chunker has it now */

	if (j.dry) {
		status = dry_run(&j);
		goto out;
	}
	if ((status = cmd_connect(c, p)) != 0)
		goto out;
	if ((j.h = ms_http_new(&p->ho, &err)) == NULL) {
		status = cmd_fail(c, &err);
		goto out;
	}
	cb.arg = &j;
	rc = ms_http_run(j.h, p->jobs, &cb, &err);
	ms_buf_wipe(&p->key);
	if (rc == -1 && j.status == 0)
		job_fail(&j, cmd_exit_status(err.kind), &err);
	if (j.translate && j.status == 0)
		flush(&j);
	progress(&j, 1);
	status = j.status;
	if (status == 0 && c->usage_report)
		cmd_usage_report(c, p);
out:
	ms_http_free(j.h);
	while ((pc = j.first) != NULL) {
		j.first = pc->next;
		piece_free(pc);
	}
	while ((pc = j.inflight) != NULL) {
		j.inflight = pc->inext;
		piece_free(pc);
	}
	for (L = 0; L < MAX_LEVELS; L++) {
		while ((pc = j.levels[L].early) != NULL) {
			j.levels[L].early = pc->next;
			piece_free(pc);
		}
		ms_buf_release(&j.levels[L].acc);
	}
	ms_chunker_release(&j.ck);
	ms_buf_release(&j.rbuf);
	return status;
}
