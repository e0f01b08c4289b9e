/*
 * piece.h: a job and its pieces.  Every run is a job of pieces: one piece
 * when the input fits one request, more when it does not (SPEC 5); what
 * every job does with them is in piece.c.
 */
#ifndef PIECE_H
#define PIECE_H

#include "answer.h"
#include "input.h"
#include "ms.h"
#include "plan.h"

#define MAX_LEVELS 16
#define FINAL (-1) /* the level of the request whose answer is printed */

struct job;

/* One request of a job. */
struct piece {
	struct piece *next;  /* mtranslate: the next in input order */
	struct piece *inext; /* msummarize: the calls out */
	struct job *job;
	char *text;		/* the chunk as read (mtranslate) */
	size_t len, head, tail; /* text[head..tail) is what is sent */
	char *ohead, *otail;	/* written around its translation */
	int level;		/* msummarize: 0 for chunks; FINAL */
	size_t seq;		/* order within its level */
	int done;
	int failed;  /* mtranslate: the output ends before it */
	char *input; /* msummarize: what it summarizes, to redo it */
	size_t ilen;
	int whole;		 /* its input is the whole input */
	struct piece *parent;	 /* a part of that piece, redone in two */
	int half;		 /* which part: 0 or 1 */
	int pending;		 /* parts not yet answered */
	struct ms_buf halves[2]; /* their answers */
	struct ms_buf body;
	struct answer a;
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

/* What -u reports. */
struct usage {
	long tokens_in, tokens_out;
	double cost;
	int has_tokens, all_cost, requests;
};

struct job {
	const struct plan *p;
	struct input *in;
	struct ms_http *h;
	struct ms_buf key;
	struct ms_chunker ck;
	struct ms_chunk pending; /* read before the engine started */
	int has_pending;
	size_t taken;  /* chunks made pieces */
	size_t budget; /* tokens of input in one request */
	int input_done;
	size_t outstanding; /* calls not finished */
	size_t held;	    /* mtranslate: pieces not yet written */
	size_t early;	    /* msummarize: summaries waiting for their turn */
	struct piece *first, **lastp;
	struct piece *inflight; /* msummarize: pieces with a call out */
	struct piece *redone;	/* msummarize: pieces waiting for parts */
	struct level levels[MAX_LEVELS];
	int final_started;
	int fenced;   /* some input had a code fence */
	int draining; /* failed; writing what comes before the failure */
	int write_failed;
	int status;   /* the job's exit status, once it failed */
	int cut_kept; /* an answer cut at the user's --max-tokens */
	int dry;
	int progress;
	size_t made, finished, shown_made, shown_finished;
	size_t dry_tokens; /* -n -u: the input tokens of the requests */
	struct usage u;
};

struct piece *piece_new(struct job *, int live);
void piece_free(struct piece *);
/* Make the request of a piece and hand it to the engine (or print it). */
int job_submit(struct job *, struct piece *, const struct ms_template *,
    const char *input, size_t len);
/* Stop the job with status, saying why (err may be NULL). */
void job_fail(struct job *, int status, const struct ms_error *);
/* The progress line: "3/12 chunks"; clear to take it away. */
void job_progress(struct job *, int clear);
void job_usage_add(struct job *, const struct ms_resp *, int attempts);
void job_usage_report(const struct job *);
/* The answer the user reads, of template t around text. */
void job_answer(struct job *, const struct ms_template *, const char *text,
    size_t len, int fenced, int whole);
/* The answer arrived; cut: for length, and not what the user asked. */
void job_answer_done(struct job *, struct piece *, int cut);
/*
 * Two halves of text (of about tokens tokens, as p counts them), cut
 * where the chunker would cut: 0, or -1 when it cannot be cut smaller.
 */
/* -n -u: the requests, their input tokens and what these cost. */
void job_dry_report(const struct job *);
int job_halves(const struct plan *p, const char *text, size_t len,
    size_t tokens, struct ms_chunk ck[2]);

#endif
