/*
 * template.c: fuzz the template parser and renderer.  Every message of a
 * template that parses is rendered with a few variables set; the input is
 * also rendered as template text itself, and its first line looked up as
 * a template name (never read as a file: that could be any file).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
render(const char *text, const struct ms_vars *v)
{
	struct ms_buf out;
	struct ms_error err;
	int rc;

	ms_buf_init(&out);
	ms_buf_addstr(&out, "pre");
	ms_error_clear(&err);
	rc = ms_template_render(text, v, &out, &err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (err.kind == MS_OK || err.msg[0] == '\0'))
		abort();
	if (out.len < 3 || memcmp(out.data, "pre", 3) != 0 ||
	    out.data[out.len] != '\0')
		abort(); /* rendering only appends */
	ms_buf_release(&out);
}

static void
find(const char *name)
{
	struct ms_template t;
	struct ms_error err;
	struct ms_buf path;
	enum ms_tsource src;
	int rc;

	ms_buf_init(&path);
	src = ms_template_find(name, NULL, &path);
	if (strchr(name, '/') != NULL) {
		if (src != MS_TPL_FILE || strcmp(path.data, name) != 0)
			abort();
	} else if (path.len != 0 ||
	    src != (ms_builtin_template(name) ? MS_TPL_BUILTIN : MS_TPL_NONE))
		abort();
	if (src != MS_TPL_FILE) {
		ms_template_init(&t);
		ms_error_clear(&err);
		rc = ms_template_load(&t, name, NULL, &err);
		if (src == MS_TPL_BUILTIN && rc != 0)
			abort(); /* every built-in parses */
		if (src == MS_TPL_NONE &&
		    (rc != -1 || err.kind != MS_ECONFIG ||
			strncmp(err.msg, "unknown template", 16) != 0))
			abort();
		ms_template_release(&t);
	}
	ms_buf_release(&path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_template t;
	struct ms_error err;
	struct ms_vars v;
	char *text;
	size_t i;
	int rc;

	ms_vars_init(&v);
	ms_vars_set(&v, "input", "some {{input}} text {{#x}}\n");
	ms_vars_set(&v, "prompt", "a prompt");
	ms_vars_set(&v, "to", "German");
	ms_vars_set(&v, "empty", "");
	ms_vars_set(&v, "x", "1");

	ms_template_init(&t);
	ms_error_clear(&err);
	rc = ms_template_parse(&t, (const char *)data, size, "fuzz", &err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (err.kind == MS_OK || err.msg[0] == '\0'))
		abort();
	if (rc == 0) {
		if (t.nmsgs == 0)
			abort(); /* there is always a [user] */
		for (i = 0; i < t.nmsgs; i++) {
			if (t.msgs[i].role == NULL || t.msgs[i].text == NULL)
				abort();
			render(t.msgs[i].text, &v);
		}
	}
	ms_template_release(&t);

	/* The bytes as template text, up to the first NUL. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	render(text, &v);
	text[strcspn(text, "\n")] = '\0';
	find(text);
	free(text);
	ms_vars_release(&v);
	return 0;
}
