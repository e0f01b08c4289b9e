/*
 * answer.h: one answer on its way to stdout: streamed as it arrives, or
 * held until it is whole, and shaped as its input was (SPEC 2).
 */
#ifndef ANSWER_H
#define ANSWER_H

#include "ms.h"
#include "plan.h"

struct answer {
	struct ms_resp resp; /* what the server sends */
	struct ms_out out;   /* the shaping on the way out */
	struct ms_buf held;  /* not live: the text until it is whole */
	int live;	     /* each delta goes out as it arrives */
	int text;	     /* some of it is not blank */
};

/* live: written as it arrives; else held for answer_write. */
void answer_init(struct answer *, int live);
void answer_release(struct answer *);
/*
 * How it is written: fenced says that its input had a code fence (a fence
 * around the answer is then meant), eol the line ends to write (MS_EOL_*),
 * nl the final newlines, head and tail the blanks around it (or NULL).
 */
void answer_shape(struct answer *, const struct plan *, int fenced, int eol,
    enum ms_final_nl nl, const char *head, const char *tail);
/* Write what is held, then the end: 0, or -1 with err set. */
int answer_write(struct answer *, struct ms_error *);
/*
 * Whether the answer is whole (SPEC 8): 0 when it stopped as answers do,
 * 1 when it was cut for length, -1 (err set) when it is no answer: empty,
 * or stopped for another reason (content_filter...).
 */
int answer_check(const struct answer *, struct ms_error *);
/* The error of an output that failed with kind rc (errno says why). */
int answer_write_error(struct ms_error *, int rc);

#endif
