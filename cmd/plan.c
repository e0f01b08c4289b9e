/*
 * plan.c: what a run will do.  Every precedence rule of SPEC 3 is here,
 * highest first: the command line, the environment, the config file's
 * profile, the template's [params], the built-in default.  The library
 * is given the values; it reads no environment of its own.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "plan.h"

/* A variable of the environment, or NULL when it is unset or empty. */
static const char *
env(const char *name)
{
	const char *v;

	if (name == NULL || (v = getenv(name)) == NULL || *v == '\0')
		return NULL;
	return v;
}

/* The config file and the user's templates, both under one directory. */
static int
load_config(struct plan *p, struct ms_error *err)
{
	const char *named = env("MS_CONFIG");
	struct ms_buf path;
	int have, rc;

	ms_buf_init(&path);
	have = ms_config_dir(&path, env("XDG_CONFIG_HOME"), env("HOME")) == 0;
	if (have) {
		ms_buf_addstr(&path, "/config");
		plan_template_dir(&p->tdir);
	}
	if (path.oom || p->tdir.oom)
		rc = ms_error_set(err, MS_ESOFTWARE, "out of memory");
	else if (named != NULL)
		rc = ms_config_load(&p->cfg, named, 1, err);
	else
		rc = ms_config_load(&p->cfg, have ? path.data : NULL, 0, err);
	ms_buf_release(&path);
	return rc;
}

int
plan_template_dir(struct ms_buf *dir)
{
	if (ms_config_dir(dir, env("XDG_CONFIG_HOME"), env("HOME")) == -1)
		return -1;
	return ms_buf_addstr(dir, "/templates");
}

/* Where to send: profile, base URL, model, and the dialect they speak. */
static int
target(struct plan *p, const struct opts *o, struct ms_error *err)
{
	const struct ms_profile *f;
	const char *name;

	if ((name = o->profile) == NULL && (name = env("MS_PROFILE")) == NULL &&
	    (name = p->cfg.profile) == NULL)
		name = "openrouter";
	if ((f = p->prof = ms_config_profile(&p->cfg, name)) == NULL)
		return ms_error_set(
		    err, MS_ECONFIG, "unknown profile '%s'", name);
	if ((p->base_url = o->base_url) == NULL &&
	    (p->base_url = env("MS_BASE_URL")) == NULL) {
		p->base_url = f->base_url;
		if (!f->set_base_url && p->cfg.base_url != NULL)
			p->base_url = p->cfg.base_url;
	}
	if (p->base_url == NULL || *p->base_url == '\0')
		return ms_error_set(
		    err, MS_ECONFIG, "profile '%s' has no base_url", f->name);
	if ((p->model = o->model) == NULL &&
	    (p->model = env("MS_MODEL")) == NULL) {
		p->model = f->model;
		if (!f->set_model && p->cfg.model != NULL)
			p->model = p->cfg.model;
	}
	p->dialect = ms_dialect_for(f, p->base_url);
	p->keyenv.override = env("MS_API_KEY");
	p->keyenv.named = env(f->api_key_env);
	p->keyenv.builtin = env(f->key_var);
	p->keyenv.home = env("HOME");
	return 0;
}

/* The templates, and what the tool does with long input. */
static int
templates(struct plan *p, const struct opts *o, struct ms_error *err)
{
	const char *dir = p->tdir.len > 0 ? p->tdir.data : NULL;
	const char *v;

	if (ms_template_load(&p->tpl, o->template ? o->template : o->tool->name,
		dir, err) == -1)
		return -1;
	p->mode = o->tool->mode;
	/* A user's template may take input of any size. */
	if (o->tool->user &&
	    (v = ms_vars_get(&p->tpl.params, "long_input")) != NULL)
		p->mode = strcmp(v, "summarize") == 0 ? LONG_SUMMARIZE
		    : strcmp(v, "translate") == 0     ? LONG_TRANSLATE
						      : LONG_REFUSE;
	if (p->mode == LONG_SUMMARIZE &&
	    ms_template_load(&p->part, "summarize-part", dir, err) == -1)
		return -1;
	p->context = p->prof->context_tokens;
	if ((v = ms_vars_get(&p->tpl.params, "context_tokens")) != NULL)
		p->context = strtol(v, NULL, 10);
	if (p->cfg.context_tokens > 0)
		p->context = p->cfg.context_tokens;
	if (p->prof->set_context)
		p->context = p->prof->context_tokens;
	if (o->context > 0)
		p->context = o->context;
	return 0;
}

/* Template t's sampling [params], then the command line over them. */
static void
sampling(
    const struct opts *o, const struct ms_template *t, struct ms_request *rq)
{
	const struct ms_vars *tp = &t->params;
	const char *v;

	rq->has_temperature = rq->has_top_p = 0;
	rq->has_max_tokens = rq->has_seed = 0;
	if ((v = ms_vars_get(tp, "temperature")) != NULL)
		rq->temperature = strtod(v, NULL), rq->has_temperature = 1;
	if ((v = ms_vars_get(tp, "top_p")) != NULL)
		rq->top_p = strtod(v, NULL), rq->has_top_p = 1;
	if ((v = ms_vars_get(tp, "max_tokens")) != NULL)
		rq->max_tokens = strtol(v, NULL, 10), rq->has_max_tokens = 1;
	if ((v = ms_vars_get(tp, "seed")) != NULL)
		rq->seed = strtoll(v, NULL, 10), rq->has_seed = 1;
	if (o->has_temperature)
		rq->temperature = o->temperature, rq->has_temperature = 1;
	if (o->has_top_p)
		rq->top_p = o->top_p, rq->has_top_p = 1;
	if (o->has_max_tokens)
		rq->max_tokens = o->max_tokens, rq->has_max_tokens = 1;
	if (o->has_seed)
		rq->seed = o->seed, rq->has_seed = 1;
}

/* Everything a request has but its messages, and how it is sent. */
static void
params(struct plan *p, const struct opts *o)
{
	const struct ms_config *cf = &p->cfg;
	struct ms_request *rq = &p->rq;
	struct ms_http_opts *ho = &p->ho;

	p->stops = o->stops;
	p->nstops = o->nstops;
	if (o->nstops == 0 && ms_vars_get(&p->tpl.params, "stop") != NULL) {
		p->stops = calloc(1, sizeof(*p->stops));
		if (p->stops != NULL) {
			p->stops[0] = ms_vars_get(&p->tpl.params, "stop");
			p->nstops = 1;
		}
	}
	sampling(o, &p->tpl, rq);
	rq->stops = p->stops;
	rq->nstops = p->nstops;
	rq->fallbacks = o->fallbacks;
	rq->nfallbacks = o->nfallbacks;
	rq->dialect = p->dialect;
	rq->model = p->model;
	/* --no-stream only holds the output: keep-alives still count. */
	rq->stream = 1;
	rq->usage = o->usage;
	p->jobs = (size_t)(o->jobs > 0 ? o->jobs : cf->jobs);
	p->keep = o->keep || cf->keep_on_error;
	p->buffered = p->keep || o->no_stream;
	ho->base_url = p->base_url;
	ho->app_title = p->prof->app_title;
	ho->app_url = p->prof->app_url;
	/* The variables libcurl would read; the library decides from them. */
	ho->proxy.http_proxy = env("http_proxy");
	ho->proxy.https_proxy = env("https_proxy");
	ho->proxy.HTTPS_PROXY = env("HTTPS_PROXY");
	ho->proxy.all_proxy = env("all_proxy");
	ho->proxy.ALL_PROXY = env("ALL_PROXY");
	ho->proxy.no_proxy = env("no_proxy");
	ho->proxy.NO_PROXY = env("NO_PROXY");
	ho->proxy.profile = p->prof->proxy;
	ho->connect_timeout_ms = (long)(1000 *
	    (o->has_connect_timeout ? o->connect_timeout
				    : cf->connect_timeout));
	ho->timeout_ms =
	    (long)(1000 * (o->has_timeout ? o->timeout : cf->timeout));
	ho->idle_timeout_ms = (long)(1000 *
	    (o->has_idle_timeout ? o->idle_timeout : cf->idle_timeout));
	ho->retries = (int)(o->retries >= 0 ? o->retries : cf->retries);
	ho->cancel = &sig_caught;
}

/*
 * Check that a trust setting names what it should, so that a typo is a
 * config error now rather than a certificate failure later.
 */
static int
trust_check(const char *what, const char *path, int dir, struct ms_error *err)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return ms_error_set(err, MS_ECONFIG, "%s: '%s': %s", what, path,
		    strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return ms_error_set(
		    err, MS_ECONFIG, "%s: '%s' is not a directory", what, path);
	if (!dir && S_ISDIR(st.st_mode))
		return ms_error_set(err, MS_ECONFIG,
		    "%s: '%s' is a directory (a file of PEM certificates "
		    "is wanted)",
		    what, path);
	if (access(path, R_OK | (dir ? X_OK : 0)) == -1)
		return ms_error_set(err, MS_ECONFIG, "%s: '%s': %s", what, path,
		    strerror(errno));
	return 0;
}

/* A profile's path, with ~/ for $HOME, into b. */
static const char *
expand(struct ms_buf *b, const char *path)
{
	const char *home = env("HOME");

	if (path == NULL)
		return NULL;
	if (path[0] == '~' && path[1] == '/' && home != NULL)
		ms_buf_printf(b, "%s%s", home, path + 1);
	else
		ms_buf_addstr(b, path);
	return b->oom ? NULL : b->data;
}

/*
 * The CAs to trust (SPEC 9): the profile's ca_file and ca_path, else
 * CURL_CA_BUNDLE, else SSL_CERT_FILE and SSL_CERT_DIR, as curl reads
 * them; each replaces the system's store, which is the library's choice
 * when nothing is set.  Only https asks.
 */
static int
trust(struct plan *p, struct ms_error *err)
{
	const struct ms_profile *f = p->prof;
	struct ms_http_opts *ho = &p->ho;
	char fw[128], pw[128];
	const char *file, *dir;

	if (strncasecmp(p->base_url, "https://", 8) != 0)
		return 0;
	if (f->ca_file != NULL || f->ca_path != NULL) {
		file = expand(&p->ca_file, f->ca_file);
		dir = expand(&p->ca_path, f->ca_path);
		if (p->ca_file.oom || p->ca_path.oom)
			return ms_error_set(err, MS_ESOFTWARE, "out of memory");
		snprintf(fw, sizeof(fw), "ca_file of profile '%.64s'", f->name);
		snprintf(pw, sizeof(pw), "ca_path of profile '%.64s'", f->name);
	} else if ((file = env("CURL_CA_BUNDLE")) != NULL) {
		dir = NULL;
		snprintf(fw, sizeof(fw), "CURL_CA_BUNDLE");
	} else {
		file = env("SSL_CERT_FILE");
		dir = env("SSL_CERT_DIR");
		snprintf(fw, sizeof(fw), "SSL_CERT_FILE");
		snprintf(pw, sizeof(pw), "SSL_CERT_DIR");
	}
	if (file == NULL && dir == NULL)
		return 0;
	if ((file != NULL && trust_check(fw, file, 0, err) == -1) ||
	    (dir != NULL && trust_check(pw, dir, 1, err) == -1))
		return -1;
	snprintf(p->trust, sizeof(p->trust), "%s%s%s%s%s%s%s%s", file ? fw : "",
	    file ? " " : "", file ? file : "", file && dir ? ", " : "",
	    dir ? pw : "", dir ? " " : "", dir ? dir : "",
	    dir ? " (by hash)" : "");
	ho->ca_file = file;
	ho->ca_path = dir;
	ho->trust = p->trust;
	return 0;
}

int
plan_target(struct plan *p, const struct opts *o, struct ms_error *err)
{
	memset(p, 0, sizeof(*p));
	p->o = o;
	ms_config_init(&p->cfg);
	ms_template_init(&p->tpl);
	ms_template_init(&p->part);
	ms_buf_init(&p->tdir);
	ms_buf_init(&p->ca_file);
	ms_buf_init(&p->ca_path);
	if (load_config(p, err) == -1 || target(p, o, err) == -1)
		return -1;
	p->tokenizer = ms_tokenizer_for(p->prof, p->model, &p->tokenizer_why);
	return 0;
}

int
plan_resolve(struct plan *p, const struct opts *o, struct ms_error *err)
{
	if (plan_target(p, o, err) == -1 || templates(p, o, err) == -1)
		return -1;
	params(p, o);
	if (trust(p, err) == -1)
		return -1;
	if (o->nfallbacks > 0 && p->dialect != MS_DIALECT_OPENROUTER)
		msg_warn("--fallback is for OpenRouter; ignored for '%s'",
		    p->base_url);
	msg_info("profile %s, model %s, dialect %s, context %ld", p->prof->name,
	    p->model && *p->model ? p->model : "(server's)",
	    ms_dialect_name(p->dialect), p->context);
	msg_info("tokens: %s", plan_tokenizer(p));
	return 0;
}

const char *
plan_tokenizer(const struct plan *p)
{
	if (p->tokenizer == MS_TOKENIZER_MISTRAL)
		return p->tokenizer_why == MS_TOKENIZER_SET
		    ? "counted by Mistral's tokenizer (tokenizer = mistral)"
		    : "counted by Mistral's tokenizer";
	return p->tokenizer_why == MS_TOKENIZER_SET
	    ? "estimated (tokenizer = estimate)"
	    : "estimated (no tokenizer known for the model; see tokenizer "
	      "in ms-config(5))";
}

size_t
plan_tokens(const struct plan *p, const char *s, size_t n)
{
	return ms_tokens(p->tokenizer, s, n);
}

void
plan_release(struct plan *p)
{
	if (p->stops != p->o->stops)
		free(p->stops);
	ms_template_release(&p->tpl);
	ms_template_release(&p->part);
	ms_config_release(&p->cfg);
	ms_buf_release(&p->tdir);
	ms_buf_release(&p->ca_file);
	ms_buf_release(&p->ca_path);
}

/* The messages of template t around input; -1 with err set. */
static int
messages(const struct plan *p, const struct ms_template *t,
    const struct ms_vars *all, struct ms_tmsg *msgs, size_t *nmsgs,
    struct ms_error *err)
{
	const char *system = p->o->system;
	struct ms_buf b;
	size_t i, j = 0;
	int rc = 0;

	ms_buf_init(&b);
	if (system != NULL &&
	    (t->nmsgs == 0 || strcmp(t->msgs[0].role, "system") != 0)) {
		msgs[j].role = strdup("system");
		msgs[j++].text = strdup(system);
	}
	for (i = 0; i < t->nmsgs && rc == 0; i++) {
		const struct ms_tmsg *m = &t->msgs[i];

		ms_buf_reset(&b);
		if (strcmp(m->role, "system") == 0 && system != NULL)
			ms_buf_addstr(&b, system);
		else if (ms_template_render(m->text, all, &b, err) == -1) {
			char msg[sizeof(err->msg)];

			memcpy(msg, err->msg, sizeof(msg));
			rc = ms_error_set(err, err->kind,
			    "template '%s': %.900s", t->name, msg);
			break;
		}
		while (b.len > 0 && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		if (b.len == 0 && strcmp(m->role, "system") == 0)
			continue;
		msgs[j].role = strdup(m->role);
		msgs[j++].text = ms_buf_detach(&b);
	}
	*nmsgs = j;
	for (i = 0; i < j && rc == 0; i++)
		if (msgs[i].role == NULL || msgs[i].text == NULL)
			rc = ms_error_set(err, MS_ESOFTWARE, "out of memory");
	if (rc == 0 && b.oom)
		rc = ms_error_set(err, MS_ESOFTWARE, "out of memory");
	ms_buf_release(&b);
	return rc;
}

int
plan_request(const struct plan *p, const struct ms_template *t,
    const char *input, size_t len, struct ms_buf *body, size_t *tokens,
    struct ms_error *err)
{
	const struct opts *o = p->o;
	struct ms_request rq;
	struct ms_vars all;
	struct ms_tmsg *msgs;
	size_t i, n = 0, tok = 0;
	int rc = -1;

	ms_vars_init(&all);
	if ((msgs = calloc(t->nmsgs + 1, sizeof(*msgs))) == NULL)
		goto oom;
	for (i = 0; i < o->vars.n; i++)
		if (ms_vars_set(&all, o->vars.v[i].key, o->vars.v[i].value))
			goto oom;
	for (i = 0; i < o->defs.n; i++)
		if (ms_vars_set(&all, o->defs.v[i].key, o->defs.v[i].value))
			goto oom;
	if (ms_vars_setn(&all, "input", input, len) == -1)
		goto oom;
	if (messages(p, t, &all, msgs, &n, err) == -1)
		goto out;
	/* Each message costs a few tokens of framing; counted if asked. */
	for (i = 0; i < n && tokens != NULL; i++)
		tok += plan_tokens(p, msgs[i].text, strlen(msgs[i].text)) + 8;
	if (tokens != NULL)
		*tokens = tok;
	rq = p->rq;
	sampling(o, t, &rq);
	rq.msgs = msgs;
	rq.nmsgs = n;
	rc = body != NULL ? ms_request_json(&rq, body, err) : 0;
	goto out;
oom:
	ms_error_set(err, MS_ESOFTWARE, "out of memory");
out:
	for (i = 0; msgs != NULL && i < n; i++) {
		free(msgs[i].role);
		free(msgs[i].text);
	}
	free(msgs);
	ms_vars_release(&all);
	return rc;
}
