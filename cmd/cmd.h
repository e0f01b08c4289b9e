/* cmd.h: what the ms tools share: options, input, one request, exit codes. */
#ifndef CMD_H
#define CMD_H

#include <getopt.h>

#include "ms.h"

/* How a tool wants its answer shaped. */
enum answer_room {
	ROOM_FIXED, /* the answer needs a fixed reserve */
	ROOM_INPUT  /* the answer is about as long as the input */
};

struct cmd {
	const char *prog;  /* the name to put before messages */
	const char *tool;  /* chat, summarize, translate or a template */
	const char *usage; /* the tool's synopsis lines */

	/* common options */
	const char *model, *profile, *base_url, *system, *template;
	struct ms_vars defs; /* -D NAME=VALUE */
	const char **stops, **fallbacks;
	size_t nstops, nfallbacks;
	int has_temperature, has_top_p, has_max_tokens, has_seed;
	double temperature, top_p;
	long max_tokens;
	long long seed;
	long jobs, retries, context;
	double timeout, connect_timeout, idle_timeout;
	int has_timeout, has_connect_timeout, has_idle_timeout;
	int no_stream, keep, raw, dry_run, usage_report, verbose, quiet;

	/* what the tool decides */
	struct ms_vars vars; /* the tool's own template variables */
	struct ms_buf input; /* the text read */
	struct ms_buf send;  /* the text that becomes {{input}} */
	enum answer_room room;
	enum ms_final_nl nl;
	const char *head, *tail;
	int crlf;
	int strip_fence;
	int sep_files; /* end every file with a newline */
};

/* A tool's own options, parsed after the common ones. */
typedef int (*tool_opt_fn)(struct cmd *, int ch, const char *arg);

void cmd_init(
    struct cmd *, const char *prog, const char *tool, const char *usage);
void cmd_release(struct cmd *);
/*
 * Parse argv; returns the index of the first operand.  Exits with
 * EX_USAGE on a bad option, 0 after --help or --version.
 */
int cmd_parse(struct cmd *, int argc, char *argv[], const char *shortopts,
    const struct option *longopts, const char *tool_help, tool_opt_fn);
void cmd_usage_error(struct cmd *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Read the named files (or stdin with none; "-" is stdin) into c->input. */
void cmd_read_input(struct cmd *, char *files[], int nfiles, size_t limit);
/*
 * The input as {{input}}: nothing when it is blank, else without its final
 * line ends, which say nothing.
 */
void cmd_send_context(struct cmd *);
/* "de" -> "German (de)"; other names as they are.  Returns buf or s. */
const char *cmd_lang(const char *s, char *buf, size_t bufsz);
/* Whether the text is empty or only blanks. */
int cmd_blank(const char *, size_t);
/* Render the template, send the request, write the answer; returns status. */
int cmd_run(struct cmd *);
/* Print "prog: msg" on stderr. */
void cmd_warn(struct cmd *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cmd_exit_status(enum ms_errkind);
/* What main returns: a status, or death by the signal that stopped us. */
int cmd_exit(int status);

int cmd_chat(int argc, char *argv[]);
int cmd_summarize(int argc, char *argv[]);
int cmd_translate(int argc, char *argv[]);
int cmd_template(const char *name, int argc, char *argv[]);

/* The name the program was called by, for messages. */
extern const char *cmd_progname;

#endif
