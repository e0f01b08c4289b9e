/* main.c: ms, one binary for every tool, chosen by the name it is called by. */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const struct tool {
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
			       "       ms --list\n"
			       "       ms --show-template NAME\n"
			       "       ms -h | --help | -V | --version\n";

static int
usage(int status)
{
	fputs(usage_ms, status ? stderr : stdout);
	if (status == 0)
		printf(
		    "\nTools: chat (mschat), summarize (msummarize), "
		    "translate (mtranslate).\nAny other NAME runs the template "
		    "NAME; see ms --list.\n");
	return status;
}

static const char *
template_source(const char *name, struct ms_buf *dir)
{
	static struct ms_buf path = { NULL, 0, 0 };
	struct stat st;

	if (path.data == NULL)
		ms_buf_init(&path);
	if (dir->len > 0) {
		ms_buf_reset(&path);
		ms_buf_printf(&path, "%s/%s", dir->data, name);
		if (stat(path.data, &st) == 0 && S_ISREG(st.st_mode))
			return path.data;
	}
	return ms_builtin_template(name) ? "built-in" : NULL;
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

/* ms --list: NAME, KIND and SOURCE of every tool and template, tab-separated. */
static int
list(void)
{
	struct ms_buf dir;
	struct dirent *de;
	char **names = NULL, **nv;
	size_t n = 0, i;
	DIR *d;

	ms_buf_init(&dir);
	if (ms_template_dir(&dir) == -1)
		ms_buf_reset(&dir);
	for (i = 0; i < NTOOLS; i++)
		printf("%s\ttool\t%s\n", tools[i].name,
		    template_source(tools[i].name, &dir));
	for (i = 0; ms_builtin_names[i] != NULL; i++)
		if (!is_tool(ms_builtin_names[i]))
			printf("%s\ttemplate\t%s\n", ms_builtin_names[i],
			    template_source(ms_builtin_names[i], &dir));
	if (dir.len > 0 && (d = opendir(dir.data)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || is_tool(de->d_name) ||
			    ms_builtin_template(de->d_name) != NULL)
				continue;
			nv = realloc(names, (n + 1) * sizeof(*nv));
			if (nv == NULL)
				break;
			names = nv;
			names[n++] = strdup(de->d_name);
		}
		closedir(d);
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), names_cmp);
	for (i = 0; i < n; i++) {
		const char *src = template_source(names[i], &dir);

		if (src != NULL)
			printf("%s\ttemplate\t%s\n", names[i], src);
		free(names[i]);
	}
	free(names);
	ms_buf_release(&dir);
	return fflush(stdout) == EOF ? EX_IOERR : 0;
}

static int
show_template(const char *name)
{
	struct ms_buf dir, text;
	const char *src, *bt;
	FILE *fp;
	char buf[8192];
	size_t n;

	ms_buf_init(&dir);
	ms_buf_init(&text);
	if (strchr(name, '/') != NULL)
		src = name;
	else {
		if (ms_template_dir(&dir) == -1)
			ms_buf_reset(&dir);
		src = template_source(name, &dir);
	}
	if (src == NULL) {
		fprintf(stderr, "ms: unknown template '%s'\n", name);
		ms_buf_release(&dir);
		return EX_CONFIG;
	}
	if (strcmp(src, "built-in") == 0) {
		bt = ms_builtin_template(name);
		fputs(bt, stdout);
	} else {
		if ((fp = fopen(src, "r")) == NULL) {
			fprintf(stderr, "ms: cannot read template '%s'\n", src);
			ms_buf_release(&dir);
			return EX_CONFIG;
		}
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, n, stdout);
		fclose(fp);
	}
	ms_buf_release(&dir);
	return fflush(stdout) == EOF ? EX_IOERR : 0;
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
			fprintf(stderr, "ms: --show-template needs a NAME\n");
			return usage(EX_USAGE);
		}
		return show_template(argv[2]);
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "ms: unknown option '%s'\n", argv[1]);
		return usage(EX_USAGE);
	}
	for (i = 0; i < NTOOLS; i++)
		if (strcmp(argv[1], tools[i].name) == 0) {
			cmd_progname = tools[i].link;
			return tools[i].fn(argc - 1, argv + 1);
		}
	cmd_progname = "ms";
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
			cmd_progname = tools[i].link;
			return cmd_exit(tools[i].fn(argc, argv));
		}
	/* msfoo -> ms: the template foo, run as a tool of its own. */
	if (strncmp(base, "ms", 2) == 0 && base[2] != '\0' &&
	    strchr("-_.", base[2]) == NULL) {
		cmd_progname = base;
		return cmd_exit(cmd_template(base + 2, argc, argv));
	}
	cmd_progname = "ms";
	return cmd_exit(ms_main(argc, argv));
}
