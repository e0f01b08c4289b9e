/* msg.c: what reaches the user: the answer on stdout, messages on stderr. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "msg.h"

const char *msg_prog = "ms";
volatile int sig_caught;

static int quiet, verbose;
static size_t progress_len; /* the progress line on the terminal */
static int partial;	    /* stdout holds part of a line */

void
msg_set(int q, int v)
{
	quiet = q;
	verbose = v;
}

int
msg_verbose(void)
{
	return verbose;
}

/* Make room for a message: no progress line, no half answer line. */
static void
clear_line(void)
{
	if (progress_len > 0) {
		fprintf(stderr, "\r%*s\r", (int)progress_len, "");
		progress_len = 0;
	}
	if (partial && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) {
		fputc('\n', stderr);
		partial = 0;
	}
}

void
msg_verr(const char *fmt, va_list ap)
{
	clear_line();
	fprintf(stderr, "%s: ", msg_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
msg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_verr(fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	msg_verr(fmt, ap);
	va_end(ap);
}

void
msg_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	msg_verr(fmt, ap);
	va_end(ap);
}

void
msg_progress(const char *line)
{
	int n;

	if (line == NULL) {
		clear_line();
		return;
	}
	if (quiet || !isatty(STDERR_FILENO))
		return;
	n = fprintf(stderr, "\r%s: %s", msg_prog, line) - 1;
	if (n > 0 && (size_t)n < progress_len)
		fprintf(stderr, "%*s", (int)(progress_len - (size_t)n), "");
	progress_len = n > 0 ? (size_t)n : 0;
}

void
msg_raw(const char *s)
{
	clear_line();
	fputs(s, stderr);
}

int
out_write(const char *s, size_t n)
{
	ssize_t w;

	if (n > 0)
		partial = s[n - 1] != '\n';
	while (n > 0) {
		w = write(STDOUT_FILENO, s, n);
		if (w == -1) {
			if (errno == EINTR && !sig_caught)
				continue;
			return errno == EPIPE ? MS_EPIPE : MS_ESOFTWARE;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
msg_status(enum ms_errkind k)
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
		return 128 + (sig_caught ? sig_caught : SIGINT);
	case MS_EPIPE:
		return 128 + SIGPIPE;
	case MS_ESOFTWARE:
	default:
		return EX_SOFTWARE;
	}
}

int
msg_fail(const struct ms_error *err)
{
	if (err->kind != MS_EINTR && err->kind != MS_EPIPE)
		msg_err("%s", err->msg);
	return msg_status(err->kind);
}

static void
on_signal(int sig)
{
	sig_caught = sig;
}

void
sig_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
msg_exit(int status)
{
	int sig = sig_caught;

	/* Die of the signal, so that a calling shell loop stops too. */
	if (sig != 0 && status == 128 + sig) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}
