/* opts.h: the command line of a tool, parsed once and then only read. */
#ifndef OPTS_H
#define OPTS_H

#include <getopt.h>

#include "ms.h"

/* What a tool does with input too long for one request (SPEC 5). */
enum long_mode {
	LONG_REFUSE,	/* an error: mschat, plain templates */
	LONG_SUMMARIZE, /* summarize the chunks, then the summaries */
	LONG_TRANSLATE	/* translate the chunks, write them in order */
};

struct opts;

/* A tool: its name, synopsis and own options. */
struct tool {
	const char *name;  /* its template: chat, summarize, translate... */
	const char *usage; /* the synopsis lines */
	const char *shortopts;
	const struct option *longopts;
	const char *help; /* lines for its own options in --help */
	/* Its own option ch: 0, or -1 after opts_usage() said why. */
	int (*opt)(struct opts *, int ch, const char *arg);
	enum long_mode mode;
	int user;	 /* a user's template: its [params] long_input rules */
	int permute;	 /* options anywhere among the operands, until -- */
	int split_files; /* each input file is a text of its own */
	int sep_files;	 /* end every input file with a newline */
};

struct opts {
	const struct tool *tool;
	const char *model, *profile, *base_url, *system, *template;
	struct ms_vars defs; /* -D NAME=VALUE */
	struct ms_vars vars; /* the tool's own template variables */
	const char **stops, **fallbacks;
	size_t nstops, nfallbacks;
	int has_temperature, has_top_p, has_max_tokens, has_seed;
	double temperature, top_p;
	long max_tokens;
	long long seed;
	long jobs, retries, context; /* < 0, 0: not given */
	double timeout, connect_timeout, idle_timeout;
	int has_timeout, has_connect_timeout, has_idle_timeout;
	int no_stream, keep, raw, dry_run, usage, verbose, quiet;
	char **operands;
	int noperands;
	int oom; /* a variable could not be stored */
};

/* opts_parse: go on and run, or the exit status to return at once. */
#define OPTS_RUN (-1)

void opts_init(struct opts *, const struct tool *);
void opts_release(struct opts *);
/*
 * Parse argv: OPTS_RUN with the operands in o->operands, or 0 after
 * --help or --version, or EX_USAGE after saying what is wrong.
 */
int opts_parse(struct opts *, int argc, char *argv[]);
/* A tool's option is wrong: say so (then return -1 from its opt). */
void opts_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set a template variable; a failure is kept in o->oom. */
void opts_var(struct opts *, const char *name, const char *value);

#endif
