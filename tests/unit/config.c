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
	    "ca_file = ~/corp.pem\n"
	    "ca_path = /etc/corp/certs\n"
	    "proxy = http://proxy.corp:3128\n"
	    "dialect = mistral\n"
	    "[profile direct]\n"
	    "proxy =\n",
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
		is_str(p->ca_file, "~/corp.pem", "ca_file, as written");
		is_str(p->ca_path, "/etc/corp/certs", "ca_path");
		is_str(p->proxy, "http://proxy.corp:3128", "proxy");
	}
	p = ms_config_profile(&c, "direct");
	ok(p != NULL && p->proxy != NULL && p->proxy[0] == '\0' &&
		p->ca_file == NULL && p->ca_path == NULL,
	    "proxy = (empty): set to none; no trust set");
	p = ms_config_profile(&c, "openrouter");
	ok(p != NULL && p->proxy == NULL, "no proxy key: NULL");
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
	{ "[profile p]\nca_file =\n", "test.conf:2: ca_file is empty",
	    "empty ca_file" },
	{ "[profile p]\nca_path =  \n", "test.conf:2: ca_path is empty",
	    "empty ca_path" },
	{ "[default]\nca_file = /x.pem\n",
	    "test.conf:2: unknown key 'ca_file' in [default]",
	    "ca_file is a profile's" },
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

/* A config that must be refused because a key sits in setting k. */
static void
keylike_refused(const char *k, const char *v)
{
	struct ms_config c;
	struct ms_error err;
	struct ms_buf t;
	int rc;

	ms_buf_init(&t);
	ms_buf_printf(&t, "[profile x]\n%s = %s\n", k, v);
	rc = parse(&c, t.data, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "looks like a key") != NULL &&
		strstr(err.msg, k) != NULL && strstr(err.msg, ":2:") != NULL &&
		strstr(err.msg, v) == NULL &&
		(strlen(v) <= 3 || strstr(err.msg, v + 3) == NULL),
	    "%s = a key: refused without showing it (%s)", k, err.msg);
	ms_config_release(&c);
	ms_buf_release(&t);
}

static void
test_keylike(void)
{
	static const char *const keys[] = {
		"sk-or-v1-0123456789abcdef0123456789abcdef",
		"sk-proj-abc",
		"sk-",
		"aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY", /* 32, as Mistral's */
		"0123456789abcdef0123456789abcdef", /* hex */
		"gsk_AbCdEfGhIjKlMnOpQrStUvWx0123",
	};
	static const char *const fine[] = {
		"OPENROUTER_API_KEY",
		"MY_OPENROUTER_API_KEY_FOR_WORK_2",
		"pass show openrouter/work-2024-key",
		"get-the-openrouter-api-key", /* no digit */
		"~/.config/ms/0123456789abcdef0123456789abcdef",
		"short1a",
	};
	const char *settings[] = { "api_key_env", "api_key_cmd",
		"api_key_file" };
	struct ms_config c;
	struct ms_error err;
	struct ms_buf t;
	size_t i, j;

	ms_buf_init(&t);
	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			keylike_refused(settings[i], keys[j]);
	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof(fine) / sizeof(fine[0]); j++) {
			ms_buf_reset(&t);
			ms_buf_printf(
			    &t, "[profile x]\n%s = %s\n", settings[i], fine[j]);
			ok(parse(&c, t.data, &err) == 0, "%s = %s: taken (%s)",
			    settings[i], fine[j], err.msg);
			ms_config_release(&c);
		}
	ms_buf_reset(&t);
	ms_buf_printf(&t, "[profile x]\napi_key = %s\n", keys[0]);
	ok(parse(&c, t.data, &err) == 0, "api_key = a key: what it is for");
	ms_config_release(&c);
	ms_buf_release(&t);
}

/* api_key_cmd reads /dev/null, not the tool's stdin (its input). */
static void
test_key_cmd_stdin(void)
{
	struct ms_buf key;
	struct ms_error err;
	char rest[16] = "";
	int fd[2], saved;
	ssize_t n;
	int rc;

	ms_buf_init(&key);
	if (pipe(fd) == -1 || (saved = dup(0)) == -1) {
		diag("cannot make a pipe: skipped");
		return;
	}
	if (write(fd[1], "input\n", 6) != 6)
		diag("cannot write the pipe");
	close(fd[1]);
	dup2(fd[0], 0);
	close(fd[0]);
	rc = key_of("[profile x]\napi_key_cmd = if read x; then echo "
		    "\"got-$x\"; else echo eof-key; fi\n",
	    "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "eof-key") == 0,
	    "api_key_cmd: stdin is /dev/null (%s)",
	    rc == 0 ? key.data : err.msg);
	n = read(0, rest, sizeof(rest) - 1);
	ok(n == 6 && strcmp(rest, "input\n") == 0,
	    "api_key_cmd: the input is left for the tool");
	dup2(saved, 0);
	close(saved);
	rc = key_of(
	    "[profile x]\napi_key_cmd = cat; echo k3\n", "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "k3") == 0,
	    "api_key_cmd: a command that reads stdin ends (%s)",
	    rc == 0 ? key.data : err.msg);
	rc = key_of("[profile x]\napi_key_cmd = kill -9 $$\n", "x", &key, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG &&
		strstr(err.msg, "status 137") != NULL,
	    "api_key_cmd killed: 128 + the signal (%s)", err.msg);
	ms_buf_wipe(&key);
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

static void
test_load_edges(void)
{
	struct ms_config c;
	struct ms_error err;
	struct ms_buf path, conf, key;
	static const mode_t loose[] = { 0664, 0646, 0666, 0620, 0602 };
	size_t i;
	int rc;

	ms_buf_init(&path);
	ms_buf_init(&conf);
	ms_buf_init(&key);
	ms_buf_printf(&path, "%s/config", tmpdir);

	/* /dev/null: an empty config, named or not. */
	ms_config_init(&c);
	ms_error_clear(&err);
	rc = ms_config_load(&c, "/dev/null", 1, &err);
	ok(rc == 0 && c.jobs == 4 && c.nprofiles == 4,
	    "MS_CONFIG=/dev/null: an empty config (%s)", err.msg);
	ms_config_release(&c);
	ms_config_init(&c);
	rc = ms_config_load(&c, "/dev/zero", 1, &err);
	ok(rc == -1 && err.kind == MS_ECONFIG, "another device: refused (%s)",
	    err.msg);
	ms_config_release(&c);

	/* Writable by others: refused whatever it holds. */
	for (i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		write_file(path.data, "[default]\njobs = 5\n", loose[i]);
		ms_config_init(&c);
		ms_error_clear(&err);
		rc = ms_config_load(&c, path.data, 0, &err);
		ok(rc == -1 && err.kind == MS_ECONFIG && c.jobs == 4 &&
			strstr(err.msg, "is writable by others; chmod go-w") !=
			    NULL &&
			strstr(err.msg, path.data) != NULL,
		    "config of mode %04o: refused (%s)", (unsigned)loose[i],
		    err.msg);
		ms_config_release(&c);
	}
	write_file(path.data, "[default]\njobs = 5\n", 0644);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 0, &err);
	ok(rc == 0 && c.jobs == 5, "config of mode 0644: read");
	ms_config_release(&c);

	/* A byte order mark is skipped, at the start only. */
	write_file(path.data, "\xef\xbb\xbf[default]\njobs = 6\n", 0600);
	ms_config_init(&c);
	rc = ms_config_load(&c, path.data, 0, &err);
	ok(rc == 0 && c.jobs == 6, "config with a BOM: read (%s)",
	    rc ? err.msg : "");
	ms_config_release(&c);
	rc = parse(&c, "\xef\xbb\xbf# comment\n[default]\n", &err);
	ok(rc == 0, "BOM before a comment");
	ms_config_release(&c);
	rc = parse(&c, "[default]\n\xef\xbb\xbfjobs = 6\n", &err);
	ok(rc == -1, "a BOM further on is text (%s)", err.msg);
	ms_config_release(&c);

	/* A key file: a FIFO at once, a BOM skipped. */
	ms_buf_printf(&conf, "[profile x]\napi_key_file = %s\n", path.data);
	write_file(path.data,
	    "\xef\xbb\xbf"
	    "bom-key\n",
	    0600);
	rc = key_of(conf.data, "x", &key, &err);
	ok(rc == 0 && strcmp(key.data, "bom-key") == 0,
	    "key file with a BOM: the key without it");
	unlink(path.data);
	if (mkfifo(path.data, 0600) == 0) {
		alarm(10);
		rc = key_of(conf.data, "x", &key, &err);
		alarm(0);
		ok(rc == -1 && err.kind == MS_ECONFIG && key.len == 0,
		    "a FIFO as key file: refused at once (%s)", err.msg);
		unlink(path.data);
	} else
		diag("cannot make a FIFO: skipped");
	ms_buf_wipe(&key);
	ms_buf_release(&conf);
	ms_buf_release(&path);
}

/* Every message is one line, whatever the file or variable held. */
static void
test_one_line(void)
{
	struct ms_config c;
	struct ms_error err;
	int rc;

	ms_error_set(&err, MS_ECONFIG, "a %s b", "x\ny\r\x1b[2J\tz\x7f");
	is_str(err.msg, "a x?y??[2J z? b", "error: controls made harmless");
	ms_error_set(&err, MS_ECONFIG, "%s", "caf\xc3\xa9");
	is_str(err.msg, "caf\xc3\xa9", "error: UTF-8 kept");
	rc = parse(&c, "[default]\njobs = 1\x1b]0;x\x07\n", &err);
	ok(rc == -1 && strchr(err.msg, 0x1b) == NULL &&
		strchr(err.msg, 0x07) == NULL,
	    "bad value with escapes: one clean line (%s)", err.msg);
	ms_config_release(&c);
	rc = parse(&c, "[default]\njobs = 1\r2\n", &err);
	ok(rc == -1 && strchr(err.msg, '\r') == NULL,
	    "bad value with a CR: one line (%s)", err.msg);
	ms_config_release(&c);
	ms_config_init(&c);
	rc = ms_config_load(&c, "/nonexistent/a\nb", 1, &err);
	ok(rc == -1 && strchr(err.msg, '\n') == NULL,
	    "a path with a newline: one line (%s)", err.msg);
	ms_config_release(&c);
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

/* The variables of one case of the proxy table, "" or NULL for unset. */
struct penv {
	const char *http, *https, *HTTPS, *all, *ALL, *no, *NO, *profile;
};

static void
test_proxy_for(void)
{
	static const struct {
		const char *url;
		struct penv e;
		int want;
		const char *proxy;
	} t[] = {
		{ "http://127.0.0.1:8080/v1", { NULL }, 0, "" },
		{ "http://127.0.0.1:8080/v1", { "http://p:3128" }, 1,
		    "http://p:3128" },
		/* http_proxy is for http URLs only; only the lower case. */
		{ "https://api.example/v1", { "http://p:3128" }, 0, "" },
		{ "http://h/v1", { NULL, "http://s:1", "http://S:1" }, 0, "" },
		{ "https://h/v1", { NULL, "http://s:1", "http://S:1" }, 1,
		    "http://s:1" },
		{ "https://h/v1", { NULL, NULL, "http://S:1" }, 1,
		    "http://S:1" },
		{ "https://h/v1", { NULL, "", "http://S:1" }, 1, "http://S:1" },
		{ "HTTPS://h/v1", { NULL, "http://s:1" }, 1, "http://s:1" },
		/* all_proxy, lower case first, for any scheme. */
		{ "http://h/v1",
		    { NULL, NULL, NULL, "socks5h://a:1", "http://A:1" }, 1,
		    "socks5h://a:1" },
		{ "https://h/v1", { NULL, NULL, NULL, NULL, "http://A:1" }, 1,
		    "http://A:1" },
		{ "http://h/v1", { "http://p:1", NULL, NULL, "http://a:1" }, 1,
		    "http://p:1" },
		{ "https://h/v1", { NULL, "http://s:1", NULL, "http://a:1" }, 1,
		    "http://s:1" },
		/* no_proxy: "*", names and their subdomains, addresses. */
		{ "http://h/v1", { "http://p:1", .no = "*" }, 0, "" },
		{ "http://h/v1", { "http://p:1", .no = "*,x" }, 1,
		    "http://p:1" },
		{ "http://h/v1", { "http://p:1", .no = "", .NO = "*" }, 0, "" },
		{ "http://h/v1", { "http://p:1", .no = "x", .NO = "*" }, 1,
		    "http://p:1" },
		{ "http://api.example.com/v1",
		    { "http://p:1", .no = "example.com" }, 0, "" },
		{ "http://api.example.com/v1",
		    { "http://p:1", .no = ".example.com" }, 0, "" },
		{ "http://example.com./v1",
		    { "http://p:1", .no = "example.com." }, 0, "" },
		{ "http://API.Example.COM/v1",
		    { "http://p:1", .no = "example.com" }, 0, "" },
		{ "http://notexample.com/v1",
		    { "http://p:1", .no = "example.com" }, 1, "http://p:1" },
		{ "http://example.com.evil/v1",
		    { "http://p:1", .no = "example.com" }, 1, "http://p:1" },
		{ "http://h/v1", { "http://p:1", .no = " a , ,h\tb" }, 0, "" },
		{ "http://127.0.0.1:9/v1",
		    { "http://p:1", .no = "localhost,127.0.0.1" }, 0, "" },
		{ "http://127.0.0.1:9/v1", { "http://p:1", .no = "127.0.0.2" },
		    1, "http://p:1" },
		{ "http://127.4.5.6:9/v1",
		    { "http://p:1", .no = "127.0.0.0/8" }, 0, "" },
		{ "http://10.1.2.3/v1", { "http://p:1", .no = "10.1.0.0/16" },
		    0, "" },
		{ "http://10.2.2.3/v1", { "http://p:1", .no = "10.1.0.0/16" },
		    1, "http://p:1" },
		{ "http://[::1]:9/v1", { "http://p:1", .no = "::1" }, 0, "" },
		{ "http://[::1]:9/v1", { "http://p:1", .no = "[::1]" }, 0, "" },
		{ "http://[fe80::1]/v1", { "http://p:1", .no = "fe80::/16" }, 0,
		    "" },
		{ "http://[::2]:9/v1", { "http://p:1", .no = "::1" }, 1,
		    "http://p:1" },
		/* A port: that port only; none: every port. */
		{ "http://h:8080/v1", { "http://p:1", .no = "h:8080" }, 0, "" },
		{ "http://h:8081/v1", { "http://p:1", .no = "h:8080" }, 1,
		    "http://p:1" },
		{ "http://h/v1", { "http://p:1", .no = "h:80" }, 0, "" },
		{ "https://h/v1", { NULL, "http://s:1", .no = "h:443" }, 0,
		    "" },
		{ "http://h:8080/v1", { "http://p:1", .no = "h" }, 0, "" },
		{ "http://127.0.0.1:9/v1",
		    { "http://p:1", .no = "127.0.0.1:9" }, 0, "" },
		{ "http://127.0.0.1:9/v1",
		    { "http://p:1", .no = "127.0.0.1:10" }, 1, "http://p:1" },
		{ "http://[::1]:9/v1", { "http://p:1", .no = "[::1]:9" }, 0,
		    "" },
		{ "http://[::1]:9/v1", { "http://p:1", .no = "[::1]:8" }, 1,
		    "http://p:1" },
		/* A profile's proxy replaces the variables, for any scheme. */
		{ "https://h/v1",
		    { NULL, "http://s:1", .all = "http://a:1",
			.profile = "http://f:1" },
		    1, "http://f:1" },
		{ "http://h/v1", { "http://p:1", .profile = "http://f:1" }, 1,
		    "http://f:1" },
		/* "" is no proxy, whatever the variables say. */
		{ "https://h/v1",
		    { NULL, "http://s:1", "http://S:1", "http://a:1",
			"http://A:1", .profile = "" },
		    0, "" },
		/* no_proxy still holds. */
		{ "https://h/v1", { .no = "h", .profile = "http://f:1" }, 0,
		    "" },
		/* No host: no answer. */
		{ "not a url", { "http://p:1" }, -1, "" },
		{ "", { "http://p:1" }, -1, "" },
	};
	struct ms_proxy_env e;
	char out[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&e, 0, sizeof(e));
		e.http_proxy = t[i].e.http;
		e.https_proxy = t[i].e.https;
		e.HTTPS_PROXY = t[i].e.HTTPS;
		e.all_proxy = t[i].e.all;
		e.ALL_PROXY = t[i].e.ALL;
		e.no_proxy = t[i].e.no;
		e.NO_PROXY = t[i].e.NO;
		e.profile = t[i].e.profile;
		strcpy(out, "junk");
		r = ms_proxy_for(t[i].url, &e, out, sizeof(out));
		ok(r == t[i].want && strcmp(out, t[i].proxy) == 0,
		    "proxy for %s (no_proxy '%s'): %d '%s'", t[i].url,
		    t[i].e.no ? t[i].e.no : "", r, out);
	}
	ok(ms_proxy_for("http://h/", NULL, out, sizeof(out)) == 0 &&
		out[0] == '\0',
	    "proxy for: env NULL: none");
	memset(&e, 0, sizeof(e));
	e.http_proxy = "http://a-proxy-name-longer-than-the-buffer:3128";
	ok(ms_proxy_for("http://h/", &e, out, 16) == -1 && out[0] == '\0',
	    "proxy for: a proxy that does not fit: -1");
}

static void
test_proxy_check(void)
{
	static const struct {
		const char *url, *key, *http, *https, *no;
		int want;
		const char *msg; /* in the message; NULL: none expected */
	} t[] = {
		/* Without a key anything goes. */
		{ "http://example.com/v1", NULL, "http://10.0.0.1:3128", NULL,
		    NULL, 0, NULL },
		{ "http://127.0.0.1:8/v1", "", "http://10.0.0.1:3128", NULL,
		    NULL, 0, NULL },
		/* A key over https: any proxy, it only sees a tunnel. */
		{ "https://api.example/v1", "sk-x", NULL, "http://10.0.0.1:1",
		    NULL, 0, NULL },
		/* A key over http: loopback endpoint, loopback or no proxy. */
		{ "http://127.0.0.1:8/v1", "sk-x", NULL, NULL, NULL, 0, NULL },
		{ "http://localhost:8/v1", "sk-x", "http://127.0.0.1:3128",
		    NULL, NULL, 0, NULL },
		{ "http://127.0.0.1:8/v1", "sk-x", "http://[::1]:3128", NULL,
		    NULL, 0, NULL },
		{ "http://127.0.0.1:8/v1", "sk-x", "localhost:3128", NULL, NULL,
		    0, NULL },
		{ "http://127.0.0.1:8/v1", "sk-x", "socks5h://127.0.0.1:1080",
		    NULL, NULL, 0, NULL },
		/* https_proxy is not for http URLs. */
		{ "http://127.0.0.1:8/v1", "sk-x", NULL, "http://10.0.0.1:1",
		    NULL, 0, NULL },
		/* no_proxy takes the proxy out of the way. */
		{ "http://127.0.0.1:8/v1", "sk-x", "http://10.0.0.1:3128", NULL,
		    "127.0.0.1", 0, NULL },
		{ "http://example.com/v1", "sk-x", NULL, NULL, NULL, -1,
		    "plain http to 'http://example.com/v1'; use https" },
		{ "http://127.0.0.1:8/v1", "sk-x", "http://10.0.0.1:3128", NULL,
		    NULL, -1,
		    "refusing to send the API key over plain http through the "
		    "proxy 'http://10.0.0.1:3128'" },
		{ "http://127.0.0.1:8/v1", "sk-x", "10.0.0.1:3128", NULL, NULL,
		    -1, "proxy '10.0.0.1:3128'" },
		{ "http://127.0.0.1:8/v1", "sk-x",
		    "http://user:pw@10.0.0.1:3128/", NULL, NULL, -1,
		    "proxy 'http://10.0.0.1:3128/'" },
		{ "http://127.0.0.1:8/v1", "sk-x", "u:p@w@proxy.example", NULL,
		    NULL, -1, "proxy 'proxy.example'" },
		{ "http://127.0.0.1:8/v1", "sk-x",
		    "https://127.0.0.1@proxy.example:443", NULL, NULL, -1,
		    "proxy 'https://proxy.example:443'" },
		{ "http://127.0.0.1:8/v1", "sk-x",
		    "socks5://127.0.0.1.example:1080", NULL, NULL, -1,
		    "socks5://127.0.0.1.example:1080" },
	};
	struct ms_proxy_env e;
	struct ms_error err;
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&e, 0, sizeof(e));
		e.http_proxy = t[i].http;
		e.https_proxy = t[i].https;
		e.no_proxy = t[i].no;
		ms_error_clear(&err);
		r = ms_proxy_check(t[i].url, t[i].key, &e, &err);
		ok(r == t[i].want &&
			(r == 0 ||
			    (err.kind == MS_ECONFIG &&
				strstr(err.msg, t[i].msg) != NULL &&
				strstr(err.msg, "sk-x") == NULL &&
				strstr(err.msg, "pw@") == NULL &&
				strstr(err.msg, "u:p") == NULL)),
		    "proxy check %s key %s proxy %s: %d (%s)", t[i].url,
		    t[i].key ? t[i].key : "(none)",
		    t[i].http ? t[i].http : "(none)", r, err.msg);
	}
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
	test_keylike();
	test_key_cmd_stdin();
	test_key_env();
	test_config_dir();
	test_file_read();
	test_load();
	test_load_edges();
	test_one_line();
	test_loopback();
	test_proxy_for();
	test_proxy_check();
	test_dialect();
	rmdir(tmpdir);
	return done();
}
