/* file.c: read a whole file into a buffer, the one file reader of libms. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <bsd/string.h>

#include "ms.h"

#define READ_STEP 8192

int
ms_file_readfd(int fd, size_t max, struct ms_buf *out)
{
	size_t old = out->len;
	ssize_t n;
	int e;

	if (out->oom) {
		errno = ENOMEM;
		return -1;
	}
	/* Straight into the buffer: no copy of a key left on the stack. */
	for (;;) {
		if (ms_buf_grow(out, READ_STEP) == -1) {
			errno = ENOMEM;
			goto fail;
		}
		n = read(fd, out->data + out->len, READ_STEP);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len - old > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	return 0;
fail:
	e = errno;
	/* What was read may be a key: wipe it, and give out back as it was. */
	if (out->cap > 0) {
		explicit_bzero(out->data + old, out->len - old);
		out->len = old;
		out->data[old] = '\0';
	}
	errno = e;
	return -1;
}

int
ms_file_read(const char *path, size_t max, struct ms_buf *out, struct stat *st)
{
	struct stat sb;
	int fd, e;

	if (out->oom) {
		errno = ENOMEM;
		return -1;
	}
	/* The descriptor must not leak into api_key_cmd's shell. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st != NULL ? st : &sb) == -1 ||
	    ms_file_readfd(fd, max, out) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}
