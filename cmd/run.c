/*
 * run.c: the run of a tool, one way for all: options, a plan resolved
 * once, the input, one job, the exit status.  Under -k the input comes
 * back from here and nowhere else, whatever failed.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "job.h"
#include "msg.h"
#include "run.h"

int
run_start(struct run *r, const struct tool *t, int argc, char *argv[])
{
	int rc;

	memset(r, 0, sizeof(*r));
	sig_catch();
	opts_init(&r->o, t);
	rc = opts_parse(&r->o, argc, argv);
	msg_set(r->o.quiet, r->o.verbose);
	return rc;
}

int
run_usage(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_verr(fmt, ap);
	va_end(ap);
	msg_raw(r->o.tool->usage);
	return EX_USAGE;
}

static int
plan(struct run *r)
{
	struct ms_error err;

	ms_error_clear(&err);
	if (r->o.oom) {
		msg_err("out of memory");
		return EX_SOFTWARE;
	}
	r->planned = 1;
	if (plan_resolve(&r->p, &r->o, &err) == -1)
		return msg_fail(&err);
	if (r->p.keep)
		msg_keep();
	return 0;
}

/* Input to read; all of it is kept when -k may have to give it back. */
static void
reading(struct run *r, char **files, int nfiles, int keep)
{
	input_init(&r->in, files, nfiles, r->o.tool->sep_files,
	    keep || r->o.keep || (r->planned && r->p.keep));
	r->in.split_files = r->o.tool->split_files;
	r->reading = 1;
}

void
run_input(struct run *r, char **files, int nfiles)
{
	if (!r->reading)
		reading(r, files, nfiles, 0);
}

int
run_files(struct run *r, char **files, int nfiles)
{
	int status;

	if ((status = plan(r)) != 0)
		return status;
	reading(r, files, nfiles, 0);
	return job_run(&r->p, &r->in, NULL, 0, 0);
}

/*
 * The longest input worth reading: past it, no estimate of its tokens can
 * fit the context, so a huge input fails at once instead of after reading
 * gigabytes.  A token is never cheaper than four bytes of text.
 */
static size_t
read_limit(const struct run *r)
{
	long ctx = r->o.context > 0 ? r->o.context : 1L << 22;

	return (size_t)ctx * 4 + 4096;
}

/* All of standard input, up to the limit. */
static int
read_all(struct run *r, struct ms_buf *text)
{
	struct ms_error err;
	size_t limit = read_limit(r);
	ssize_t n;

	while ((n = input_read(&r->in, text, 1 << 20, &err)) > 0)
		if (text->len > limit) {
			msg_err("input too long: more than %zu bytes, which "
				"cannot fit the context; use msummarize, or "
				"raise --context",
			    limit);
			return EX_DATAERR;
		}
	return n == -1 ? msg_fail(&err) : 0;
}

/*
 * Standard input that is a pipe or a file: what it holds is the input, so
 * when it holds nothing there is nothing to ask about (git diff --cached
 * | mschat with nothing staged).  /dev/null and a terminal mean no input.
 */
static int
piped(void)
{
	struct stat st;

	return fstat(STDIN_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) ||
		S_ISSOCK(st.st_mode));
}

int
run_prompt(struct run *r, char **words, int nwords)
{
	struct ms_buf prompt, text;
	size_t n;
	int i, status;

	ms_buf_init(&prompt);
	ms_buf_init(&text);
	/* The words as one prompt, as the shell would have printed them. */
	for (i = 0; i < nwords; i++) {
		if (i > 0)
			ms_buf_addch(&prompt, ' ');
		ms_buf_addstr(&prompt, words[i]);
	}
	if (!prompt.oom)
		opts_var(&r->o, "prompt", prompt.data);
	else
		r->o.oom = 1;
	/* A user's template says whether it takes input of any size. */
	if (r->o.tool->user && (status = plan(r)) != 0)
		goto out;
	if (r->planned && r->p.mode != LONG_REFUSE) {
		reading(r, NULL, 0, 0);
		status = job_run(&r->p, &r->in, NULL, 0, 0);
		goto out;
	}
	/* It is all read anyway: kept, for keep_on_error in the config. */
	reading(r, NULL, 0, 1);
	if ((!isatty(STDIN_FILENO) || nwords == 0) &&
	    (status = read_all(r, &text)) != 0)
		goto out;
	if (ms_text_blank(text.data, text.len) &&
	    (ms_text_blank(prompt.data, prompt.len) || piped()))
		goto out; /* nothing asked: nothing to answer */
	if (!r->planned && (status = plan(r)) != 0)
		goto out;
	/* The input as {{input}}: nothing when blank, no final line ends. */
	n = ms_text_blank(text.data, text.len) ? 0 : text.len;
	while (n > 0 && (text.data[n - 1] == '\n' || text.data[n - 1] == '\r'))
		n--;
	/* A fence in the request means fences in the answer are meant. */
	status = job_run(&r->p, &r->in, text.data, n,
	    memmem(text.data, text.len, "```", 3) != NULL ||
		memmem(prompt.data, prompt.len, "```", 3) != NULL);
out:
	ms_buf_release(&prompt);
	ms_buf_release(&text);
	return status;
}

int
run_end(struct run *r, int status)
{
	int keep = r->o.keep || (r->planned && r->p.keep);

	/* -k: whatever went wrong, the user's text comes back whole. */
	if (status != 0 && status != msg_status(MS_EPIPE) && keep) {
		if (!r->reading)
			reading(r, NULL, 0, 0);
		input_give_back(&r->in);
	}
	if (r->reading)
		input_release(&r->in);
	if (r->planned)
		plan_release(&r->p);
	opts_release(&r->o);
	return status;
}
