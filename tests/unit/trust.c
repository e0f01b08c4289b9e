/*
 * trust.c: tests for how the system's certificate directory is judged:
 * only a directory with certificates by subject hash, as c_rehash and
 * update-ca-certificates make them, is used for look-ups by hash.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ms.h"
#include "ms_test.h"
#include "unit.h"

static char root[] = "/tmp/ms-unit-trust.XXXXXX";

/* A fresh directory under root holding the files named, empty. */
static const char *
dir_with(const char *name, const char *const *files)
{
	static char path[256];
	char f[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (mkdir(path, 0700) == -1)
		return NULL;
	for (; *files != NULL; files++) {
		snprintf(f, sizeof(f), "%s/%s", path, *files);
		if ((fp = fopen(f, "w")) == NULL)
			return NULL;
		fclose(fp);
	}
	return path;
}

int
main(void)
{
	static const struct {
		const char *name;
		const char *files[4];
		int want;
	} t[] = {
		{ "empty", { NULL }, 0 },
		{ "bundle", { "ca-certificates.crt", "README", NULL }, 0 },
		{ "pems", { "ISRG_Root_X1.pem", "corp.pem", NULL }, 0 },
		{ "hashed", { "corp.pem", "4042bcee.0", NULL }, 1 },
		{ "second", { "4042bcee.1", NULL }, 1 },
		{ "upper", { "4042BCEE.0", NULL }, 0 },
		{ "crl", { "4042bcee.r0", NULL }, 0 },
		{ "short", { "4042bce.0", NULL }, 0 },
		{ "long", { "4042bceef.0", NULL }, 0 },
		{ "nodigit", { "4042bcee.", NULL }, 0 },
	};
	const char *d;
	char cmd[300];
	size_t i;

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		d = dir_with(t[i].name, t[i].files);
		ok(d != NULL && ms__hashed_dir(d) == t[i].want,
		    "hashed dir: %s: %d", t[i].name, t[i].want);
	}
	ok(ms__hashed_dir("/nonexistent/ms-unit-trust") == 0,
	    "hashed dir: none: 0");
	snprintf(cmd, sizeof(cmd), "%s/hashed/corp.pem", root);
	ok(ms__hashed_dir(cmd) == 0, "hashed dir: a file: 0");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("cannot remove %s", root);
	return done();
}
