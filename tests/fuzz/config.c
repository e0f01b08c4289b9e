/*
 * config.c: fuzz the config file parser.  Keys come only from the
 * environment values passed in and from literals (api_key_cmd could run
 * anything, api_key_file read anything); the profiles' URLs go through
 * the loopback and dialect checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The key of a profile follows the order of precedence. */
static void
check_key(const struct ms_profile *p)
{
	struct ms_key_env env = { NULL, "named", "builtin", NULL };
	struct ms_error err;
	struct ms_buf key;
	const char *want = "";
	size_t n;
	int rc;

	ms_buf_init(&key);
	ms_error_clear(&err);
	rc = ms_profile_key(p, &env, &key, &err);
	if (rc != 0 || strlen(key.data) != key.len)
		abort();
	if (p->api_key_env != NULL)
		want = "named";
	else if (p->api_key != NULL)
		want = p->api_key;
	else if (p->key_var != NULL)
		want = "builtin";
	n = strcspn(want, "\r\n");
	while (n > 0 && (want[n - 1] == ' ' || want[n - 1] == '\t'))
		n--;
	if (key.len != n || memcmp(key.data, want, n) != 0)
		abort();
	env.override = "over";
	if (ms_profile_key(p, &env, &key, &err) != 0 ||
	    strcmp(key.data, "over") != 0)
		abort();
	ms_buf_wipe(&key);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_config c;
	struct ms_error err;
	size_t i;
	int rc;

	ms_config_init(&c);
	ms_error_clear(&err);
	rc = ms_config_parse(&c, (const char *)data, size, "fuzz.conf", &err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (err.kind == MS_OK || err.msg[0] == '\0'))
		abort();
	if (rc == -1 && err.kind == MS_ECONFIG &&
	    strncmp(err.msg, "fuzz.conf:", 10) != 0)
		abort(); /* a config error names the file */
	for (i = 0; i < c.nprofiles; i++) {
		struct ms_profile *p = &c.profiles[i];

		if (p->name == NULL || ms_config_profile(&c, p->name) == NULL)
			abort();
		if (p->base_url != NULL) {
			(void)ms_url_is_loopback(p->base_url);
			if (ms_dialect_for(p, p->base_url) > MS_DIALECT_MISTRAL)
				abort();
		}
		if (p->api_key_cmd == NULL && p->api_key_file == NULL)
			check_key(p);
	}
	if (c.jobs < 1 || c.jobs > 64 || c.retries < 0)
		abort();
	ms_config_release(&c);
	return 0;
}
