/*
 * run.h: the run of a tool, one way: options, a resolved plan, the
 * input, a job, the exit status, and under -k the input given back.
 */
#ifndef RUN_H
#define RUN_H

#include "input.h"
#include "opts.h"
#include "plan.h"

struct run {
	struct opts o;
	struct plan p;
	struct input in;
	int planned;
	int reading; /* in is set up */
};

/* Parse the command line: OPTS_RUN, or the status to pass to run_end. */
int run_start(struct run *, const struct tool *, int argc, char *argv[]);
/* A usage error found by the tool: say so; returns EX_USAGE. */
int run_usage(struct run *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The input to give back under -k when a usage error comes first. */
void run_input(struct run *, char **files, int nfiles);
/* msummarize, mtranslate: the files (or stdin), cut as they need. */
int run_files(struct run *, char **files, int nfiles);
/* mschat and templates: the words and standard input as its context. */
int run_prompt(struct run *, char **words, int nwords);
/* Give the input back if -k says so, release everything; returns status. */
int run_end(struct run *, int status);

/* The tools. */
int cmd_chat(int argc, char *argv[]);
int cmd_summarize(int argc, char *argv[]);
int cmd_translate(int argc, char *argv[]);
int cmd_template(const char *name, int argc, char *argv[]);
/* ms tokens: not a tool that sends; the input's token count. */
int cmd_tokens(int argc, char *argv[]);

#endif
