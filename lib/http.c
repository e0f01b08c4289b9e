/*
 * http.c: one chat-completion request over libcurl, streamed through the
 * SSE parser into the answer handler, with the retry policy of SPEC 6.
 */
#include <sys/time.h>

#include <errno.h>
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

#define MAX_ERRBODY (64 * 1024)
#define MAX_RETRY_AFTER_MS (600L * 1000)
#define POLL_MS 50

/* What a 200 answer turned out to be. */
enum { MODE_UNKNOWN, MODE_SSE, MODE_JSON, MODE_OTHER };

/* One attempt's state, shared with libcurl's callbacks. */
struct xfer {
	const struct ms_http_opts *opts;
	struct ms_resp *resp;
	struct ms_sse sse;
	struct ms_buf body; /* JSON answer or error body */
	struct ms_error *err;
	CURL *h;
	long status;
	int mode;
	int failed; /* the answer handler stopped the transfer */
	int got_bytes;
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

/* Copy a header's value, trimmed, if the line is that header. */
static int
header_is(const char *line, size_t n, const char *name, char *out, size_t outsz)
{
	size_t k = strlen(name), i;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n > 0 &&
	    (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' '))
		n--;
	i = n < outsz - 1 ? n : outsz - 1;
	memcpy(out, line, i);
	out[i] = '\0';
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

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

/* Take every complete event out of the parser. */
static int
drain(struct xfer *x)
{
	struct ms_sse_event ev;
	int rc;

	while ((rc = ms_sse_next(&x->sse, &ev)) == 1)
		if (ms_resp_event(x->resp, &ev, x->err) == -1)
			return -1;
	if (rc == -1)
		return ms_error_set(x->err, MS_ESOFTWARE, "out of memory");
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n, i;

	x->got_bytes = 1;
	if (x->status == 0)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status < 200 || x->status > 299) {
		if (x->body.len < MAX_ERRBODY)
			ms_buf_add(&x->body, p, len);
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
	if (x->mode == MODE_JSON || x->mode == MODE_OTHER) {
		if (ms_buf_add(&x->body, p, len) == -1) {
			ms_error_set(x->err, MS_ESOFTWARE, "out of memory");
			x->failed = 1;
			return 0;
		}
		return len;
	}
	if (ms_sse_feed(&x->sse, p, len) == -1) {
		ms_error_set(x->err, MS_ESOFTWARE, "out of memory");
		x->failed = 1;
		return 0;
	}
	if (drain(x) == -1) {
		x->failed = 1;
		return 0;
	}
	return len;
}

static int
cancelled(const struct ms_http_opts *o)
{
	return o->cancel != NULL && *o->cancel != 0;
}

/* Sleep ms milliseconds, waking early when cancelled. */
static void
pause_ms(const struct ms_http_opts *o, long ms)
{
	struct timespec ts;
	long step;

	while (ms > 0 && !cancelled(o)) {
		step = ms < POLL_MS ? ms : POLL_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* Run one transfer to its end; returns libcurl's result. */
static CURLcode
perform(CURLM *m, struct xfer *x)
{
	CURLMsg *msg;
	CURLcode res = CURLE_OK;
	int running = 1, left;

	curl_multi_add_handle(m, x->h);
	while (running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (cancelled(x->opts)) {
			res = CURLE_ABORTED_BY_CALLBACK;
			goto out;
		}
		if (running)
			curl_multi_poll(m, NULL, 0, POLL_MS, NULL);
	}
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			res = msg->data.result;
out:
	curl_multi_remove_handle(m, x->h);
	return res;
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
	if (o->key != NULL && o->key[0] != '\0' &&
	    strncasecmp(o->base_url, "http://", 7) == 0 &&
	    !ms_url_is_loopback(o->base_url))
		return ms_error_set(err, MS_ECONFIG,
		    "refusing to send the API "
		    "key over plain http to '%s'; use https",
		    o->base_url);
	return 0;
}

static struct curl_slist *
headers(const struct ms_http_opts *o, int stream, struct ms_buf *auth)
{
	struct curl_slist *l = NULL;
	char line[1024];

	l = curl_slist_append(l, "Content-Type: application/json");
	l = curl_slist_append(l,
	    stream ? "Accept: text/event-stream" : "Accept: application/json");
	l = curl_slist_append(l, "Expect:");
	if (o->key != NULL && o->key[0] != '\0') {
		ms_buf_printf(auth, "Authorization: Bearer %s", o->key);
		l = curl_slist_append(l, auth->data);
	}
	if (o->app_url != NULL && o->app_url[0] != '\0') {
		snprintf(line, sizeof(line), "HTTP-Referer: %s", o->app_url);
		l = curl_slist_append(l, line);
	}
	if (o->app_title != NULL && o->app_title[0] != '\0') {
		snprintf(line, sizeof(line), "X-Title: %s", o->app_title);
		l = curl_slist_append(l, line);
		snprintf(
		    line, sizeof(line), "X-OpenRouter-Title: %s", o->app_title);
		l = curl_slist_append(l, line);
	}
	return l;
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

static void
setup(CURL *h, const struct ms_http_opts *o, const char *url, const char *body,
    size_t len, struct curl_slist *hdrs, long timeout_ms, struct xfer *x,
    char *errbuf)
{
	long idle = (o->idle_timeout_ms + 999) / 1000;

	curl_easy_setopt(h, CURLOPT_URL, url);
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
	if (idle > 0) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, idle);
	}
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
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

int
ms_http_chat(const struct ms_http_opts *o, const char *body, size_t len,
    struct ms_resp *resp, struct ms_http_stats *st, struct ms_error *err)
{
	struct ms_buf url, auth;
	struct curl_slist *hdrs = NULL;
	struct xfer x;
	char errbuf[CURL_ERROR_SIZE], msg[sizeof(err->msg)], why[600];
	CURLM *m = NULL;
	CURLcode res;
	double t0 = now(), t1, elapsed;
	long timeout_ms, wait, ra;
	int attempt, rc = -1, stream, retry;
	size_t n;

	memset(st, 0, sizeof(*st));
	if (check_url(o, err) == -1)
		return -1;
	ms_buf_init(&url);
	ms_buf_init(&auth);
	n = strlen(o->base_url);
	while (n > 0 && o->base_url[n - 1] == '/')
		n--;
	ms_buf_add(&url, o->base_url, n);
	ms_buf_addstr(&url, "/chat/completions");
	stream = strstr(body, "\"stream\":true") != NULL;
	hdrs = headers(o, stream, &auth);
	ms_buf_wipe(&auth);
	if ((m = curl_multi_init()) == NULL) {
		ms_error_set(err, MS_ESOFTWARE, "cannot initialise libcurl");
		goto out;
	}
	for (attempt = 0;; attempt++) {
		memset(&x, 0, sizeof(x));
		x.opts = o;
		x.resp = resp;
		x.err = err;
		ms_sse_init(&x.sse);
		ms_buf_init(&x.body);
		errbuf[0] = '\0';
		resp->done = resp->finished = 0;
		resp->finish_reason[0] = '\0';
		timeout_ms = 0;
		if (o->timeout_ms > 0) {
			timeout_ms =
			    o->timeout_ms - (long)((now() - t0) * 1000);
			if (timeout_ms <= 0)
				timeout_ms = 1;
		}
		if ((x.h = curl_easy_init()) == NULL) {
			ms_error_set(err, MS_ESOFTWARE,
			    "cannot initialise "
			    "libcurl");
			goto out;
		}
		setup(
		    x.h, o, url.data, body, len, hdrs, timeout_ms, &x, errbuf);
		logf_(o, "POST %s%s", url.data, attempt ? " (again)" : "");
		t1 = now();
		res = perform(m, &x);
		st->attempts = attempt + 1;
		if (x.status == 0)
			curl_easy_getinfo(
			    x.h, CURLINFO_RESPONSE_CODE, &x.status);
		st->status = x.status;
		{
			double fb = 0;

			curl_easy_getinfo(
			    x.h, CURLINFO_STARTTRANSFER_TIME, &fb);
			st->first_byte = fb;
		}
		elapsed = now() - t0;
		retry = 0;
		ra = -1;
		why[0] = '\0';
		if (res == CURLE_ABORTED_BY_CALLBACK && cancelled(o)) {
			ms_error_set(err, MS_EINTR, "interrupted");
		} else if (x.failed) {
			answer_context(err, o->base_url);
		} else if (res == CURLE_OK && x.status >= 200 &&
		    x.status <= 299) {
			logf_(o, "HTTP %ld, first byte after %.3f s", x.status,
			    st->first_byte);
			if (x.mode == MODE_JSON) {
				rc = ms_resp_body(
				    resp, x.body.data, x.body.len, err);
			} else if (x.mode == MODE_OTHER) {
				ms_error_message(x.body.data, x.body.len, msg,
				    sizeof(msg) - 200);
				rc = ms_error_set(err, MS_EPROTOCOL,
				    "the answer "
				    "is neither JSON nor an event stream (%s)%s%s",
				    x.ctype[0] ? x.ctype : "no Content-Type",
				    msg[0] ? ": " : "", msg);
			} else {
				ms_sse_finish(&x.sse);
				rc = drain(&x);
				if (rc == 0)
					rc = ms_resp_end(resp, err);
			}
			if (rc == -1)
				answer_context(err, o->base_url);
		} else if (res == CURLE_OK) {
			ms_error_message(
			    x.body.data, x.body.len, msg, sizeof(msg));
			if (x.status >= 300 && x.status <= 399 &&
			    x.location[0] != '\0')
				snprintf(msg, sizeof(msg),
				    "redirected to '%s', "
				    "which is not followed",
				    x.location);
			ms_error_set(err, status_kind(x.status),
			    "HTTP %ld from '%s'%s%s", x.status, o->base_url,
			    msg[0] ? ": " : "", msg);
			snprintf(why, sizeof(why), "HTTP %ld", x.status);
			if (x.retry_after[0] != '\0')
				ra = ms_retry_after(
				    x.retry_after, (long long)time(NULL));
			retry = ms_retry_status(x.status);
		} else if (x.status >= 200 && x.status <= 299 &&
		    resp->finished &&
		    (res == CURLE_PARTIAL_FILE || res == CURLE_RECV_ERROR)) {
			/* Cut after the answer was complete: it is whole. */
			rc = 0;
		} else if (res == CURLE_OPERATION_TIMEDOUT) {
			if (o->timeout_ms > 0 &&
			    elapsed * 1000 >= (double)o->timeout_ms - 5)
				ms_error_set(err, MS_ETEMPFAIL,
				    "timed out after "
				    "%.1f s waiting for '%s' (--timeout)",
				    elapsed, o->base_url);
			else if (strncmp(errbuf, "Operation too slow", 18) == 0)
				ms_error_set(err, MS_ETEMPFAIL,
				    "timed out: no "
				    "data from '%s' for %ld s (--idle-timeout)",
				    o->base_url,
				    (o->idle_timeout_ms + 999) / 1000);
			else
				ms_error_set(err, MS_ETEMPFAIL,
				    "timed out "
				    "connecting to '%s' (--connect-timeout): %s",
				    o->base_url,
				    errbuf[0] ? errbuf : "no answer");
			snprintf(why, sizeof(why), "timed out");
			retry = !(o->timeout_ms > 0 &&
			    elapsed * 1000 >= (double)o->timeout_ms - 5);
		} else {
			const char *what =
			    errbuf[0] ? errbuf : curl_easy_strerror(res);

			if (res == CURLE_COULDNT_CONNECT ||
			    res == CURLE_COULDNT_RESOLVE_HOST ||
			    res == CURLE_COULDNT_RESOLVE_PROXY)
				ms_error_set(err, MS_EUNAVAIL,
				    "cannot connect "
				    "to '%s': %s",
				    o->base_url, what);
			else if (res == CURLE_UNSUPPORTED_PROTOCOL ||
			    res == CURLE_URL_MALFORMAT)
				ms_error_set(err, MS_ECONFIG,
				    "bad URL '%s': %s", o->base_url, what);
			else if (res == CURLE_PEER_FAILED_VERIFICATION ||
			    res == CURLE_SSL_CACERT_BADFILE ||
			    res == CURLE_SSL_CONNECT_ERROR)
				ms_error_set(err, MS_EUNAVAIL,
				    "TLS failure with "
				    "'%s': %s",
				    o->base_url, what);
			else
				ms_error_set(err, MS_EUNAVAIL,
				    "connection to "
				    "'%s' failed: %s",
				    o->base_url, what);
			snprintf(why, sizeof(why), "%s", what);
			retry = err->kind == MS_EUNAVAIL &&
			    res != CURLE_PEER_FAILED_VERIFICATION;
		}
		if (rc == 0)
			logf_(o, "done in %.3f s, finish_reason %s", now() - t1,
			    resp->finish_reason[0] ? resp->finish_reason
						   : "(none)");
		curl_easy_cleanup(x.h);
		ms_sse_release(&x.sse);
		ms_buf_release(&x.body);
		if (rc == 0 || !retry || attempt >= o->retries ||
		    resp->got_content || cancelled(o))
			break;
		if (ra > MAX_RETRY_AFTER_MS) {
			snprintf(msg, sizeof(msg), "%s", err->msg);
			ms_error_set(err, err->kind,
			    "%.700s (the server asks "
			    "to wait %ld s)",
			    msg, ra / 1000);
			break;
		}
		wait = ms_retry_delay(attempt, rnd(), ra);
		if (o->timeout_ms > 0 &&
		    (now() - t0) * 1000 + (double)wait >= (double)o->timeout_ms)
			break;
		logf_(o, "retry %d/%d in %.1f s: %s", attempt + 1, o->retries,
		    (double)wait / 1000, why);
		pause_ms(o, wait);
		if (cancelled(o)) {
			ms_error_set(err, MS_EINTR, "interrupted");
			break;
		}
	}
	if (rc == 0)
		ms_error_clear(err);
out:
	st->total = now() - t0;
	headers_free(hdrs);
	if (m != NULL)
		curl_multi_cleanup(m);
	ms_buf_release(&url);
	return rc;
}
