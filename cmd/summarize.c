/* summarize.c: msummarize, a summary of files or standard input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "cmd.h"

enum { OPT_FOCUS = 300 };

static const char usage_summarize[] =
    "usage: msummarize [options] [-l LENGTH] [-F FORMAT] [-L LANG] "
    "[--focus TEXT] [FILE ...]\n";

static const char help_summarize[] =
    "  -l, --length LENGTH        short, medium, long, or about N words\n"
    "  -F, --format FORMAT        paragraph, bullets or oneline\n"
    "  -L, --lang LANG            the summary's language (default: the "
    "input's)\n"
    "      --focus TEXT           what the summary should dwell on\n";

static const struct option long_summarize[] = {
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "format", required_argument, NULL, 'F' },
	{ "lang", required_argument, NULL, 'L' },
	{ "length", required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 },
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
opt(struct cmd *c, int ch, const char *arg)
{
	char hint[128];
	const char *e;
	long long n;
	size_t i;

	switch (ch) {
	case 'l':
		if (strcmp(arg, "short") == 0)
			snprintf(hint, sizeof(hint),
			    "short, at most 3 "
			    "sentences (about 50 words)");
		else if (strcmp(arg, "medium") == 0)
			snprintf(hint, sizeof(hint), "medium, about 150 words");
		else if (strcmp(arg, "long") == 0)
			snprintf(hint, sizeof(hint),
			    "long and thorough, about "
			    "400 words");
		else {
			n = strtonum(arg, 1, 100000, &e);
			if (e != NULL)
				cmd_usage_error(c,
				    "--length: '%s' is not "
				    "short, medium, long or a number of words",
				    arg);
			snprintf(hint, sizeof(hint), "about %lld words", n);
		}
		ms_vars_set(&c->vars, "length", arg);
		ms_vars_set(&c->vars, "length_hint", hint);
		return 0;
	case 'F':
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(arg, formats[i][0]) == 0) {
				ms_vars_set(&c->vars, "format", arg);
				ms_vars_set(
				    &c->vars, "format_hint", formats[i][1]);
				return 0;
			}
		cmd_usage_error(c,
		    "--format: '%s' is not paragraph, bullets "
		    "or oneline",
		    arg);
	case 'L':
		ms_vars_set(
		    &c->vars, "lang", cmd_lang(arg, hint, sizeof(hint)));
		return 0;
	case OPT_FOCUS:
		ms_vars_set(&c->vars, "focus", arg);
		return 0;
	}
	return -1;
}

int
cmd_summarize(int argc, char *argv[])
{
	struct cmd c;
	int i, status;

	cmd_init(&c, cmd_progname, "summarize", usage_summarize);
	opt(&c, 'l', "medium");
	opt(&c, 'F', "paragraph");
	i = cmd_parse(
	    &c, argc, argv, "F:L:l:", long_summarize, help_summarize, opt);
	/* Files are texts of their own: one's end must not run into the next. */
	c.sep_files = 1;
	c.src.files = argv + i;
	c.src.nfiles = argc - i;
	c.mode = LONG_SUMMARIZE;
	status = cmd_run(&c);
	cmd_release(&c);
	return status;
}
