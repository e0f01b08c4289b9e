/* opts.c: the options every tool takes, and the tool's own, parsed once. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <bsd/stdlib.h>

#include "msg.h"
#include "opts.h"

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

void
opts_init(struct opts *o, const struct tool *t)
{
	memset(o, 0, sizeof(*o));
	o->tool = t;
	o->retries = -1;
	o->jobs = -1;
	ms_vars_init(&o->defs);
	ms_vars_init(&o->vars);
}

void
opts_release(struct opts *o)
{
	ms_vars_release(&o->defs);
	ms_vars_release(&o->vars);
	free(o->stops);
	free(o->fallbacks);
}

void
opts_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_verr(fmt, ap);
	va_end(ap);
}

void
opts_var(struct opts *o, const char *name, const char *value)
{
	if (ms_vars_set(&o->vars, name, value) == -1)
		o->oom = 1;
}

/* Numbers in a range; -1 after saying what is wrong. */
static int
number(
    const char *opt, const char *arg, long long lo, long long hi, long long *v)
{
	const char *e;

	*v = strtonum(arg, lo, hi, &e);
	if (e == NULL)
		return 0;
	opts_usage("%s: '%s' is %s (%lld to %lld)", opt, arg, e, lo, hi);
	return -1;
}

static int
real(const char *opt, const char *arg, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno == 0 && end != arg && *end == '\0' && *v >= lo && *v <= hi)
		return 0;
	opts_usage("%s: '%s' is not a number from %g to %g", opt, arg, lo, hi);
	return -1;
}

static int
push(struct opts *o, const char ***v, size_t *n, const char *s)
{
	const char **nv;

	if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL) {
		o->oom = 1;
		return 0;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static int
var(struct opts *o, char *arg)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		opts_usage("-D wants NAME=VALUE, not '%s'", arg);
		return -1;
	}
	*eq = '\0';
	if (ms_vars_set(&o->defs, arg, eq + 1) == -1)
		o->oom = 1;
	*eq = '=';
	return 0;
}

/* One common option: 0, 1 when the tool's own, -1 on a usage error. */
static int
common(struct opts *o, int ch, char *arg)
{
	long long n = 0;
	int rc = 0;

	switch (ch) {
	case 'D':
		return var(o, arg);
	case 'j':
		rc = number("--jobs", arg, 1, 64, &n);
		o->jobs = (long)n;
		return rc;
	case 'k':
		o->keep = 1;
		return 0;
	case 'm':
		o->model = arg;
		return 0;
	case 'n':
		o->dry_run = 1;
		return 0;
	case 'P':
		o->profile = arg;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case 's':
		o->system = arg;
		return 0;
	case 'T':
		o->template = arg;
		return 0;
	case 'u':
		o->usage = 1;
		return 0;
	case 'v':
		o->verbose = 1;
		return 0;
	case OPT_BASE_URL:
		o->base_url = arg;
		return 0;
	case OPT_TEMPERATURE:
		o->has_temperature = 1;
		return real("--temperature", arg, 0, 2, &o->temperature);
	case OPT_TOP_P:
		o->has_top_p = 1;
		return real("--top-p", arg, 0, 1, &o->top_p);
	case OPT_MAX_TOKENS:
		o->has_max_tokens = 1;
		rc = number("--max-tokens", arg, 1, 100000000, &n);
		o->max_tokens = (long)n;
		return rc;
	case OPT_SEED:
		o->has_seed = 1;
		return number("--seed", arg, 0, LLONG_MAX, &o->seed);
	case OPT_STOP:
		return push(o, &o->stops, &o->nstops, arg);
	case OPT_FALLBACK:
		return push(o, &o->fallbacks, &o->nfallbacks, arg);
	case OPT_NO_STREAM:
		o->no_stream = 1;
		return 0;
	case OPT_RAW:
		o->raw = 1;
		return 0;
	case OPT_TIMEOUT:
		o->has_timeout = 1;
		return real("--timeout", arg, 0, 1e6, &o->timeout);
	case OPT_CONNECT_TIMEOUT:
		o->has_connect_timeout = 1;
		return real(
		    "--connect-timeout", arg, 0, 1e6, &o->connect_timeout);
	case OPT_IDLE_TIMEOUT:
		o->has_idle_timeout = 1;
		return real("--idle-timeout", arg, 0, 1e6, &o->idle_timeout);
	case OPT_RETRIES:
		rc = number("--retries", arg, 0, 100, &n);
		o->retries = (long)n;
		return rc;
	case OPT_CONTEXT:
		rc = number("--context", arg, 256, 100000000, &n);
		o->context = (long)n;
		return rc;
	}
	return 1;
}

static int
help(const struct opts *o)
{
	printf("%s\nOptions:\n%s%s", o->tool->usage,
	    o->tool->help ? o->tool->help : "", common_help);
	return 0;
}

int
opts_parse(struct opts *o, int argc, char *argv[])
{
	const struct tool *t = o->tool;
	struct option all[64];
	char so[128];
	size_t n = 0, i;
	int ch, rc;

	for (i = 0; t->longopts != NULL && t->longopts[i].name != NULL; i++)
		all[n++] = t->longopts[i];
	for (i = 0; i < NCOMMON; i++)
		all[n++] = common_long[i];
	memset(&all[n], 0, sizeof(all[n]));
	/* mschat's words are text: options stop at the first one. */
	snprintf(so, sizeof(so), "%s:%s%s", t->permute ? "" : "+", COMMON_SHORT,
	    t->shortopts ? t->shortopts : "");
	opterr = 0;
	/* First -k alone, wherever it is: a usage error honours it too. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, so, all, NULL)) != -1)
		if (ch == 'k')
			o->keep = 1;
	if (o->keep)
		msg_keep();
	optind = 0;
	while ((ch = getopt_long(argc, argv, so, all, NULL)) != -1) {
		switch (ch) {
		case 'h':
			return help(o);
		case 'V':
			printf("ms %s\n", MS_VERSION);
			return 0;
		case ':':
			opts_usage(
			    "option '%s' needs an argument", argv[optind - 1]);
			rc = -1;
			break;
		case '?':
			if (optopt != 0)
				opts_usage("unknown option '-%c'", optopt);
			else
				opts_usage(
				    "unknown option '%s'", argv[optind - 1]);
			rc = -1;
			break;
		default:
			rc = common(o, ch, optarg);
			if (rc == 1)
				rc =
				    t->opt != NULL ? t->opt(o, ch, optarg) : -1;
			break;
		}
		if (rc == -1) {
			msg_raw(t->usage);
			return EX_USAGE;
		}
	}
	o->operands = argv + optind;
	o->noperands = argc - optind;
	return OPTS_RUN;
}
