/* chat.c: mschat, a request in words with standard input as its context. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "run.h"

static const struct tool chat = {
	.name = "chat",
	.usage = "usage: mschat [options] [PROMPT ...]\n",
	.mode = LONG_REFUSE,
};

int
cmd_chat(int argc, char *argv[])
{
	struct run r;
	int status;

	if ((status = run_start(&r, &chat, argc, argv)) == OPTS_RUN)
		status = run_prompt(&r, r.o.operands, r.o.noperands);
	return run_end(&r, status);
}

/*
 * A user's template run as a tool (ms foo, or a link msfoo): its words are
 * {{prompt}}, standard input {{input}}, as with mschat.
 */
int
cmd_template(const char *name, int argc, char *argv[])
{
	struct tool t = { .name = name, .mode = LONG_REFUSE, .user = 1 };
	struct run r;
	char *usage = NULL;
	int status;

	/* The usage names it as it was called. */
	if (strcmp(msg_prog, "ms") == 0)
		status = asprintf(
		    &usage, "usage: ms %s [options] [PROMPT ...]\n", name);
	else
		status = asprintf(
		    &usage, "usage: %s [options] [PROMPT ...]\n", msg_prog);
	if (status == -1) {
		msg_err("out of memory");
		return 70;
	}
	t.usage = usage;
	if ((status = run_start(&r, &t, argc, argv)) == OPTS_RUN)
		status = run_prompt(&r, r.o.operands, r.o.noperands);
	status = run_end(&r, status);
	free(usage);
	return status;
}
