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

int
cmd_translate(int argc, char *argv[])
{
	struct cmd c;
	int i, status;

	cmd_init(&c, cmd_progname, "translate", usage_translate);
	i = cmd_parse(
	    &c, argc, argv, "f:t:", long_translate, help_translate, opt);
	if (ms_vars_get(&c.vars, "to") == NULL) {
		if (i >= argc)
			cmd_usage_error(&c, "which language? give TO");
		setlang(&c, "to", argv[i++]);
	}
	c.src.files = argv + i;
	c.src.nfiles = argc - i;
	c.mode = LONG_TRANSLATE;
	status = cmd_run(&c);
	cmd_release(&c);
	return status;
}
