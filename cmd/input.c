/*
 * input.c: the text a tool reads, as it is needed: the named files in
 * order ("-" is standard input), each checked for NUL bytes and valid
 * UTF-8 on the way in, and kept whole when -k may have to give it back.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "msg.h"

#define READ_MAX 65536

void
input_init(struct input *in, char **files, int nfiles, int sep_files, int keep)
{
	memset(in, 0, sizeof(*in));
	in->files = files;
	in->nfiles = nfiles;
	in->fd = -1;
	in->sep_files = sep_files;
	in->keep = keep;
	ms_buf_init(&in->carry);
	ms_buf_init(&in->kept);
}

static void
close_file(struct input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
	in->i++;
}

void
input_release(struct input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
	ms_buf_release(&in->carry);
	ms_buf_release(&in->kept);
}

/* Open the next file: 1, 0 when none is left, -1 when it cannot be read. */
static int
next_file(struct input *in, struct ms_error *err)
{
	const char *name;

	if (in->nfiles == 0 && in->i == 0)
		name = "-";
	else if (in->i < in->nfiles)
		name = in->files[in->i];
	else
		return 0;
	in->off = 0;
	if (strcmp(name, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->name = "standard input";
	} else if ((in->fd = open(name, O_RDONLY | O_CLOEXEC)) == -1) {
		ms_error_set(err, MS_ENOINPUT, "cannot read '%s': %s", name,
		    strerror(errno));
		in->i++;
		return -1;
	} else
		in->name = name;
	return 1;
}

static int
check_text(struct input *in, const char *s, size_t n, size_t base,
    struct ms_error *err)
{
	const char *name = in->fd == STDIN_FILENO ? NULL : in->name;
	size_t off;
	int rc;

	if ((rc = ms_utf8_check(s, n, &off)) == 0)
		return 0;
	return ms_error_set(err, MS_EDATA, "%s at %soffset %zu%s%s%s",
	    rc == MS_UTF8_NUL ? "binary input: NUL byte" : "invalid UTF-8",
	    rc == MS_UTF8_NUL ? "" : "byte ", base + off, name ? " of '" : "",
	    name ? name : "", name ? "'" : "");
}

/* Hand out the first n bytes of the carry. */
static ssize_t
hand_out(struct input *in, struct ms_buf *out, size_t n, struct ms_error *err)
{
	ms_buf_add(out, in->carry.data, n);
	if (in->keep)
		ms_buf_add(&in->kept, in->carry.data, n);
	if (out->oom || in->kept.oom)
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	in->last = (unsigned char)in->carry.data[n - 1];
	ms_buf_consume(&in->carry, n);
	return (ssize_t)n;
}

ssize_t
input_read(
    struct input *in, struct ms_buf *out, size_t max, struct ms_error *err)
{
	char tmp[READ_MAX];
	size_t want, done, base;
	ssize_t n;
	int rc;

	while (!in->eof && !in->file_end) {
		if (sig_caught)
			return ms_error_set(err, MS_EINTR, "interrupted");
		if (in->fd < 0 && (rc = next_file(in, err)) <= 0) {
			if (rc == -1)
				return -1;
			in->eof = 1;
			break;
		}
		want = max < sizeof(tmp) ? max : sizeof(tmp);
		n = read(in->fd, tmp, want > 0 ? want : 1);
		if (n == -1) {
			/* Interrupted: stop now, even if the producer never ends. */
			if (errno == EINTR && sig_caught)
				return ms_error_set(
				    err, MS_EINTR, "interrupted");
			if (errno == EINTR)
				continue;
			return ms_error_set(err, MS_ENOINPUT,
			    "cannot read '%s': %s", in->name, strerror(errno));
		}
		if (n == 0) {
			if (in->carry.len > 0 &&
			    check_text(in, in->carry.data, in->carry.len,
				in->off - in->carry.len, err) == -1)
				return -1;
			close_file(in);
			if (in->split_files && in->i < in->nfiles) {
				in->file_end = 1;
				return 0;
			}
			if (in->sep_files && in->i < in->nfiles &&
			    in->last != '\n' && in->last != 0) {
				in->last = '\n';
				if (ms_buf_addch(out, '\n') == -1)
					return ms_error_set(
					    err, MS_ESOFTWARE, "out of memory");
				return 1;
			}
			continue;
		}
		/* A character cut by the read waits for its other bytes. */
		base = in->off - in->carry.len;
		if (ms_buf_add(&in->carry, tmp, (size_t)n) == -1)
			return ms_error_set(err, MS_ESOFTWARE, "out of memory");
		in->off += (size_t)n;
		done = ms_utf8_complete(in->carry.data, in->carry.len);
		if (check_text(in, in->carry.data, done, base, err) == -1)
			return -1;
		if (done > 0)
			return hand_out(in, out, done, err);
	}
	return 0;
}

void
input_next_file(struct input *in)
{
	in->file_end = 0;
}

/* Copy what is left of the open file to stdout. */
static int
copy_rest(struct input *in)
{
	char tmp[READ_MAX];
	ssize_t n;
	int rc;

	/*
	 * After a signal too: the first one stops the work and the input
	 * comes back whole, read to its end; a second one kills at once.
	 */
	while ((n = read(in->fd, tmp, sizeof(tmp))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if ((rc = out_write(tmp, (size_t)n)) != 0)
			return rc;
	}
	return 0;
}

int
input_give_back(struct input *in)
{
	struct ms_error err;
	int rc;

	if ((rc = out_write(in->kept.data, in->kept.len)) != 0 ||
	    (rc = out_write(in->carry.data, in->carry.len)) != 0)
		return rc;
	ms_buf_release(&in->kept);
	ms_buf_reset(&in->carry);
	for (;;) {
		if (in->fd < 0) {
			if (in->eof)
				return 0;
			if ((rc = next_file(in, &err)) == -1)
				continue;
			if (rc == 0)
				return 0;
		}
		/* A terminal is the user typing, not text to give back. */
		if ((in->fd != STDIN_FILENO || !isatty(STDIN_FILENO)) &&
		    (rc = copy_rest(in)) != 0)
			return rc;
		close_file(in);
	}
}
