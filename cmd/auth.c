/*
 * auth.c: who a request says it is: the API key, fetched only when it is
 * needed and kept out of core dumps, and the headers -n -v shows.
 */
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "auth.h"
#include "msg.h"

/*
 * Before a key is in memory: no core dump (it would hold the key), and on
 * Linux no ptrace by the same user's processes either.  Best effort.
 */
static void
no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
#ifdef __linux__
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

/* The setting the key comes from, in the library's order, or NULL. */
static const char *
source(const struct plan *p)
{
	const struct ms_profile *f = p->prof;

	return p->keyenv.override ? "MS_API_KEY"
	    : f->api_key_env	  ? "api_key_env"
	    : f->api_key_cmd	  ? "api_key_cmd"
	    : f->api_key_file	  ? "api_key_file"
	    : f->api_key	  ? "api_key"
				  : NULL;
}

int
auth_key(const struct plan *p, struct ms_buf *key, struct ms_error *err)
{
	const struct ms_profile *f = p->prof;
	const char *from = source(p);

	no_core();
	if (f->auth_none)
		return 0; /* auth = none: no key, whatever is set */
	if (ms_profile_key(f, &p->keyenv, key, err) == -1)
		return -1;
	/* A source that yields nothing is as wrong as a missing one. */
	if (key->len == 0 && from != NULL)
		return ms_error_set(err, MS_ECONFIG,
		    "the API key from %s of profile '%s' is empty", from,
		    f->name);
	if (key->len == 0 && f->needs_key)
		return ms_error_set(err, MS_ECONFIG,
		    "no API key for profile '%s': set %s or MS_API_KEY, or "
		    "use a local server with -P ollama",
		    f->name, f->key_var ? f->key_var : "MS_API_KEY");
	return 0;
}

void
auth_show(const struct plan *p)
{
	const struct ms_profile *f = p->prof;

	msg_info("POST %s/chat/completions", p->base_url);
	msg_info("Content-Type: application/json");
	if (!f->auth_none && (f->needs_key || source(p) != NULL))
		msg_info("Authorization: Bearer ***");
	if (f->app_url)
		msg_info("HTTP-Referer: %s", f->app_url);
	if (f->app_title) {
		msg_info("X-Title: %s", f->app_title);
		msg_info("X-OpenRouter-Title: %s", f->app_title);
	}
}
