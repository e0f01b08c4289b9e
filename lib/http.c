/*
 * http.c: chat-completion requests over libcurl's multi interface, in one
 * thread, as many at once as asked; each streamed through the SSE parser
 * into its answer handler, each with the retry policy of SPEC 6.
 */
#include <sys/time.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <curl/curl.h>

#include "ms.h"
#include "errbody.h"
#include "ms_test.h"

/* An error body is read this far, for its message. */
#define MAX_ERRBODY (64 * 1024)
#define MAX_RETRY_AFTER_MS (600L * 1000)
#define POLL_MS 50

/* What a 200 answer turned out to be. */
enum { MODE_UNKNOWN, MODE_SSE, MODE_JSON, MODE_OTHER };

struct transfer;

/* A call in the engine: its place in a queue, its tries. */
struct job {
	struct ms_call *call;
	struct transfer *x; /* the attempt running, or NULL */
	int attempt;	    /* of the call, 0 for the first */
	double wake;	    /* waiting: when to try again */
	struct job *next;   /* in the ready, waiting or active list */
};

/* One attempt's state, shared with libcurl's callbacks. */
struct transfer {
	const struct ms_http_opts *opts;
	struct job *job;
	char errbuf[CURL_ERROR_SIZE];
	double start;
	double last; /* when the last byte came, for --idle-timeout */
	int idle;    /* stopped for silence */
	struct ms_resp *resp;
	struct ms_sse sse;
	struct ms_buf body; /* JSON answer or error body */
	struct ms_error *err;
	CURL *h;
	long status;
	int mode;
	int failed; /* the answer handler stopped the transfer */
	int enough; /* stopped: what was read of the body is all it takes */
	int got_bytes;
	long events; /* SSE events read */
	char ctype[128];
	char retry_after[128];
	char location[256];
};

int
ms_http_global_init(struct ms_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ms_error_set(
		    err, MS_ESOFTWARE, "cannot initialise libcurl");
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void logf_(const struct ms_http_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
logf_(const struct ms_http_opts *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (o->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->log(o->log_arg, line);
}

/*
 * Copy a header's value, trimmed, if the line is that header: cleaned, as
 * everything from the server that a message may show.
 */
static int
header_is(const char *line, size_t n, const char *name, char *out, size_t outsz)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	msi_clean(out, outsz, line + k + 1, n - k - 1);
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *x = arg;
	size_t len = size * n;

	x->last = now();
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue): forget the last one. */
		x->ctype[0] = x->retry_after[0] = x->location[0] = '\0';
		return len;
	}
	if (!header_is(p, len, "content-type", x->ctype, sizeof(x->ctype)) &&
	    !header_is(
		p, len, "retry-after", x->retry_after, sizeof(x->retry_after)))
		header_is(p, len, "location", x->location, sizeof(x->location));
	return len;
}

/*
 * Take every complete event out of the parser, then flush: what one read
 * brought is written at once, in one write, even when an event failed.
 */
static int
drain(struct transfer *x)
{
	struct ms_sse_event ev;
	int rc;

	while ((rc = ms_sse_next(&x->sse, &ev)) == 1) {
		x->events++;
		if (ms_resp_event(x->resp, &ev, x->err) == -1)
			break;
	}
	if (rc == -1 && x->sse.error == MS_SSE_ELINE)
		ms_error_set(x->err, MS_EPROTOCOL,
		    "a line of the event stream is longer than %d MiB "
		    "(the limit)",
		    MS_MAX_SSE_LINE >> 20);
	else if (rc == -1 && x->sse.error == MS_SSE_EEVENT)
		ms_error_set(x->err, MS_EPROTOCOL,
		    "an event of the stream is larger than %d MiB (the limit)",
		    MS_MAX_SSE_EVENT >> 20);
	else if (rc == -1)
		ms_error_set(x->err, MS_ESOFTWARE, "out of memory");
	/* The first error is the one told. */
	if (ms_resp_flush(x->resp, rc == 0 ? x->err : NULL) == -1 || rc != 0)
		return -1;
	return 0;
}

/*
 * Keep the start of a body, for a message: 1 when it is all that will be
 * kept (out of memory, it is cut short).
 */
static int
keep_start(struct transfer *x, const char *p, size_t len)
{
	size_t room = MAX_ERRBODY - x->body.len;

	ms_buf_add(&x->body, p, len < room ? len : room);
	return len >= room;
}

/*
 * libcurl hands over the body decompressed: the limits count what a
 * small compressed body can grow into.
 */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *x = arg;
	size_t len = size * n, i;

	x->got_bytes = 1;
	x->last = now();
	if (x->status == 0)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status < 200 || x->status > 299) {
		/* Only for the message: its start is enough. */
		if (keep_start(x, p, len)) {
			x->enough = 1;
			return 0;
		}
		return len;
	}
	if (x->mode == MODE_UNKNOWN) {
		if (strcasestr(x->ctype, "event-stream") != NULL)
			x->mode = MODE_SSE;
		else if (strcasestr(x->ctype, "json") != NULL)
			x->mode = MODE_JSON;
		else {
			for (i = 0; i < len && strchr(" \t\r\n", p[i]); i++)
				;
			if (i == len)
				return len; /* decide on the next bytes */
			if (p[i] == '{')
				x->mode = MODE_JSON;
			else if (p[i] == ':' ||
			    strncmp(p + i,
				"data:", len - i < 5 ? len - i : 5) == 0 ||
			    strncmp(p + i,
				"event:", len - i < 6 ? len - i : 6) == 0)
				x->mode = MODE_SSE;
			else
				x->mode = MODE_OTHER;
		}
	}
	if (x->mode == MODE_OTHER) {
		/* Not an answer: its start is enough for the message. */
		if (keep_start(x, p, len)) {
			x->enough = 1;
			return 0;
		}
		return len;
	}
	if (x->mode == MODE_JSON) {
		if (len > MS_MAX_BODY - x->body.len) {
			ms_error_set(x->err, MS_EPROTOCOL,
			    "the answer is larger than %d MiB (the limit for "
			    "an answer not streamed)",
			    MS_MAX_BODY >> 20);
			x->failed = 1;
			return 0;
		}
		if (ms_buf_add(&x->body, p, len) == -1) {
			ms_error_set(x->err, MS_ESOFTWARE, "out of memory");
			x->failed = 1;
			return 0;
		}
		return len;
	}
	/* A stream with no event yet may be a JSON body after all. */
	if (x->events == 0)
		keep_start(x, p, len);
	/* Past a limit, drain hands out the events before it, then fails. */
	ms_sse_feed(&x->sse, p, len);
	if (drain(x) == -1) {
		x->failed = 1;
		return 0;
	}
	return len;
}

static enum ms_errkind
status_kind(long status)
{
	if (status == 401 || status == 402 || status == 403)
		return MS_ENOPERM;
	if (status == 429 || status == 408)
		return MS_ETEMPFAIL;
	return MS_EUNAVAIL;
}

static int
check_url(const struct ms_http_opts *o, struct ms_error *err)
{
	if (strncasecmp(o->base_url, "https://", 8) != 0 &&
	    strncasecmp(o->base_url, "http://", 7) != 0)
		return ms_error_set(err, MS_ECONFIG,
		    "unsupported URL '%s': "
		    "only http and https",
		    o->base_url);
	/* The endpoint and the proxy libcurl is told to use (see setup). */
	return ms_proxy_check(o->base_url, o->key, &o->proxy, err);
}

/* Wipe the Authorization line that libcurl's list holds a copy of. */
static void
headers_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/*
 * Append a line to *l.  A failure is remembered in *bad, for a list with
 * a line missing (the key's, say) must never be sent.
 */
static void
header_add(struct curl_slist **l, int *bad, const char *line)
{
	struct curl_slist *n;

	if (*bad)
		return;
	if ((n = curl_slist_append(*l, line)) == NULL)
		*bad = 1;
	else
		*l = n;
}

/* The request's headers, or NULL when out of memory. */
static struct curl_slist *
headers(const struct ms_http_opts *o, struct ms_buf *auth)
{
	struct curl_slist *l = NULL;
	char line[1024];
	int bad = 0;

	header_add(&l, &bad, "Content-Type: application/json");
	header_add(&l, &bad, "Accept: text/event-stream, application/json");
	header_add(&l, &bad, "Expect:");
	/*
	 * libcurl copies these lines into the request it builds, and frees
	 * that buffer without wiping it: no API reaches that copy.  Ours (auth
	 * and the list) are wiped, by the caller and by headers_free.
	 */
	if (o->key != NULL && o->key[0] != '\0') {
		if (ms_buf_printf(auth, "Authorization: Bearer %s", o->key) ==
		    -1)
			bad = 1;
		header_add(&l, &bad, auth->data);
	}
	if (o->app_url != NULL && o->app_url[0] != '\0') {
		snprintf(line, sizeof(line), "HTTP-Referer: %s", o->app_url);
		header_add(&l, &bad, line);
	}
	if (o->app_title != NULL && o->app_title[0] != '\0') {
		snprintf(line, sizeof(line), "X-Title: %s", o->app_title);
		header_add(&l, &bad, line);
		snprintf(
		    line, sizeof(line), "X-OpenRouter-Title: %s", o->app_title);
		header_add(&l, &bad, line);
	}
	if (bad) {
		headers_free(l);
		return NULL;
	}
	return l;
}

struct ms_http;
static void setup_trust(CURL *, const struct ms_http *);

static void
setup(CURL *h, const struct ms_http *e, const char *url, const char *body,
    size_t len, struct curl_slist *hdrs, long timeout_ms, struct transfer *x)
{
	const struct ms_http_opts *o = x->opts;
	char proxy[1024];

	curl_easy_setopt(h, CURLOPT_URL, url);
	/*
	 * The proxy check_url judged, and no other: "" is none, whatever the
	 * environment says, and an empty no-proxy list keeps libcurl from
	 * reading no_proxy again.  An https URL always goes through a proxy
	 * in a CONNECT tunnel; the option only says so.
	 */
	if (ms_proxy_for(url, &o->proxy, proxy, sizeof(proxy)) == -1)
		proxy[0] = '\0';
	curl_easy_setopt(h, CURLOPT_PROXY, proxy);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "");
	if (strncasecmp(url, "https://", 8) == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
		/*
		 * Wait for the first connection to learn whether the server
		 * multiplexes (HTTP/2): then every call of the job shares it.
		 * Plain http is HTTP/1.1, where it would only delay the others.
		 */
		curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
		setup_trust(h, e);
	}
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ms/" MS_VERSION);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
}

/* The HTTP version an answer came in, as its status line names it. */
static const char *
version(CURL *c)
{
	long v = 0;

	curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &v);
	switch (v) {
	case CURL_HTTP_VERSION_1_0:
		return "HTTP/1.0";
	case CURL_HTTP_VERSION_2_0:
		return "HTTP/2";
#ifdef CURL_HTTP_VERSION_3
	case CURL_HTTP_VERSION_3:
		return "HTTP/3";
#endif
	default:
		return "HTTP/1.1";
	}
}

/* Whether a body starts as a JSON object does, after blanks. */
static int
json_start(const struct ms_buf *b)
{
	size_t i = 0;

	while (i < b->len &&
	    (b->data[i] == ' ' || b->data[i] == '\t' || b->data[i] == '\r' ||
		b->data[i] == '\n'))
		i++;
	return i < b->len && b->data[i] == '{';
}

/* Say where an error found in the answer came from. */
static void
answer_context(struct ms_error *err, const char *base)
{
	char msg[sizeof(err->msg)];

	memcpy(msg, err->msg, sizeof(msg));
	if (err->kind == MS_EUNAVAIL)
		ms_error_set(err, MS_EUNAVAIL,
		    "error in stream from '%s': "
		    "%.900s",
		    base, msg);
	else if (err->kind == MS_EPROTOCOL)
		ms_error_set(err, MS_EPROTOCOL, "bad answer from '%s': %.900s",
		    base, msg);
}

static double
rnd(void)
{
	return (double)arc4random_uniform(1u << 30) / (double)(1u << 30);
}

static int
cancelled(const struct ms_http_opts *o)
{
	return o->cancel != NULL && *o->cancel != 0;
}

struct ms_http {
	struct ms_http_opts o;
	CURLM *m;
	struct curl_slist *hdrs;
	struct ms_buf url;
	struct job *ready; /* to start, in order */
	struct job **ready_end;
	struct job *waiting; /* to retry after their wake time */
	struct job *active;  /* running */
	size_t running, nwaiting, nready;
	double t0;
	int stop;
	int trust_set; /* give libcurl cafile and capath, not its own */
	const char *cafile, *capath;
	char sysdir[PATH_MAX];	   /* the system's hashed directory */
	char trust[PATH_MAX + 64]; /* where they come from, for messages */
};

int
ms__hashed_dir(const char *dir)
{
	struct dirent *e;
	const char *n;
	DIR *d;
	int i, found = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		n = e->d_name;
		for (i = 0; i < 8 && n[i] != '\0' &&
		     strchr("0123456789abcdef", n[i]) != NULL;
		     i++)
			;
		found = i == 8 && n[8] == '.' && isdigit((unsigned char)n[9]);
	}
	closedir(d);
	return found;
}

/*
 * Which CAs to trust: the caller's, else the system's store.  libcurl's
 * default gives OpenSSL the system's bundle, which it parses whole on
 * every run (a few hundred certificates: most of the CPU time of one
 * request); when the system's directory has them by hash, OpenSSL reads
 * only the ones a chain needs.  A system with only a bundle keeps it.
 */
static void
trust_init(struct ms_http *h)
{
	const struct ms_http_opts *o = &h->o;
	char *dir = NULL, *file = NULL;
	CURL *c;

	if (o->ca_file != NULL || o->ca_path != NULL || o->trust != NULL) {
		h->trust_set = 1;
		h->cafile = o->ca_file;
		h->capath = o->ca_path;
		snprintf(h->trust, sizeof(h->trust), "%s",
		    o->trust != NULL ? o->trust : "the ones given");
		return;
	}
	snprintf(h->trust, sizeof(h->trust), "the system's store");
	if ((c = curl_easy_init()) == NULL)
		return;
#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84.0: CURLINFO_CAPATH */
	if (curl_easy_getinfo(c, CURLINFO_CAPATH, &dir) == CURLE_OK &&
	    dir != NULL && strlen(dir) < sizeof(h->sysdir) &&
	    ms__hashed_dir(dir)) {
		memcpy(h->sysdir, dir, strlen(dir) + 1);
		h->trust_set = 1;
		h->cafile = NULL;
		h->capath = h->sysdir;
		snprintf(h->trust, sizeof(h->trust),
		    "the system's store, by hash in %s", h->sysdir);
	} else if (curl_easy_getinfo(c, CURLINFO_CAINFO, &file) == CURLE_OK &&
	    file != NULL)
		snprintf(
		    h->trust, sizeof(h->trust), "the system's store, %s", file);
#endif
	curl_easy_cleanup(c);
}

/* The same trust for the endpoint and for an https proxy. */
static void
setup_trust(CURL *c, const struct ms_http *h)
{
	if (!h->trust_set)
		return;
	/* NULL: none, not libcurl's default. */
	curl_easy_setopt(c, CURLOPT_CAINFO, h->cafile);
	curl_easy_setopt(c, CURLOPT_CAPATH, h->capath);
	curl_easy_setopt(c, CURLOPT_PROXY_CAINFO, h->cafile);
	curl_easy_setopt(c, CURLOPT_PROXY_CAPATH, h->capath);
}

/*
 * A certificate that failed: which host, why in plain words, and where
 * the trusted CAs came from, with the settings that choose others.
 */
static void
tls_error(const struct ms_http *h, CURL *c, CURLcode res, const char *what,
    struct ms_error *err)
{
	char host[256];
	const char *why;
	long vr = 0;

	if (ms_url_host(h->o.base_url, host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "%s", h->o.base_url);
	if (res == CURLE_SSL_CACERT_BADFILE) {
		ms_error_set(err, MS_ECONFIG,
		    "TLS: cannot read the trusted CAs (%s): %s", h->trust,
		    what);
		return;
	}
	curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &vr);
	/* OpenSSL's X509_V_ERR_ codes, stable since 0.9.8. */
	switch (vr) {
	case 9:
		why = "is not valid yet";
		break;
	case 10:
		why = "has expired";
		break;
	case 2:
	case 18:
	case 19:
	case 20:
	case 21:
		why = "is not trusted";
		break;
	case 62:
		why = "is for another name";
		break;
	default:
		/* libcurl checks the name itself, after OpenSSL's checks. */
		why = strstr(what, "subject name") != NULL
		    ? "is for another name"
		    : "cannot be verified";
	}
	if (strncmp(what, "SSL certificate problem: ", 25) == 0)
		what += 25;
	else if (strncmp(what, "SSL: ", 5) == 0)
		what += 5;
	ms_error_set(err, MS_EUNAVAIL,
	    "TLS: the certificate of '%s' %s: %s (trusted CAs: %s; ca_file, "
	    "ca_path, CURL_CA_BUNDLE, SSL_CERT_FILE or SSL_CERT_DIR choose "
	    "others)",
	    host, why, what, h->trust);
}

static void abandon(struct ms_http *);

struct ms_http *
ms_http_new(const struct ms_http_opts *o, struct ms_error *err)
{
	struct ms_http *h;
	struct ms_buf auth;
	size_t n;

	if (check_url(o, err) == -1)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->m = curl_multi_init()) == NULL) {
		free(h);
		ms_error_set(err, MS_ESOFTWARE, "cannot initialise libcurl");
		return NULL;
	}
	h->o = *o;
	h->ready_end = &h->ready;
	ms_buf_init(&h->url);
	n = strlen(o->base_url);
	while (n > 0 && o->base_url[n - 1] == '/')
		n--;
	ms_buf_add(&h->url, o->base_url, n);
	ms_buf_addstr(&h->url, "/chat/completions");
	ms_buf_init(&auth);
	h->hdrs = headers(o, &auth);
	ms_buf_wipe(&auth);
	if (h->hdrs == NULL || h->url.oom) {
		ms_http_free(h);
		ms_error_set(err, MS_ESOFTWARE, "out of memory");
		return NULL;
	}
	if (strncasecmp(o->base_url, "https://", 8) == 0) {
		trust_init(h);
		logf_(o, "TLS: trusted CAs: %s", h->trust);
	}
	h->t0 = now();
	return h;
}

void
ms_http_free(struct ms_http *h)
{
	if (h == NULL)
		return;
	/* Calls added but never run hold a job each. */
	abandon(h);
	headers_free(h->hdrs);
	curl_multi_cleanup(h->m);
	ms_buf_release(&h->url);
	free(h);
}

int
ms_http_add(struct ms_http *h, struct ms_call *c)
{
	struct job *j;

	c->rc = -1;
	ms_error_clear(&c->err);
	memset(&c->st, 0, sizeof(c->st));
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return ms_error_set(&c->err, MS_ESOFTWARE, "out of memory");
	j->call = c;
	*h->ready_end = j;
	h->ready_end = &j->next;
	h->nready++;
	return 0;
}

void
ms_http_stop(struct ms_http *h)
{
	h->stop = 1;
}

/* Start the first ready job. */
static int
start(struct ms_http *h)
{
	struct job *j = h->ready;
	struct ms_call *c = j->call;
	struct transfer *x;
	long timeout_ms = 0;

	if ((h->ready = j->next) == NULL)
		h->ready_end = &h->ready;
	h->nready--;
	j->next = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return ms_error_set(&c->err, MS_ESOFTWARE, "out of memory");
	x->opts = &h->o;
	x->job = j;
	x->resp = c->resp;
	x->err = &c->err;
	ms_sse_init(&x->sse);
	ms_buf_init(&x->body);
	ms_resp_reset(c->resp);
	if (h->o.timeout_ms > 0) {
		timeout_ms = h->o.timeout_ms - (long)((now() - h->t0) * 1000);
		if (timeout_ms <= 0)
			timeout_ms = 1;
	}
	if ((x->h = curl_easy_init()) == NULL) {
		free(x);
		return ms_error_set(
		    &c->err, MS_ESOFTWARE, "cannot initialise libcurl");
	}
	setup(x->h, h, h->url.data, c->body, c->len, h->hdrs, timeout_ms, x);
	logf_(&h->o, "POST %s%s", h->url.data, j->attempt ? " (again)" : "");
	x->start = x->last = now();
	j->x = x;
	curl_multi_add_handle(h->m, x->h);
	j->next = h->active;
	h->active = j;
	h->running++;
	return 0;
}

/* Free what one attempt held. */
static void
end_transfer(struct ms_http *h, struct job *j)
{
	struct transfer *x = j->x;
	struct job **pp;

	if (x == NULL)
		return;
	for (pp = &h->active; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			h->running--;
			break;
		}
	j->next = NULL;
	curl_multi_remove_handle(h->m, x->h);
	curl_easy_cleanup(x->h);
	ms_sse_release(&x->sse);
	ms_buf_release(&x->body);
	free(x);
	j->x = NULL;
}

/*
 * No more tries: a timeout says how many were made and how long the whole
 * took, since with the defaults a silent server costs minutes.
 */
static int
gave_up(struct ms_http *h, struct job *j, struct ms_error *err)
{
	char msg[sizeof(err->msg)];

	if (j->attempt == 0 || err->kind != MS_ETEMPFAIL)
		return -1;
	memcpy(msg, err->msg, sizeof(msg));
	return ms_error_set(err, err->kind, "%.800s; %d attempts in %.1f s",
	    msg, j->attempt + 1, now() - h->t0);
}

/*
 * What one finished attempt means: 0 the answer is whole, -1 it failed
 * for good (err set), 1 try again after *wait ms.
 */
static int
classify(struct ms_http *h, struct job *j, CURLcode res, long *wait)
{
	const struct ms_http_opts *o = &h->o;
	struct ms_call *c = j->call;
	struct transfer *x = j->x;
	struct ms_resp *resp = c->resp;
	struct ms_error *err = &c->err;
	char msg[sizeof(err->msg)], why[600];
	double elapsed = now() - h->t0, fb = 0;
	long ra = -1;
	int rc = -1, retry = 0;

	c->st.attempts = j->attempt + 1;
	/* Stopped on purpose: the body read is all that counts. */
	if (x->enough && res == CURLE_WRITE_ERROR)
		res = CURLE_OK;
	/* libcurl's words may quote the server's. */
	msi_clean(msg, sizeof(x->errbuf), x->errbuf,
	    strnlen(x->errbuf, sizeof(x->errbuf)));
	memcpy(x->errbuf, msg, sizeof(x->errbuf));
	if (x->status == 0)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	c->st.status = x->status;
	curl_easy_getinfo(x->h, CURLINFO_STARTTRANSFER_TIME, &fb);
	c->st.first_byte = fb;
	why[0] = '\0';
	if (x->failed) {
		/* The answer handler's error is in err already. */
		answer_context(err, o->base_url);
	} else if (res == CURLE_OK && x->status >= 200 && x->status <= 299) {
		logf_(o, "%s %ld, first byte after %.3f s", version(x->h),
		    x->status, fb);
		if (x->mode == MODE_JSON) {
			rc = ms_resp_body(resp, x->body.data, x->body.len, err);
			if (ms_resp_flush(resp, rc == 0 ? err : NULL) == -1)
				rc = -1;
		} else if (x->mode == MODE_OTHER) {
			ms_error_message(
			    x->body.data, x->body.len, msg, sizeof(msg) - 200);
			rc = ms_error_set(err, MS_EPROTOCOL,
			    "the answer is neither JSON nor an event stream "
			    "(%s)%s%s",
			    x->ctype[0] ? x->ctype : "no Content-Type",
			    msg[0] ? ": " : "", msg);
		} else {
			ms_sse_finish(&x->sse);
			rc = drain(x);
			if (rc == 0 && x->events == 0 &&
			    x->body.len < MAX_ERRBODY && json_start(&x->body)) {
				/* No event, but JSON: an error body, say. */
				rc = ms_resp_body(
				    resp, x->body.data, x->body.len, err);
				if (ms_resp_flush(resp, rc == 0 ? err : NULL) ==
				    -1)
					rc = -1;
			} else if (rc == 0)
				rc = ms_resp_end(resp, err);
		}
		if (rc == -1)
			answer_context(err, o->base_url);
	} else if (res == CURLE_OK) {
		ms_error_message(x->body.data, x->body.len, msg, 512);
		if (x->status >= 300 && x->status <= 399 &&
		    x->location[0] != '\0')
			snprintf(msg, 512,
			    "redirected to '%s', which is not followed",
			    x->location);
		ms_error_set(err, status_kind(x->status),
		    "HTTP %ld from '%s'%s%s", x->status, o->base_url,
		    msg[0] ? ": " : "", msg);
		snprintf(why, sizeof(why), "HTTP %ld", x->status);
		if (x->retry_after[0] != '\0')
			ra = ms_retry_after(
			    x->retry_after, (long long)time(NULL));
		retry = ms_retry_status(x->status);
	} else if (x->status >= 200 && x->status <= 299 && resp->finished &&
	    (res == CURLE_PARTIAL_FILE || res == CURLE_RECV_ERROR)) {
		/* Cut after the answer was complete: it is whole. */
		if ((rc = ms_resp_end(resp, err)) == -1)
			answer_context(err, o->base_url);
	} else if (res == CURLE_OPERATION_TIMEDOUT) {
		int total = o->timeout_ms > 0 &&
		    elapsed * 1000 >= (double)o->timeout_ms - 5;

		if (total)
			ms_error_set(err, MS_ETEMPFAIL,
			    "timed out after %.1f s waiting for '%s' (--timeout)",
			    elapsed, o->base_url);
		else if (x->idle)
			ms_error_set(err, MS_ETEMPFAIL,
			    "timed out: no data from '%s' for %ld s "
			    "(--idle-timeout)",
			    o->base_url, (o->idle_timeout_ms + 999) / 1000);
		else
			ms_error_set(err, MS_ETEMPFAIL,
			    "timed out connecting to '%s' (--connect-timeout): %s",
			    o->base_url,
			    x->errbuf[0] ? x->errbuf : "no answer");
		snprintf(why, sizeof(why), "timed out");
		retry = !total;
	} else {
		const char *what =
		    x->errbuf[0] ? x->errbuf : curl_easy_strerror(res);

		if (res == CURLE_COULDNT_CONNECT ||
		    res == CURLE_COULDNT_RESOLVE_HOST ||
		    res == CURLE_COULDNT_RESOLVE_PROXY)
			ms_error_set(err, MS_EUNAVAIL,
			    "cannot connect to '%s': %s", o->base_url, what);
		else if (res == CURLE_UNSUPPORTED_PROTOCOL ||
		    res == CURLE_URL_MALFORMAT)
			ms_error_set(err, MS_ECONFIG, "bad URL '%s': %s",
			    o->base_url, what);
		else if (res == CURLE_PEER_FAILED_VERIFICATION ||
		    res == CURLE_SSL_CACERT_BADFILE)
			tls_error(h, x->h, res, what, err);
		else if (res == CURLE_SSL_CONNECT_ERROR)
			ms_error_set(err, MS_EUNAVAIL,
			    "TLS failure with '%s': %s", o->base_url, what);
		else
			ms_error_set(err, MS_EUNAVAIL,
			    "connection to '%s' failed: %s", o->base_url, what);
		snprintf(why, sizeof(why), "%s", what);
		/* A certificate is no better a second later. */
		retry = err->kind == MS_EUNAVAIL &&
		    res != CURLE_PEER_FAILED_VERIFICATION;
	}
	if (rc == 0) {
		logf_(o, "done in %.3f s, finish_reason %s", now() - x->start,
		    resp->finish_reason[0] ? resp->finish_reason : "(none)");
		ms_error_clear(err);
		return 0;
	}
	/* Nothing is tried again once some of its answer is out. */
	if (!retry || resp->got_content)
		return -1;
	if (j->attempt >= o->retries)
		return gave_up(h, j, err);
	if (ra > MAX_RETRY_AFTER_MS) {
		memcpy(msg, err->msg, sizeof(msg));
		ms_error_set(err, err->kind,
		    "%.700s (the server asks to wait %ld s)", msg, ra / 1000);
		return -1;
	}
	*wait = ms_retry_delay(j->attempt, rnd(), ra);
	if (o->timeout_ms > 0 &&
	    (now() - h->t0) * 1000 + (double)*wait >= (double)o->timeout_ms)
		return gave_up(h, j, err);
	logf_(o, "retry %d/%d in %.1f s: %s", j->attempt + 1, o->retries,
	    (double)*wait / 1000, why);
	return 1;
}

/* Move jobs whose wait is over to the front of the ready queue. */
static double
wake(struct ms_http *h)
{
	struct job **pp = &h->waiting, *j;
	double t = now(), next = 0;

	while ((j = *pp) != NULL) {
		if (j->wake <= t) {
			*pp = j->next;
			h->nwaiting--;
			j->next = h->ready;
			if (h->ready == NULL)
				h->ready_end = &j->next;
			h->ready = j;
			h->nready++;
			continue;
		}
		if (next == 0 || j->wake < next)
			next = j->wake;
		pp = &j->next;
	}
	return next;
}

/* The call is over: the job goes first, so that done may add it again. */
static void
finish(struct ms_http *h, struct job *j, int rc, const struct ms_http_cb *cb)
{
	struct ms_call *c = j->call;

	free(j);
	c->rc = rc;
	c->st.total = now() - h->t0;
	if (cb != NULL && cb->done != NULL)
		cb->done(cb->arg, h, c);
}

/* After an attempt: wait to try again, or report the call over. */
static void
settle(struct ms_http *h, struct job *j, int rc, long wait,
    const struct ms_http_cb *cb)
{
	end_transfer(h, j);
	if (rc == 1) {
		j->attempt++;
		j->wake = now() + (double)wait / 1000;
		j->next = h->waiting;
		h->waiting = j;
		h->nwaiting++;
		return;
	}
	finish(h, j, rc, cb);
}

/* Drop every call still queued or running, as when interrupted. */
static void
abandon(struct ms_http *h)
{
	struct job *j;

	while ((j = h->active) != NULL) {
		end_transfer(h, j);
		free(j);
	}
	h->running = 0;
	while ((j = h->waiting) != NULL) {
		h->waiting = j->next;
		free(j);
	}
	while ((j = h->ready) != NULL) {
		h->ready = j->next;
		free(j);
	}
	h->ready_end = &h->ready;
	h->nwaiting = h->nready = 0;
}

/*
 * --idle-timeout: a transfer that has received nothing for that long is
 * stopped as timed out, and retried if nothing of it was written yet.
 */
static int
idle_check(struct ms_http *h, const struct ms_http_cb *cb)
{
	struct job *j, *next;
	double t = now();
	long wait;
	int rc, n = 0;

	for (j = h->active; j != NULL; j = next) {
		next = j->next;
		if ((t - j->x->last) * 1000 < (double)h->o.idle_timeout_ms)
			continue;
		j->x->idle = 1;
		wait = 0;
		rc = classify(h, j, CURLE_OPERATION_TIMEDOUT, &wait);
		settle(h, j, rc, wait, cb);
		n++;
	}
	return n;
}

int
ms_http_run(struct ms_http *h, size_t jobs, const struct ms_http_cb *cb,
    struct ms_error *err)
{
	struct job *j;
	struct transfer *x;
	CURLMsg *msg;
	double next, t;
	long wait;
	int still, left, rc, timeout, finished;

	if (jobs == 0)
		jobs = 1;
	for (;;) {
		if (cancelled(&h->o)) {
			abandon(h);
			return ms_error_set(err, MS_EINTR, "interrupted");
		}
		if (h->stop) {
			abandon(h);
			return 0;
		}
		next = wake(h);
		if (cb != NULL && cb->fill != NULL &&
		    h->running + h->nwaiting + h->nready < jobs &&
		    cb->fill(cb->arg, h,
			jobs - (h->running + h->nwaiting + h->nready)) == -1) {
			abandon(h);
			return -1;
		}
		while (h->ready != NULL && h->running < jobs) {
			j = h->ready;
			if (start(h) == -1)
				finish(h, j, -1, cb);
		}
		if (h->running == 0 && h->nwaiting == 0 && h->nready == 0)
			return 0;
		curl_multi_perform(h->m, &still);
		finished = 0;
		if (h->o.idle_timeout_ms > 0)
			finished = idle_check(h, cb);
		while ((msg = curl_multi_info_read(h->m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			x = NULL;
			curl_easy_getinfo(
			    msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			j = x->job;
			wait = 0;
			rc = classify(h, j, msg->data.result, &wait);
			settle(h, j, rc, wait, cb);
			finished += rc != 1;
		}
		/* A slot came free: fill it before waiting on the others. */
		if (finished)
			continue;
		timeout = POLL_MS;
		if (next > 0) {
			t = (next - now()) * 1000;
			if (t < timeout)
				timeout = t < 0 ? 0 : (int)t + 1;
		}
		if (h->running > 0)
			curl_multi_poll(h->m, NULL, 0, timeout, NULL);
		else if (h->nwaiting > 0 && h->nready == 0) {
			struct timespec ts = { 0, (long)timeout * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
}

int
ms_http_chat(const struct ms_http_opts *o, const char *body, size_t len,
    struct ms_resp *resp, struct ms_http_stats *st, struct ms_error *err)
{
	struct ms_http_cb cb = { NULL, NULL, NULL };
	struct ms_call c;
	struct ms_http *h;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((h = ms_http_new(o, err)) == NULL)
		return -1;
	memset(&c, 0, sizeof(c));
	c.body = body;
	c.len = len;
	c.resp = resp;
	if (ms_http_add(h, &c) == -1) {
		*err = c.err;
		ms_http_free(h);
		return -1;
	}
	rc = ms_http_run(h, 1, &cb, err);
	*st = c.st;
	if (rc == 0 && c.rc == -1) {
		*err = c.err;
		rc = -1;
	}
	ms_http_free(h);
	return rc;
}
