/* main.c: ms, one binary for every tool, chosen by the name it is called by. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "msg.h"
#include "plan.h"
#include "run.h"

static const struct builtin {
	const char *name; /* ms NAME */
	const char *link; /* the command's own name */
	int (*fn)(int, char *[]);
} tools[] = {
	{ "chat", "mschat", cmd_chat },
	{ "summarize", "msummarize", cmd_summarize },
	{ "translate", "mtranslate", cmd_translate },
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static const char usage_ms[] = "usage: ms TOOL|TEMPLATE [options] [ARG ...]\n"
			       "       ms tokens [options] [FILE ...]\n"
			       "       ms --list\n"
			       "       ms --show-template NAME\n"
			       "       ms -h | --help | -V | --version\n";

static int
usage(int status)
{
	if (status != 0)
		msg_raw(usage_ms);
	else
		fputs(usage_ms, stdout);
	if (status == 0)
		printf(
		    "\nTools: chat (mschat), summarize (msummarize), "
		    "translate (mtranslate).\nms tokens counts the tokens of "
		    "its input.\nAny other NAME runs the template "
		    "NAME; see ms --list.\n");
	return status;
}

/* Where a run would find template name: a path, "built-in", or NULL. */
static const char *
source(const char *name, const char *dir, struct ms_buf *path)
{
	ms_buf_reset(path);
	switch (ms_template_find(name, dir, path)) {
	case MS_TPL_FILE:
		return path->data;
	case MS_TPL_BUILTIN:
		return "built-in";
	default:
		return NULL;
	}
}

/*
 * What a template says it is for: its first line, "# NAME: what", without
 * the "# NAME:"; "" when it has none.
 */
static void
describe(const char *name, const char *src, char *out, size_t outsz)
{
	struct ms_buf text;
	const char *s, *e;
	size_t n = strlen(name);

	out[0] = '\0';
	ms_buf_init(&text);
	if (src == NULL)
		goto done;
	if (strcmp(src, "built-in") == 0)
		ms_buf_addstr(&text, ms_builtin_template(name));
	else if (ms_file_read(src, 1 << 20, &text, NULL) == -1)
		goto done;
	s = text.data;
	if (text.oom || *s != '#')
		goto done;
	for (s++; *s == ' ' || *s == '\t'; s++)
		;
	if (strncmp(s, name, n) == 0 && s[n] == ':')
		for (s += n + 1; *s == ' ' || *s == '\t'; s++)
			;
	e = s + strcspn(s, "\r\n");
	snprintf(out, outsz, "%.*s", (int)(e - s), s);
	/* One field of one line: no tab may split it. */
	for (; *out != '\0'; out++)
		if (*out == '\t')
			*out = ' ';
done:
	ms_buf_release(&text);
}

/* An editor's backup or lock file is no template. */
static int
backup(const char *name)
{
	size_t n = strlen(name);

	return n == 0 || name[n - 1] == '~' || name[0] == '#' ||
	    (n > 4 && strcmp(name + n - 4, ".swp") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".bak") == 0) ||
	    (n > 5 && strcmp(name + n - 5, ".orig") == 0);
}

static int
is_tool(const char *name)
{
	size_t i;

	for (i = 0; i < NTOOLS; i++)
		if (strcmp(tools[i].name, name) == 0)
			return 1;
	return 0;
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The user's own templates, sorted; *n of them. */
static char **
user_names(const char *dir, size_t *n)
{
	struct dirent *de;
	char **names = NULL, **nv;
	DIR *d;

	*n = 0;
	if (dir == NULL || (d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (is_tool(de->d_name) || backup(de->d_name) ||
		    ms_builtin_template(de->d_name) != NULL)
			continue;
		if ((nv = reallocarray(names, *n + 1, sizeof(*nv))) == NULL)
			break;
		names = nv;
		if ((names[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(names, *n, sizeof(*names), names_cmp);
	return names;
}

/* One line of ms --list. */
static void
entry(const char *name, const char *kind, const char *src)
{
	char what[256];

	describe(name, src, what, sizeof(what));
	printf("%s\t%s\t%s\t%s\n", name, kind, src, what);
}

/*
 * ms --list: NAME, KIND, SOURCE and DESCRIPTION of every tool and
 * template, tab-separated.
 */
static int
list(void)
{
	struct ms_buf dir, path;
	const char *d, *src;
	char **names;
	size_t n, i;

	ms_buf_init(&dir);
	ms_buf_init(&path);
	d = plan_template_dir(&dir) == 0 ? dir.data : NULL;
	for (i = 0; i < NTOOLS; i++)
		entry(tools[i].name, "tool", source(tools[i].name, d, &path));
	for (i = 0; ms_builtin_names[i] != NULL; i++)
		if (!is_tool(ms_builtin_names[i]))
			entry(ms_builtin_names[i], "template",
			    source(ms_builtin_names[i], d, &path));
	names = user_names(d, &n);
	for (i = 0; i < n; i++) {
		if ((src = source(names[i], d, &path)) != NULL)
			entry(names[i], "template", src);
		free(names[i]);
	}
	free(names);
	ms_buf_release(&dir);
	ms_buf_release(&path);
	return out_flush();
}

static int
show_template(const char *name)
{
	struct ms_buf dir, path, text;
	const char *src;
	int status = 0;

	ms_buf_init(&dir);
	ms_buf_init(&path);
	ms_buf_init(&text);
	src =
	    source(name, plan_template_dir(&dir) == 0 ? dir.data : NULL, &path);
	if (src == NULL) {
		msg_err("unknown template '%s'", name);
		status = EX_CONFIG;
	} else if (strcmp(src, "built-in") == 0)
		ms_buf_addstr(&text, ms_builtin_template(name));
	else if (ms_file_read(src, 1 << 20, &text, NULL) == -1) {
		msg_err("cannot read template '%s'", src);
		status = EX_CONFIG;
	}
	if (status == 0 && text.oom) {
		msg_err("out of memory");
		status = EX_SOFTWARE;
	}
	if (status == 0 && (status = out_write(text.data, text.len)) != 0) {
		if (status != MS_EPIPE)
			msg_err("cannot write output: %s", strerror(errno));
		status = msg_status(status);
	}
	ms_buf_release(&dir);
	ms_buf_release(&path);
	ms_buf_release(&text);
	return status;
}

static int
ms_main(int argc, char *argv[])
{
	size_t i;

	if (argc < 2)
		return usage(EX_USAGE);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return usage(0);
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("ms %s\n", MS_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--list") == 0) {
		if (argc != 2)
			return usage(EX_USAGE);
		return list();
	}
	if (strcmp(argv[1], "--show-template") == 0) {
		if (argc != 3) {
			msg_err("--show-template needs a NAME");
			return usage(EX_USAGE);
		}
		return show_template(argv[2]);
	}
	if (argv[1][0] == '-') {
		msg_err("unknown option '%s'", argv[1]);
		return usage(EX_USAGE);
	}
	for (i = 0; i < NTOOLS; i++)
		if (strcmp(argv[1], tools[i].name) == 0) {
			msg_prog = tools[i].link;
			return tools[i].fn(argc - 1, argv + 1);
		}
	if (strcmp(argv[1], "tokens") == 0) {
		msg_prog = "ms tokens";
		return cmd_tokens(argc - 1, argv + 1);
	}
	return cmd_template(argv[1], argc - 1, argv + 1);
}

int
main(int argc, char *argv[])
{
	const char *base;
	size_t i;

	base = argc > 0 && argv[0] != NULL ? argv[0] : "ms";
	if (strrchr(base, '/') != NULL)
		base = strrchr(base, '/') + 1;
	for (i = 0; i < NTOOLS; i++)
		if (strcmp(base, tools[i].link) == 0) {
			msg_prog = tools[i].link;
			return msg_exit(tools[i].fn(argc, argv));
		}
	/* msfoo -> ms: the template foo, run as a tool of its own. */
	if (strncmp(base, "ms", 2) == 0 && base[2] != '\0' &&
	    strchr("-_.", base[2]) == NULL) {
		msg_prog = base;
		return msg_exit(cmd_template(base + 2, argc, argv));
	}
	msg_prog = "ms";
	return msg_exit(ms_main(argc, argv));
}
