/* chat.c: mschat, a request in words with standard input as its context. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

static const char usage_chat[] = "usage: mschat [options] [PROMPT ...]\n";

/* Join the words into one prompt, as the shell would have printed them. */
static void
join(struct cmd *c, int argc, char *argv[], struct ms_buf *b)
{
	int i;

	(void)c;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			ms_buf_addch(b, ' ');
		ms_buf_addstr(b, argv[i]);
	}
}

/*
 * The longest input worth reading: past it, no estimate of its tokens can
 * fit the context, so a huge input fails at once instead of after reading
 * gigabytes.  A token is never cheaper than four bytes of text.
 */
static size_t
read_limit(const struct cmd *c)
{
	long ctx = c->context > 0 ? c->context : 1L << 22;

	return (size_t)ctx * 4 + 4096;
}

int
cmd_chat(int argc, char *argv[])
{
	struct cmd c;
	struct ms_buf prompt;
	int i, status;

	cmd_init(&c, cmd_progname, "chat", usage_chat);
	ms_buf_init(&prompt);
	i = cmd_parse(&c, argc, argv, NULL, NULL, NULL, NULL);
	join(&c, argc - i, argv + i, &prompt);
	if (!isatty(STDIN_FILENO) || argc - i == 0)
		cmd_read_input(&c, NULL, 0, read_limit(&c));
	if (cmd_blank(prompt.data, prompt.len) &&
	    cmd_blank(c.input.data, c.input.len)) {
		ms_buf_release(&prompt);
		cmd_release(&c);
		return 0;
	}
	ms_vars_setn(&c.vars, "prompt", prompt.data, prompt.len);
	cmd_send_context(&c);
	/* A fence in the input means fences in the answer are meant. */
	c.strip_fence = strstr(c.input.data, "```") == NULL &&
	    strstr(prompt.data, "```") == NULL;
	status = cmd_run(&c);
	ms_buf_release(&prompt);
	cmd_release(&c);
	return status;
}

/* A user template run as a tool: words are {{prompt}}, stdin {{input}}. */
int
cmd_template(const char *name, int argc, char *argv[])
{
	struct cmd c;
	struct ms_buf prompt, usage;
	struct ms_template t;
	struct ms_error err;
	const char *v;
	int i, status;

	ms_buf_init(&usage);
	/* ms foo, or a link msfoo: the usage names it as it was called. */
	if (strcmp(cmd_progname, "ms") == 0)
		ms_buf_printf(
		    &usage, "usage: ms %s [options] [PROMPT ...]\n", name);
	else
		ms_buf_printf(
		    &usage, "usage: %s [options] [PROMPT ...]\n", cmd_progname);
	/* Fail early, before reading input, when there is no such template. */
	ms_template_init(&t);
	ms_error_clear(&err);
	if (ms_template_load(&t, name, &err) == -1) {
		fprintf(stderr, "%s: %s\n", cmd_progname, err.msg);
		ms_template_release(&t);
		ms_buf_release(&usage);
		return cmd_exit_status(err.kind);
	}
	cmd_init(&c, cmd_progname, name, usage.data);
	/* [params] long_input lets a template take input of any size. */
	if ((v = ms_vars_get(&t.params, "long_input")) != NULL)
		c.mode = strcmp(v, "summarize") == 0 ? LONG_SUMMARIZE
		    : strcmp(v, "translate") == 0    ? LONG_TRANSLATE
						     : LONG_REFUSE;
	ms_template_release(&t);
	ms_buf_init(&prompt);
	i = cmd_parse(&c, argc, argv, NULL, NULL, NULL, NULL);
	join(&c, argc - i, argv + i, &prompt);
	ms_vars_setn(&c.vars, "prompt", prompt.data, prompt.len);
	if (c.mode != LONG_REFUSE) {
		status = cmd_run(&c);
		goto out;
	}
	if (!isatty(STDIN_FILENO) || argc - i == 0)
		cmd_read_input(&c, NULL, 0, read_limit(&c));
	if (cmd_blank(prompt.data, prompt.len) &&
	    cmd_blank(c.input.data, c.input.len)) {
		status = 0;
		goto out;
	}
	cmd_send_context(&c);
	c.strip_fence = strstr(c.input.data, "```") == NULL;
	status = cmd_run(&c);
out:
	ms_buf_release(&prompt);
	ms_buf_release(&usage);
	cmd_release(&c);
	return status;
}
