/* input.h: the text a tool reads, checked on the way in, kept for -k. */
#ifndef INPUT_H
#define INPUT_H

#include <sys/types.h>

#include "ms.h"

/* The named files in order, or standard input; "-" is standard input. */
struct input {
	char **files;
	int nfiles;
	int i;	/* the file being read */
	int fd; /* -1: none open */
	const char *name;
	size_t off;	     /* bytes read of this file */
	struct ms_buf carry; /* read, not handed out: a character cut short */
	int last;	     /* the last byte handed out */
	int eof;
	int sep_files;	 /* one file's end must not run into the next */
	int split_files; /* each file ends: input_read says 0 at its end */
	int file_end;	 /* a file ended and more follow */
	int keep;	 /* -k: keep every byte handed out */
	struct ms_buf kept;
};

void input_init(
    struct input *, char **files, int nfiles, int sep_files, int keep);
void input_release(struct input *);
/*
 * Append up to about max more bytes of text to out: their number, 0 at
 * the end, or -1 with err set (a file that cannot be read, NUL bytes,
 * invalid UTF-8, out of memory).
 */
ssize_t input_read(
    struct input *, struct ms_buf *out, size_t max, struct ms_error *);
/* With split_files: go on with the next file after input_read said 0. */
void input_next_file(struct input *);
/*
 * -k: the input comes back unchanged on stdout: what was read, then the
 * rest, the files in order (one that cannot be read is passed over).
 */
int input_give_back(struct input *);

#endif
