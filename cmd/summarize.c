/* summarize.c: msummarize, a summary of files or standard input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "lang.h"
#include "run.h"

enum { OPT_FOCUS = 300 };

static int opt(struct opts *, int, const char *);

static const struct option longopts[] = {
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "format", required_argument, NULL, 'F' },
	{ "lang", required_argument, NULL, 'L' },
	{ "length", required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 },
};

static const struct tool summarize = {
	.name = "summarize",
	.usage = "usage: msummarize [options] [-l LENGTH] [-F FORMAT] "
		 "[-L LANG] [--focus TEXT] [FILE ...]\n",
	.shortopts = "F:L:l:",
	.longopts = longopts,
	.help = "  -l, --length LENGTH        short, medium, long, or about N "
		"words\n"
		"  -F, --format FORMAT        paragraph, bullets or oneline\n"
		"  -L, --lang LANG            the summary's language (default: "
		"the input's)\n"
		"      --focus TEXT           what the summary should dwell "
		"on\n",
	.opt = opt,
	.mode = LONG_SUMMARIZE,
	.permute = 1,
	/* Files are texts of their own: one's end must not run into the next. */
	.sep_files = 1,
};

static const char *const formats[][2] = {
	{ "paragraph",
	    "plain prose in one or more paragraphs, no lists and "
	    "no headings" },
	{ "bullets",
	    "a list of bullet points, one fact each, every line "
	    "starting with \"- \"" },
	{ "oneline",
	    "one single line of at most 25 words, with no line "
	    "break" },
};

static int
length(struct opts *o, const char *arg)
{
	char hint[128];
	const char *e;
	long long n;

	if (strcmp(arg, "short") == 0)
		snprintf(hint, sizeof(hint),
		    "short, at most 3 sentences (about 50 words)");
	else if (strcmp(arg, "medium") == 0)
		snprintf(hint, sizeof(hint), "medium, about 150 words");
	else if (strcmp(arg, "long") == 0)
		snprintf(
		    hint, sizeof(hint), "long and thorough, about 400 words");
	else {
		n = strtonum(arg, 1, 100000, &e);
		if (e != NULL) {
			opts_usage("--length: '%s' is not short, medium, long "
				   "or a number of words",
			    arg);
			return -1;
		}
		snprintf(hint, sizeof(hint), "about %lld words", n);
	}
	opts_var(o, "length", arg);
	opts_var(o, "length_hint", hint);
	return 0;
}

static int
format(struct opts *o, const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(arg, formats[i][0]) == 0) {
			opts_var(o, "format", arg);
			opts_var(o, "format_hint", formats[i][1]);
			return 0;
		}
	opts_usage("--format: '%s' is not paragraph, bullets or oneline", arg);
	return -1;
}

static int
opt(struct opts *o, int ch, const char *arg)
{
	char buf[128];

	switch (ch) {
	case 'l':
		return length(o, arg);
	case 'F':
		return format(o, arg);
	case 'L':
		opts_var(o, "lang", lang_name(arg, buf, sizeof(buf)));
		return 0;
	case OPT_FOCUS:
		opts_var(o, "focus", arg);
		return 0;
	}
	return -1;
}

int
cmd_summarize(int argc, char *argv[])
{
	struct run r;
	int status;

	if ((status = run_start(&r, &summarize, argc, argv)) == OPTS_RUN) {
		if (ms_vars_get(&r.o.vars, "format") == NULL)
			format(&r.o, "paragraph");
		/* One line has a length of its own: no "about 150 words". */
		if (ms_vars_get(&r.o.vars, "length") != NULL)
			;
		else if (strcmp(ms_vars_get(&r.o.vars, "format"), "oneline") ==
		    0) {
			opts_var(&r.o, "length", "oneline");
			opts_var(
			    &r.o, "length_hint", "one line, at most 25 words");
		} else
			length(&r.o, "medium");
		status = run_files(&r, r.o.operands, r.o.noperands);
	}
	return run_end(&r, status);
}
