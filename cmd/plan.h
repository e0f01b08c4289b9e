/*
 * plan.h: what a run will do, resolved once from the options, the
 * environment, the config file and the template (SPEC 3), and then only
 * read.
 */
#ifndef PLAN_H
#define PLAN_H

#include "ms.h"
#include "opts.h"

struct plan {
	const struct opts *o;
	struct ms_config cfg;
	const struct ms_profile *prof;
	struct ms_buf tdir;	 /* the user's templates, "" when none */
	struct ms_template tpl;	 /* the tool's own */
	struct ms_template part; /* summarize-part, for long input */
	const char *base_url, *model;
	enum ms_dialect dialect;
	enum ms_tokenizer tokenizer; /* how its tokens are counted */
	int tokenizer_why;	     /* MS_TOKENIZER_SET ... */
	enum long_mode mode;
	long context;
	size_t jobs;
	int keep;     /* -k, or keep_on_error in the config */
	int buffered; /* the answer waits until it is whole */
	const char **stops;
	size_t nstops;
	struct ms_request rq;	/* parameters; messages per request */
	struct ms_http_opts ho; /* all but the key */
	struct ms_key_env keyenv;
	struct ms_buf ca_file, ca_path; /* the profile's, ~/ expanded */
	char trust[2 * 1024];		/* where ho's trust comes from */
};

/* Every precedence rule, in one place; -1 with err set on failure. */
int plan_resolve(struct plan *, const struct opts *, struct ms_error *);
/*
 * Only the config file, the profile, the base URL, the model and how its
 * tokens are counted (ms tokens); release with plan_release.
 */
int plan_target(struct plan *, const struct opts *, struct ms_error *);
void plan_release(struct plan *);
/*
 * The request of template t around input, appended to body (when not
 * NULL); *tokens gets the estimate of its messages (when not NULL).
 */
int plan_request(const struct plan *, const struct ms_template *t,
    const char *input, size_t len, struct ms_buf *body, size_t *tokens,
    struct ms_error *);
/* How the plan counts tokens, in words, for -v. */
const char *plan_tokenizer(const struct plan *);
/* The tokens of a text as the plan's model counts them. */
size_t plan_tokens(const struct plan *, const char *, size_t);
/* The directory of the user's templates into dir: 0, or -1 when none. */
int plan_template_dir(struct ms_buf *dir);

#endif
