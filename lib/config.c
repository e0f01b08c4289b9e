/*
 * config.c: built-in profiles, the config file, where the key comes from,
 * and where it may go (loopback hosts, proxies).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <curl/curl.h>

#include "ms.h"

#define MISTRAL_SMALL_CONTEXT 32768

static const struct {
	const char *name, *url, *model, *key_var;
	enum ms_dialect dialect;
	double price_in, price_out;
	enum ms_tokenizer tokenizer; /* of the default model */
} builtins[] = {
	{ "openrouter", "https://openrouter.ai/api/v1",
	    "mistralai/mistral-small", "OPENROUTER_API_KEY",
	    MS_DIALECT_OPENROUTER, 0.20, 0.60, MS_TOKENIZER_MISTRAL },
	{ "mistral", "https://api.mistral.ai/v1", "mistral-small-latest",
	    "MISTRAL_API_KEY", MS_DIALECT_MISTRAL, 0.20, 0.60,
	    MS_TOKENIZER_MISTRAL },
	{ "ollama", "http://127.0.0.1:11434/v1", "mistral-small", NULL,
	    MS_DIALECT_OPENAI, 0, 0, MS_TOKENIZER_ESTIMATE },
	{ "llamacpp", "http://127.0.0.1:8080/v1", "", NULL, MS_DIALECT_OPENAI,
	    0, 0, MS_TOKENIZER_ESTIMATE },
};

static char *
xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
profile_free(struct ms_profile *p)
{
	free(p->name);
	free(p->base_url);
	free(p->model);
	free(p->api_key_env);
	free(p->api_key_cmd);
	free(p->api_key_file);
	if (p->api_key != NULL) {
		explicit_bzero(p->api_key, strlen(p->api_key));
		free(p->api_key);
	}
	free(p->app_title);
	free(p->app_url);
	free(p->ca_file);
	free(p->ca_path);
	free(p->proxy);
	memset(p, 0, sizeof(*p));
}

static struct ms_profile *
profile_add(struct ms_config *c, const char *name)
{
	struct ms_profile *v, *p;

	v = reallocarray(c->profiles, c->nprofiles + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	c->profiles = v;
	p = &v[c->nprofiles];
	memset(p, 0, sizeof(*p));
	if ((p->name = strdup(name)) == NULL)
		return NULL;
	p->price_in = p->price_out = -1;
	p->context_tokens = MISTRAL_SMALL_CONTEXT;
	c->nprofiles++;
	return p;
}

void
ms_config_init(struct ms_config *c)
{
	struct ms_profile *p;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->jobs = 4;
	c->retries = 3;
	c->connect_timeout = 10;
	c->idle_timeout = 60;
	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if ((p = profile_add(c, builtins[i].name)) == NULL)
			return;
		p->base_url = xstrdup(builtins[i].url);
		p->model = xstrdup(builtins[i].model);
		p->key_var = builtins[i].key_var;
		p->needs_key = builtins[i].key_var != NULL;
		/* Local servers take no key: MS_API_KEY is not for them. */
		p->auth_none = !p->needs_key;
		p->dialect = builtins[i].dialect;
		p->has_dialect = 1;
		p->price_in = builtins[i].price_in;
		p->price_out = builtins[i].price_out;
		p->context_tokens = MISTRAL_SMALL_CONTEXT;
		p->builtin = 1;
		p->default_model = builtins[i].model;
		p->tokenizer = builtins[i].tokenizer;
	}
}

void
ms_config_release(struct ms_config *c)
{
	size_t i;

	for (i = 0; i < c->nprofiles; i++)
		profile_free(&c->profiles[i]);
	free(c->profiles);
	free(c->path);
	free(c->profile);
	free(c->model);
	free(c->base_url);
	memset(c, 0, sizeof(*c));
}

struct ms_profile *
ms_config_profile(struct ms_config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nprofiles; i++)
		if (strcmp(c->profiles[i].name, name) == 0)
			return &c->profiles[i];
	return NULL;
}

/* Parser state: where we are, for messages. */
struct cparse {
	struct ms_config *c;
	const char *name;
	size_t line;
	struct ms_profile *prof; /* NULL: [default] */
	int insection;
	struct ms_error *err;
};

static int
bad(struct cparse *p, const char *what, const char *key, const char *val)
{
	return ms_error_set(p->err, MS_ECONFIG, "%s:%zu: %s '%s' for %s",
	    p->name, p->line, what, val, key);
}

static int
num(struct cparse *p, const char *key, const char *val, long long lo,
    long long hi, long *out)
{
	const char *e;
	long long v;

	v = strtonum(val, lo, hi, &e);
	if (e != NULL)
		return bad(p, "bad number", key, val);
	*out = (long)v;
	return 0;
}

static int
real(struct cparse *p, const char *key, const char *val, double lo, double hi,
    double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(val, &end);
	if (errno != 0 || end == val || *end != '\0' || !(v >= lo) ||
	    !(v <= hi))
		return bad(p, "bad number", key, val);
	*out = v;
	return 0;
}

static int
setstr(char **dst, const char *val)
{
	char *s;

	if ((s = strdup(val)) == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int
boolean(struct cparse *p, const char *key, const char *val, int *out)
{
	if (strcmp(val, "true") == 0 || strcmp(val, "yes") == 0 ||
	    strcmp(val, "1") == 0 || strcmp(val, "on") == 0)
		*out = 1;
	else if (strcmp(val, "false") == 0 || strcmp(val, "no") == 0 ||
	    strcmp(val, "0") == 0 || strcmp(val, "off") == 0)
		*out = 0;
	else
		return bad(p, "bad boolean", key, val);
	return 0;
}

static int
default_key(struct cparse *p, const char *k, const char *v)
{
	struct ms_config *c = p->c;
	int rc = 0;

	if (strcmp(k, "profile") == 0)
		rc = setstr(&c->profile, v);
	else if (strcmp(k, "model") == 0)
		rc = setstr(&c->model, v);
	else if (strcmp(k, "base_url") == 0)
		rc = setstr(&c->base_url, v);
	else if (strcmp(k, "jobs") == 0)
		return num(p, k, v, 1, 64, &c->jobs);
	else if (strcmp(k, "retries") == 0)
		return num(p, k, v, 0, 100, &c->retries);
	else if (strcmp(k, "timeout") == 0)
		return real(p, k, v, 0, 1e6, &c->timeout);
	else if (strcmp(k, "connect_timeout") == 0)
		return real(p, k, v, 0, 1e6, &c->connect_timeout);
	else if (strcmp(k, "idle_timeout") == 0)
		return real(p, k, v, 0, 1e6, &c->idle_timeout);
	else if (strcmp(k, "context_tokens") == 0)
		return num(p, k, v, 256, 100000000, &c->context_tokens);
	else if (strcmp(k, "keep_on_error") == 0)
		return boolean(p, k, v, &c->keep_on_error);
	else
		return ms_error_set(p->err, MS_ECONFIG,
		    "%s:%zu: unknown key '%s' in [default]", p->name, p->line,
		    k);
	if (rc == -1)
		return ms_error_set(p->err, MS_ESOFTWARE, "out of memory");
	return 0;
}

/*
 * Whether the value of api_key_env, api_key_cmd or api_key_file looks
 * like a key pasted there by mistake, to be refused before it is run or
 * shown: it starts with "sk-" (OpenAI, OpenRouter, Anthropic, DeepSeek),
 * or it is one word of 20 or more letters, digits, '_' and '-' with a
 * digit and a lower-case letter in it (Mistral's 32 random letters and
 * digits, a hex key).  A variable name in capitals (MY_API_KEY_2), a path
 * (it has a '/') or a command with arguments (a blank) is never one.
 */
static int
keylike(const char *v)
{
	size_t n;
	int digit = 0, lower = 0;

	if (strncmp(v, "sk-", 3) == 0)
		return 1;
	for (n = 0; v[n] != '\0'; n++) {
		if (!isalnum((unsigned char)v[n]) && v[n] != '_' && v[n] != '-')
			return 0;
		digit |= isdigit((unsigned char)v[n]) != 0;
		lower |= islower((unsigned char)v[n]) != 0;
	}
	return n >= 20 && digit && lower;
}

static int
profile_key(struct cparse *p, const char *k, const char *v)
{
	struct ms_profile *f = p->prof;
	int rc = 0;

	if (strcmp(k, "base_url") == 0) {
		rc = setstr(&f->base_url, v);
		f->set_base_url = 1;
	} else if (strcmp(k, "model") == 0) {
		rc = setstr(&f->model, v);
		f->set_model = 1;
	} else if (strncmp(k, "api_key_", 8) == 0 && keylike(v))
		return ms_error_set(p->err, MS_ECONFIG,
		    "%s:%zu: %s looks like a key itself; it %s (a key goes "
		    "in api_key, or better api_key_file)",
		    p->name, p->line, k,
		    strcmp(k, "api_key_env") == 0 ? "names a variable"
			: strcmp(k, "api_key_cmd") == 0
			? "is a command that prints the key"
			: "names a file");
	else if (strcmp(k, "api_key_env") == 0)
		rc = setstr(&f->api_key_env, v);
	else if (strcmp(k, "api_key_cmd") == 0)
		rc = setstr(&f->api_key_cmd, v);
	else if (strcmp(k, "api_key_file") == 0)
		rc = setstr(&f->api_key_file, v);
	else if (strcmp(k, "api_key") == 0) {
		p->c->holds_key = 1;
		if (f->api_key != NULL)
			explicit_bzero(f->api_key, strlen(f->api_key));
		rc = setstr(&f->api_key, v);
	} else if (strcmp(k, "app_title") == 0)
		rc = setstr(&f->app_title, v);
	else if (strcmp(k, "app_url") == 0)
		rc = setstr(&f->app_url, v);
	else if (strcmp(k, "ca_file") == 0 || strcmp(k, "ca_path") == 0) {
		if (*v == '\0')
			return ms_error_set(p->err, MS_ECONFIG,
			    "%s:%zu: %s is empty", p->name, p->line, k);
		rc = setstr(k[3] == 'f' ? &f->ca_file : &f->ca_path, v);
	} else if (strcmp(k, "proxy") == 0)
		rc = setstr(&f->proxy, v);
	else if (strcmp(k, "context_tokens") == 0) {
		f->set_context = 1;
		return num(p, k, v, 256, 100000000, &f->context_tokens);
	} else if (strcmp(k, "price_in") == 0)
		return real(p, k, v, 0, 1e6, &f->price_in);
	else if (strcmp(k, "price_out") == 0)
		return real(p, k, v, 0, 1e6, &f->price_out);
	else if (strcmp(k, "auth") == 0) {
		if (strcmp(v, "none") == 0)
			f->auth_none = 1;
		else if (strcmp(v, "bearer") == 0)
			f->auth_none = 0;
		else
			return bad(p, "unknown auth", k, v);
	} else if (strcmp(k, "dialect") == 0) {
		if (ms_dialect_parse(v, &f->dialect) == -1)
			return bad(p, "unknown dialect", k, v);
		f->has_dialect = 1;
	} else if (strcmp(k, "tokenizer") == 0) {
		if (ms_tokenizer_parse(v, &f->tokenizer) == -1)
			return bad(p, "unknown tokenizer", k, v);
		f->set_tokenizer = 1;
	} else
		return ms_error_set(p->err, MS_ECONFIG,
		    "%s:%zu: unknown key '%s' in [profile %s]", p->name,
		    p->line, k, f->name);
	if (rc == -1)
		return ms_error_set(p->err, MS_ESOFTWARE, "out of memory");
	return 0;
}

static int
validname(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

static int
section(struct cparse *p, char *s, size_t n)
{
	char *name;

	s[n - 1] = '\0';
	s++;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	p->insection = 1;
	if (strcmp(s, "default") == 0) {
		p->prof = NULL;
		return 0;
	}
	if (strncmp(s, "profile", 7) == 0 && isspace((unsigned char)s[7])) {
		name = s + 8;
		while (isspace((unsigned char)*name))
			name++;
		if (!validname(name))
			return ms_error_set(p->err, MS_ECONFIG,
			    "%s:%zu: bad profile name '%s'", p->name, p->line,
			    name);
		if ((p->prof = ms_config_profile(p->c, name)) == NULL &&
		    (p->prof = profile_add(p->c, name)) == NULL)
			return ms_error_set(
			    p->err, MS_ESOFTWARE, "out of memory");
		return 0;
	}
	return ms_error_set(p->err, MS_ECONFIG,
	    "%s:%zu: unknown section "
	    "'[%s]'",
	    p->name, p->line, s);
}

static int
cline(struct cparse *p, char *s)
{
	char *eq, *k, *v;
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (s[0] == '[') {
		if (s[n - 1] != ']')
			return ms_error_set(p->err, MS_ECONFIG,
			    "%s:%zu: unterminated section header", p->name,
			    p->line);
		return section(p, s, n);
	}
	if ((eq = strchr(s, '=')) == NULL)
		return ms_error_set(p->err, MS_ECONFIG,
		    "%s:%zu: expected 'key = value'", p->name, p->line);
	if (!p->insection)
		return ms_error_set(p->err, MS_ECONFIG,
		    "%s:%zu: key outside a section", p->name, p->line);
	*eq = '\0';
	k = s;
	n = strlen(k);
	while (n > 0 && isspace((unsigned char)k[n - 1]))
		k[--n] = '\0';
	v = eq + 1;
	while (isspace((unsigned char)*v))
		v++;
	if (n == 0)
		return ms_error_set(
		    p->err, MS_ECONFIG, "%s:%zu: empty key", p->name, p->line);
	return p->prof ? profile_key(p, k, v) : default_key(p, k, v);
}

int
ms_config_parse(struct ms_config *c, const char *text, size_t len,
    const char *name, struct ms_error *err)
{
	struct cparse p = { c, name, 0, NULL, 0, err };
	struct ms_buf line;
	const char *s = text, *e, *end = text + len;
	int rc = 0;

	ms_buf_init(&line);
	/* A UTF-8 byte order mark, as some editors write: not text. */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end && rc == 0) {
		p.line++;
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		ms_buf_reset(&line);
		if (ms_buf_add(&line, s, (size_t)(e - s)) == -1) {
			rc = ms_error_set(err, MS_ESOFTWARE, "out of memory");
			break;
		}
		if (strlen(line.data) != line.len)
			rc = ms_error_set(err, MS_ECONFIG,
			    "%s:%zu: NUL byte in the file", name, p.line);
		else
			rc = cline(&p, line.data);
		s = e + 1;
	}
	ms_buf_wipe(&line);
	return rc;
}

/* The biggest config or key file read. */
#define FILE_MAX (1 << 20)

/* Whether st is /dev/null's: the one device read as a file, empty. */
static int
devnull(const struct stat *st)
{
	struct stat dn;

	return S_ISCHR(st->st_mode) && stat("/dev/null", &dn) == 0 &&
	    S_ISCHR(dn.st_mode) && dn.st_rdev == st->st_rdev;
}

/*
 * Read a config or key file: a regular file, or /dev/null, read as empty
 * (MS_CONFIG=/dev/null: no config file); a FIFO or another device is no
 * place for either.  What stat finds is refused before it is opened
 * (opening a FIFO waits for a writer; opening a device may do something),
 * and what was opened, without waiting (O_NONBLOCK), is checked again, in
 * case the path changed in between.  -1 with errno set, EINVAL for a file
 * of the wrong type.
 */
static int
slurp(const char *path, struct ms_buf *b, struct stat *st)
{
	int fd, e, rc = -1;

	if (b->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (stat(path, st) == 0 && !S_ISREG(st->st_mode) && !devnull(st)) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1)
		goto out;
	if (devnull(st)) {
		rc = 0;
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		goto out;
	}
	if (fcntl(fd, F_SETFL, 0) == -1 ||
	    ms_file_readfd(fd, FILE_MAX, b) == -1)
		goto out;
	rc = 0;
out:
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
ms_config_dir(struct ms_buf *out, const char *xdg_config_home, const char *home)
{
	ms_buf_reset(out);
	if (xdg_config_home != NULL && *xdg_config_home == '/')
		ms_buf_printf(out, "%s/ms", xdg_config_home);
	else if (home != NULL && *home != '\0')
		ms_buf_printf(out, "%s/.config/ms", home);
	else
		return -1;
	if (out->oom) {
		ms_buf_reset(out);
		return -1;
	}
	return 0;
}

int
ms_config_load(
    struct ms_config *c, const char *path, int named, struct ms_error *err)
{
	struct ms_buf b;
	struct stat st;
	int rc;

	if (path == NULL || *path == '\0')
		return 0;
	ms_buf_init(&b);
	if (slurp(path, &b, &st) == -1) {
		rc = 0;
		if (b.oom)
			rc = ms_error_set(err, MS_ESOFTWARE, "out of memory");
		else if (named || errno != ENOENT)
			rc = ms_error_set(err, MS_ECONFIG,
			    "cannot read config '%s': %s", path,
			    strerror(errno));
		ms_buf_wipe(&b);
		return rc;
	}
	/* Whoever may write it may set api_key_cmd, or base_url. */
	if (S_ISREG(st.st_mode) && (st.st_mode & 022) != 0) {
		ms_buf_wipe(&b);
		return ms_error_set(err, MS_ECONFIG,
		    "config '%s' is writable by others; chmod go-w it", path);
	}
	free(c->path);
	if ((c->path = strdup(path)) == NULL) {
		ms_buf_wipe(&b);
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	}
	rc = ms_config_parse(c, b.data, b.len, path, err);
	ms_buf_wipe(&b);
	if (rc == 0 && c->holds_key && (st.st_mode & 077) != 0)
		rc = ms_error_set(err, MS_ECONFIG,
		    "config '%s' holds an "
		    "API key and is readable by others; chmod 600 it",
		    path);
	return rc;
}

/* The first line of s, without its end, into key. */
static int
firstline(const char *s, size_t n, struct ms_buf *key)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\n' && s[i] != '\r'; i++)
		;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	ms_buf_reset(key);
	return ms_buf_add(key, s, i);
}

/* The first line of s as the key, or "out of memory". */
static int
keyline(const char *s, size_t n, struct ms_buf *key, struct ms_error *err)
{
	if (firstline(s, n, key) == -1)
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	return 0;
}

/*
 * Run api_key_cmd with sh -c: its stdin is /dev/null, for the tool's own
 * stdin is the input, which a command such as "ssh host cat key" would
 * otherwise eat; its stdout is a pipe read here; its stderr is ours, for
 * a password prompt or a message.
 */
static int
key_cmd(const char *cmd, struct ms_buf *key, struct ms_error *err)
{
	extern char **environ;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t none, def;
	struct ms_buf out;
	ssize_t n;
	pid_t pid;
	int fd[2], st, rc, e;

	if (pipe2(fd, O_CLOEXEC) == -1)
		return ms_error_set(err, MS_ECONFIG,
		    "cannot run api_key_cmd: %s", strerror(errno));
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawnattr_init(&sa);
	/* As a shell would start it: no signal blocked, SIGPIPE default. */
	posix_spawnattr_setsigmask(&sa, &none);
	posix_spawnattr_setsigdefault(&sa, &def);
	posix_spawnattr_setflags(
	    &sa, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	fflush(NULL);
	e = posix_spawn(&pid, "/bin/sh", &fa, &sa, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	close(fd[1]);
	if (e != 0) {
		close(fd[0]);
		return ms_error_set(
		    err, MS_ECONFIG, "cannot run api_key_cmd: %s", strerror(e));
	}
	ms_buf_init(&out);
	/*
	 * Read to the end (the command must not die of SIGPIPE), keep 64K,
	 * straight into the buffer: no copy of the key left on the stack.
	 */
	for (;;) {
		if (out.len < 65536 && ms_buf_grow(&out, 4096) == 0)
			n = read(fd[0], out.data + out.len, 4096);
		else {
			char skip[512];

			n = read(fd[0], skip, sizeof(skip));
			explicit_bzero(skip, sizeof(skip));
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out.len < 65536 && !out.oom) {
			out.len += (size_t)n;
			out.data[out.len] = '\0';
		}
	}
	close(fd[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (st != 0) {
		ms_buf_wipe(&out);
		return ms_error_set(err, MS_ECONFIG,
		    "api_key_cmd failed (status %d)",
		    WIFEXITED(st)	  ? WEXITSTATUS(st)
			: WIFSIGNALED(st) ? 128 + WTERMSIG(st)
					  : st);
	}
	/* One check for every grow above. */
	if (out.oom)
		rc = ms_error_set(err, MS_ESOFTWARE, "out of memory");
	else
		rc = keyline(out.data, out.len, key, err);
	ms_buf_wipe(&out);
	return rc;
}

static int
key_file(const char *path, const char *home, struct ms_buf *key,
    struct ms_error *err)
{
	struct ms_buf b, pb;
	struct stat st;
	int rc = -1;

	ms_buf_init(&pb);
	ms_buf_init(&b);
	if (path[0] == '~' && path[1] == '/' && home != NULL) {
		if (ms_buf_printf(&pb, "%s%s", home, path + 1) == -1) {
			ms_error_set(err, MS_ESOFTWARE, "out of memory");
			goto out;
		}
		path = pb.data;
	}
	if (slurp(path, &b, &st) == -1) {
		if (b.oom)
			ms_error_set(err, MS_ESOFTWARE, "out of memory");
		else
			ms_error_set(err, MS_ECONFIG,
			    "cannot read key file '%s': %s", path,
			    strerror(errno));
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		ms_error_set(err, MS_ECONFIG,
		    "key file '%s' is readable by "
		    "others; chmod 600 it",
		    path);
		goto out;
	}
	/* A UTF-8 byte order mark is not part of the key. */
	if (b.len >= 3 && memcmp(b.data, "\xef\xbb\xbf", 3) == 0)
		rc = keyline(b.data + 3, b.len - 3, key, err);
	else
		rc = keyline(b.data, b.len, key, err);
out:
	ms_buf_wipe(&b);
	ms_buf_release(&pb);
	return rc;
}

/* An empty variable counts as unset, as it always did with getenv. */
static int
isset(const char *v)
{
	return v != NULL && *v != '\0';
}

int
ms_profile_key(const struct ms_profile *p, const struct ms_key_env *env,
    struct ms_buf *key, struct ms_error *err)
{
	static const struct ms_key_env none;

	if (env == NULL)
		env = &none;
	ms_buf_reset(key);
	if (key->oom)
		return ms_error_set(err, MS_ESOFTWARE, "out of memory");
	if (isset(env->override))
		return keyline(env->override, strlen(env->override), key, err);
	if (p->api_key_env != NULL) {
		if (!isset(env->named))
			return ms_error_set(err, MS_ECONFIG,
			    "no API key: "
			    "%s (api_key_env of profile '%s') is not set",
			    p->api_key_env, p->name);
		return keyline(env->named, strlen(env->named), key, err);
	}
	if (p->api_key_cmd != NULL)
		return key_cmd(p->api_key_cmd, key, err);
	if (p->api_key_file != NULL)
		return key_file(p->api_key_file, env->home, key, err);
	if (p->api_key != NULL)
		return keyline(p->api_key, strlen(p->api_key), key, err);
	if (p->key_var != NULL && isset(env->builtin))
		return keyline(env->builtin, strlen(env->builtin), key, err);
	return 0;
}

int
ms_url_host(const char *url, char *out, size_t outsz)
{
	CURLU *u;
	char *h = NULL;
	size_t i;
	int rc = -1;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		for (i = 0; h[i] && i + 1 < outsz; i++)
			out[i] = (char)tolower((unsigned char)h[i]);
		out[i] = '\0';
		rc = 0;
		curl_free(h);
	}
	curl_url_cleanup(u);
	return rc;
}

int
ms_url_is_loopback(const char *url)
{
	char h[256];
	int a, b, c, d;
	char extra;

	if (ms_url_host(url, h, sizeof(h)) == -1)
		return 0;
	if (strcmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 ||
	    strcmp(h, "::1") == 0)
		return 1;
	if (sscanf(h, "%d.%d.%d.%d%c", &a, &b, &c, &d, &extra) == 4 &&
	    a == 127 && b >= 0 && b < 256 && c >= 0 && c < 256 && d >= 0 &&
	    d < 256)
		return 1;
	return 0;
}

/*
 * Proxies: which one a request goes through, decided as libcurl decides
 * from the environment's variables (given by the caller: the library reads
 * no environment), and whether the key may travel that way (SPEC 3).
 */

/* An empty variable is no variable, as for curl_getenv. */
static const char *
var(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

/* One IPv4 or IPv6 address against a network of bits bits (0: all). */
static int
cidr_match(int af, const char *ip, const char *net, unsigned bits)
{
	unsigned char a[16], n[16];
	unsigned i, len = af == AF_INET ? 4 : 16;

	if (inet_pton(af, ip, a) != 1 || inet_pton(af, net, n) != 1)
		return 0;
	if (bits == 0)
		bits = len * 8;
	if (bits > len * 8)
		return 0;
	for (i = 0; i < bits / 8; i++)
		if (a[i] != n[i])
			return 0;
	if (bits % 8 != 0 &&
	    ((a[i] ^ n[i]) & (0xff << (8 - bits % 8)) & 0xff) != 0)
		return 0;
	return 1;
}

/* The type of a host name, as no_proxy compares it. */
enum { NAME_HOST, NAME_IPV4, NAME_IPV6 };

/*
 * Whether one no_proxy token (tok, n bytes) covers host (lower-case, IPv6
 * without brackets, of type type) at port.  As libcurl: a name matches
 * itself and its subdomains ("example.com" and ".example.com" both match
 * "example.com" and "www.example.com", not "notexample.com"), trailing
 * dots ignored; an address matches an address or a network in CIDR
 * notation ("10.0.0.0/8", "::1/128").  A token with a port ("host:8080",
 * "[::1]:8080") matches only that port; libcurl 7.88 compares such a
 * token whole against the host name, so that it never matches, but the
 * decision made here is the one libcurl is given (CURLOPT_PROXY and
 * CURLOPT_NOPROXY), so the two cannot disagree.
 */
static int
token_match(const char *tok, size_t n, const char *host, int type, long port)
{
	char t[256], *colon, *slash, *end;
	size_t hn = strlen(host);
	long tport = -1;

	if (n == 0 || n >= sizeof(t))
		return 0;
	memcpy(t, tok, n);
	t[n] = '\0';
	/* A port: after "]" for a bracketed address, else after one ':'. */
	if (t[0] == '[') {
		if ((end = strchr(t, ']')) == NULL)
			return 0;
		if (end[1] == ':')
			tport = strtol(end + 2, NULL, 10);
		else if (end[1] != '\0')
			return 0;
		*end = '\0';
		memmove(t, t + 1, strlen(t + 1) + 1);
	} else if ((colon = strchr(t, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		tport = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end != '\0' || tport <= 0)
			return 0;
		*colon = '\0';
	}
	if (tport != -1 && tport != port)
		return 0;
	n = strlen(t);
	if (type != NAME_HOST) {
		unsigned bits = 0;

		if ((slash = strchr(t, '/')) != NULL) {
			bits = (unsigned)strtoul(slash + 1, NULL, 10);
			*slash = '\0';
			if (bits == 0)
				return 0;
		}
		return cidr_match(
		    type == NAME_IPV4 ? AF_INET : AF_INET6, host, t, bits);
	}
	if (n > 0 && t[n - 1] == '.')
		t[--n] = '\0';
	if (n > 0 && t[0] == '.')
		memmove(t, t + 1, n--);
	if (hn > 0 && host[hn - 1] == '.')
		hn--;
	if (n == 0)
		return 0;
	if (n == hn)
		return strncasecmp(t, host, n) == 0;
	return n < hn && host[hn - n - 1] == '.' &&
	    strncasecmp(t, host + hn - n, n) == 0;
}

/* Whether no_proxy (a list split by commas and blanks) covers host. */
static int
no_proxy_match(const char *list, const char *host, long port)
{
	char name[256];
	unsigned char a[16];
	const char *p, *tok;
	size_t n;
	int type = NAME_HOST;

	if (list == NULL)
		return 0;
	if (strcmp(list, "*") == 0)
		return 1;
	if (host[0] == '[') {
		n = strcspn(host + 1, "]");
		if (n >= sizeof(name))
			return 0;
		memcpy(name, host + 1, n);
		name[n] = '\0';
		type = NAME_IPV6;
	} else {
		strlcpy(name, host, sizeof(name));
		if (inet_pton(AF_INET, name, a) == 1)
			type = NAME_IPV4;
	}
	for (p = list; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		tok = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
			p++;
		if (token_match(tok, (size_t)(p - tok), name, type, port))
			return 1;
	}
	return 0;
}

int
ms_proxy_for(
    const char *url, const struct ms_proxy_env *env, char *out, size_t outsz)
{
	static const struct ms_proxy_env none;
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	const char *proxy = NULL, *np;
	long portnum = 0;
	int rc = -1;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (env == NULL)
		env = &none;
	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		CURLUE_OK)
		goto out;
	portnum = strtol(port, NULL, 10);
	/*
	 * The profile's proxy, else the scheme's own variable, then
	 * all_proxy.  For http only the lower-case http_proxy, as curl: a
	 * CGI program finds HTTP_PROXY set from a request's "Proxy:" header
	 * ("httpoxy").
	 */
	if (env->profile != NULL)
		proxy = var(env->profile);
	else if (strcasecmp(scheme, "http") == 0)
		proxy = var(env->http_proxy);
	else if (strcasecmp(scheme, "https") == 0 &&
	    (proxy = var(env->https_proxy)) == NULL)
		proxy = var(env->HTTPS_PROXY);
	if (proxy == NULL && env->profile == NULL &&
	    (proxy = var(env->all_proxy)) == NULL)
		proxy = var(env->ALL_PROXY);
	if ((np = var(env->no_proxy)) == NULL)
		np = var(env->NO_PROXY);
	if (proxy == NULL || no_proxy_match(np, host, portnum))
		rc = 0;
	else if (strlcpy(out, proxy, outsz) < outsz)
		rc = 1;
	else
		out[0] = '\0';
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/*
 * The proxy as it may be shown: without a user name and password
 * ("http://user:pw@host:3128" gives "http://host:3128").
 */
static void
shown(const char *proxy, char *out, size_t outsz)
{
	const char *s = strstr(proxy, "://"), *at, *end;
	size_t n;

	s = s != NULL ? s + 3 : proxy;
	end = s + strcspn(s, "/?#");
	for (at = end; at > s && at[-1] != '@'; at--)
		;
	n = (size_t)(s - proxy);
	snprintf(out, outsz, "%.*s%s", (int)n, proxy, at > s ? at : s);
}

/* Whether a proxy (with or without a scheme) is on a loopback host. */
static int
proxy_is_loopback(const char *proxy)
{
	struct ms_buf url;
	const char *s = strstr(proxy, "://");
	int rc;

	/* Only the host counts: read it as if the scheme were http. */
	ms_buf_init(&url);
	ms_buf_printf(&url, "http://%s", s != NULL ? s + 3 : proxy);
	rc = !url.oom && ms_url_is_loopback(url.data);
	ms_buf_release(&url);
	return rc;
}

int
ms_proxy_check(const char *url, const char *key, const struct ms_proxy_env *env,
    struct ms_error *err)
{
	char proxy[1024], show[1024];
	int r;

	if ((r = ms_proxy_for(url, env, proxy, sizeof(proxy))) == -1)
		return ms_error_set(err, MS_ECONFIG,
		    "cannot tell the proxy for '%s' (a bad URL, or a proxy "
		    "variable over %zu bytes)",
		    url, sizeof(proxy) - 1);
	/* No key, or TLS to the endpoint: a proxy sees only a tunnel. */
	if (key == NULL || *key == '\0' || strncasecmp(url, "https://", 8) == 0)
		return 0;
	if (!ms_url_is_loopback(url))
		return ms_error_set(err, MS_ECONFIG,
		    "refusing to send the API key over plain http to '%s'; "
		    "use https",
		    url);
	if (r == 1 && !proxy_is_loopback(proxy)) {
		shown(proxy, show, sizeof(show));
		return ms_error_set(err, MS_ECONFIG,
		    "refusing to send the API key over plain http through "
		    "the proxy '%s'; use https, or set no_proxy",
		    show);
	}
	return 0;
}

enum ms_dialect
ms_dialect_for(const struct ms_profile *p, const char *url)
{
	char h[256];

	if (ms_url_host(url, h, sizeof(h)) == 0) {
		if (strcmp(h, "openrouter.ai") == 0)
			return MS_DIALECT_OPENROUTER;
		if (strcmp(h, "api.mistral.ai") == 0)
			return MS_DIALECT_MISTRAL;
	}
	return p->has_dialect ? p->dialect : MS_DIALECT_OPENAI;
}

enum ms_tokenizer
ms_tokenizer_for(const struct ms_profile *p, const char *model, int *why)
{
	if (p->set_tokenizer) {
		*why = MS_TOKENIZER_SET;
		return p->tokenizer;
	}
	if (p->default_model != NULL && model != NULL &&
	    strcmp(model, p->default_model) == 0) {
		*why = MS_TOKENIZER_DEFAULT;
		return p->tokenizer;
	}
	*why = MS_TOKENIZER_OTHER;
	return MS_TOKENIZER_ESTIMATE;
}
