/*
 * template.c: tests for template parsing, rendering, the built-ins and
 * where a template comes from.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ms.h"
#include "unit.h"

static int
parse(struct ms_template *t, const char *text, struct ms_error *err)
{
	ms_template_init(t);
	ms_error_clear(err);
	return ms_template_parse(t, text, strlen(text), "t.tmpl", err);
}

static void
test_parse(void)
{
	struct ms_template t;
	struct ms_error err;
	int rc;

	rc = parse(&t,
	    "# translate: comment lines start with '#'\n"
	    "\n"
	    "[params]\n"
	    "# a comment in params\n"
	    "temperature = 0.2\n"
	    "  top_p=0.9  \n"
	    "max_tokens = 100\n"
	    "seed = 42\n"
	    "stop = END\n"
	    "context_tokens = 8192\n"
	    "long_input = translate\n"
	    "[system]\n"
	    "\n"
	    "You translate from {{from}} into {{to}}.\n"
	    "# kept: a Markdown heading, not a comment\n"
	    "\n"
	    "[user]\n"
	    "{{input}}\n"
	    "\n\n",
	    &err);
	is_int(rc, 0, "full template parses");
	if (rc != 0)
		diag("%s", err.msg);
	is_int((long long)t.nmsgs, 2, "two messages");
	if (t.nmsgs == 2) {
		is_str(t.msgs[0].role, "system", "first is system");
		is_str(t.msgs[0].text,
		    "You translate from {{from}} into {{to}}."
		    "\n# kept: a Markdown heading, not a comment",
		    "system text, blank lines around it dropped");
		is_str(t.msgs[1].role, "user", "second is user");
		is_str(t.msgs[1].text, "{{input}}", "user text");
	}
	is_str(ms_vars_get(&t.params, "temperature"), "0.2", "temperature");
	is_str(ms_vars_get(&t.params, "top_p"), "0.9", "top_p trimmed");
	is_str(ms_vars_get(&t.params, "max_tokens"), "100", "max_tokens");
	is_str(ms_vars_get(&t.params, "seed"), "42", "seed");
	is_str(ms_vars_get(&t.params, "stop"), "END", "stop");
	is_str(
	    ms_vars_get(&t.params, "context_tokens"), "8192", "context_tokens");
	is_str(ms_vars_get(&t.params, "long_input"), "translate", "long_input");
	ms_template_release(&t);

	rc = parse(&t, "[user]\nQ1\n[assistant]\nA1\n[user]\nQ2\n", &err);
	is_int(rc, 0, "few-shot template");
	ok(t.nmsgs == 3 && strcmp(t.msgs[0].role, "user") == 0 &&
		strcmp(t.msgs[1].role, "assistant") == 0 &&
		strcmp(t.msgs[1].text, "A1") == 0 &&
		strcmp(t.msgs[2].text, "Q2") == 0,
	    "user, assistant, user");
	ms_template_release(&t);

	rc = parse(&t, "[system]\r\nS\r\n[user]\r\nline1\r\nline2\r\n", &err);
	ok(rc == 0 && t.nmsgs == 2 &&
		strcmp(t.msgs[1].text, "line1\nline2") == 0,
	    "CRLF template");
	ms_template_release(&t);

	rc = parse(&t, "[user]\n  indented\n\n  more  \n", &err);
	ok(rc == 0 && t.nmsgs == 1 &&
		strcmp(t.msgs[0].text, "  indented\n\n  more") == 0,
	    "indentation kept, trailing blanks dropped");
	ms_template_release(&t);

	rc = parse(&t, "[user]\n[users] is text\n[x]\n", &err);
	ok(rc == 0 && t.nmsgs == 1 &&
		strcmp(t.msgs[0].text, "[users] is text\n[x]") == 0,
	    "unknown [..] lines are text");
	ms_template_release(&t);

	rc = parse(&t, "[system]\nS\n[user] \t\nU\n", &err);
	ok(rc == 0 && t.nmsgs == 2 && strcmp(t.msgs[0].text, "S") == 0 &&
		strcmp(t.msgs[1].text, "U") == 0,
	    "section header with trailing blanks");
	ms_template_release(&t);

	rc = parse(&t, "[user]", &err);
	ok(rc == 0 && t.nmsgs == 1 && t.msgs[0].text[0] == '\0',
	    "empty user message");
	ms_template_release(&t);
}

struct bad {
	const char *text;
	const char *msg;
	const char *name;
};

static const struct bad bads[] = {
	{ "[system]\nS\n", "t.tmpl: no [user] section", "no [user]" },
	{ "", "t.tmpl: no [user] section", "empty template" },
	{ "hello\n[user]\nx\n", "t.tmpl:1: text outside a section",
	    "text before any section" },
	{ "[params]\ntemperature 0.2\n[user]\n",
	    "t.tmpl:2: expected 'key = value'", "params without =" },
	{ "[params]\nfoo = 1\n[user]\n", "t.tmpl:2: unknown parameter 'foo'",
	    "unknown parameter" },
	{ "[params]\ntemperature = 3\n[user]\n",
	    "t.tmpl:2: bad number '3' for temperature", "temperature > 2" },
	{ "[params]\ntemperature = -0.1\n[user]\n",
	    "t.tmpl:2: bad number '-0.1' for temperature",
	    "negative temperature" },
	{ "[params]\ntemperature = hot\n[user]\n",
	    "t.tmpl:2: bad number 'hot' for temperature",
	    "temperature not a number" },
	{ "[params]\ntemperature = nan\n[user]\n",
	    "t.tmpl:2: bad number 'nan' for temperature", "temperature nan" },
	{ "[params]\ntop_p = 1.5\n[user]\n",
	    "t.tmpl:2: bad number '1.5' for top_p", "top_p > 1" },
	{ "[params]\nmax_tokens = 0\n[user]\n",
	    "t.tmpl:2: too small '0' for max_tokens", "max_tokens 0" },
	{ "[params]\nseed = -1\n[user]\n", "t.tmpl:2: too small '-1' for seed",
	    "negative seed" },
	{ "[params]\ncontext_tokens = 10\n[user]\n",
	    "t.tmpl:2: too small '10' for context_tokens",
	    "context too small" },
	{ "[params]\nmax_tokens = x\n[user]\n",
	    "t.tmpl:2: invalid 'x' for max_tokens", "max_tokens not a number" },
	{ "[params]\nlong_input = ignore\n[user]\n", NULL, "bad long_input" },
	{ "[user]\nx\n[params]\n",
	    "t.tmpl:3: [params] and [system] come "
	    "before the messages, once each",
	    "[params] after [user]" },
	{ "[user]\nx\n[system]\n",
	    "t.tmpl:3: [params] and [system] come "
	    "before the messages, once each",
	    "[system] after [user]" },
	{ "[system]\na\n[system]\nb\n[user]\n",
	    "t.tmpl:3: [params] and "
	    "[system] come before the messages, once each",
	    "two [system]" },
	{ "[system]\n[params]\n[user]\n",
	    "t.tmpl:2: [params] and [system] "
	    "come before the messages, once each",
	    "[params] after [system]" },
};

static void
test_bad(void)
{
	struct ms_template t;
	struct ms_error err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		rc = parse(&t, bads[i].text, &err);
		ok(rc == -1 && err.kind == MS_ECONFIG, "bad: %s: MS_ECONFIG",
		    bads[i].name);
		if (bads[i].msg != NULL)
			is_str(err.msg, bads[i].msg, "bad: %s: message",
			    bads[i].name);
		else
			ok(strstr(err.msg, "t.tmpl:2:") == err.msg &&
				strstr(err.msg, "long_input") != NULL,
			    "bad: %s: message (%s)", bads[i].name, err.msg);
		ms_template_release(&t);
	}
	ms_template_init(&t);
	rc = ms_template_parse(&t, "[user]\na\0b\n", 10, "t.tmpl", &err);
	ok(rc == -1 && err.kind == MS_ECONFIG && strstr(err.msg, "NUL") != NULL,
	    "NUL byte refused");
	ms_template_release(&t);
}

/* ---------------------------------------------------------------- */

static struct ms_vars vars;

/* Render text with the global vars; the result or "ERROR: msg". */
static const char *
render(const char *text)
{
	static struct ms_buf out;
	struct ms_error err;

	ms_buf_release(&out);
	ms_buf_init(&out);
	ms_error_clear(&err);
	if (ms_template_render(text, &vars, &out, &err) == -1) {
		ms_buf_reset(&out);
		ms_buf_printf(&out, "ERROR: %s", err.msg);
		if (err.kind != MS_ECONFIG)
			ms_buf_addstr(&out, " (not MS_ECONFIG)");
	}
	return out.data;
}

static void
test_render(void)
{
	struct ms_buf out;
	struct ms_error err;

	ms_vars_init(&vars);
	ms_vars_set(&vars, "to", "German");
	ms_vars_set(&vars, "name", "World");
	ms_vars_set(&vars, "empty", "");
	ms_vars_set(&vars, "input", "a {{to}} b {{{{x}} {{#to}}c{{/to}}");
	ms_vars_set(&vars, "multi", "l1\nl2\n");

	is_str(render(""), "", "empty text");
	is_str(render("plain"), "plain", "no tags");
	is_str(render("Hello, {{name}}!"), "Hello, World!", "variable");
	is_str(render("{{ name }}"), "World", "blanks inside the tag");
	is_str(render("{{name}}{{to}}"), "WorldGerman", "two variables");
	is_str(render("[{{empty}}]"), "[]", "empty variable");
	is_str(render("{{input}}"), "a {{to}} b {{{{x}} {{#to}}c{{/to}}",
	    "input containing {{ is never expanded");
	is_str(render("x {{{{to}} y"), "x {{to}} y", "{{{{ is a literal {{");
	is_str(render("{{{{{{name}}"), "{{World", "{{{{ then a variable");
	is_str(render("{ {name} }"), "{ {name} }", "single braces");
	is_str(render("a {"), "a {", "brace at the end");
	is_str(render("{{missing}}"),
	    "ERROR: variable 'missing' is not set (set it with -D "
	    "missing=VALUE)",
	    "unset variable names it");
	is_str(render("a {{"),
	    "ERROR: bad tag at '{{' (write {{{{ for a "
	    "literal {{)",
	    "{{ at the end");
	is_str(render("{{}}"),
	    "ERROR: bad tag at '{{}}' (write {{{{ for a "
	    "literal {{)",
	    "empty tag");
	is_str(render("{{na me}}"),
	    "ERROR: bad tag at '{{na me}}' (write "
	    "{{{{ for a literal {{)",
	    "space in a name");
	is_str(render("{{name}"),
	    "ERROR: bad tag at '{{name}' (write {{{{ "
	    "for a literal {{)",
	    "tag not closed");

	is_str(render("{{#to}}to is {{to}}{{/to}}"), "to is German",
	    "section, set");
	is_str(render("{{#empty}}shown{{/empty}}"), "", "section, empty");
	is_str(render("{{#unset}}shown {{nothing}}{{/unset}}"), "",
	    "section, unset: unset variables inside are fine");
	is_str(render("{{^unset}}none{{/unset}}"), "none", "inverted, unset");
	is_str(render("{{^empty}}none{{/empty}}"), "none", "inverted, empty");
	is_str(render("{{^to}}none{{/to}}"), "", "inverted, set");
	is_str(render("{{#to}}{{#name}}both{{/name}}{{/to}}"), "both",
	    "nested sections");
	is_str(render("{{#to}}{{#to}}twice{{/to}}{{/to}}"), "twice",
	    "nested, same name");
	is_str(render("{{#to}}{{^name}}x{{/name}}y{{/to}}"), "y",
	    "nested inverted");
	is_str(render("{{#to}}open"), "ERROR: {{#to}} is not closed",
	    "unclosed section");
	is_str(render("{{^to}}open"), "ERROR: {{^to}} is not closed",
	    "unclosed inverted section");
	is_str(render("x{{/to}}"), "ERROR: unexpected {{/to}}",
	    "close without open");
	is_str(render("{{#to}}x{{/name}}"), "ERROR: unexpected {{/name}}",
	    "mismatched close");

	/* Standalone section lines leave no blank line behind. */
	is_str(render("a\n{{#to}}\nb\n{{/to}}\nc"), "a\nb\nc",
	    "standalone lines, set");
	is_str(render("a\n{{#unset}}\nb\n{{/unset}}\nc"), "a\nc",
	    "standalone lines, unset");
	is_str(render("a\n  {{#to}}  \nb\n\t{{/to}}\r\nc"), "a\nb\nc",
	    "standalone lines with blanks");
	is_str(render("{{#to}}\nb\n{{/to}}"), "b\n",
	    "standalone at the start and the end");
	is_str(render("a {{#to}}\nb{{/to}} c"), "a \nb c",
	    "tag with text before it is not standalone");
	is_str(render("a\n{{#to}} x\nb\n{{/to}}"), "a\n x\nb\n",
	    "tag with text after it is not standalone");
	is_str(render("{{name}}\n{{#to}}\nx\n{{/to}}\n"), "World\nx\n",
	    "variable line, then a standalone section");
	is_str(render("{{multi}}{{#to}}\nx\n{{/to}}\n"), "l1\nl2\n\nx\n",
	    "a value's newlines do not make a standalone line");
	is_str(render("  {{#to}}\n  x\n  {{/to}}\n  y"), "  x\n  y",
	    "indented standalone lines go with their indentation");
	is_str(render("a\n\t{{^unset}}\nb\n\t{{/unset}}\nc"), "a\nb\nc",
	    "tab-indented standalone lines");
	is_str(render("\n\n{{^to}}\nno\n{{/to}}\n\nend"), "\n\n\nend",
	    "blank lines around a removed section stay");

	is_str(render("a\n{{#unset}}\n{{#to}}\nx\n{{/to}}\n{{/unset}}\nb"),
	    "a\nb", "standalone lines nested in a false section");
	is_str(render("a\n{{#to}}\n{{^unset}}\nx\n{{/unset}}\n{{/to}}\nb"),
	    "a\nx\nb", "standalone lines nested in a true section");
	{
		struct ms_buf deep;
		size_t i;

		ms_buf_init(&deep);
		for (i = 0; i < 300; i++)
			ms_buf_addstr(&deep, "{{#to}}");
		ms_buf_addstr(&deep, "deep");
		for (i = 0; i < 300; i++)
			ms_buf_addstr(&deep, "{{/to}}");
		is_str(render(deep.data), "deep", "300 nested sections");
		ms_buf_release(&deep);
	}

	/* Appends to what is there. */
	ms_buf_init(&out);
	ms_buf_addstr(&out, "pre:");
	ms_error_clear(&err);
	ok(ms_template_render("{{name}}", &vars, &out, &err) == 0 &&
		strcmp(out.data, "pre:World") == 0,
	    "render appends");
	out.oom = 1;
	ok(ms_template_render("", &vars, &out, &err) == -1 &&
		err.kind == MS_ESOFTWARE,
	    "render into a buffer out of memory: MS_ESOFTWARE");
	ms_buf_release(&out);

	/* vars: set, replace, remove. */
	ms_vars_set(&vars, "name", "Again");
	is_str(ms_vars_get(&vars, "name"), "Again", "vars: replace");
	ms_vars_set(&vars, "name", NULL);
	ok(ms_vars_get(&vars, "name") == NULL, "vars: remove");
	ms_vars_set(&vars, "gone", NULL);
	ok(ms_vars_get(&vars, "gone") == NULL, "vars: remove unset");
	ms_vars_setn(&vars, "part", "abcdef", 3);
	is_str(ms_vars_get(&vars, "part"), "abc", "vars: setn");
	is_str(ms_vars_get(&vars, "to"), "German", "vars: others kept");
	ms_vars_release(&vars);
	ok(vars.n == 0 && vars.v == NULL, "vars: release");
	render("");
}

/* ---------------------------------------------------------------- */

static int
render_all(const char *name, struct ms_vars *v, struct ms_buf *sys,
    struct ms_buf *user, struct ms_error *err)
{
	struct ms_template t;
	const char *text = ms_builtin_template(name);
	size_t i;
	int rc = -1;

	ms_buf_reset(sys);
	ms_buf_reset(user);
	ms_template_init(&t);
	if (text == NULL)
		return -1;
	if (ms_template_parse(&t, text, strlen(text), name, err) == -1)
		goto out;
	for (i = 0; i < t.nmsgs; i++)
		if (ms_template_render(t.msgs[i].text, v,
			strcmp(t.msgs[i].role, "system") == 0 ? sys : user,
			err) == -1)
			goto out;
	rc = 0;
out:
	ms_template_release(&t);
	return rc;
}

static void
test_builtins(void)
{
	struct ms_template t;
	struct ms_error err;
	struct ms_vars v;
	struct ms_buf sys, user;
	size_t i, n = 0;
	int rc;

	for (i = 0; ms_builtin_names[i] != NULL; i++) {
		const char *text = ms_builtin_template(ms_builtin_names[i]);

		n++;
		ms_template_init(&t);
		rc = text ? ms_template_parse(&t, text, strlen(text),
				ms_builtin_names[i], &err)
			  : -1;
		ok(rc == 0 && t.nmsgs >= 2 &&
			strcmp(t.msgs[0].role, "system") == 0,
		    "built-in %s parses, system first", ms_builtin_names[i]);
		ms_template_release(&t);
	}
	is_int((long long)n, 4, "four built-in templates");
	ok(ms_builtin_template("chat") && ms_builtin_template("summarize") &&
		ms_builtin_template("translate"),
	    "chat, summarize, translate");
	ok(ms_builtin_template("nope") == NULL, "unknown built-in: NULL");

	ms_vars_init(&v);
	ms_buf_init(&sys);
	ms_buf_init(&user);

	ms_vars_set(&v, "prompt", "write a haiku");
	rc = render_all("chat", &v, &sys, &user, &err);
	is_int(rc, 0, "chat: prompt only renders");
	is_str(user.data, "write a haiku\n", "chat: prompt only");
	ok(strstr(sys.data, "{{") == NULL && sys.len > 100,
	    "chat: system prompt rendered");
	ms_vars_set(&v, "input", "diff --git a/x b/x\n+{{not a tag}}\n");
	rc = render_all("chat", &v, &sys, &user, &err);
	is_int(rc, 0, "chat: prompt and input render");
	is_str(user.data,
	    "write a haiku\n\n<input>\ndiff --git a/x b/x\n"
	    "+{{not a tag}}\n\n</input>\n",
	    "chat: prompt and input");
	ms_vars_set(&v, "prompt", NULL);
	rc = render_all("chat", &v, &sys, &user, &err);
	is_int(rc, 0, "chat: input only renders");
	is_str(user.data, "diff --git a/x b/x\n+{{not a tag}}\n\n",
	    "chat: input only");
	ms_vars_set(&v, "prompt", "");
	rc = render_all("chat", &v, &sys, &user, &err);
	is_str(user.data, "diff --git a/x b/x\n+{{not a tag}}\n\n",
	    "chat: empty prompt is no prompt");

	ms_vars_release(&v);
	ms_vars_set(&v, "input", "Some text.");
	rc = render_all("summarize", &v, &sys, &user, &err);
	ok(rc == -1 && strstr(err.msg, "length_hint") != NULL,
	    "summarize: length_hint is required (%s)", err.msg);
	ms_vars_set(&v, "length_hint", "about 100 words");
	ms_vars_set(&v, "format_hint", "one paragraph");
	rc = render_all("summarize", &v, &sys, &user, &err);
	is_int(rc, 0, "summarize renders");
	if (rc != 0)
		diag("%s", err.msg);
	ok(strstr(sys.data,
	       "Length: about 100 words.\nFormat: one "
	       "paragraph.\nWrite the summary in the language of the text.") !=
		NULL,
	    "summarize: hints and default language");
	ok(strstr(sys.data, "Focus") == NULL && strstr(sys.data, "{{") == NULL,
	    "summarize: no focus, no tag left");
	is_str(user.data,
	    "Summarize the text between the <text> tags.\n\n"
	    "<text>\nSome text.\n</text>",
	    "summarize: user message");
	ms_vars_set(&v, "lang", "French");
	ms_vars_set(&v, "focus", "costs");
	rc = render_all("summarize", &v, &sys, &user, &err);
	ok(rc == 0 &&
		strstr(sys.data,
		    "Write the summary in French.\n"
		    "Focus on: costs.") != NULL &&
		strstr(sys.data,
		    "language of the "
		    "text") == NULL,
	    "summarize: lang and focus");

	ms_vars_release(&v);
	ms_vars_set(&v, "input", "Hallo {{Welt}}");
	rc = render_all("translate", &v, &sys, &user, &err);
	ok(rc == -1 && strstr(err.msg, "'to'") != NULL,
	    "translate: to is required (%s)", err.msg);
	ms_vars_set(&v, "to", "English");
	rc = render_all("translate", &v, &sys, &user, &err);
	is_int(rc, 0, "translate renders");
	ok(strstr(sys.data,
	       "Translate the text you are given\ninto "
	       "English.") != NULL,
	    "translate: no from");
	ok(strstr(sys.data, "{{var}}") != NULL,
	    "translate: {{{{var}} is a literal {{var}}");
	is_str(user.data, "Hallo {{Welt}}", "translate: input as is");
	ms_vars_set(&v, "from", "German");
	rc = render_all("translate", &v, &sys, &user, &err);
	ok(rc == 0 &&
		strstr(sys.data,
		    "Translate the text you are given\n"
		    "from German into English.") != NULL,
	    "translate: from");

	ms_vars_release(&v);
	ms_buf_release(&sys);
	ms_buf_release(&user);
}

/* ---------------------------------------------------------------- */

static char tmpdir[] = "/tmp/ms-unit-template.XXXXXX";

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, text, strlen(text)) == -1)
		diag("cannot write %s", path);
	if (fd != -1)
		close(fd);
}

static void
test_find(void)
{
	struct ms_buf dir, path, want;
	const char *d;

	ms_buf_init(&dir);
	ms_buf_init(&path);
	ms_buf_init(&want);
	ms_buf_printf(&dir, "%s/templates", tmpdir);
	d = dir.data;
	if (mkdir(d, 0700) == -1)
		diag("cannot make %s", d);
	write_file(d, "mine", "[user]\nmine {{input}}\n");
	write_file(d, "chat", "[user]\nmy chat\n");
	write_file(d, ".hidden", "[user]\nhidden\n");
	write_file(d, "bad", "no section\n");
	ms_buf_printf(&want, "%s/summarize", d);
	mkdir(want.data, 0700); /* a directory named like a built-in */
	ms_buf_reset(&want);
	ms_buf_printf(&want, "%s/sub", d);
	mkdir(want.data, 0700);
	ms_buf_reset(&want);
	ms_buf_printf(&want, "%s/link", d);
	if (symlink("mine", want.data) == -1)
		diag("cannot link %s", want.data);
	ms_buf_reset(&want);
	ms_buf_printf(&want, "%s/dangling", d);
	if (symlink("nowhere", want.data) == -1)
		diag("cannot link %s", want.data);
	ms_buf_reset(&want);
	ms_buf_printf(&want, "%s/dirlink", d);
	if (symlink("sub", want.data) == -1)
		diag("cannot link %s", want.data);

	ms_buf_reset(&want);
	ms_buf_printf(&want, "%s/mine", d);
	is_int(ms_template_find("mine", d, &path), MS_TPL_FILE,
	    "find: a regular file");
	is_str(path.data, want.data, "find: its path");
	is_int(ms_template_find("chat", d, &path), MS_TPL_FILE,
	    "find: a user file before the built-in");
	is_int(ms_template_find("translate", d, &path), MS_TPL_BUILTIN,
	    "find: a built-in");
	ok(path.len == 0, "find: no path for a built-in");
	is_int(ms_template_find("summarize", d, &path), MS_TPL_BUILTIN,
	    "find: a directory is no template: the built-in");
	is_int(ms_template_find("sub", d, &path), MS_TPL_NONE,
	    "find: a directory is no template");
	is_int(ms_template_find("link", d, &path), MS_TPL_FILE,
	    "find: a symlink to a file");
	is_int(ms_template_find("dirlink", d, &path), MS_TPL_NONE,
	    "find: a symlink to a directory");
	is_int(ms_template_find("dangling", d, &path), MS_TPL_NONE,
	    "find: a dangling symlink");
	is_int(ms_template_find(".hidden", d, &path), MS_TPL_NONE,
	    "find: a dot name is never a user file");
	is_int(ms_template_find(".", d, &path), MS_TPL_NONE, "find: \".\"");
	is_int(ms_template_find("..", d, &path), MS_TPL_NONE, "find: \"..\"");
	is_int(ms_template_find("", d, &path), MS_TPL_NONE, "find: empty name");
	is_int(
	    ms_template_find("nope", d, &path), MS_TPL_NONE, "find: missing");
	ok(path.len == 0, "find: no path when missing");
	is_int(ms_template_find("mine", NULL, &path), MS_TPL_NONE,
	    "find: no directory");
	is_int(ms_template_find("chat", NULL, &path), MS_TPL_BUILTIN,
	    "find: no directory: the built-in");
	is_int(ms_template_find("chat", "", &path), MS_TPL_BUILTIN,
	    "find: empty directory: the built-in");
	is_int(ms_template_find("./nope", d, &path), MS_TPL_FILE,
	    "find: a path, even missing");
	is_str(path.data, "./nope", "find: the path as given");
	is_int(ms_template_find(want.data, NULL, &path), MS_TPL_FILE,
	    "find: an absolute path");
	path.oom = 1;
	is_int(ms_template_find("chat", NULL, &path), MS_TPL_NONE,
	    "find: out of memory: none");

	ms_buf_release(&dir);
	ms_buf_release(&path);
	ms_buf_release(&want);
}

static void
test_load(void)
{
	struct ms_template t;
	struct ms_error err;
	struct ms_buf dir, p;
	const char *d;
	int rc;

	ms_buf_init(&dir);
	ms_buf_init(&p);
	ms_buf_printf(&dir, "%s/templates", tmpdir);
	d = dir.data;

	ms_template_init(&t);
	ms_error_clear(&err);
	rc = ms_template_load(&t, "mine", d, &err);
	ms_buf_printf(&p, "%s/mine", d);
	ok(rc == 0 && t.nmsgs == 1 &&
		strcmp(t.msgs[0].text, "mine {{input}}") == 0,
	    "load: a user file");
	ok(rc == 0 && strcmp(t.name, "mine") == 0 &&
		strcmp(t.source, p.data) == 0,
	    "load: name and source");
	ms_template_release(&t);

	ms_template_init(&t);
	rc = ms_template_load(&t, "chat", d, &err);
	ok(rc == 0 && t.nmsgs == 1 && strcmp(t.msgs[0].text, "my chat") == 0,
	    "load: a user file shadows the built-in");
	ms_template_release(&t);
	ms_template_init(&t);
	rc = ms_template_load(&t, "chat", NULL, &err);
	ok(rc == 0 && strcmp(t.source, "built-in") == 0 && t.nmsgs >= 2,
	    "load: the built-in without a directory");
	ms_template_release(&t);
	ms_template_init(&t);
	rc = ms_template_load(&t, "summarize", d, &err);
	ok(rc == 0 && strcmp(t.source, "built-in") == 0,
	    "load: a directory of that name: the built-in");
	ms_template_release(&t);
	ms_template_init(&t);
	rc = ms_template_load(&t, "link", d, &err);
	ok(rc == 0 && t.nmsgs == 1, "load: through a symlink");
	ms_template_release(&t);

	ms_template_init(&t);
	ms_error_clear(&err);
	rc = ms_template_load(&t, "nope", d, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG, "load: unknown: MS_ECONFIG");
	is_str(err.msg, "unknown template 'nope'", "load: unknown: message");
	ms_template_release(&t);
	ms_template_init(&t);
	rc = ms_template_load(&t, ".hidden", d, &err);
	is_str(err.msg, "unknown template '.hidden'", "load: dot name");
	ms_template_release(&t);

	ms_buf_reset(&p);
	ms_buf_printf(&p, "%s/missing", d);
	ms_template_init(&t);
	rc = ms_template_load(&t, p.data, NULL, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "cannot read template") == err.msg &&
		strstr(err.msg, p.data) != NULL,
	    "load: a missing path cannot be read (%s)", err.msg);
	ms_template_release(&t);
	ms_buf_reset(&p);
	ms_buf_printf(&p, "%s/sub", d);
	ms_template_init(&t);
	rc = ms_template_load(&t, p.data, NULL, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "cannot read template") == err.msg,
	    "load: a directory as a path cannot be read (%s)", err.msg);
	ms_template_release(&t);

	ms_buf_reset(&p);
	ms_buf_printf(&p, "%s/bad", d);
	ms_template_init(&t);
	rc = ms_template_load(&t, "bad", d, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strncmp(err.msg, p.data, p.len) == 0 &&
		strstr(err.msg, ":1: text outside a section") != NULL,
	    "load: a parse error names the file (%s)", err.msg);
	ms_template_release(&t);

	/* Larger than 1 MiB: refused. */
	{
		struct ms_buf big;

		ms_buf_init(&big);
		ms_buf_addstr(&big, "[user]\n");
		while (big.len <= (1 << 20))
			ms_buf_addstr(&big, "0123456789abcdef");
		write_file(d, "big", big.data);
		ms_template_init(&t);
		rc = ms_template_load(&t, "big", d, &err);
		ok(rc == -1 && err.kind == MS_ECONFIG &&
			strstr(err.msg, "File too large") != NULL,
		    "load: a template over 1 MiB (%s)", err.msg);
		ms_template_release(&t);
		ms_buf_release(&big);
	}
	ms_buf_release(&p);
	ms_buf_release(&dir);
}

/* A byte order mark, files writable by others, one-line messages. */
static void
test_edges(void)
{
	struct ms_template t;
	struct ms_error err;
	struct ms_vars v;
	struct ms_buf dir, p, out;
	const char *d;
	int rc;

	ms_buf_init(&dir);
	ms_buf_init(&p);
	ms_buf_init(&out);
	ms_buf_printf(&dir, "%s/templates", tmpdir);
	d = dir.data;

	rc = parse(&t, "\xef\xbb\xbf# bom: a template\n[user]\nhi\n", &err);
	ok(rc == 0 && t.nmsgs == 1 && strcmp(t.msgs[0].text, "hi") == 0,
	    "BOM before a comment: skipped (%s)", rc ? err.msg : "");
	ms_template_release(&t);
	rc = parse(&t, "\xef\xbb\xbf[user]\nhi\n", &err);
	ok(rc == 0 && t.nmsgs == 1, "BOM before a section: skipped (%s)",
	    rc ? err.msg : "");
	ms_template_release(&t);
	rc = parse(&t, "[user]\n\xef\xbb\xbfhi\n", &err);
	ok(rc == 0 && strcmp(t.msgs[0].text, "\xef\xbb\xbfhi") == 0,
	    "a BOM further on is text");
	ms_template_release(&t);

	write_file(d, "loose", "[user]\n{{input}}\n");
	ms_buf_printf(&p, "%s/loose", d);
	chmod(p.data, 0664);
	ms_template_init(&t);
	rc = ms_template_load(&t, "loose", d, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "is writable by others; chmod go-w") != NULL &&
		strstr(err.msg, p.data) != NULL,
	    "template of mode 0664: refused (%s)", err.msg);
	ms_template_release(&t);
	chmod(p.data, 0602);
	ms_template_init(&t);
	rc = ms_template_load(&t, p.data, NULL, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "template path of mode 0602: refused (%s)", err.msg);
	ms_template_release(&t);
	chmod(p.data, 0644);
	ms_template_init(&t);
	rc = ms_template_load(&t, "loose", d, &err);
	ok(rc == 0, "template of mode 0644: read");
	ms_template_release(&t);
	unlink(p.data);

	ms_vars_init(&v);
	ms_error_clear(&err);
	rc = ms_template_render("a {{foo\nbar}} b", &v, &out, &err);
	ok(rc == -1 && strchr(err.msg, '\n') == NULL &&
		strstr(err.msg, "'{{foo'") != NULL,
	    "a tag cut by a newline: the message is one line (%s)", err.msg);
	rc = ms_template_render("{{\r\n}}", &v, &out, &err);
	ok(rc == -1 && strchr(err.msg, '\r') == NULL &&
		strchr(err.msg, '\n') == NULL,
	    "a tag with CRLF: one line (%s)", err.msg);
	rc = parse(&t, "[params]\ntemp\x1b[2Jerature = 1\n[user]\nx\n", &err);
	ok(rc == -1 && strchr(err.msg, 0x1b) == NULL,
	    "an unknown parameter with an escape: no escape shown (%s)",
	    err.msg);
	ms_template_release(&t);
	rc = parse(&t, "[params]\ntemperature = 1\r5\n[user]\nx\n", &err);
	ok(rc == -1 && strchr(err.msg, '\r') == NULL,
	    "a bad value with a CR inside: one line (%s)", err.msg);
	ms_template_release(&t);
	ms_vars_release(&v);
	ms_buf_release(&out);
	ms_buf_release(&p);
	ms_buf_release(&dir);
}

/* Remove what test_find made. */
static void
cleanup(void)
{
	static const char *const files[] = { "mine", "chat", ".hidden", "bad",
		"big", "link", "dangling", "dirlink", NULL };
	static const char *const dirs[] = { "summarize", "sub", NULL };
	char path[512];
	size_t i;

	for (i = 0; files[i] != NULL; i++) {
		snprintf(
		    path, sizeof(path), "%s/templates/%s", tmpdir, files[i]);
		unlink(path);
	}
	for (i = 0; dirs[i] != NULL; i++) {
		snprintf(
		    path, sizeof(path), "%s/templates/%s", tmpdir, dirs[i]);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/templates", tmpdir);
	rmdir(path);
	rmdir(tmpdir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_parse();
	test_bad();
	test_render();
	test_builtins();
	test_find();
	test_load();
	test_edges();
	cleanup();
	return done();
}
