/* reduce.h: msummarize's summaries of summaries. */
#ifndef REDUCE_H
#define REDUCE_H

#include "piece.h"

void reduce_chunk(struct job *, const char *text, size_t len);
/* A partial summary answered; cut: for length, so redone in two parts. */
void reduce_done(struct job *, struct piece *, int cut);
/* The summary of text when it came whole: redone as a long input. */
void reduce_redo_whole(struct job *, const char *text, size_t len);
void reduce_finish(struct job *);
void reduce_release(struct job *);

#endif
