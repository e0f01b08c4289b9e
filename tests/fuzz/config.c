/*
 * config.c: fuzz the config file parser.  Keys are never fetched (that
 * could run api_key_cmd); the profiles' URLs go through the loopback and
 * dialect checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	}
	if (c.jobs < 1 || c.jobs > 64 || c.retries < 0)
		abort();
	ms_config_release(&c);
	return 0;
}
