/* reduce.h: msummarize's summaries of summaries. */
#ifndef REDUCE_H
#define REDUCE_H

#include "piece.h"

void reduce_chunk(struct job *, const char *text, size_t len);
void reduce_done(struct job *, struct piece *);
void reduce_finish(struct job *);
void reduce_release(struct job *);

#endif
