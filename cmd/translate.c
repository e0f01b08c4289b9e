/* translate.c: mtranslate, a translation that keeps the text's shape. */
#include <stdio.h>
#include <stdlib.h>

#include "lang.h"
#include "run.h"

static int opt(struct opts *, int, const char *);

static const struct option longopts[] = {
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

static const struct tool translate = {
	.name = "translate",
	.usage = "usage: mtranslate [options] [-f FROM] [-t] TO [FILE ...]\n",
	.shortopts = "f:t:",
	.longopts = longopts,
	.help = "  -f, --from LANG            the input's language (default: "
		"detected)\n"
		"  -t, --to LANG              the language to translate into\n",
	.opt = opt,
	.mode = LONG_TRANSLATE,
};

static void
setlang(struct opts *o, const char *var, const char *arg)
{
	char buf[128];

	opts_var(o, var, lang_name(arg, buf, sizeof(buf)));
}

static int
opt(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'f':
		setlang(o, "from", arg);
		return 0;
	case 't':
		setlang(o, "to", arg);
		return 0;
	}
	return -1;
}

int
cmd_translate(int argc, char *argv[])
{
	struct run r;
	struct opts *o = &r.o;
	int status, i = 0;

	if ((status = run_start(&r, &translate, argc, argv)) != OPTS_RUN)
		return run_end(&r, status);
	if (ms_vars_get(&o->vars, "to") == NULL) {
		if (o->noperands == 0)
			return run_end(
			    &r, run_usage(&r, "which language? give TO"));
		setlang(o, "to", o->operands[i++]);
	}
	status = run_files(&r, o->operands + i, o->noperands - i);
	return run_end(&r, status);
}
