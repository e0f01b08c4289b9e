/*
 * firstbyte: when does a command's first output byte arrive?  For make
 * bench: runs CMD with its standard output on a pipe, notes the time
 * (CLOCK_MONOTONIC, the clock the mock server's --stamps use) at which
 * the first byte can be read, copies all of the output to OUT, and
 * prints that time in nanoseconds.
 *
 * Usage: firstbyte OUT CMD [ARG...]
 * Exits with CMD's status (128 + the signal that killed it), or 71.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char buf[65536];
	struct timespec ts = { 0, 0 };
	ssize_t n;
	pid_t pid;
	int p[2], out, status, got = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: firstbyte OUT CMD [ARG...]\n");
		return 64;
	}
	if ((out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0666)) == -1) {
		fprintf(
		    stderr, "firstbyte: %s: %s\n", argv[1], strerror(errno));
		return 73;
	}
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		perror("firstbyte");
		return 71;
	}
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[2], argv + 2);
		fprintf(
		    stderr, "firstbyte: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		n = read(p[0], buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!got) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			got = 1;
		}
		if (write(out, buf, (size_t)n) != n) {
			perror("firstbyte: write");
			return 74;
		}
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 71;
	if (got)
		printf("%jd\n",
		    (intmax_t)ts.tv_sec * 1000000000 + (intmax_t)ts.tv_nsec);
	else
		printf("none\n");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
