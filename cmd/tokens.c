/*
 * tokens.c: ms tokens, the tokens of the input as the profile's model
 * counts them when it is the text of one message.  As wc(1): the count of
 * standard input, or one line per FILE ("COUNT FILE") and a total when
 * there are several.  -v adds, on standard error, the estimate and what
 * the tokens would cost as input at the profile's price.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "msg.h"
#include "plan.h"
#include "run.h"

#define BLOCK (64 * 1024)

static const char usage_tokens[] =
    "usage: ms tokens [-qv] [-P PROFILE] [-m MODEL] [FILE ...]\n";

struct count {
	size_t tokens;	 /* as the plan counts them */
	size_t quarters; /* of the estimate */
	size_t bytes;
};

static void
add(const struct plan *p, struct count *c, const char *s, size_t n)
{
	c->tokens += plan_tokens(p, s, n);
	c->quarters += ms_tokens_quarters(s, n);
	c->bytes += n;
}

/*
 * Count what fd holds.  No token spans a line end, so the text is counted
 * up to the last line end read, a block at a time: memory holds a block
 * and one line, whatever the size of the input.
 */
static int
count_fd(const struct plan *p, int fd, struct count *c)
{
	struct ms_buf b;
	const char *nl;
	ssize_t n;
	size_t k;
	int rc = 0;

	ms_buf_init(&b);
	for (;;) {
		if (ms_buf_grow(&b, BLOCK) == -1) {
			errno = ENOMEM;
			rc = -1;
			break;
		}
		if ((n = read(fd, b.data + b.len, BLOCK)) == -1) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
		for (nl = NULL, k = b.len; k > 0; k--)
			if (b.data[k - 1] == '\n') {
				nl = b.data + k;
				break;
			}
		if (nl != NULL) {
			add(p, c, b.data, (size_t)(nl - b.data));
			ms_buf_consume(&b, (size_t)(nl - b.data));
		}
	}
	if (rc == 0)
		add(p, c, b.data, b.len);
	ms_buf_release(&b);
	return rc;
}

/* "N FILE" or "N", on standard output; -v's figures on standard error. */
static void
report(const struct plan *p, const struct count *c, const char *name)
{
	const struct ms_profile *f = p->prof;

	if (name != NULL)
		printf("%zu %s\n", c->tokens, name);
	else
		printf("%zu\n", c->tokens);
	if (msg_verbose()) {
		char cost[96] = "no price_in for the profile";

		if (f->price_in >= 0)
			snprintf(cost, sizeof(cost),
			    "$%.6f as input at $%.2f per million",
			    (double)c->tokens * f->price_in / 1e6, f->price_in);
		msg_info("%s%s%zu tokens (%s), %zu bytes; estimate %zu; %s",
		    name ? name : "", name ? ": " : "", c->tokens,
		    p->tokenizer == MS_TOKENIZER_MISTRAL ? "counted"
							 : "estimated",
		    c->bytes, (c->quarters + 3) / 4, cost);
	}
}

static int
usage(int status)
{
	if (status != 0) {
		msg_raw(usage_tokens);
		return status;
	}
	fputs(usage_tokens, stdout);
	fputs("\nThe tokens of the input as the profile's model counts them "
	      "as one message's text.\n\n"
	      "  -P, --profile PROFILE  the profile (default: "
	      "openrouter)\n"
	      "  -m, --model MODEL      the model (default: the "
	      "profile's)\n"
	      "  -v, --verbose          how they are counted, the estimate "
	      "and the cost\n"
	      "  -q, --quiet            no message but errors\n"
	      "  -h, --help             this help\n",
	    stdout);
	return 0;
}

int
cmd_tokens(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'P' },
		{ "model", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct count c, total;
	struct ms_error err;
	struct opts o;
	struct plan p;
	int ch, i, fd, status = 0, verbose = 0, quiet = 0;

	opts_init(&o, NULL);
	opterr = 0;
	optind = 1;
	while (
	    (ch = getopt_long(argc, argv, "+P:m:vqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			o.profile = optarg;
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			opts_release(&o);
			return usage(0);
		default:
			if (optopt != 0 && strchr("Pm", optopt) != NULL)
				msg_err("option '-%c' needs a value", optopt);
			else
				msg_err(
				    "unknown option '%s'", argv[optind - 1]);
			opts_release(&o);
			return usage(EX_USAGE);
		}
	}
	msg_set(quiet, verbose);
	ms_error_clear(&err);
	if (plan_target(&p, &o, &err) == -1) {
		status = msg_fail(&err);
		goto out;
	}
	msg_info("profile %s, model %s: tokens %s", p.prof->name,
	    p.model && *p.model ? p.model : "(server's)", plan_tokenizer(&p));
	memset(&total, 0, sizeof(total));
	if (optind == argc) {
		memset(&c, 0, sizeof(c));
		if (count_fd(&p, STDIN_FILENO, &c) == -1) {
			msg_err(
			    "cannot read standard input: %s", strerror(errno));
			status = EX_NOINPUT;
		} else
			report(&p, &c, NULL);
	}
	for (i = optind; i < argc; i++) {
		memset(&c, 0, sizeof(c));
		fd = strcmp(argv[i], "-") == 0 ? STDIN_FILENO
					       : open(argv[i], O_RDONLY);
		if (fd == -1 || count_fd(&p, fd, &c) == -1) {
			msg_err("%s: %s", argv[i], strerror(errno));
			status = EX_NOINPUT;
		} else {
			report(&p, &c, argv[i]);
			total.tokens += c.tokens;
			total.quarters += c.quarters;
			total.bytes += c.bytes;
		}
		if (fd > STDIN_FILENO)
			close(fd);
	}
	if (argc - optind > 1)
		report(&p, &total, "total");
	/* A write error is told, and is the status, by out_flush. */
	if ((i = out_flush()) != 0)
		status = i;
out:
	plan_release(&p);
	opts_release(&o);
	return status;
}
