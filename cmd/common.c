/* common.c: the options, input and request handling every tool shares. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "cmd.h"

enum {
	OPT_BASE_URL = 256,
	OPT_TEMPERATURE,
	OPT_TOP_P,
	OPT_MAX_TOKENS,
	OPT_SEED,
	OPT_STOP,
	OPT_FALLBACK,
	OPT_NO_STREAM,
	OPT_RAW,
	OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_RETRIES,
	OPT_CONTEXT
};

#define COMMON_SHORT "D:hj:km:nP:qs:T:uVv"

static const struct option common_long[] = {
	{ "base-url", required_argument, NULL, OPT_BASE_URL },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "context", required_argument, NULL, OPT_CONTEXT },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "fallback", required_argument, NULL, OPT_FALLBACK },
	{ "help", no_argument, NULL, 'h' },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "keep-on-error", no_argument, NULL, 'k' },
	{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
	{ "model", required_argument, NULL, 'm' },
	{ "no-stream", no_argument, NULL, OPT_NO_STREAM },
	{ "profile", required_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "system", required_argument, NULL, 's' },
	{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
	{ "template", required_argument, NULL, 'T' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "top-p", required_argument, NULL, OPT_TOP_P },
	{ "usage", no_argument, NULL, 'u' },
	{ "var", required_argument, NULL, 'D' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
};

#define NCOMMON (sizeof(common_long) / sizeof(common_long[0]))

static const char common_help[] =
    "  -m, --model MODEL          model id (default: the profile's)\n"
    "  -P, --profile NAME         openrouter, mistral, ollama, llamacpp or "
    "your own\n"
    "      --base-url URL         any OpenAI-compatible endpoint (.../v1)\n"
    "  -s, --system TEXT          replace the template's system prompt\n"
    "  -T, --template NAME|PATH   use another template\n"
    "  -D, --var NAME=VALUE       set a template variable\n"
    "      --temperature X        sampling temperature, 0 to 2\n"
    "      --top-p X              nucleus sampling, 0 to 1\n"
    "      --max-tokens N         limit the answer's length\n"
    "      --seed N               sampling seed\n"
    "      --stop STR             stop sequence (repeatable)\n"
    "      --fallback MODEL       OpenRouter fallback model (repeatable)\n"
    "  -j, --jobs N               requests in flight for long input "
    "(default 4)\n"
    "      --no-stream            print the answer when it is complete\n"
    "  -k, --keep-on-error        on failure, copy the input to stdout\n"
    "      --raw                  print the answer exactly as written\n"
    "  -n, --dry-run              print the request as JSON; send nothing\n"
    "  -u, --usage                report tokens and cost on stderr\n"
    "  -v, --verbose              report URL, model, status and timings\n"
    "  -q, --quiet                no warnings\n"
    "      --timeout SECONDS      limit the whole run (default: none)\n"
    "      --connect-timeout SECONDS  limit connecting (default 10)\n"
    "      --idle-timeout SECONDS     limit silence (default 60)\n"
    "      --retries N            retries on failure (default 3)\n"
    "      --context N            the model's context in tokens\n"
    "  -h, --help                 show this help\n"
    "  -V, --version              show the version\n";

const char *cmd_progname = "ms";
static volatile int cancel_sig;

void
cmd_warn(struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cmd_usage_error(struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	char buf[65536];
	ssize_t n;

	if (fmt != NULL) {
		fprintf(stderr, "%s: ", c->prog);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "%s", c->usage);
	/* -k: a filter's text comes back even from a mistyped command. */
	if (c->keep && !isatty(STDIN_FILENO))
		while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 ||
		    (n == -1 && errno == EINTR))
			if (n > 0 && cmd_out_fd(NULL, buf, (size_t)n) != 0)
				break;
	exit(EX_USAGE);
}

static void die(struct cmd *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

static void
die(struct cmd *c, int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

int
cmd_exit_status(enum ms_errkind k)
{
	switch (k) {
	case MS_OK:
		return 0;
	case MS_EUSAGE:
		return EX_USAGE;
	case MS_EDATA:
		return EX_DATAERR;
	case MS_ENOINPUT:
		return EX_NOINPUT;
	case MS_EUNAVAIL:
		return EX_UNAVAILABLE;
	case MS_ETEMPFAIL:
		return EX_TEMPFAIL;
	case MS_EPROTOCOL:
		return EX_PROTOCOL;
	case MS_ENOPERM:
		return EX_NOPERM;
	case MS_ECONFIG:
		return EX_CONFIG;
	case MS_EINTR:
		return 128 + (cancel_sig ? cancel_sig : SIGINT);
	case MS_EPIPE:
		return 128 + SIGPIPE;
	case MS_ESOFTWARE:
	default:
		return EX_SOFTWARE;
	}
}

int
cmd_exit(int status)
{
	int sig = cancel_sig;

	/* Die of the signal, so that a calling shell loop stops too. */
	if (sig != 0 && status == 128 + sig) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}

void
cmd_init(struct cmd *c, const char *prog, const char *tool, const char *usage)
{
	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->tool = tool;
	c->usage = usage;
	c->retries = -1;
	c->jobs = -1;
	ms_vars_init(&c->defs);
	ms_vars_init(&c->vars);
	ms_buf_init(&c->input);
	ms_buf_init(&c->send);
	c->mode = LONG_REFUSE;
	c->src.fd = -1;
	ms_buf_init(&c->src.carry);
	c->nl = MS_NL_ONE;
	c->strip_fence = 1;
}

void
cmd_release(struct cmd *c)
{
	ms_vars_release(&c->defs);
	ms_vars_release(&c->vars);
	ms_buf_release(&c->input);
	ms_buf_release(&c->send);
	ms_buf_release(&c->src.carry);
	if (c->src.fd > STDIN_FILENO)
		close(c->src.fd);
	free(c->head);
	free(c->tail);
	free(c->stops);
	free(c->fallbacks);
}

static long long
number(
    struct cmd *c, const char *opt, const char *arg, long long lo, long long hi)
{
	const char *e;
	long long v;

	v = strtonum(arg, lo, hi, &e);
	if (e != NULL)
		cmd_usage_error(
		    c, "%s: '%s' is %s (%lld to %lld)", opt, arg, e, lo, hi);
	return v;
}

static double
real(struct cmd *c, const char *opt, const char *arg, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= lo) ||
	    !(v <= hi))
		cmd_usage_error(c, "%s: '%s' is not a number from %g to %g",
		    opt, arg, lo, hi);
	return v;
}

static const char **
push(const char **v, size_t *n, const char *s)
{
	const char **nv;

	if ((nv = reallocarray(v, *n + 1, sizeof(*nv))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", cmd_progname);
		exit(EX_SOFTWARE);
	}
	nv[(*n)++] = s;
	return nv;
}

static void
help(struct cmd *c, const char *tool_help)
{
	printf("%s\nOptions:\n%s%s", c->usage, tool_help ? tool_help : "",
	    common_help);
	exit(0);
}

int
cmd_parse(struct cmd *c, int argc, char *argv[], const char *shortopts,
    const struct option *longopts, const char *tool_help, tool_opt_fn fn)
{
	struct option all[64];
	char so[128];
	size_t n = 0, i;
	int ch;

	for (i = 0; longopts != NULL && longopts[i].name != NULL; i++)
		all[n++] = longopts[i];
	for (i = 0; i < NCOMMON; i++)
		all[n++] = common_long[i];
	memset(&all[n], 0, sizeof(all[n]));
	snprintf(
	    so, sizeof(so), "+:%s%s", COMMON_SHORT, shortopts ? shortopts : "");
	opterr = 0;
	/* First -k alone, wherever it is: a usage error honours it too. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, so, all, NULL)) != -1)
		if (ch == 'k')
			c->keep = 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, so, all, NULL)) != -1) {
		switch (ch) {
		case 'D': {
			char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg)
				cmd_usage_error(c,
				    "-D wants NAME=VALUE, not "
				    "'%s'",
				    optarg);
			*eq = '\0';
			if (ms_vars_set(&c->defs, optarg, eq + 1) == -1)
				die(c, EX_SOFTWARE, "out of memory");
			*eq = '=';
			break;
		}
		case 'h':
			help(c, tool_help);
			break;
		case 'j':
			c->jobs = (long)number(c, "--jobs", optarg, 1, 64);
			break;
		case 'k':
			c->keep = 1;
			break;
		case 'm':
			c->model = optarg;
			break;
		case 'n':
			c->dry_run = 1;
			break;
		case 'P':
			c->profile = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 's':
			c->system = optarg;
			break;
		case 'T':
			c->template = optarg;
			break;
		case 'u':
			c->usage_report = 1;
			break;
		case 'V':
			printf("ms %s\n", MS_VERSION);
			exit(0);
		case 'v':
			c->verbose = 1;
			break;
		case OPT_BASE_URL:
			c->base_url = optarg;
			break;
		case OPT_TEMPERATURE:
			c->temperature = real(c, "--temperature", optarg, 0, 2);
			c->has_temperature = 1;
			break;
		case OPT_TOP_P:
			c->top_p = real(c, "--top-p", optarg, 0, 1);
			c->has_top_p = 1;
			break;
		case OPT_MAX_TOKENS:
			c->max_tokens = (long)number(
			    c, "--max-tokens", optarg, 1, 100000000);
			c->has_max_tokens = 1;
			break;
		case OPT_SEED:
			c->seed = number(c, "--seed", optarg, 0, LLONG_MAX);
			c->has_seed = 1;
			break;
		case OPT_STOP:
			c->stops = push(c->stops, &c->nstops, optarg);
			break;
		case OPT_FALLBACK:
			c->fallbacks =
			    push(c->fallbacks, &c->nfallbacks, optarg);
			break;
		case OPT_NO_STREAM:
			c->no_stream = 1;
			break;
		case OPT_RAW:
			c->raw = 1;
			break;
		case OPT_TIMEOUT:
			c->timeout = real(c, "--timeout", optarg, 0, 1e6);
			c->has_timeout = 1;
			break;
		case OPT_CONNECT_TIMEOUT:
			c->connect_timeout =
			    real(c, "--connect-timeout", optarg, 0, 1e6);
			c->has_connect_timeout = 1;
			break;
		case OPT_IDLE_TIMEOUT:
			c->idle_timeout =
			    real(c, "--idle-timeout", optarg, 0, 1e6);
			c->has_idle_timeout = 1;
			break;
		case OPT_RETRIES:
			c->retries =
			    (long)number(c, "--retries", optarg, 0, 100);
			break;
		case OPT_CONTEXT:
			c->context = (long)number(
			    c, "--context", optarg, 256, 100000000);
			break;
		case ':':
			cmd_usage_error(c, "option '%s' needs an argument",
			    argv[optind - 1]);
			break;
		case '?':
			if (optopt != 0)
				cmd_usage_error(
				    c, "unknown option '-%c'", optopt);
			cmd_usage_error(
			    c, "unknown option '%s'", argv[optind - 1]);
			break;
		default:
			if (fn == NULL || fn(c, ch, optarg) == -1)
				cmd_usage_error(c, NULL);
			break;
		}
	}
	return optind;
}

int
cmd_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
			return 0;
	return 1;
}

void
cmd_send_context(struct cmd *c)
{
	size_t n = c->input.len;

	if (cmd_blank(c->input.data, n))
		return;
	while (n > 0 &&
	    (c->input.data[n - 1] == '\n' || c->input.data[n - 1] == '\r'))
		n--;
	if (ms_buf_add(&c->send, c->input.data, n) == -1)
		die(c, EX_SOFTWARE, "out of memory");
}

/*
 * Input, read as it is needed: the named files in order ("-" is standard
 * input), each checked for NUL bytes and valid UTF-8 on the way in.
 */
static int
source_open(struct cmd *c)
{
	struct source *src = &c->src;
	const char *name;

	if (src->nfiles == 0 && src->i == 0)
		name = "-";
	else if (src->i < src->nfiles)
		name = src->files[src->i];
	else
		return 0;
	src->off = 0;
	if (strcmp(name, "-") == 0) {
		src->fd = STDIN_FILENO;
		src->name = "standard input";
	} else if ((src->fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
		die(c, EX_NOINPUT, "cannot read '%s': %s", name,
		    strerror(errno));
	else
		src->name = name;
	return 1;
}

/*
 * Input that cannot be sent.  With -k the input still comes back whole:
 * what was read, then the rest, copied as it is.
 */
static void input_fail(struct cmd *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

static void
input_fail(struct cmd *c, int status, const char *fmt, ...)
{
	struct source *src = &c->src;
	char tmp[65536];
	va_list ap;
	ssize_t n;

	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (!c->keep)
		exit(status);
	cmd_out_fd(NULL, c->input.data, c->input.len);
	cmd_out_fd(NULL, src->carry.data, src->carry.len);
	for (;;) {
		if (src->fd < 0) {
			src->i++;
			if (src->i >= src->nfiles || !source_open(c))
				break;
		}
		while ((n = read(src->fd, tmp, sizeof(tmp))) > 0)
			cmd_out_fd(NULL, tmp, (size_t)n);
		if (src->fd != STDIN_FILENO)
			close(src->fd);
		src->fd = -1;
	}
	exit(status);
}

static void
check_text(struct cmd *c, const char *s, size_t n, size_t base)
{
	const char *name = c->src.fd == STDIN_FILENO ? NULL : c->src.name;
	size_t off;
	int rc;

	if ((rc = ms_utf8_check(s, n, &off)) == 0)
		return;
	if (rc == MS_UTF8_NUL)
		input_fail(c, EX_DATAERR,
		    "binary input: NUL byte at offset %zu%s%s%s", base + off,
		    name ? " of '" : "", name ? name : "", name ? "'" : "");
	input_fail(c, EX_DATAERR, "invalid UTF-8 at byte offset %zu%s%s%s",
	    base + off, name ? " of '" : "", name ? name : "", name ? "'" : "");
}

size_t
cmd_source_read(struct cmd *c, struct ms_buf *out, size_t max)
{
	struct source *src = &c->src;
	struct ms_buf *carry = &src->carry;
	char tmp[65536];
	size_t want, done, base;
	ssize_t n;

	while (!src->eof) {
		if (src->fd < 0 && !source_open(c)) {
			src->eof = 1;
			break;
		}
		want = max < sizeof(tmp) ? max : sizeof(tmp);
		n = read(src->fd, tmp, want > 0 ? want : 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die(c, EX_NOINPUT, "cannot read '%s': %s", src->name,
			    strerror(errno));
		}
		if (n == 0) {
			if (carry->len > 0)
				check_text(c, carry->data, carry->len,
				    src->off - carry->len);
			if (src->fd != STDIN_FILENO)
				close(src->fd);
			src->fd = -1;
			src->i++;
			/* One file's end must not run into the next. */
			if (c->sep_files && src->i < src->nfiles &&
			    src->last != '\n' && src->last != 0) {
				ms_buf_addch(out, '\n');
				src->last = '\n';
				return 1;
			}
			continue;
		}
		/* A character cut by the read waits for its other bytes. */
		base = src->off - carry->len;
		if (ms_buf_add(carry, tmp, (size_t)n) == -1)
			die(c, EX_SOFTWARE, "out of memory");
		src->off += (size_t)n;
		done = ms_utf8_complete(carry->data, carry->len);
		check_text(c, carry->data, done, base);
		if (done == 0)
			continue;
		if (ms_buf_add(out, carry->data, done) == -1)
			die(c, EX_SOFTWARE, "out of memory");
		src->last = carry->data[done - 1];
		ms_buf_consume(carry, done);
		return done;
	}
	return 0;
}

void
cmd_read_input(struct cmd *c, char *files[], int nfiles, size_t limit)
{
	c->src.files = files;
	c->src.nfiles = nfiles;
	while (cmd_source_read(c, &c->input, 1 << 20) > 0)
		if (limit > 0 && c->input.len > limit)
			input_fail(c, EX_DATAERR,
			    "input too long: more than %zu bytes, which cannot "
			    "fit the context; use msummarize, or raise --context",
			    limit);
}

/* Standard output, unbuffered: each delta is one write(2). */
int
cmd_out_fd(void *arg, const char *s, size_t n)
{
	ssize_t w;

	(void)arg;
	while (n > 0) {
		w = write(STDOUT_FILENO, s, n);
		if (w == -1) {
			if (errno == EINTR && !cancel_sig)
				continue;
			return errno == EPIPE ? MS_EPIPE : MS_ESOFTWARE;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
cmd_delta_stream(void *arg, const char *s, size_t n)
{
	return ms_out_write(arg, s, n);
}

int
cmd_delta_flush(void *arg)
{
	return ms_out_flush(arg);
}

int
cmd_delta_buffer(void *arg, const char *s, size_t n)
{
	return ms_buf_add(arg, s, n) == -1 ? MS_ESOFTWARE : 0;
}

static void
on_log(void *arg, const char *line)
{
	struct cmd *c = arg;

	fprintf(stderr, "%s: %s\n", c->prog, line);
}

static void
on_signal(int sig)
{
	cancel_sig = sig;
}

void
cmd_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

const char *
cmd_getenv(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

int
cmd_fail(struct cmd *c, struct ms_error *err)
{
	fprintf(stderr, "%s: %s\n", c->prog, err->msg);
	return cmd_exit_status(err->kind);
}

/* Template t's sampling [params], then the command line over them. */
static void
sampling(struct cmd *c, const struct ms_template *t, struct ms_request *rq)
{
	const struct ms_vars *tp = &t->params;
	const char *v;

	rq->has_temperature = rq->has_top_p = 0;
	rq->has_max_tokens = rq->has_seed = 0;
	if ((v = ms_vars_get(tp, "temperature")) != NULL)
		rq->temperature = strtod(v, NULL), rq->has_temperature = 1;
	if ((v = ms_vars_get(tp, "top_p")) != NULL)
		rq->top_p = strtod(v, NULL), rq->has_top_p = 1;
	if ((v = ms_vars_get(tp, "max_tokens")) != NULL)
		rq->max_tokens = strtol(v, NULL, 10), rq->has_max_tokens = 1;
	if ((v = ms_vars_get(tp, "seed")) != NULL)
		rq->seed = strtoll(v, NULL, 10), rq->has_seed = 1;
	if (c->has_temperature)
		rq->temperature = c->temperature, rq->has_temperature = 1;
	if (c->has_top_p)
		rq->top_p = c->top_p, rq->has_top_p = 1;
	if (c->has_max_tokens)
		rq->max_tokens = c->max_tokens, rq->has_max_tokens = 1;
	if (c->has_seed)
		rq->seed = c->seed, rq->has_seed = 1;
}

/* Everything a request has but its messages and sampling. */
static void
params(struct cmd *c, struct plan *p)
{
	struct ms_request *rq = &p->rq;
	const char *v;

	if ((v = ms_vars_get(&p->tpl.params, "stop")) != NULL && c->nstops == 0)
		c->stops = push(c->stops, &c->nstops, v);
	sampling(c, &p->tpl, rq);
	rq->stops = c->stops;
	rq->nstops = c->nstops;
	rq->fallbacks = c->fallbacks;
	rq->nfallbacks = c->nfallbacks;
	rq->dialect = p->dialect;
	rq->model = p->model;
	rq->stream = !c->no_stream;
	rq->usage = c->usage_report;
}

int
cmd_body(struct cmd *c, struct plan *p, const struct ms_template *t,
    const char *input, size_t len, struct ms_buf *body, size_t *tokens,
    struct ms_error *err)
{
	struct ms_request rq;
	struct ms_vars all;
	struct ms_tmsg *msgs;
	struct ms_buf b;
	size_t i, j = 0, tok = 0;
	int rc = -1;

	ms_vars_init(&all);
	ms_buf_init(&b);
	if ((msgs = calloc(t->nmsgs + 1, sizeof(*msgs))) == NULL)
		goto oom;
	for (i = 0; i < c->vars.n; i++)
		if (ms_vars_set(&all, c->vars.v[i].key, c->vars.v[i].value))
			goto oom;
	for (i = 0; i < c->defs.n; i++)
		if (ms_vars_set(&all, c->defs.v[i].key, c->defs.v[i].value))
			goto oom;
	if (ms_vars_setn(&all, "input", input, len) == -1)
		goto oom;
	if (c->system != NULL &&
	    (t->nmsgs == 0 || strcmp(t->msgs[0].role, "system") != 0)) {
		msgs[j].role = strdup("system");
		msgs[j++].text = strdup(c->system);
	}
	for (i = 0; i < t->nmsgs; i++) {
		const struct ms_tmsg *m = &t->msgs[i];

		ms_buf_reset(&b);
		if (strcmp(m->role, "system") == 0 && c->system != NULL)
			ms_buf_addstr(&b, c->system);
		else if (ms_template_render(m->text, &all, &b, err) == -1) {
			char msg[sizeof(err->msg)];

			memcpy(msg, err->msg, sizeof(msg));
			ms_error_set(err, err->kind, "template '%s': %.900s",
			    t->name, msg);
			goto out;
		}
		while (b.len > 0 && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		if (b.len == 0 && strcmp(m->role, "system") == 0)
			continue;
		msgs[j].role = strdup(m->role);
		msgs[j++].text = ms_buf_detach(&b);
	}
	/* Each message costs a few tokens of framing. */
	for (i = 0; i < j; i++)
		tok +=
		    ms_tokens_estimate(msgs[i].text, strlen(msgs[i].text)) + 8;
	if (tokens != NULL)
		*tokens = tok;
	rq = p->rq;
	sampling(c, t, &rq);
	rq.msgs = msgs;
	rq.nmsgs = j;
	rc = body != NULL ? ms_request_json(&rq, body, err) : 0;
	goto out;
oom:
	ms_error_set(err, MS_ESOFTWARE, "out of memory");
out:
	for (i = 0; msgs != NULL && i < j; i++) {
		free(msgs[i].role);
		free(msgs[i].text);
	}
	free(msgs);
	ms_vars_release(&all);
	ms_buf_release(&b);
	return rc;
}

static void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	ms_config_init(&p->cfg);
	ms_template_init(&p->tpl);
	ms_template_init(&p->part);
	ms_buf_init(&p->key);
	p->all_cost = 1;
}

static void
plan_release(struct plan *p)
{
	ms_template_release(&p->tpl);
	ms_template_release(&p->part);
	ms_config_release(&p->cfg);
	ms_buf_wipe(&p->key);
}

/* Work out where to send what, before any input is read. */
static int
setup(struct cmd *c, struct plan *p, struct ms_error *err)
{
	const char *name, *v;

	if (ms_config_load(&p->cfg, NULL, err) == -1)
		return -1;
	if ((name = c->profile) == NULL &&
	    (name = cmd_getenv("MS_PROFILE")) == NULL &&
	    (name = p->cfg.profile) == NULL)
		name = "openrouter";
	if ((p->prof = ms_config_profile(&p->cfg, name)) == NULL)
		return ms_error_set(
		    err, MS_ECONFIG, "unknown profile '%s'", name);
	if ((p->base_url = c->base_url) == NULL &&
	    (p->base_url = cmd_getenv("MS_BASE_URL")) == NULL) {
		p->base_url = p->prof->base_url;
		if (!p->prof->set_base_url && p->cfg.base_url != NULL)
			p->base_url = p->cfg.base_url;
	}
	if (p->base_url == NULL || *p->base_url == '\0')
		return ms_error_set(err, MS_ECONFIG,
		    "profile '%s' has no base_url", p->prof->name);
	if ((p->model = c->model) == NULL &&
	    (p->model = cmd_getenv("MS_MODEL")) == NULL) {
		p->model = p->prof->model;
		if (!p->prof->set_model && p->cfg.model != NULL)
			p->model = p->cfg.model;
	}
	p->dialect = ms_dialect_for(p->prof, p->base_url);
	if (ms_template_load(
		&p->tpl, c->template ? c->template : c->tool, err) == -1)
		return -1;
	if (c->mode == LONG_SUMMARIZE &&
	    ms_template_load(&p->part, "summarize-part", err) == -1)
		return -1;
	p->context = p->prof->context_tokens;
	if ((v = ms_vars_get(&p->tpl.params, "context_tokens")) != NULL)
		p->context = strtol(v, NULL, 10);
	if (p->cfg.context_tokens > 0)
		p->context = p->cfg.context_tokens;
	if (p->prof->set_context)
		p->context = p->prof->context_tokens;
	if (c->context > 0)
		p->context = c->context;
	p->jobs = (size_t)(c->jobs > 0 ? c->jobs : p->cfg.jobs);
	if (p->cfg.keep_on_error)
		c->keep = 1;
	p->buffered = c->keep || c->no_stream;
	params(c, p);
	if (c->nfallbacks > 0 && p->dialect != MS_DIALECT_OPENROUTER &&
	    !c->quiet)
		cmd_warn(c, "--fallback is for OpenRouter; ignored for '%s'",
		    p->base_url);
	if (c->verbose)
		fprintf(stderr,
		    "%s: profile %s, model %s, dialect %s, context %ld\n",
		    c->prog, p->prof->name,
		    p->model && *p->model ? p->model : "(server's)",
		    ms_dialect_name(p->dialect), p->context);
	return 0;
}

/* Room the answer needs in the context. */
static size_t
reserve(struct cmd *c, struct plan *p, size_t input_tokens)
{
	if (p->rq.has_max_tokens)
		return (size_t)p->rq.max_tokens;
	if (c->mode == LONG_TRANSLATE)
		return input_tokens + 64;
	return 1024;
}

int
cmd_connect(struct cmd *c, struct plan *p)
{
	struct ms_error err;
	struct ms_http_opts *ho = &p->ho;

	ms_error_clear(&err);
	if (ms_profile_key(&p->cfg, p->prof, &p->key, &err) == -1)
		return cmd_fail(c, &err);
	if (p->key.len == 0 && p->prof->needs_key) {
		fprintf(stderr,
		    "%s: no API key for profile '%s': set %s or MS_API_KEY, "
		    "or use a local server with -P ollama\n",
		    c->prog, p->prof->name,
		    p->prof->key_var ? p->prof->key_var : "MS_API_KEY");
		return EX_CONFIG;
	}
	memset(ho, 0, sizeof(*ho));
	ho->base_url = p->base_url;
	ho->key = p->key.data;
	ho->app_title = p->prof->app_title;
	ho->app_url = p->prof->app_url;
	ho->connect_timeout_ms = (long)(1000 *
	    (c->has_connect_timeout ? c->connect_timeout
				    : p->cfg.connect_timeout));
	ho->timeout_ms =
	    (long)(1000 * (c->has_timeout ? c->timeout : p->cfg.timeout));
	ho->idle_timeout_ms = (long)(1000 *
	    (c->has_idle_timeout ? c->idle_timeout : p->cfg.idle_timeout));
	ho->retries = (int)(c->retries >= 0 ? c->retries : p->cfg.retries);
	ho->log = c->verbose ? on_log : NULL;
	ho->log_arg = c;
	ho->cancel = &cancel_sig;
	if (ms_http_global_init(&err) == -1)
		return cmd_fail(c, &err);
	cmd_catch_signals();
	return 0;
}

/* -n -v: where the request would go. */
void
cmd_dry_headers(struct cmd *c, struct plan *p)
{
	const struct ms_profile *f = p->prof;

	if (!c->verbose)
		return;
	fprintf(stderr, "%s: POST %s/chat/completions\n", c->prog, p->base_url);
	fprintf(stderr, "%s: Content-Type: application/json\n", c->prog);
	if (f->needs_key || f->api_key_env || f->api_key_cmd ||
	    f->api_key_file || f->api_key || cmd_getenv("MS_API_KEY"))
		fprintf(stderr, "%s: Authorization: Bearer ***\n", c->prog);
	if (f->app_url)
		fprintf(stderr, "%s: HTTP-Referer: %s\n", c->prog, f->app_url);
	if (f->app_title) {
		fprintf(stderr, "%s: X-Title: %s\n", c->prog, f->app_title);
		fprintf(stderr, "%s: X-OpenRouter-Title: %s\n", c->prog,
		    f->app_title);
	}
}

void
cmd_usage_add(struct plan *p, const struct ms_resp *r, int attempts)
{
	const struct ms_usage *u = &r->usage;

	p->requests += attempts;
	if (u->has_tokens) {
		p->tokens_in += u->prompt_tokens;
		p->tokens_out += u->completion_tokens;
		p->has_tokens = 1;
	}
	if (u->has_cost)
		p->cost += u->cost;
	else if (p->prof->price_in >= 0 && p->prof->price_out >= 0)
		p->cost +=
		    ((double)u->prompt_tokens * p->prof->price_in +
			(double)u->completion_tokens * p->prof->price_out) /
		    1e6;
	else
		p->all_cost = 0;
}

void
cmd_usage_report(struct cmd *c, struct plan *p)
{
	const char *s = p->requests == 1 ? "" : "s";

	if (!p->has_tokens)
		fprintf(stderr,
		    "%s: usage: tokens unknown (the server sent no usage), "
		    "%d request%s\n",
		    c->prog, p->requests, s);
	else if (p->all_cost)
		fprintf(stderr,
		    "%s: usage: %ld tokens in, %ld out, %d request%s, $%.6f\n",
		    c->prog, p->tokens_in, p->tokens_out, p->requests, s,
		    p->cost);
	else
		fprintf(stderr,
		    "%s: usage: %ld tokens in, %ld out, %d request%s, cost "
		    "unknown\n",
		    c->prog, p->tokens_in, p->tokens_out, p->requests, s);
}

/* One request for the whole input. */
static int
single(struct cmd *c, struct plan *p)
{
	struct ms_error err;
	struct ms_buf body, answer;
	struct ms_http_stats st;
	struct ms_resp resp;
	struct ms_out out;
	size_t tokens, room;
	int rc, status;

	ms_error_clear(&err);
	ms_buf_init(&body);
	ms_buf_init(&answer);
	if (cmd_body(c, p, &p->tpl, c->send.data, c->send.len, &body, &tokens,
		&err) == -1) {
		ms_buf_release(&body);
		return cmd_fail(c, &err);
	}
	room = reserve(c, p, ms_tokens_estimate(c->send.data, c->send.len));
	if (tokens + room > (size_t)p->context) {
		ms_buf_release(&body);
		fprintf(stderr,
		    "%s: input too long: about %zu tokens with the prompt and "
		    "%zu for the answer, the context holds %ld; use msummarize, "
		    "or raise --context\n",
		    c->prog, tokens, room, p->context);
		return EX_DATAERR;
	}
	if (c->dry_run) {
		cmd_dry_headers(c, p);
		printf("%s\n", body.data);
		ms_buf_release(&body);
		return fflush(stdout) == EOF ? EX_IOERR : 0;
	}
	if ((status = cmd_connect(c, p)) != 0) {
		ms_buf_release(&body);
		return status;
	}
	ms_out_init(&out, cmd_out_fd, NULL);
	out.strip_fence = c->strip_fence && !c->raw;
	out.crlf = c->raw ? MS_EOL_MIXED : c->crlf;
	out.nl = c->raw ? MS_NL_RAW : c->nl;
	out.head = c->head;
	out.tail = c->tail;
	out.batch = 1; /* one write for the deltas of one read */
	ms_resp_init(&resp, p->buffered ? cmd_delta_buffer : cmd_delta_stream,
	    p->buffered ? (void *)&answer : (void *)&out);
	if (!p->buffered)
		resp.on_flush = cmd_delta_flush;
	rc = ms_http_chat(&p->ho, body.data, body.len, &resp, &st, &err);
	ms_buf_wipe(&p->key);
	status = 0;
	if (rc == 0 && p->buffered)
		status = ms_out_write(&out, answer.data, answer.len);
	if (rc == 0 && status == 0)
		status = ms_out_finish(&out);
	if (status != 0)
		ms_error_set(&err, (enum ms_errkind)status,
		    "cannot write the answer: %s", strerror(errno));
	if (c->verbose && (resp.provider[0] || resp.model[0]))
		fprintf(stderr, "%s: answered by %s%s%s\n", c->prog,
		    resp.model[0] ? resp.model : "?",
		    resp.provider[0] ? " via " : "", resp.provider);
	if (err.kind == MS_EINTR || err.kind == MS_EPIPE)
		status = cmd_exit_status(err.kind); /* quiet, as cat */
	else if (err.kind != MS_OK)
		status = cmd_fail(c, &err);
	else {
		if (strcmp(resp.finish_reason, "length") == 0 && !c->quiet)
			cmd_warn(c,
			    "the answer was cut short (finish_reason "
			    "\"length\"); raise --max-tokens");
		cmd_usage_add(p, &resp, st.attempts);
		if (c->usage_report)
			cmd_usage_report(c, p);
	}
	ms_resp_release(&resp);
	ms_out_release(&out);
	ms_buf_release(&body);
	ms_buf_release(&answer);
	return status;
}

void
cmd_send_eol(struct ms_buf *out, const char *s, size_t n, int eol)
{
	size_t i;

	/* The model reads plain LF; CRLF is put back on the way out. */
	if (eol != MS_EOL_CRLF) {
		ms_buf_add(out, s, n);
		return;
	}
	for (i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			ms_buf_addch(out, s[i]);
}

/* mtranslate: the blank lines and line ends around the text stay as read. */
static void
shape_translate(struct cmd *c)
{
	const char *s = c->input.data;
	size_t h, t;

	ms_text_trim(s, c->input.len, &h, &t);
	c->head = strndup(s, h);
	c->tail = strndup(s + t, c->input.len - t);
	/* The style of the text itself; the blanks around it stay as read. */
	c->crlf = ms_text_eol(s + h, t - h);
	cmd_send_eol(&c->send, s + h, t - h, c->crlf);
}

int
cmd_run(struct cmd *c)
{
	struct plan p;
	struct ms_error err;
	size_t ov = 0, budget, est = 0, n, before;
	int status;

	plan_init(&p);
	ms_error_clear(&err);
	if (setup(c, &p, &err) == -1) {
		status = cmd_fail(c, &err);
		goto out;
	}
	if (c->mode == LONG_REFUSE) {
		status = single(c, &p);
		goto out;
	}
	/* Read until the input is over or too long for one request. */
	if (cmd_body(c, &p, &p.tpl, "", 0, NULL, &ov, &err) == -1) {
		status = cmd_fail(c, &err);
		goto out;
	}
	budget = (size_t)p.context > ov + 64 ? (size_t)p.context - ov - 64 : 0;
	if (c->mode == LONG_TRANSLATE && !p.rq.has_max_tokens)
		budget /= 2;
	else
		budget =
		    budget > reserve(c, &p, 0) ? budget - reserve(c, &p, 0) : 0;
	for (;;) {
		before = c->input.len;
		n = cmd_source_read(c, &c->input, 1 << 16);
		if (n == 0)
			break;
		est += ms_tokens_estimate(c->input.data + before, n);
		/* -k gives the input back on failure: it is all kept. */
		if (est > budget && !c->keep)
			break;
	}
	if (c->src.eof && cmd_blank(c->input.data, c->input.len)) {
		/* Nothing to summarize; nothing to translate but the blanks. */
		status = 0;
		if (c->mode == LONG_TRANSLATE &&
		    cmd_out_fd(NULL, c->input.data, c->input.len) != 0)
			status = EX_IOERR;
		goto out;
	}
	c->strip_fence = memmem(c->input.data, c->input.len, "```", 3) == NULL;
	if (!c->src.eof || est > budget) {
		status = cmd_long(c, &p, &c->input);
		goto out;
	}
	if (c->mode == LONG_TRANSLATE) {
		shape_translate(c);
		c->nl = MS_NL_KEEP;
	} else
		cmd_send_context(c);
	status = single(c, &p);
out:
	/* -k: whatever went wrong, the user's text comes back whole. */
	if (status != 0 && status != cmd_exit_status(MS_EPIPE) && c->keep)
		cmd_out_fd(NULL, c->input.data, c->input.len);
	plan_release(&p);
	return status;
}
