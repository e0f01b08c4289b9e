/* template.c: prompt templates: parsing, lookup and rendering (SPEC 4). */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "ms.h"

void
ms_vars_init(struct ms_vars *v)
{
	v->v = NULL;
	v->n = 0;
}

void
ms_vars_release(struct ms_vars *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->v[i].key);
		free(v->v[i].value);
	}
	free(v->v);
	ms_vars_init(v);
}

static struct ms_kv *
vars_find(const struct ms_vars *v, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strlen(v->v[i].key) == klen &&
		    memcmp(v->v[i].key, key, klen) == 0)
			return &v->v[i];
	return NULL;
}

int
ms_vars_setn(struct ms_vars *v, const char *key, const char *value, size_t len)
{
	struct ms_kv *kv, *nv;
	char *val;

	kv = vars_find(v, key, strlen(key));
	if (value == NULL) {
		if (kv != NULL) {
			free(kv->key);
			free(kv->value);
			*kv = v->v[--v->n];
		}
		return 0;
	}
	if ((val = malloc(len + 1)) == NULL)
		return -1;
	memcpy(val, value, len);
	val[len] = '\0';
	if (kv != NULL) {
		free(kv->value);
		kv->value = val;
		return 0;
	}
	if ((nv = reallocarray(v->v, v->n + 1, sizeof(*nv))) == NULL) {
		free(val);
		return -1;
	}
	v->v = nv;
	if ((nv[v->n].key = strdup(key)) == NULL) {
		free(val);
		return -1;
	}
	nv[v->n].value = val;
	v->n++;
	return 0;
}

int
ms_vars_set(struct ms_vars *v, const char *key, const char *value)
{
	return ms_vars_setn(v, key, value, value ? strlen(value) : 0);
}

const char *
ms_vars_get(const struct ms_vars *v, const char *key)
{
	struct ms_kv *kv = vars_find(v, key, strlen(key));

	return kv ? kv->value : NULL;
}

void
ms_template_init(struct ms_template *t)
{
	memset(t, 0, sizeof(*t));
	ms_vars_init(&t->params);
}

void
ms_template_release(struct ms_template *t)
{
	size_t i;

	for (i = 0; i < t->nmsgs; i++) {
		free(t->msgs[i].role);
		free(t->msgs[i].text);
	}
	free(t->msgs);
	free(t->name);
	free(t->source);
	ms_vars_release(&t->params);
	ms_template_init(t);
}

static const char *const param_keys[] = { "temperature", "top_p", "max_tokens",
	"seed", "stop", "context_tokens", "long_input", NULL };

/* Check a [params] value; a message into err when it is wrong. */
static int
param_ok(const char *k, const char *v, const char *name, size_t line,
    struct ms_error *err)
{
	const char *e = NULL;
	char *end;
	double d;

	if (strcmp(k, "temperature") == 0 || strcmp(k, "top_p") == 0) {
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !(d >= 0) ||
		    !(d <= (k[0] == 't' && k[1] == 'e' ? 2 : 1)))
			e = "bad number";
	} else if (strcmp(k, "max_tokens") == 0)
		strtonum(v, 1, 100000000, &e);
	else if (strcmp(k, "seed") == 0)
		strtonum(v, 0, LLONG_MAX, &e);
	else if (strcmp(k, "context_tokens") == 0)
		strtonum(v, 256, 100000000, &e);
	else if (strcmp(k, "long_input") == 0) {
		if (strcmp(v, "summarize") && strcmp(v, "translate") &&
		    strcmp(v, "error"))
			e = "must be summarize, translate or error:";
	}
	if (e != NULL)
		return ms_error_set(err, MS_ECONFIG, "%s:%zu: %s '%s' for %s",
		    name, line, e, v, k);
	return 0;
}

static int
add_msg(struct ms_template *t, const char *role, struct ms_buf *body)
{
	struct ms_tmsg *m;

	/* Blank lines around a section's text belong to the file's layout. */
	while (body->len > 0 &&
	    (body->data[body->len - 1] == '\n' ||
		body->data[body->len - 1] == ' ' ||
		body->data[body->len - 1] == '\t'))
		body->data[--body->len] = '\0';
	while (body->len > 0 && body->data[0] == '\n')
		ms_buf_consume(body, 1);
	if ((m = reallocarray(t->msgs, t->nmsgs + 1, sizeof(*m))) == NULL)
		return -1;
	t->msgs = m;
	m[t->nmsgs].role = strdup(role);
	m[t->nmsgs].text = ms_buf_detach(body);
	if (m[t->nmsgs].role == NULL || m[t->nmsgs].text == NULL)
		return -1;
	t->nmsgs++;
	return 0;
}

int
ms_template_parse(struct ms_template *t, const char *text, size_t len,
    const char *name, struct ms_error *err)
{
	struct ms_buf body;
	const char *s = text, *e, *end = text + len;
	const char *role = NULL; /* NULL: before any section */
	size_t line = 0, n, hn, i;
	int params = 0, seen_system = 0, seen_user = 0, rc = -1;
	char k[64];

	ms_buf_init(&body);
	/* A UTF-8 byte order mark, as some editors write: not text. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (memchr(text, '\0', len) != NULL)
		return ms_error_set(err, MS_ECONFIG,
		    "%s: NUL byte in the "
		    "template",
		    name);
	while (s < end) {
		line++;
		e = memchr(s, '\n', (size_t)(end - s));
		n = e ? (size_t)(e - s) : (size_t)(end - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		for (hn = n; hn > 0 && (s[hn - 1] == ' ' || s[hn - 1] == '\t');
		     hn--)
			;
		if (hn >= 3 && s[0] == '[' && s[hn - 1] == ']') {
			char sec[16];

			if (hn - 2 >= sizeof(sec))
				goto notsec;
			memcpy(sec, s + 1, hn - 2);
			sec[hn - 2] = '\0';
			if (strcmp(sec, "params") && strcmp(sec, "system") &&
			    strcmp(sec, "user") && strcmp(sec, "assistant"))
				goto notsec;
			if (role != NULL && add_msg(t, role, &body) == -1)
				goto oom;
			role = NULL;
			params = 0;
			if (strcmp(sec, "params") == 0) {
				if (seen_system || seen_user)
					goto order;
				params = 1;
			} else if (strcmp(sec, "system") == 0) {
				if (seen_system || seen_user)
					goto order;
				seen_system = 1;
				role = "system";
			} else {
				if (strcmp(sec, "user") == 0)
					seen_user = 1;
				role = strcmp(sec, "user") == 0 ? "user"
								: "assistant";
			}
			goto next;
		}
	notsec:
		if (role != NULL) {
			if (ms_buf_add(&body, s, n) == -1 ||
			    ms_buf_addch(&body, '\n') == -1)
				goto oom;
			goto next;
		}
		if (ms_text_blank(s, n))
			goto next;
		/* The line holds text, so this stops inside it. */
		for (i = 0; ms_text_blank(s + i, 1); i++)
			;
		if (s[i] == '#')
			goto next;
		if (!params) {
			ms_error_set(err, MS_ECONFIG,
			    "%s:%zu: text outside a "
			    "section",
			    name, line);
			goto out;
		}
		{
			const char *eq = memchr(s, '=', n);
			const char *vs, *ve;
			size_t kl;
			char *val;

			if (eq == NULL) {
				ms_error_set(err, MS_ECONFIG,
				    "%s:%zu: expected "
				    "'key = value'",
				    name, line);
				goto out;
			}
			for (kl = (size_t)(eq - s);
			     kl > 0 && isspace((unsigned char)s[kl - 1]); kl--)
				;
			if (kl - i >= sizeof(k)) {
				ms_error_set(err, MS_ECONFIG,
				    "%s:%zu: unknown "
				    "parameter",
				    name, line);
				goto out;
			}
			memcpy(k, s + i, kl - i);
			k[kl - i] = '\0';
			for (i = 0; param_keys[i] != NULL; i++)
				if (strcmp(k, param_keys[i]) == 0)
					break;
			if (param_keys[i] == NULL) {
				ms_error_set(err, MS_ECONFIG,
				    "%s:%zu: unknown "
				    "parameter '%s'",
				    name, line, k);
				goto out;
			}
			for (vs = eq + 1;
			     vs < s + n && isspace((unsigned char)*vs); vs++)
				;
			for (ve = s + n;
			     ve > vs && isspace((unsigned char)ve[-1]); ve--)
				;
			if ((val = strndup(vs, (size_t)(ve - vs))) == NULL)
				goto oom;
			if (param_ok(k, val, name, line, err) == -1) {
				free(val);
				goto out;
			}
			if (ms_vars_set(&t->params, k, val) == -1) {
				free(val);
				goto oom;
			}
			free(val);
		}
	next:
		s = e ? e + 1 : end;
	}
	if (role != NULL && add_msg(t, role, &body) == -1)
		goto oom;
	if (!seen_user) {
		ms_error_set(err, MS_ECONFIG, "%s: no [user] section", name);
		goto out;
	}
	rc = 0;
	goto out;
order:
	ms_error_set(err, MS_ECONFIG,
	    "%s:%zu: [params] and [system] come "
	    "before the messages, once each",
	    name, line);
	goto out;
oom:
	ms_error_set(err, MS_ESOFTWARE, "out of memory");
out:
	ms_buf_release(&body);
	return rc;
}

/*
 * Rendering.  One pass over the text; values are copied in as they are,
 * so "{{" inside the input is never expanded.
 */
struct rstate {
	const char *s, *end;
	const struct ms_vars *vars;
	struct ms_buf *out;
	struct ms_error *err;
	size_t line_out;     /* out->len where the current line started */
	const char *line_in; /* where the current input line started */
};

static int
isname(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/*
 * A section tag alone on its line takes the whole line with it, so that
 * conditional blocks do not leave blank lines behind.
 */
static int
standalone(
    struct rstate *r, const char *tag, const char *after, const char **next)
{
	const char *p;

	if (r->line_in == NULL)
		return 0;
	for (p = r->line_in; p < tag; p++)
		if (*p != ' ' && *p != '\t')
			return 0;
	for (p = after; p < r->end && (*p == ' ' || *p == '\t' || *p == '\r');
	     p++)
		;
	if (p < r->end && *p != '\n')
		return 0;
	*next = p < r->end ? p + 1 : p;
	return 1;
}

static int render(struct rstate *, int emit, const char *closing, size_t);

/* strcspn, at most max: how much of s to quote in a one-line message. */
static size_t
strcspn_max(const char *s, const char *reject, size_t max)
{
	size_t n = strcspn(s, reject);

	return n < max ? n : max;
}

/* Copy template text (value 0) or a variable's value (value 1). */
static int
emit_text(struct rstate *r, int emit, const char *s, size_t n, int value)
{
	const char *nl;

	if (emit && ms_buf_add(r->out, s, n) == -1)
		return ms_error_set(r->err, MS_ESOFTWARE, "out of memory");
	if (value) {
		/* The template's line goes on, with text on it. */
		if (n > 0)
			r->line_in = NULL;
		return 0;
	}
	for (nl = s + n; nl > s; nl--)
		if (nl[-1] == '\n') {
			r->line_in = nl;
			r->line_out =
			    r->out->len - (emit ? (size_t)(s + n - nl) : 0);
			break;
		}
	return 0;
}

static int
render(struct rstate *r, int emit, const char *closing, size_t clen)
{
	const char *p, *tag, *name, *after, *next;
	size_t nlen;
	char kind;
	const char *val;

	while (r->s < r->end) {
		p = r->s;
		while (p + 1 < r->end && !(p[0] == '{' && p[1] == '{'))
			p++;
		if (p + 1 >= r->end) {
			if (emit_text(
				r, emit, r->s, (size_t)(r->end - r->s), 0))
				return -1;
			r->s = r->end;
			break;
		}
		if (emit_text(r, emit, r->s, (size_t)(p - r->s), 0) == -1)
			return -1;
		tag = p;
		if (p + 3 < r->end && p[2] == '{' && p[3] == '{') {
			if (emit_text(r, emit, "{{", 2, 1) == -1)
				return -1;
			r->s = p + 4;
			continue;
		}
		p += 2;
		kind = 0;
		if (p < r->end && (*p == '#' || *p == '^' || *p == '/'))
			kind = *p++;
		while (p < r->end && *p == ' ')
			p++;
		name = p;
		while (p < r->end && isname(*p))
			p++;
		nlen = (size_t)(p - name);
		while (p < r->end && *p == ' ')
			p++;
		if (nlen == 0 || p + 1 >= r->end || p[0] != '}' || p[1] != '}')
			return ms_error_set(r->err, MS_ECONFIG,
			    "bad tag at "
			    "'%.*s' (write {{{{ for a literal {{)",
			    (int)strcspn_max(tag, "\r\n", 20), tag);
		after = p + 2;
		if (kind == 0) {
			char key[128];

			if (nlen >= sizeof(key))
				return ms_error_set(r->err, MS_ECONFIG,
				    "variable name too long");
			memcpy(key, name, nlen);
			key[nlen] = '\0';
			r->s = after;
			if (!emit)
				continue;
			if ((val = ms_vars_get(r->vars, key)) == NULL)
				return ms_error_set(r->err, MS_ECONFIG,
				    "variable '%s' is not set (set it with "
				    "-D %s=VALUE)",
				    key, key);
			if (emit_text(r, 1, val, strlen(val), 1) == -1)
				return -1;
			continue;
		}
		next = after;
		if (standalone(r, tag, after, &next)) {
			if (emit)
				r->out->len = r->line_out,
				r->out->data[r->out->len] = '\0';
			r->line_in = next;
		}
		r->s = next;
		if (kind == '/') {
			if (closing == NULL || nlen != clen ||
			    memcmp(name, closing, clen) != 0)
				return ms_error_set(r->err, MS_ECONFIG,
				    "unexpected {{/%.*s}}", (int)nlen, name);
			return 1;
		} else {
			char key[128];
			int set, rc;

			if (nlen >= sizeof(key))
				return ms_error_set(r->err, MS_ECONFIG,
				    "variable name too long");
			memcpy(key, name, nlen);
			key[nlen] = '\0';
			val = ms_vars_get(r->vars, key);
			set = val != NULL && *val != '\0';
			if (kind == '^')
				set = !set;
			rc = render(r, emit && set, name, nlen);
			if (rc == -1)
				return -1;
			if (rc == 0)
				return ms_error_set(r->err, MS_ECONFIG,
				    "{{%c%s}} is not closed", kind, key);
		}
	}
	return 0;
}

int
ms_template_render(const char *text, const struct ms_vars *vars,
    struct ms_buf *out, struct ms_error *err)
{
	struct rstate r;

	/* An earlier append failed: what is there already is incomplete. */
	if (out->oom)
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	r.s = text;
	r.end = text + strlen(text);
	r.vars = vars;
	r.out = out;
	r.err = err;
	r.line_out = out->len;
	r.line_in = text;
	return render(&r, 1, NULL, 0) == -1 ? -1 : 0;
}

const char *
ms_builtin_template(const char *name)
{
	extern const char *const ms_builtin_texts[];
	size_t i;

	for (i = 0; ms_builtin_names[i] != NULL; i++)
		if (strcmp(ms_builtin_names[i], name) == 0)
			return ms_builtin_texts[i];
	return NULL;
}

/* The biggest template file read. */
#define TEMPLATE_MAX (1 << 20)

enum ms_tsource
ms_template_find(const char *name, const char *dir, struct ms_buf *path)
{
	struct stat st;

	ms_buf_reset(path);
	if (path->oom)
		return MS_TPL_NONE;
	if (strchr(name, '/') != NULL) {
		if (ms_buf_addstr(path, name) == -1)
			return MS_TPL_NONE;
		return MS_TPL_FILE;
	}
	/* An empty or dot name is never a user file: ".", "..", hidden files. */
	if (*name != '\0' && *name != '.' && dir != NULL && *dir != '\0') {
		if (ms_buf_printf(path, "%s/%s", dir, name) == -1)
			return MS_TPL_NONE;
		if (stat(path->data, &st) == 0 && S_ISREG(st.st_mode))
			return MS_TPL_FILE;
		ms_buf_reset(path);
	}
	return ms_builtin_template(name) != NULL ? MS_TPL_BUILTIN : MS_TPL_NONE;
}

int
ms_template_load(struct ms_template *t, const char *name, const char *dir,
    struct ms_error *err)
{
	struct ms_buf path, text;
	struct stat st;
	const char *bt;
	int rc = -1;

	ms_buf_init(&path);
	ms_buf_init(&text);
	switch (ms_template_find(name, dir, &path)) {
	case MS_TPL_FILE:
		if (ms_file_read(path.data, TEMPLATE_MAX, &text, &st) == -1) {
			if (text.oom)
				goto oom;
			ms_error_set(err, MS_ECONFIG,
			    "cannot read template "
			    "'%s': %s",
			    path.data, strerror(errno));
			goto out;
		}
		/* Whoever may write it may rewrite the prompt. */
		if (S_ISREG(st.st_mode) && (st.st_mode & 022) != 0) {
			ms_error_set(err, MS_ECONFIG,
			    "template '%s' is writable by others; chmod go-w "
			    "it",
			    path.data);
			goto out;
		}
		if (ms_template_parse(t, text.data, text.len, path.data, err) ==
		    -1)
			goto out;
		if ((t->source = strdup(path.data)) == NULL)
			goto oom;
		break;
	case MS_TPL_BUILTIN:
		bt = ms_builtin_template(name);
		if (ms_template_parse(t, bt, strlen(bt), name, err) == -1)
			goto out;
		if ((t->source = strdup("built-in")) == NULL)
			goto oom;
		break;
	default:
		if (path.oom)
			goto oom;
		ms_error_set(err, MS_ECONFIG, "unknown template '%s'", name);
		goto out;
	}
	if ((t->name = strdup(name)) == NULL)
		goto oom;
	rc = 0;
	goto out;
oom:
	ms_error_set(err, MS_ESOFTWARE, "out of memory");
out:
	ms_buf_release(&path);
	ms_buf_release(&text);
	return rc;
}
