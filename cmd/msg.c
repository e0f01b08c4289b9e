/* msg.c: what reaches the user: the answer on stdout, messages on stderr. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
static FILE *err_fp;	    /* where messages go; NULL: stderr */
static int err_none;	    /* -k into a file that is also stdout: nowhere */
static size_t progress_len; /* the progress line on the terminal */
static int partial;	    /* stdout holds part of a line */

void
msg_set(int q, int v)
{
	quiet = q;
	verbose = v;
}

/* Whether stdout and stderr are the same file. */
static int
same_file(void)
{
	struct stat a, b;

	return fstat(STDOUT_FILENO, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void
msg_keep(void)
{
	int fd;

	/*
	 * An editor filter (vim's shellredir is ">%s 2>&1") reads stdout and
	 * stderr as one: under -k, a message there would land in the user's
	 * text.  The terminal gets it instead, or nobody.
	 */
	if (err_fp != NULL || err_none || isatty(STDERR_FILENO) || !same_file())
		return;
	if ((fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)) != -1 &&
	    (err_fp = fdopen(fd, "w")) == NULL)
		close(fd);
	err_none = err_fp == NULL;
}

static FILE *
errf(void)
{
	return err_fp != NULL ? err_fp : stderr;
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
		fprintf(errf(), "\r%*s\r", (int)progress_len, "");
		progress_len = 0;
	}
	if (partial && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) {
		fputc('\n', errf());
		partial = 0;
	}
}

void
msg_verr(const char *fmt, va_list ap)
{
	FILE *fp = errf();

	if (err_none)
		return;
	clear_line();
	fprintf(fp, "%s: ", msg_prog);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
	fflush(fp);
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
	fflush(stderr);
	progress_len = n > 0 ? (size_t)n : 0;
}

void
msg_raw(const char *s)
{
	if (err_none)
		return;
	clear_line();
	fputs(s, errf());
	fflush(errf());
}

int
out_write(const char *s, size_t n)
{
	ssize_t w;

	if (n > 0)
		partial = s[n - 1] != '\n';
	while (n > 0) {
		w = write(STDOUT_FILENO, s, n);
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A non-blocking stdout (set so by another): wait. */
			struct pollfd pfd = { STDOUT_FILENO, POLLOUT, 0 };

			poll(&pfd, 1, -1);
			continue;
		}
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? MS_EPIPE : MS_EIO;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
out_flush(void)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return 128 + SIGPIPE;
	msg_err("cannot write output: %s", strerror(errno));
	return EX_IOERR;
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
	case MS_EIO:
		return EX_IOERR;
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

	/*
	 * No SA_RESTART: a read waiting on a producer returns, so the tool
	 * stops at once.  SA_RESETHAND: a second signal kills, even while -k
	 * reads the rest of the input to give it back.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int
msg_exit(int status)
{
	int sig = sig_caught;

	/* What went to stdout through stdio is out too, or said not to be. */
	if (status == 0)
		status = out_flush();
	/* Die of the signal, so that a calling shell loop stops too. */
	if (sig != 0 && status == 128 + sig) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}
