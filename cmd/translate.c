/* translate.c: mtranslate, a translation that keeps the text's shape. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "lang.h"
#include "msg.h"
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
	.permute = 1,
	/* Each file keeps its own blank lines and final newline, as cat. */
	.split_files = 1,
};

/* A language looks like one: letters, digits, '-', '_' and spaces. */
static int
language(const char *opt, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    (unsigned char)s[i] < 0x80 && strchr("-_ ", s[i]) == NULL)
			break;
	if (n > 0 && n <= 64 && i == n && !ms_text_blank(s, n))
		return 0;
	opts_usage("%s: '%.64s%s' is not a language (letters, digits, '-', "
		   "'_' and spaces, at most 64 bytes)",
	    opt, s, n > 64 ? "..." : "");
	return -1;
}

static int
setlang(struct opts *o, const char *opt, const char *var, const char *arg)
{
	char buf[128];

	if (language(opt, arg) == -1)
		return -1;
	opts_var(o, var, lang_name(arg, buf, sizeof(buf)));
	return 0;
}

static int
opt(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'f':
		return setlang(o, "--from", "from", arg);
	case 't':
		return setlang(o, "--to", "to", arg);
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
		/* mtranslate notes.txt: a file, and the language forgotten. */
		if (o->noperands == 1 && access(o->operands[0], F_OK) == 0) {
			run_input(&r, o->operands, 1);
			return run_end(&r,
			    run_usage(&r,
				"'%s' is a file: which language? give TO first",
				o->operands[0]));
		}
		if (setlang(o, "TO", "to", o->operands[i++]) == -1) {
			run_input(&r, o->operands + i, o->noperands - i);
			msg_raw(translate.usage);
			return run_end(&r, EX_USAGE);
		}
	}
	status = run_files(&r, o->operands + i, o->noperands - i);
	return run_end(&r, status);
}
