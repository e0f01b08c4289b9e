/* translate.c: mtranslate, a translation that keeps the text's shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"

static const char usage_translate[] =
    "usage: mtranslate [options] [-f FROM] [-t] TO [FILE ...]\n";

static const char help_translate[] =
    "  -f, --from LANG            the input's language (default: "
    "detected)\n"
    "  -t, --to LANG              the language to translate into\n";

static const struct option long_translate[] = {
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

static void
setlang(struct cmd *c, const char *var, const char *arg)
{
	char buf[128];

	ms_vars_set(&c->vars, var, cmd_lang(arg, buf, sizeof(buf)));
}

static int
opt(struct cmd *c, int ch, const char *arg)
{
	switch (ch) {
	case 'f':
		setlang(c, "from", arg);
		return 0;
	case 't':
		setlang(c, "to", arg);
		return 0;
	}
	return -1;
}

static int
isblankch(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Split the input into the blank lines before it (head), the text, and the
 * line ends after it (tail), which are written back exactly as they were.
 */
static void
shape(struct cmd *c, char **head, char **tail)
{
	const char *s = c->input.data;
	size_t n = c->input.len, h = 0, t = n, i;

	for (i = 0; i < n && isblankch(s[i]); i++)
		if (s[i] == '\n')
			h = i + 1;
	for (i = n; i > h && isblankch(s[i - 1]); i--)
		;
	for (t = i; t < n && s[t] != '\n' && s[t] != '\r'; t++)
		;
	*head = strndup(s, h);
	*tail = strndup(s + t, n - t);
	c->crlf = memmem(s, n, "\r\n", 2) != NULL;
	/* The model reads plain LF; CRLF is put back on the way out. */
	for (i = h; i < t; i++)
		if (!(s[i] == '\r' && i + 1 < t && s[i + 1] == '\n'))
			ms_buf_addch(&c->send, s[i]);
}

int
cmd_translate(int argc, char *argv[])
{
	struct cmd c;
	char *head = NULL, *tail = NULL;
	int i, status;

	cmd_init(&c, cmd_progname, "translate", usage_translate);
	i = cmd_parse(
	    &c, argc, argv, "f:t:", long_translate, help_translate, opt);
	if (ms_vars_get(&c.vars, "to") == NULL) {
		if (i >= argc)
			cmd_usage_error(&c, "which language? give TO");
		setlang(&c, "to", argv[i++]);
	}
	cmd_read_input(&c, argv + i, argc - i, 0);
	if (cmd_blank(c.input.data, c.input.len)) {
		/* Nothing to translate: the blanks are the translation. */
		status = fwrite(c.input.data, 1, c.input.len, stdout) ==
			    c.input.len &&
			fflush(stdout) == 0
		    ? 0
		    : 74;
		cmd_release(&c);
		return status;
	}
	shape(&c, &head, &tail);
	c.room = ROOM_INPUT;
	c.nl = MS_NL_KEEP;
	c.head = head;
	c.tail = tail;
	c.strip_fence = strstr(c.input.data, "```") == NULL;
	status = cmd_run(&c);
	free(head);
	free(tail);
	cmd_release(&c);
	return status;
}
