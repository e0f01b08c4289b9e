/*
 * config.c: tests for the config file parser, profiles, where the API key
 * comes from, loopback URLs and dialects.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ms.h"
#include "unit.h"

static char tmpdir[] = "/tmp/ms-unit-config.XXXXXX";

/* Parse text into a fresh config; returns ms_config_parse's result. */
static int
parse(struct ms_config *c, const char *text, struct ms_error *err)
{
	ms_config_init(c);
	ms_error_clear(err);
	return ms_config_parse(c, text, strlen(text), "test.conf", err);
}

static void
test_builtins(void)
{
	struct ms_config c;
	struct ms_profile *p;

	ms_config_init(&c);
	ok(c.jobs == 4 && c.retries == 3 && c.connect_timeout == 10 &&
		c.idle_timeout == 60 && c.timeout == 0,
	    "defaults: jobs 4, retries 3, 10 s connect, 60 s idle, no limit");
	p = ms_config_profile(&c, "openrouter");
	ok(p != NULL, "built-in openrouter");
	if (p != NULL) {
		is_str(p->base_url, "https://openrouter.ai/api/v1",
		    "openrouter: base URL");
		is_str(
		    p->model, "mistralai/mistral-small", "openrouter: model");
		is_str(p->key_var, "OPENROUTER_API_KEY", "openrouter: key var");
		ok(p->needs_key && p->builtin &&
			p->dialect == MS_DIALECT_OPENROUTER,
		    "openrouter: needs a key, dialect");
		is_int(p->context_tokens, 32768, "openrouter: context");
	}
	p = ms_config_profile(&c, "mistral");
	ok(p != NULL && strcmp(p->base_url, "https://api.mistral.ai/v1") == 0 &&
		strcmp(p->model, "mistral-small-latest") == 0 &&
		strcmp(p->key_var, "MISTRAL_API_KEY") == 0 &&
		p->dialect == MS_DIALECT_MISTRAL,
	    "built-in mistral");
	p = ms_config_profile(&c, "ollama");
	ok(p != NULL && strcmp(p->base_url, "http://127.0.0.1:11434/v1") == 0 &&
		strcmp(p->model, "mistral-small") == 0 && p->key_var == NULL &&
		!p->needs_key && p->dialect == MS_DIALECT_OPENAI,
	    "built-in ollama");
	p = ms_config_profile(&c, "llamacpp");
	ok(p != NULL && strcmp(p->base_url, "http://127.0.0.1:8080/v1") == 0 &&
		p->model != NULL && p->model[0] == '\0' && !p->needs_key,
	    "built-in llamacpp: the server's model");
	ok(ms_config_profile(&c, "nope") == NULL, "unknown profile: NULL");
	ms_config_release(&c);
}

static void
test_parse(void)
{
	struct ms_config c;
	struct ms_error err;
	struct ms_profile *p;
	int rc;

	rc = parse(&c,
	    "# comment\n"
	    "; another comment\n"
	    "\n"
	    "[default]\n"
	    "profile = work\n"
	    "  jobs=8  \n"
	    "retries = 0\n"
	    "timeout = 2.5\n"
	    "connect_timeout = 3\n"
	    "idle_timeout = 30\n"
	    "context_tokens = 16384\n"
	    "keep_on_error = yes\n"
	    "\t# indented comment\n"
	    "model = m1\n"
	    "base_url = http://localhost:1/v1\n"
	    "[profile work]\n"
	    "base_url = https://openrouter.ai/api/v1\n"
	    "model =   mistralai/mistral-small  \n"
	    "api_key_cmd = pass show openrouter\n"
	    "app_title = my-tools\n"
	    "app_url = https://example.org\n"
	    "context_tokens = 32768\n"
	    "price_in = 0.20\n"
	    "price_out = 0.60\n"
	    "dialect = openrouter\n"
	    "value = with = signs\n",
	    &err);
	is_int(rc, -1, "unknown key after good ones fails");
	is_str(err.msg, "test.conf:26: unknown key 'value' in [profile work]",
	    "unknown key: file, line and section");
	is_int(err.kind, MS_ECONFIG, "unknown key: MS_ECONFIG");
	ms_config_release(&c);

	rc = parse(&c,
	    "# comment\n"
	    "; another comment\n"
	    "\n"
	    "[default]\n"
	    "profile = work\n"
	    "  jobs=8  \n"
	    "retries = 0\n"
	    "timeout = 2.5\n"
	    "connect_timeout = 3\n"
	    "idle_timeout = 30\n"
	    "context_tokens = 16384\n"
	    "keep_on_error = yes\n"
	    "\t# indented comment\n"
	    "model = m1\n"
	    "base_url = http://localhost:1/v1\n"
	    "[profile work]\n"
	    "base_url = https://openrouter.ai/api/v1\n"
	    "model =   mistralai/mistral-small  \n"
	    "api_key_cmd = pass show openrouter\n"
	    "app_title = my tools # not a comment\n"
	    "app_url = https://example.org\n"
	    "context_tokens = 32768\n"
	    "price_in = 0.20\n"
	    "price_out = 0.60\n"
	    "dialect = mistral\n",
	    &err);
	is_int(rc, 0, "full config parses");
	if (rc != 0)
		diag("%s", err.msg);
	is_str(c.profile, "work", "[default] profile");
	ok(c.jobs == 8 && c.retries == 0 && c.timeout == 2.5 &&
		c.connect_timeout == 3 && c.idle_timeout == 30 &&
		c.context_tokens == 16384 && c.keep_on_error == 1,
	    "[default] numbers and boolean");
	is_str(c.model, "m1", "[default] model");
	is_str(c.base_url, "http://localhost:1/v1", "[default] base_url");
	p = ms_config_profile(&c, "work");
	ok(p != NULL, "profile work exists");
	if (p != NULL) {
		is_str(p->model, "mistralai/mistral-small",
		    "value trimmed on both sides");
		is_str(p->api_key_cmd, "pass show openrouter", "api_key_cmd");
		is_str(p->app_title, "my tools # not a comment",
		    "a value runs to the end of its line");
		is_str(p->app_url, "https://example.org", "app_url");
		ok(p->context_tokens == 32768 && p->set_context,
		    "profile context_tokens");
		ok(p->price_in == 0.2 && p->price_out == 0.6, "prices");
		ok(p->has_dialect && p->dialect == MS_DIALECT_MISTRAL,
		    "dialect");
		ok(!p->builtin && !p->needs_key && p->key_var == NULL,
		    "a new profile is not built-in");
		ok(p->set_model && p->set_base_url, "set_model, set_base_url");
	}
	ok(!c.holds_key, "no api_key literal: holds_key 0");
	ms_config_release(&c);

	/* Override a built-in profile. */
	rc = parse(&c,
	    "[profile openrouter]\nmodel = mistralai/other\n"
	    "[profile mistral]\nbase_url = https://proxy.example/v1\n",
	    &err);
	is_int(rc, 0, "override of built-ins parses");
	p = ms_config_profile(&c, "openrouter");
	ok(p != NULL && strcmp(p->model, "mistralai/other") == 0 &&
		p->set_model && !p->set_base_url && p->builtin &&
		strcmp(p->base_url, "https://openrouter.ai/api/v1") == 0 &&
		strcmp(p->key_var, "OPENROUTER_API_KEY") == 0,
	    "override keeps the rest of the built-in");
	p = ms_config_profile(&c, "mistral");
	ok(p != NULL && strcmp(p->base_url, "https://proxy.example/v1") == 0 &&
		p->dialect == MS_DIALECT_MISTRAL,
	    "override of mistral's URL");
	ok(ms_config_profile(&c, "openrouter") != NULL && c.nprofiles == 4,
	    "no profile added by an override");
	ms_config_release(&c);

	/* A section opened twice; CRLF line ends; no final newline. */
	rc = parse(&c,
	    "[profile a]\r\nmodel = x\r\n\r\n[default]\r\n"
	    "jobs = 2\r\n[profile a]\r\napp_title = t\r\n[ profile  b ]\r\n"
	    "model = y",
	    &err);
	is_int(rc, 0, "CRLF, reopened section, blanks in the header");
	if (rc != 0)
		diag("%s", err.msg);
	p = ms_config_profile(&c, "a");
	ok(p != NULL && strcmp(p->model, "x") == 0 &&
		strcmp(p->app_title, "t") == 0,
	    "reopened profile keeps both");
	p = ms_config_profile(&c, "b");
	ok(p != NULL && strcmp(p->model, "y") == 0,
	    "last line without newline");
	is_int(c.jobs, 2, "CRLF number");
	ms_config_release(&c);

	/* api_key literal. */
	rc = parse(&c, "[profile k]\napi_key = sk-secret\n", &err);
	ok(rc == 0 && c.holds_key, "api_key literal sets holds_key");
	p = ms_config_profile(&c, "k");
	ok(p != NULL && p->api_key != NULL &&
		strcmp(p->api_key, "sk-secret") == 0,
	    "api_key literal kept");
	ms_config_release(&c);

	/* Empty text. */
	rc = parse(&c, "", &err);
	is_int(rc, 0, "empty file");
	ms_config_release(&c);
	rc = parse(&c, "\n\n# only comments\n;\n", &err);
	is_int(rc, 0, "comments only");
	ms_config_release(&c);
}

struct bad {
	const char *text;
	const char *msg;
	const char *name;
};

static const struct bad bads[] = {
	{ "[default]\nfoo = 1\n", "test.conf:2: unknown key 'foo' in [default]",
	    "unknown key" },
	{ "# c\n[defaults]\n", "test.conf:2: unknown section '[defaults]'",
	    "unknown section" },
	{ "[profile]\n", "test.conf:1: unknown section '[profile]'",
	    "profile without a name" },
	{ "[profile a/b]\n", "test.conf:1: bad profile name 'a/b'",
	    "bad profile name" },
	{ "[default\n", "test.conf:1: unterminated section header",
	    "unterminated header" },
	{ "jobs = 3\n", "test.conf:1: key outside a section",
	    "key outside a section" },
	{ "[default]\njobs\n", "test.conf:2: expected 'key = value'", "no =" },
	{ "[default]\n = 3\n", "test.conf:2: empty key", "empty key" },
	{ "[default]\n\n\njobs = many\n",
	    "test.conf:4: bad number 'many' for jobs", "bad number" },
	{ "[default]\njobs = 0\n", "test.conf:2: bad number '0' for jobs",
	    "jobs 0" },
	{ "[default]\njobs = 65\n", "test.conf:2: bad number '65' for jobs",
	    "jobs too large" },
	{ "[default]\njobs = 4x\n", "test.conf:2: bad number '4x' for jobs",
	    "jobs with a suffix" },
	{ "[default]\nretries = -1\n",
	    "test.conf:2: bad number '-1' for retries", "negative retries" },
	{ "[default]\ntimeout = abc\n",
	    "test.conf:2: bad number 'abc' for timeout", "bad timeout" },
	{ "[default]\ntimeout = nan\n",
	    "test.conf:2: bad number 'nan' for timeout", "timeout nan" },
	{ "[default]\ntimeout = inf\n",
	    "test.conf:2: bad number 'inf' for timeout", "timeout inf" },
	{ "[default]\ntimeout = -1\n",
	    "test.conf:2: bad number '-1' for timeout", "negative timeout" },
	{ "[default]\ntimeout =\n", "test.conf:2: bad number '' for timeout",
	    "empty timeout" },
	{ "[default]\ncontext_tokens = 100\n",
	    "test.conf:2: bad number '100' for context_tokens",
	    "context too small" },
	{ "[default]\nkeep_on_error = maybe\n",
	    "test.conf:2: bad boolean 'maybe' for keep_on_error",
	    "bad boolean" },
	{ "[profile x]\nprice_in = -0.5\n",
	    "test.conf:2: bad number '-0.5' for price_in", "negative price" },
	{ "[profile x]\nprice_out = 1e7\n",
	    "test.conf:2: bad number '1e7' for price_out", "price too large" },
	{ "[profile x]\ncontext_tokens = 1.5\n",
	    "test.conf:2: bad number '1.5' for context_tokens",
	    "profile context not an integer" },
	{ "[profile x]\ndialect = anthropic\n",
	    "test.conf:2: unknown dialect 'anthropic' for dialect",
	    "unknown dialect" },
	{ "[profile x]\nkey_var = X\n",
	    "test.conf:2: unknown key 'key_var' in [profile x]",
	    "unknown profile key" },
	{ "[default]\nprofile = a\0b\n", "test.conf:2: NUL byte in the file",
	    "NUL byte" },
};

static void
test_bad(void)
{
	struct ms_config c;
	struct ms_error err;
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const char *t = bads[i].text;

		/* The NUL case: the length goes past the NUL. */
		len = strlen(t);
		if (strstr(bads[i].name, "NUL") != NULL)
			len += 1 + strlen(t + len + 1);
		ms_config_init(&c);
		ms_error_clear(&err);
		rc = ms_config_parse(&c, t, len, "test.conf", &err);
		ok(rc == -1 && err.kind == MS_ECONFIG, "bad: %s: MS_ECONFIG",
		    bads[i].name);
		is_str(err.msg, bads[i].msg, "bad: %s: message", bads[i].name);
		ms_config_release(&c);
	}
}

/* ---------------------------------------------------------------- */

/*
 * A pretend environment: the library reads none, so the tests resolve the
 * values the way the caller does and pass them in.
 */
static struct {
	const char *name;
	const char *value;
} fenv[8];

static const char *
fgetenv(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fenv) / sizeof(fenv[0]); i++)
		if (fenv[i].name != NULL && strcmp(fenv[i].name, name) == 0)
			return fenv[i].value;
	return NULL;
}

/* Set name to value; value NULL unsets it. */
static void
fsetenv(const char *name, const char *value)
{
	size_t i, slot = sizeof(fenv) / sizeof(fenv[0]);

	for (i = 0; i < sizeof(fenv) / sizeof(fenv[0]); i++) {
		if (fenv[i].name != NULL && strcmp(fenv[i].name, name) == 0) {
			slot = i;
			break;
		}
		if (fenv[i].name == NULL &&
		    slot == sizeof(fenv) / sizeof(fenv[0]))
			slot = i;
	}
	if (slot == sizeof(fenv) / sizeof(fenv[0])) {
		diag("fenv is full");
		return;
	}
	fenv[slot].name = value != NULL ? name : NULL;
	fenv[slot].value = value;
}

static void
clear_env(void)
{
	memset(fenv, 0, sizeof(fenv));
}

/* What the caller passes for profile p, from the pretend environment. */
static struct ms_key_env
key_env(const struct ms_profile *p)
{
	struct ms_key_env e;

	e.override = fgetenv("MS_API_KEY");
	e.named = p->api_key_env != NULL ? fgetenv(p->api_key_env) : NULL;
	e.builtin = p->key_var != NULL ? fgetenv(p->key_var) : NULL;
	e.home = fgetenv("HOME");
	return e;
}

static int
key_of(const char *conf, const char *profile, struct ms_buf *key,
    struct ms_error *err)
{
	struct ms_config c;
	struct ms_profile *p;
	int rc;

	ms_config_init(&c);
	ms_error_clear(err);
	ms_buf_reset(key);
	if (ms_config_parse(&c, conf, strlen(conf), "k.conf", err) == -1) {
		ms_config_release(&c);
		return -2;
	}
	if ((p = ms_config_profile(&c, profile)) == NULL) {
		ms_config_release(&c);
		return -3;
	}
	{
		struct ms_key_env e = key_env(p);

		rc = ms_profile_key(p, &e, key, err);
	}
	ms_config_release(&c);
	return rc;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, text, strlen(text)) == -1)
		diag("cannot write %s", path);
	if (fd != -1)
		close(fd);
	chmod(path, mode);
}

static void
test_keys(void)
{
	struct ms_buf key, conf, path;
	struct ms_error err;
	int rc;

	ms_buf_init(&key);
	ms_buf_init(&conf);
	ms_buf_init(&path);
	clear_env();

	rc = key_of("", "openrouter", &key, &err);
	ok(rc == 0 && key.len == 0, "no key anywhere: empty key, no error");

	fsetenv("OPENROUTER_API_KEY", "sk-or-1");
	rc = key_of("", "openrouter", &key, &err);
	ok(rc == 0 && strcmp(key.data, "sk-or-1") == 0,
	    "built-in variable OPENROUTER_API_KEY");
	rc = key_of("", "mistral", &key, &err);
	ok(rc == 0 && key.len == 0, "mistral does not take OpenRouter's key");
	fsetenv("MISTRAL_API_KEY", "mk\n");
	rc = key_of("", "mistral", &key, &err);
	ok(rc == 0 && strcmp(key.data, "mk") == 0,
	    "MISTRAL_API_KEY, newline dropped");
	fsetenv("OPENROUTER_API_KEY", "");
	rc = key_of("", "openrouter", &key, &err);
	ok(rc == 0 && key.len == 0, "empty variable: no key");

	fsetenv("MS_API_KEY", "ms-key");
	rc = key_of("[profile x]\napi_key = lit\n", "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "ms-key") == 0,
	    "MS_API_KEY ranks above the config");
	rc = key_of("", "ollama", &key, &err);
	ok(rc == 0 && strcmp(key.data, "ms-key") == 0,
	    "MS_API_KEY for any profile");
	fsetenv("MS_API_KEY", "");
	rc = key_of("[profile x]\napi_key = lit\n", "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "lit") == 0,
	    "empty MS_API_KEY is ignored; api_key literal");
	fsetenv("MS_API_KEY", NULL);

	fsetenv("MS_UNIT_KEY", "env-key \t\r\nsecond line");
	rc =
	    key_of("[profile x]\napi_key_env = MS_UNIT_KEY\n", "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "env-key") == 0,
	    "api_key_env: first line, blanks trimmed");
	fsetenv("MS_UNIT_KEY", NULL);
	rc =
	    key_of("[profile x]\napi_key_env = MS_UNIT_KEY\n", "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "api_key_env unset: "
	    "MS_ECONFIG");
	ok(strstr(err.msg, "MS_UNIT_KEY") != NULL && strstr(err.msg, "'x'"),
	    "api_key_env unset: names the variable and profile (%s)", err.msg);

	rc = key_of("[profile x]\napi_key_cmd = printf 'k1\\nignored'\n", "x",
	    &key, &err);
	ok(rc == 0 && strcmp(key.data, "k1") == 0,
	    "api_key_cmd: first line of the output");
	if (rc != 0)
		diag("%s", err.msg);
	rc = key_of(
	    "[profile x]\napi_key_cmd = printf 'k2\\r\\n'\n", "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "k2") == 0, "api_key_cmd: CRLF");
	rc = key_of("[profile x]\napi_key_cmd = exit 3\n", "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "status 3") != NULL,
	    "api_key_cmd failing: MS_ECONFIG with the status (%s)", err.msg);
	rc = key_of("[profile x]\napi_key_cmd = true\n", "x", &key, &err);
	ok(rc == 0 && key.len == 0, "api_key_cmd printing nothing: no key");
	rc = key_of("[profile x]\napi_key_cmd = head -c 200000 /dev/zero | "
		    "tr '\\0' k\n",
	    "x", &key, &err);
	ok(rc == 0 && key.len > 0 && key.len <= 200000 &&
		strspn(key.data, "k") == key.len,
	    "api_key_cmd with a lot of output (%zu bytes kept)", key.len);

	ms_buf_printf(&path, "%s/key", tmpdir);
	write_file(path.data, "file-key\nsecond\n", 0600);
	ms_buf_printf(&conf, "[profile x]\napi_key_file = %s\n", path.data);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "file-key") == 0,
	    "api_key_file with mode 0600");
	if (rc != 0)
		diag("%s", err.msg);
	chmod(path.data, 0400);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "file-key") == 0,
	    "api_key_file with mode 0400");
	chmod(path.data, 0644);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "api_key_file with mode 0644 "
	    "is refused");
	ok(strstr(err.msg, path.data) != NULL, "refusal names the file (%s)",
	    err.msg);
	ok(key.len == 0, "refused: no key handed out");
	chmod(path.data, 0640);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG, "mode 0640 is refused");
	chmod(path.data, 0604);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG, "mode 0604 is refused");
	ms_buf_reset(&conf);
	ms_buf_printf(
	    &conf, "[profile x]\napi_key_file = %s/missing\n", tmpdir);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "missing key file: "
	    "MS_ECONFIG");
	ms_buf_reset(&conf);
	ms_buf_printf(&conf, "[profile x]\napi_key_file = %s\n", tmpdir);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "directory as key file: "
	    "MS_ECONFIG");

	/* ~/ in the path. */
	fsetenv("HOME", tmpdir);
	rc = key_of("[profile x]\napi_key_file = ~/key\n", "x", &key, &err);
	chmod(path.data, 0600);
	rc = key_of("[profile x]\napi_key_file = ~/key\n", "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "file-key") == 0,
	    "api_key_file with ~/");
	fsetenv("HOME", NULL);
	rc = key_of("[profile x]\napi_key_file = ~/key\n", "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "'~/key'") != NULL,
	    "api_key_file with ~/ and no home: the path as written (%s)",
	    err.msg);

	/* Order: api_key_env, then cmd, then file, then literal. */
	fsetenv("MS_UNIT_KEY", "from-env");
	rc = key_of("[profile x]\napi_key = lit\napi_key_cmd = echo cmd\n"
		    "api_key_env = MS_UNIT_KEY\n",
	    "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "from-env") == 0,
	    "api_key_env before api_key_cmd and api_key");
	rc = key_of("[profile x]\napi_key = lit\napi_key_cmd = echo cmd\n", "x",
	    &key, &err);
	ok(rc == 0 && strcmp(key.data, "cmd") == 0,
	    "api_key_cmd before api_key");
	fsetenv("MS_UNIT_KEY", NULL);
	fsetenv("OPENROUTER_API_KEY", "sk-var");
	rc = key_of("[profile openrouter]\napi_key_cmd = echo from-cmd\n",
	    "openrouter", &key, &err);
	ok(rc == 0 && strcmp(key.data, "from-cmd") == 0,
	    "configured key before the built-in variable");
	clear_env();

	unlink(path.data);
	ms_buf_wipe(&key);
	ms_buf_release(&conf);
	ms_buf_release(&path);
}

static void
test_key_env(void)
{
	struct ms_config c;
	struct ms_profile *p;
	struct ms_key_env e;
	struct ms_buf key;
	struct ms_error err;
	int rc;

	ms_buf_init(&key);
	ms_config_init(&c);
	ms_error_clear(&err);
	p = ms_config_profile(&c, "openrouter");
	rc = ms_profile_key(p, NULL, &key, &err);
	ok(rc == 0 && key.len == 0, "env NULL: nothing set, no key");
	memset(&e, 0, sizeof(e));
	e.builtin = "sk-b";
	rc = ms_profile_key(p, &e, &key, &err);
	ok(rc == 0 && strcmp(key.data, "sk-b") == 0, "builtin value");
	e.named = "sk-n";
	rc = ms_profile_key(p, &e, &key, &err);
	ok(rc == 0 && strcmp(key.data, "sk-b") == 0,
	    "named is ignored without api_key_env");
	e.override = "sk-o";
	rc = ms_profile_key(p, &e, &key, &err);
	ok(rc == 0 && strcmp(key.data, "sk-o") == 0, "override first");
	e.override = "";
	e.builtin = "";
	rc = ms_profile_key(p, &e, &key, &err);
	ok(rc == 0 && key.len == 0, "empty strings count as unset");
	p = ms_config_profile(&c, "ollama");
	e.builtin = "sk-b";
	rc = ms_profile_key(p, &e, &key, &err);
	ok(rc == 0 && key.len == 0, "builtin is ignored without a key_var");
	key.oom = 1;
	e.override = "sk-o";
	rc = ms_profile_key(p, &e, &key, &err);
	ok(rc == -1 && err.kind == MS_ESOFTWARE &&
		strcmp(err.msg, "out of memory") == 0,
	    "key buffer out of memory: MS_ESOFTWARE");
	ms_config_release(&c);
	ms_buf_wipe(&key);
}

static void
test_config_dir(void)
{
	struct ms_buf d;

	ms_buf_init(&d);
	ms_buf_addstr(&d, "old");
	ok(ms_config_dir(&d, "/x/cfg", "/home/u") == 0 &&
		strcmp(d.data, "/x/cfg/ms") == 0,
	    "config dir: absolute XDG_CONFIG_HOME first, old contents gone");
	ok(ms_config_dir(&d, "/x/cfg", NULL) == 0 &&
		strcmp(d.data, "/x/cfg/ms") == 0,
	    "config dir: XDG_CONFIG_HOME without HOME");
	ok(ms_config_dir(&d, "rel/cfg", "/home/u") == 0 &&
		strcmp(d.data, "/home/u/.config/ms") == 0,
	    "config dir: relative XDG_CONFIG_HOME ignored");
	ok(ms_config_dir(&d, "", "/home/u") == 0 &&
		strcmp(d.data, "/home/u/.config/ms") == 0,
	    "config dir: empty XDG_CONFIG_HOME ignored");
	ok(ms_config_dir(&d, NULL, "/home/u") == 0 &&
		strcmp(d.data, "/home/u/.config/ms") == 0,
	    "config dir: HOME");
	ok(ms_config_dir(&d, NULL, "") == -1 && d.len == 0,
	    "config dir: empty HOME: none, out empty");
	ok(ms_config_dir(&d, "rel", NULL) == -1 && d.len == 0,
	    "config dir: neither: none");
	d.oom = 1;
	ok(ms_config_dir(&d, "/x", NULL) == -1 && d.len == 0 && d.oom,
	    "config dir: out of memory");
	ms_buf_release(&d);
}

static void
test_file_read(void)
{
	struct ms_buf path, b;
	struct stat st;
	int rc;

	ms_buf_init(&path);
	ms_buf_init(&b);
	ms_buf_printf(&path, "%s/file", tmpdir);
	write_file(path.data, "0123456789", 0600);
	ms_buf_addstr(&b, "pre:");
	rc = ms_file_read(path.data, 10, &b, &st);
	ok(rc == 0 && strcmp(b.data, "pre:0123456789") == 0,
	    "file read: appended, max bytes exactly");
	ok(S_ISREG(st.st_mode) && st.st_size == 10, "file read: stat filled");
	ms_buf_reset(&b);
	ms_buf_addstr(&b, "pre:");
	errno = 0;
	rc = ms_file_read(path.data, 9, &b, NULL);
	ok(rc == -1 && errno == EFBIG, "file read: past max: EFBIG");
	ok(strcmp(b.data, "pre:") == 0 && b.len == 4,
	    "file read: failure leaves the buffer as it was");
	{
		struct ms_buf big;
		size_t i;

		ms_buf_init(&big);
		for (i = 0; i < 30000; i++)
			ms_buf_addch(&big, 'a' + (int)(i % 26));
		write_file(path.data, big.data, 0600);
		ms_buf_reset(&b);
		rc = ms_file_read(path.data, 30000, &b, NULL);
		ok(rc == 0 && b.len == 30000 &&
			memcmp(b.data, big.data, 30000) == 0,
		    "file read: a file of several reads");
		ms_buf_reset(&b);
		rc = ms_file_read(path.data, 20000, &b, NULL);
		ok(rc == -1 && errno == EFBIG && b.len == 0,
		    "file read: EFBIG after several reads");
		ms_buf_release(&big);
	}
	write_file(path.data, "", 0600);
	ms_buf_reset(&b);
	rc = ms_file_read(path.data, 0, &b, &st);
	ok(rc == 0 && b.len == 0 && st.st_size == 0, "file read: empty file");
	unlink(path.data);
	ms_buf_addstr(&b, "x");
	rc = ms_file_read(path.data, 100, &b, NULL);
	ok(rc == -1 && errno == ENOENT && strcmp(b.data, "x") == 0,
	    "file read: missing: ENOENT");
	rc = ms_file_read(tmpdir, 100, &b, NULL);
	ok(rc == -1 && errno == EISDIR && strcmp(b.data, "x") == 0,
	    "file read: a directory: EISDIR");
	b.oom = 1;
	rc = ms_file_read("/dev/null", 100, &b, NULL);
	ok(rc == -1 && errno == ENOMEM, "file read: buffer out of memory");
	ms_buf_release(&b);
	ms_buf_release(&path);
}

static void
test_load(void)
{
	struct ms_config c;
	struct ms_error err;
	struct ms_buf path, dir;
	int rc;

	ms_buf_init(&path);
	ms_buf_init(&dir);
	ms_buf_printf(&path, "%s/config", tmpdir);
	write_file(path.data, "[profile k]\napi_key = secret\n", 0644);
	ms_config_init(&c);
	ms_error_clear(&err);
	rc = ms_config_load(&c, path.data, 1, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "config with a key, mode 0644: refused");
	ms_config_release(&c);
	chmod(path.data, 0600);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 1, &err);
	ok(rc == 0 && c.path != NULL && strcmp(c.path, path.data) == 0,
	    "config with a key, mode 0600: read");
	ms_config_release(&c);
	write_file(path.data, "[default]\njobs = 5\n", 0644);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 1, &err);
	ok(rc == 0 && c.jobs == 5, "config without a key may be 0644");
	ms_config_release(&c);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 0, &err);
	ok(rc == 0 && c.jobs == 5 && c.path != NULL,
	    "an unnamed config file is read too");
	ms_config_release(&c);
	write_file(path.data, "[default]\njobs = x\n", 0600);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 1, &err);
	ok(rc == -1 && strncmp(err.msg, path.data, path.len) == 0 &&
		strstr(err.msg, ":2:") != NULL,
	    "load: message names the file "
	    "and line (%s)",
	    err.msg);
	ms_config_release(&c);
	unlink(path.data);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 1, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG,
	    "a named missing file is an "
	    "error");
	ms_config_release(&c);

	/* The caller's lookup: $XDG_CONFIG_HOME/ms/config, with no file. */
	ms_config_init(&c);
	ms_error_clear(&err);
	ok(ms_config_dir(&dir, tmpdir, NULL) == 0 &&
		ms_buf_addstr(&dir, "/config") == 0,
	    "config dir for the default file");
	rc = ms_config_load(&c, dir.data, 0, &err);
	ok(rc == 0 && c.path == NULL, "no config file: not an error");
	ms_config_release(&c);
	ms_config_init(&c);
	rc = ms_config_load(&c, NULL, 0, &err);
	ok(rc == 0 && c.path == NULL, "path NULL: no config file");
	ms_config_release(&c);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 1, &err);
	ok(rc == -1, "MS_CONFIG naming a missing file: error");
	ms_config_release(&c);

	/* Not a regular file: refused, named or not, and never opened. */
	ms_config_init(&c);
	rc = ms_config_load(&c, tmpdir, 0, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "cannot read config") != NULL,
	    "a directory as config: error (%s)", err.msg);
	ms_config_release(&c);
	if (mkfifo(path.data, 0600) == 0) {
		ms_config_init(&c);
		rc = ms_config_load(&c, path.data, 1, &err);
		ok(rc == -1 && err.kind == MS_ECONFIG &&
			strstr(err.msg, "Invalid argument") != NULL,
		    "a FIFO as config: refused at once (%s)", err.msg);
		ms_config_release(&c);
		unlink(path.data);
	} else
		diag("cannot make a FIFO: skipped");
	ms_buf_release(&dir);
	ms_buf_release(&path);
}

/* ---------------------------------------------------------------- */

static void
test_loopback(void)
{
	static const struct {
		const char *url;
		int want;
	} urls[] = {
		{ "http://127.0.0.1:11434/v1", 1 },
		{ "http://127.0.0.1/v1", 1 },
		{ "http://127.1.2.3:8080/", 1 },
		{ "http://localhost:8080/v1", 1 },
		{ "http://LocalHost/v1", 1 },
		{ "http://[::1]:8080/v1", 1 },
		{ "https://127.0.0.1/v1", 1 },
		{ "http://128.0.0.1/", 0 },
		{ "http://10.0.0.1/", 0 },
		{ "http://0.0.0.0/", 0 },
		{ "http://localhost.example.com/", 0 },
		{ "http://127.0.0.1.example.com/", 0 },
		{ "http://127.0.0.1@evil.example/", 0 },
		{ "http://evil.example/127.0.0.1", 0 },
		{ "http://evil.example#@127.0.0.1/", 0 },
		{ "http://[::2]/", 0 },
		{ "https://openrouter.ai/api/v1", 0 },
		{ "not a url", 0 },
		{ "", 0 },
		{ "127.0.0.1", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		is_int(ms_url_is_loopback(urls[i].url), urls[i].want,
		    "loopback: %s", urls[i].url);
}

static void
test_dialect(void)
{
	struct ms_config c;
	struct ms_profile *p, custom;
	enum ms_dialect d;

	is_str(ms_dialect_name(MS_DIALECT_OPENAI), "openai", "name openai");
	is_str(ms_dialect_name(MS_DIALECT_OPENROUTER), "openrouter",
	    "name openrouter");
	is_str(ms_dialect_name(MS_DIALECT_MISTRAL), "mistral", "name mistral");
	ok(ms_dialect_parse("mistral", &d) == 0 && d == MS_DIALECT_MISTRAL,
	    "parse mistral");
	ok(ms_dialect_parse("openrouter", &d) == 0 &&
		d == MS_DIALECT_OPENROUTER,
	    "parse openrouter");
	ok(ms_dialect_parse("openai", &d) == 0 && d == MS_DIALECT_OPENAI,
	    "parse openai");
	is_int(ms_dialect_parse("Mistral", &d), -1, "parse is exact");
	is_int(ms_dialect_parse("", &d), -1, "parse of empty");

	ms_config_init(&c);
	memset(&custom, 0, sizeof(custom));
	p = ms_config_profile(&c, "ollama");
	is_int(ms_dialect_for(p, "https://openrouter.ai/api/v1"),
	    MS_DIALECT_OPENROUTER, "dialect_for: openrouter.ai by its host");
	is_int(ms_dialect_for(p, "https://OpenRouter.AI/api/v1"),
	    MS_DIALECT_OPENROUTER, "dialect_for: host case ignored");
	is_int(ms_dialect_for(p, "https://api.mistral.ai/v1"),
	    MS_DIALECT_MISTRAL, "dialect_for: api.mistral.ai by its host");
	is_int(ms_dialect_for(&custom, "http://127.0.0.1:8000/v1"),
	    MS_DIALECT_OPENAI, "dialect_for: unknown host, no dialect: openai");
	p = ms_config_profile(&c, "mistral");
	is_int(ms_dialect_for(p, "https://proxy.example/v1"),
	    MS_DIALECT_MISTRAL, "dialect_for: other host: the profile's");
	p = ms_config_profile(&c, "openrouter");
	is_int(ms_dialect_for(p, "http://localhost:9999/v1"),
	    MS_DIALECT_OPENROUTER, "dialect_for: openrouter profile, mock URL");
	custom.has_dialect = 1;
	custom.dialect = MS_DIALECT_MISTRAL;
	is_int(ms_dialect_for(&custom, "https://openrouter.ai.evil/v1"),
	    MS_DIALECT_MISTRAL, "dialect_for: look-alike host: the profile's");
	is_int(ms_dialect_for(&custom, "garbage"), MS_DIALECT_MISTRAL,
	    "dialect_for: bad URL: the profile's");
	ms_config_release(&c);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_builtins();
	test_parse();
	test_bad();
	test_keys();
	test_key_env();
	test_config_dir();
	test_file_read();
	test_load();
	test_loopback();
	test_dialect();
	rmdir(tmpdir);
	return done();
}
