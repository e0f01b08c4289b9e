/* cmd.h: what the ms tools share: options, input, one request, exit codes. */
#ifndef CMD_H
#define CMD_H

#include <getopt.h>

#include "ms.h"

/* What a tool does with input too long for one request (SPEC 5). */
enum long_mode {
	LONG_REFUSE,	/* an error: mschat, plain templates */
	LONG_SUMMARIZE, /* summarize the chunks, then the summaries */
	LONG_TRANSLATE	/* translate the chunks, write them in order */
};

/* Input read as it is needed. */
struct source {
	char **files;
	int nfiles;
	int i;	/* the file being read */
	int fd; /* -1: none open */
	const char *name;
	size_t off;	     /* bytes read of this file */
	struct ms_buf carry; /* the start of a character cut by a read */
	int last;	     /* the last byte handed out */
	int eof;
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
	enum long_mode mode;
	struct source src;
	enum ms_final_nl nl;
	char *head, *tail; /* mtranslate: written around the answer */
	int crlf;
	int strip_fence;
	int sep_files; /* end every file with a newline */
};

/* Everything resolved from options, environment, config and templates. */
struct plan {
	struct ms_config cfg;
	struct ms_profile *prof;
	struct ms_template tpl;	 /* the tool's own */
	struct ms_template part; /* summarize-part, for long input */
	const char *base_url, *model;
	enum ms_dialect dialect;
	long context;
	size_t jobs;
	int buffered;	      /* the answer waits until it is whole */
	struct ms_request rq; /* parameters; messages per request */
	struct ms_http_opts ho;
	struct ms_buf key;
	/* totals for -u */
	long tokens_in, tokens_out;
	double cost;
	int has_tokens, all_cost, requests;
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
/*
 * Read the named files (or stdin with none; "-" is stdin) into c->input;
 * more than limit bytes (unless 0) is an error.
 */
void cmd_read_input(struct cmd *, char *files[], int nfiles, size_t limit);
/* Append up to about max more bytes of input to out; 0 at the end. */
size_t cmd_source_read(struct cmd *, struct ms_buf *out, size_t max);
/*
 * Render template t around input into a request body (appended to body);
 * *tokens gets the estimate of its messages.
 */
int cmd_body(struct cmd *, struct plan *, const struct ms_template *t,
    const char *input, size_t len, struct ms_buf *body, size_t *tokens,
    struct ms_error *);
/* Long input: the chunked jobs of SPEC 5; returns the exit status. */
int cmd_long(struct cmd *, struct plan *, struct ms_buf *read);
/* Fetch the key; fill p->ho.  Returns an exit status, 0 when ready. */
int cmd_connect(struct cmd *, struct plan *);
void cmd_usage_add(struct plan *, const struct ms_resp *, int attempts);
void cmd_usage_report(struct cmd *, struct plan *);
void cmd_dry_headers(struct cmd *, struct plan *);
int cmd_fail(struct cmd *, struct ms_error *);
int cmd_out_fd(void *, const char *, size_t);
int cmd_delta_stream(void *, const char *, size_t);
int cmd_delta_flush(void *);
int cmd_delta_buffer(void *, const char *, size_t);
void cmd_catch_signals(void);
/* The text as the model reads it: CRLF as LF when every line ends so. */
void cmd_send_eol(struct ms_buf *, const char *, size_t, int eol);
const char *cmd_getenv(const char *);
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
