/*
 * reduce.c: msummarize's long input.  Chunks are summarized at level 0;
 * the partial summaries of a level are joined in order until they fill a
 * request, which is summarized at the level above, until one text is left
 * for the final request, the summary the user reads.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "reduce.h"
#include "msg.h"

/*
 * Summarize text (partial summaries, or a chunk) at level L; the piece,
 * or NULL when it failed or was only shown (-n).
 */
static struct piece *
submit(struct job *j, int L, const char *text, size_t len)
{
	struct ms_error err;
	struct piece *pc;

	if (L >= MAX_LEVELS) {
		ms_error_set(&err, MS_EUNAVAIL,
		    "the summaries do not get shorter after %d passes; is the "
		    "model summarizing?",
		    MAX_LEVELS);
		job_fail(j, EX_UNAVAILABLE, &err);
		return NULL;
	}
	/* Its input is kept: an answer cut for length is redone in parts. */
	if ((pc = piece_new(j, 0)) == NULL ||
	    (pc->input = strndup(text, len)) == NULL) {
		piece_free(pc);
		ms_error_set(&err, MS_ESOFTWARE, "out of memory");
		job_fail(j, EX_SOFTWARE, &err);
		return NULL;
	}
	pc->ilen = len;
	pc->level = L;
	if (job_submit(j, pc, &j->p->part, text, len) == -1 || j->dry) {
		piece_free(pc);
		return NULL;
	}
	return pc;
}

static void
reduce(struct job *j, int L, const char *text, size_t len)
{
	struct piece *pc;

	if ((pc = submit(j, L, text, len)) != NULL)
		pc->seq = j->levels[L].issued;
	j->levels[L].issued++;
}

void
reduce_chunk(struct job *j, const char *text, size_t len)
{
	reduce(j, 0, text, len);
}

/* Join a partial summary to its level, carrying a full level up. */
static void
append(struct job *j, int L, const char *s, size_t n)
{
	struct level *lv = &j->levels[L];
	struct ms_error err;
	size_t t;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	t = plan_tokens(j->p, s, n) + 1;
	if (lv->acc.len > 0 && lv->acc_tokens + t > j->budget) {
		reduce(j, L + 1, lv->acc.data, lv->acc.len);
		ms_buf_reset(&lv->acc);
		lv->acc_tokens = 0;
	}
	if (lv->acc.len > 0)
		ms_buf_addstr(&lv->acc, "\n\n");
	ms_buf_add(&lv->acc, s, n);
	lv->acc_tokens += t;
	if (lv->acc.oom) {
		ms_error_set(&err, MS_ESOFTWARE, "out of memory");
		job_fail(j, EX_SOFTWARE, &err);
	}
}

/*
 * An answer cut for length: its input is summarized again in two parts,
 * whose summaries, joined, take its place.
 */
static void
redo(struct job *j, struct piece *pc)
{
	struct ms_chunk ck[2];
	struct ms_error err;
	struct piece *part;
	int i;

	if (job_halves(j->p, pc->input, pc->ilen,
		plan_tokens(j->p, pc->input, pc->ilen), ck) == -1) {
		ms_error_set(&err, MS_EUNAVAIL,
		    "a partial summary was cut short (finish_reason "
		    "\"length\") and its text cannot be cut smaller; raise "
		    "--max-tokens or --context");
		job_fail(j, EX_UNAVAILABLE, &err);
		piece_free(pc);
		return;
	}
	pc->pending = 2;
	pc->inext = j->redone;
	j->redone = pc;
	for (i = 0; i < 2; i++) {
		part = j->status == 0
		    ? submit(j, pc->level, ck[i].text, ck[i].len)
		    : NULL;
		free(ck[i].text);
		if (part == NULL)
			continue;
		part->parent = pc;
		part->half = i;
	}
}

void
reduce_redo_whole(struct job *j, const char *text, size_t len)
{
	struct ms_chunk ck[2];
	struct ms_error err;
	int i;

	/* Not the answer yet: the summaries of the parts come first. */
	j->final_started = 0;
	j->progress = isatty(STDERR_FILENO) && !j->p->o->quiet;
	if (job_halves(j->p, text, len, plan_tokens(j->p, text, len), ck) ==
	    -1) {
		ms_error_set(&err, MS_EUNAVAIL,
		    "the summary was cut short (finish_reason \"length\") "
		    "and the text cannot be cut smaller; raise --max-tokens "
		    "or --context");
		job_fail(j, EX_UNAVAILABLE, &err);
		return;
	}
	for (i = 0; i < 2; i++) {
		if (j->status == 0)
			reduce(j, 0, ck[i].text, ck[i].len);
		free(ck[i].text);
	}
}

void
reduce_done(struct job *j, struct piece *pc, int cut)
{
	struct level *lv = &j->levels[pc->level];
	struct piece **pp, *up;

	if (cut) {
		redo(j, pc);
		return;
	}
	if ((up = pc->parent) != NULL) {
		/* A part of a redone piece: the piece is done with both. */
		ms_buf_add(
		    &up->halves[pc->half], pc->a.held.data, pc->a.held.len);
		piece_free(pc);
		if (--up->pending > 0)
			return;
		for (pp = &j->redone; *pp != up; pp = &(*pp)->inext)
			;
		*pp = up->inext;
		ms_buf_reset(&up->a.held);
		ms_buf_add(&up->a.held, up->halves[0].data, up->halves[0].len);
		ms_buf_addstr(&up->a.held, "\n\n");
		ms_buf_add(&up->a.held, up->halves[1].data, up->halves[1].len);
		pc = up;
		/* A joined summary cut short by memory would lose text. */
		if (up->halves[0].oom || up->halves[1].oom || up->a.held.oom) {
			struct ms_error err;

			ms_error_set(&err, MS_ESOFTWARE, "out of memory");
			job_fail(j, EX_SOFTWARE, &err);
			piece_free(up);
			return;
		}
	}

	/* A partial summary arrived: join it in its turn. */
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
		append(j, pc->level, pc->a.held.data, pc->a.held.len);
		piece_free(pc);
	}
}

void
reduce_finish(struct job *j)
{
	struct level *lv;
	int L, M, above = 0;

	/*
	 * All requests are answered and the input is over: carry the lowest
	 * level's summaries up, or, when nothing is above them, make the
	 * final request.
	 */
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
	job_answer(j, &j->p->tpl, lv->acc.data, lv->acc.len, j->fenced, 0);
}

void
reduce_release(struct job *j)
{
	struct piece *pc;
	int L;

	while ((pc = j->redone) != NULL) {
		j->redone = pc->inext;
		piece_free(pc);
	}
	for (L = 0; L < MAX_LEVELS; L++) {
		while ((pc = j->levels[L].early) != NULL) {
			j->levels[L].early = pc->next;
			piece_free(pc);
		}
		ms_buf_release(&j->levels[L].acc);
	}
}
