/*
 * job.h: the run of a job: the input cut into pieces that fit the
 * context, their requests, and the answer on stdout.
 */
#ifndef JOB_H
#define JOB_H

#include "input.h"
#include "plan.h"

/*
 * Run the job of plan p over the input in (or, for mschat, the text given,
 * which holds a code fence when fenced): the exit status.
 */
int job_run(const struct plan *, struct input *, const char *text, size_t len,
    int fenced);

#endif
