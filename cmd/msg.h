/* msg.h: what reaches the user: the answer on stdout, messages on stderr. */
#ifndef MSG_H
#define MSG_H

#include <stdarg.h>
#include <stddef.h>

#include "ms.h"

/* The name before every message: mschat, msummarize, ms, msfoo... */
extern const char *msg_prog;

/* -q hides warnings and progress; -v shows information. */
void msg_set(int quiet, int verbose);
/*
 * -k: when stderr is the file stdout is (and no terminal), messages go to
 * the controlling terminal, or nowhere; never into the data.
 */
void msg_keep(void);

/*
 * "PROG: message" and a newline on stderr, the one way a message leaves:
 * a progress line is cleared first, and a message after part of an answer
 * line on the same terminal starts on a line of its own.
 */
void msg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_verr(const char *fmt, va_list);
/* The same, unless -q. */
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, only with -v. */
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether msg_info prints. */
int msg_verbose(void);
/* A line updated in place on a terminal (none with -q); NULL clears it. */
void msg_progress(const char *line);
/* Lines that go to stderr as they are: the usage synopsis. */
void msg_raw(const char *s);

/*
 * Bytes of the answer on stdout, each call one write(2) however large.
 * Returns 0, or the ms_errkind of the failure (MS_EPIPE when the reader
 * left, else MS_EIO) with errno set.
 */
int out_write(const char *, size_t);

/*
 * What went to stdout through stdio is out: 0, or the exit status after
 * saying why not (quiet when the reader left).
 */
int out_flush(void);

/* The exit status for an error kind (sysexits.h; 128 + signal). */
int msg_status(enum ms_errkind);
/*
 * Report err once and return its exit status: an interrupt or a reader
 * that left is quiet, as with cat.
 */
int msg_fail(const struct ms_error *);

/*
 * SIGINT, SIGTERM and SIGHUP set the flag the engine and the input poll,
 * and stop the tool; a second one kills it at once.
 */
void sig_catch(void);
extern volatile int sig_caught;
/* What main returns: a status, or death by the signal that stopped us. */
int msg_exit(int status);

#endif
