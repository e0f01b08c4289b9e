/* ms.h: the public interface of libms, the core of the ms tools. */
#ifndef MS_H
#define MS_H

#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

#define MS_VERSION "0.1.0"

/*
 * Errors.  Every function that can fail returns 0 on success and -1 on
 * failure, and fills a struct ms_error owned by the caller.  The library
 * never prints and never exits: the kind tells the caller what happened,
 * and msg is one line suitable for "prog: msg".
 */
enum ms_errkind {
	MS_OK = 0,
	MS_EUSAGE,    /* bad argument given to the library */
	MS_EDATA,     /* input that cannot be sent */
	MS_ENOINPUT,  /* a file cannot be read */
	MS_EUNAVAIL,  /* server refused, 5xx, network, error in stream */
	MS_ESOFTWARE, /* internal error, out of memory */
	MS_ETEMPFAIL, /* rate limited or timed out */
	MS_EPROTOCOL, /* the answer is not the protocol */
	MS_ENOPERM,   /* 401, 402, 403 */
	MS_ECONFIG,   /* configuration, key, profile or template */
	MS_EINTR,     /* interrupted by a signal */
	MS_EPIPE,     /* the reader of the output went away */
	MS_EIO	      /* the output cannot be written */
};

struct ms_error {
	enum ms_errkind kind;
	char msg[1024];
};

void ms_error_clear(struct ms_error *);
/* Set kind and a printf-style message; always returns -1. */
int ms_error_set(struct ms_error *, enum ms_errkind, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A growable byte buffer, always NUL-terminated after len.  Embedded by
 * the caller: ms_buf_init, then ms_buf_release.
 */
struct ms_buf {
	char *data;
	size_t len;
	size_t cap;
	/*
	 * An allocation failed (or a size overflowed): the contents are
	 * incomplete.  Sticky until ms_buf_release or ms_buf_init (reset,
	 * consume and detach keep it), so that a run of appends can be
	 * checked once; every append and grow fails at once while it is set.
	 */
	int oom;
};

void ms_buf_init(struct ms_buf *);
void ms_buf_release(struct ms_buf *);
/* Wipe the contents with explicit_bzero, then release. */
void ms_buf_wipe(struct ms_buf *);
int ms_buf_grow(struct ms_buf *, size_t extra);
int ms_buf_add(struct ms_buf *, const void *, size_t);
int ms_buf_addstr(struct ms_buf *, const char *);
int ms_buf_addch(struct ms_buf *, int);
int ms_buf_printf(struct ms_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void ms_buf_reset(struct ms_buf *);
/* Remove the first n bytes. */
void ms_buf_consume(struct ms_buf *, size_t n);
/*
 * Hand the data over to the caller and reset the buffer (oom stays set);
 * NULL only when an empty buffer's "" cannot be allocated.
 */
char *ms_buf_detach(struct ms_buf *);
/*
 * Read the whole file at path (following symlinks) and append it to out;
 * fill *st from the open file if st is not NULL.  Returns -1 with errno
 * set on failure (EFBIG when the file has more than max bytes, ENOMEM
 * with out->oom set), and out as it was.
 */
int ms_file_read(
    const char *path, size_t max, struct ms_buf *out, struct stat *st);
/* The same from an open descriptor, to its end; fd stays open. */
int ms_file_readfd(int fd, size_t max, struct ms_buf *out);

/*
 * UTF-8.  ms_utf8_check returns 0 when s is valid UTF-8 without NUL
 * bytes; otherwise it returns MS_UTF8_NUL or MS_UTF8_INVALID and sets
 * *off to the offset of the first offending byte.
 */
#define MS_UTF8_NUL 1
#define MS_UTF8_INVALID 2
int ms_utf8_check(const char *s, size_t len, size_t *off);
/* Length of the longest prefix of s that does not end inside a character. */
size_t ms_utf8_complete(const char *s, size_t len);

/*
 * Limits on what a server may send, so that memory stays bounded whatever
 * it sends: past one, the answer fails with MS_EPROTOCOL and a message
 * that names the limit.  Bytes count after decompression.
 */
#define MS_MAX_BODY (8 * 1024 * 1024)	   /* a successful non-streamed body */
#define MS_MAX_SSE_LINE (4 * 1024 * 1024)  /* one SSE line, without its end */
#define MS_MAX_SSE_EVENT (4 * 1024 * 1024) /* the data of one SSE event */
/* JSON values in one event or body: json-c takes some 64 bytes each. */
#define MS_MAX_JSON_VALUES (256 * 1024)

/*
 * Server-sent events, a push parser: feed bytes as they arrive, in pieces
 * of any size, then take events until none is left.  No I/O.  Linear in
 * the input whatever the pieces; a line or an event past its limit stops
 * it (error MS_SSE_ELINE or MS_SSE_EEVENT) with the events before it
 * handed out, whatever the pieces.
 */
#define MS_SSE_ENOMEM 1 /* out of memory: the events are lost */
#define MS_SSE_ELINE 2	/* a line longer than max_line */
#define MS_SSE_EEVENT 3 /* an event's data longer than max_event */

struct ms_sse {
	struct ms_buf in;    /* bytes not yet split into lines */
	size_t pos;	     /* where the line being read starts in in */
	size_t lf, cr;	     /* where the searches for its end stopped */
	size_t tail;	     /* just after the last CR or LF in in */
	struct ms_buf data;  /* data lines of the event being built */
	struct ms_buf event; /* the event: field */
	int has_data;
	int skip_lf; /* the last line ended in CR: eat one LF */
	int eof;
	int error;		/* an MS_SSE_E*, or 0 */
	int failed;		/* ms_sse_next has returned -1 */
	size_t max_line;	/* MS_MAX_SSE_LINE; the caller may lower it */
	size_t max_event;	/* MS_MAX_SSE_EVENT; the same */
	size_t work;		/* bytes searched or moved, for the tests */
	struct ms_buf out_data; /* storage for the event handed out */
	struct ms_buf out_event;
};

struct ms_sse_event {
	const char *event; /* "" when the stream named none */
	const char *data;  /* data lines joined by '\n' */
	size_t len;
};

void ms_sse_init(struct ms_sse *);
void ms_sse_release(struct ms_sse *);
/*
 * Returns 0, or -1 once the parser has failed (error says why): out of
 * memory, or a line past max_line, whose bytes are dropped; the events
 * before that line can still be taken.
 */
int ms_sse_feed(struct ms_sse *, const char *, size_t);
/* Mark the end of input: a last unterminated line and event are flushed. */
void ms_sse_finish(struct ms_sse *);
/*
 * Take the next event: 1 and *ev filled (valid until the next call), 0
 * when more input is needed, -1 when the parser failed (error says why;
 * every later call returns -1 too).
 */
int ms_sse_next(struct ms_sse *, struct ms_sse_event *ev);

/*
 * Chat-completion answers: turns SSE events (or one non-streamed JSON
 * body) into text deltas, a finish reason, usage and errors.
 */
/* Returns 0, or an ms_errkind to stop (MS_EPIPE when the reader left). */
typedef int (*ms_delta_fn)(void *arg, const char *text, size_t len);
/* Write what the delta function held back; 0, or an ms_errkind. */
typedef int (*ms_flush_fn)(void *arg);

struct ms_usage {
	long prompt_tokens;
	long completion_tokens;
	double cost; /* USD as reported by the server */
	int has_tokens;
	int has_cost;
};

struct ms_resp {
	ms_delta_fn on_delta;
	ms_flush_fn on_flush; /* optional: after each piece of input read */
	void *arg;
	int done;	 /* [DONE] was seen */
	int finished;	 /* a finish_reason was seen */
	int got_content; /* any delta was handed out */
	/* From the server, cleaned as for a terminal (no controls). */
	char finish_reason[64];
	char provider[128];
	char model[256];
	struct ms_usage usage;
	/* Private to the library: here only because the caller embeds it. */
	void *tok;	    /* json-c tokener, reused for every event */
	struct ms_buf text; /* a delta with escapes, decoded */
	char cut[4];	    /* a character cut between deltas, held */
	size_t ncut;
	size_t off;  /* bytes of the answer handed out */
	int choices; /* this attempt's events had a choice */
	int slow;    /* test hooks, set and read through ms_test.h */
	long fast;
};

void ms_resp_init(struct ms_resp *, ms_delta_fn, void *arg);
void ms_resp_release(struct ms_resp *);
/*
 * Before another attempt at the same answer: forget the last attempt's
 * [DONE] and finish reason.  What was handed out, usage, provider and
 * model stay.
 */
void ms_resp_reset(struct ms_resp *);
/*
 * One SSE event.  Returns -1 for an error in the stream (MS_EUNAVAIL, the
 * server's message in err), bad JSON (MS_EPROTOCOL) or a failed delta
 * callback (its kind).  Payloads that are not JSON at all are skipped.
 * The text handed out is valid UTF-8 without NUL: a character cut between
 * deltas is held until it is whole, and anything else is MS_EPROTOCOL
 * naming its byte offset in the answer (what comes before it is out).
 */
int ms_resp_event(
    struct ms_resp *, const struct ms_sse_event *, struct ms_error *);
/* A whole non-streamed JSON body. */
int ms_resp_body(
    struct ms_resp *, const char *body, size_t len, struct ms_error *);
/*
 * End of the stream: -1 with MS_EPROTOCOL when it was cut short, when no
 * event had a choice, or when the answer ends inside a character.
 */
int ms_resp_end(struct ms_resp *, struct ms_error *);
/*
 * The caller has handed over all it has read for now: on_flush, if set.
 * The deltas of one read go out in one write, and none waits for the next.
 */
int ms_resp_flush(struct ms_resp *, struct ms_error *);
/*
 * Find the human-readable message in an error body of any provider's
 * shape (JSON or not) and write it to out, one line, at most outsz - 1
 * bytes.  Returns the length written.
 */
size_t ms_error_message(const char *body, size_t len, char *out, size_t outsz);

/*
 * Output shaping, a pure streaming filter between the model's deltas and
 * stdout: removes a code fence that wraps the whole answer, normalises
 * leading and trailing newlines and converts line ends to CRLF.
 */
enum ms_final_nl {
	MS_NL_ONE,  /* exactly one newline at the end */
	MS_NL_KEEP, /* the trailing newlines given in tail */
	MS_NL_RAW   /* exactly what the model wrote */
};

/* Returns 0, or an ms_errkind to stop. */
typedef int (*ms_write_fn)(void *arg, const char *, size_t);

struct ms_out {
	ms_write_fn write;
	void *arg;
	int strip_fence; /* remove a fence around the whole answer */
	int crlf;	 /* an MS_EOL_*: the line ends to write */
	enum ms_final_nl nl;
	const char *head; /* written before the answer (leading blanks) */
	const char *tail; /* MS_NL_KEEP: written after the answer */
	int batch;	  /* ms_out_write holds its text for ms_out_flush */
	/* state */
	int fstate;	       /* fence: where its reader is, or passing */
	int fticks;	       /* fence: backticks in a row on this line */
	size_t fbody;	       /* fence: where the body starts in fence */
	size_t fline;	       /* fence: where the line being read starts */
	struct ms_buf fence;   /* bytes held while the fence is undecided */
	struct ms_buf ws;      /* blanks held back until text follows */
	struct ms_buf scratch; /* what the next write writes */
	int started;	       /* text has been written */
};

/*
 * The line ends of a text: MS_EOL_LF, MS_EOL_CRLF (every one), or
 * MS_EOL_MIXED, whose answer is written with the line ends the model used.
 */
#define MS_EOL_LF 0
#define MS_EOL_CRLF 1
#define MS_EOL_MIXED 2
int ms_text_eol(const char *, size_t);

void ms_out_init(struct ms_out *, ms_write_fn, void *arg);
void ms_out_release(struct ms_out *);
/*
 * Both return 0, or what the write function returned (an ms_errkind), or
 * MS_ESOFTWARE when out of memory.
 */
int ms_out_write(struct ms_out *, const char *, size_t);
int ms_out_finish(struct ms_out *);
/* With batch set: write what ms_out_write has held, if anything. */
int ms_out_flush(struct ms_out *);

/*
 * Token estimate for the context budget: never below the count of
 * Mistral's tokenizer.
 */
size_t ms_tokens_estimate(const char *, size_t);
/* The same in quarter tokens, which add up across pieces of a text. */
size_t ms_tokens_quarters(const char *, size_t);
/*
 * The exact number of tokens of Mistral's tokenizer for the len bytes of
 * text, as the npm package mistral-tokenizer-js 1.0.0 counts them with
 * encode(text, false, false) (tests/tokens/counts.tsv): no BOS, no EOS,
 * and no space put before the text, so the text's own spaces only.  Bytes
 * that are not UTF-8 count as Node's Buffer.toString('utf8') reads them:
 * U+FFFD for each maximal invalid sequence; a NUL byte is a character.
 * Never fails and allocates nothing (38 KB of stack); time linear in len.
 *
 * The count is for the text as one message content.  Counts of pieces add
 * up to the count of the whole when each cut is before a space that
 * follows a character other than a space, or wherever no token can span
 * (either side of a digit, a tab, a line feed); a cut inside a word or a
 * run of spaces can differ by a few tokens.  A text that the
 * API sees after a space (as the tokenizer's own dummy prefix, or "[INST]
 * " of the chat template, put it) can differ in its first word only: the
 * count of "hello" is 1, that of " hello" 2, and " grabbed" is 1 where
 * "grabbed" is 3.
 */
size_t ms_tokens_count(const char *text, size_t len);
/*
 * How a profile's tokens are counted: exactly, by Mistral's tokenizer,
 * for the models that use it; else by the estimate, which is never below
 * the count of any tokenizer it was fitted to.
 */
enum ms_tokenizer { MS_TOKENIZER_ESTIMATE, MS_TOKENIZER_MISTRAL };
/* The tokens of a text as t counts them. */
size_t ms_tokens(enum ms_tokenizer t, const char *, size_t);
/* "mistral", "estimate": 0, else -1. */
int ms_tokenizer_parse(const char *, enum ms_tokenizer *);
const char *ms_tokenizer_name(enum ms_tokenizer);
/*
 * Internal to libms (and its tests): the tokens themselves.  Writes the
 * ids of the first max tokens of text to ids (ids may be NULL when max is
 * 0) and returns the count of all, as ms_tokens_count.
 */
size_t ms__tokens_encode(const char *text, size_t len, int *ids, size_t max);
/*
 * Internal to libms: the letter class of the character at s (n > 0 bytes
 * left) as ms_tokens_quarters sees it, so that the chunker prices a space
 * before a word exactly as the estimate does.
 */
#define MS__LATIN 1
#define MS__CYRILLIC 2
int ms__letter_at(const char *s, size_t n);

/*
 * Chunking (SPEC 5): cut input that does not fit one request into chunks
 * of at most budget tokens (estimated), at paragraph ends, else line ends,
 * else sentence ends, else between characters; not inside fenced code
 * unless one block alone is too large.  A push parser like ms_sse: feed
 * input as it is read, take chunks until none is ready.
 */
/* Internal to libms: where the chunker's look at the input stopped. */
struct ms_chunk_scan {
	size_t pos, cost, para_cut, line_cut;
	int fence, para_fence, line_fence, prev_blank, closed, valid;
};

struct ms_chunker {
	struct ms_buf buf; /* input not yet cut */
	struct ms_chunk_scan scan;
	size_t budget;
	enum ms_tokenizer tokenizer; /* how budget counts; init: estimate */
	size_t index;		     /* of the next chunk */
	int fence; /* the next chunk starts inside fenced code */
	int eof;
};

struct ms_chunk {
	char *text; /* malloc'd, NUL-terminated; the caller frees */
	size_t len;
	size_t index; /* 0, 1, 2, ... in input order */
	int last;     /* no input after it */
};

void ms_chunker_init(struct ms_chunker *, size_t budget);
void ms_chunker_release(struct ms_chunker *);
int ms_chunker_feed(struct ms_chunker *, const char *, size_t);
void ms_chunker_finish(struct ms_chunker *);
/* 1 and a chunk, 0 when more input is needed (or none is left), -1 OOM. */
int ms_chunker_next(struct ms_chunker *, struct ms_chunk *);
/*
 * The shape of a text: s[0..head) is its leading blank lines and
 * s[tail..n) its trailing blanks; what lies between is sent to the model,
 * and what lies around it is written back as it was.
 */
void ms_text_trim(const char *s, size_t n, size_t *head, size_t *tail);
/* 1 when n is 0 or every byte is ' ', '\t', '\n', '\r', '\f' or '\v'. */
int ms_text_blank(const char *s, size_t n);

/* Retry policy (SPEC 6). */
#define MS_RETRY_BASE_MS 500
#define MS_RETRY_CAP_MS 30000
/* 1 when an HTTP status is worth another try. */
int ms_retry_status(long status);
/*
 * The wait before retry number attempt (0 for the first retry), with
 * full jitter from rnd (uniform in [0, 1)), and at least retry_after_ms.
 */
long ms_retry_delay(int attempt, double rnd, long retry_after_ms);
/*
 * Parse a Retry-After value, seconds or an HTTP date, relative to now.
 * Returns the wait in ms, or -1 when the value is not understood.
 */
long ms_retry_after(const char *value, long long now);

/* Provider dialects: what a server accepts in a request. */
enum ms_dialect {
	MS_DIALECT_OPENAI, /* OpenAI-compatible: Ollama, llama.cpp, vLLM */
	MS_DIALECT_OPENROUTER,
	MS_DIALECT_MISTRAL
};

const char *ms_dialect_name(enum ms_dialect);
int ms_dialect_parse(const char *, enum ms_dialect *);

/*
 * Configuration.  A profile says where and how to send; the config file
 * adds profiles and [default] settings.  Strings are owned by the struct.
 */
struct ms_profile {
	char *name;
	char *base_url;
	char *model;
	char *api_key_env;
	char *api_key_cmd;
	char *api_key_file;
	char *api_key;	     /* literal from the config file */
	const char *key_var; /* built-in profiles: OPENROUTER_API_KEY ... */
	char *app_title;
	char *app_url;
	long context_tokens; /* 0: not set */
	double price_in;     /* USD per million tokens, < 0: not set */
	double price_out;
	enum ms_dialect dialect;
	int has_dialect;
	int needs_key; /* a key is required (hosted APIs) */
	int auth_none; /* auth = none: no key is sent, whatever is set */
	enum ms_tokenizer tokenizer; /* see ms_tokenizer_for */
	int set_tokenizer;	     /* by the config file */
	const char *default_model;   /* built-in profiles: the model's own */
	char *ca_file; /* trust: a PEM file of CAs, a hashed directory */
	char *ca_path;
	char *proxy; /* "" for none, NULL when unset */
	int builtin;
	/* set by the config file, which ranks above [default] and templates */
	int set_model, set_base_url, set_context;
};

struct ms_config {
	char *path;    /* the file read, NULL when none */
	int holds_key; /* the file has an api_key literal */
	struct ms_profile *profiles;
	size_t nprofiles;
	/* [default] */
	char *profile;
	char *model;
	char *base_url;
	long jobs;
	long retries;
	double timeout;
	double connect_timeout;
	double idle_timeout;
	long context_tokens;
	int keep_on_error;
};

/* Defaults and the built-in profiles. */
void ms_config_init(struct ms_config *);
void ms_config_release(struct ms_config *);
/* Parse config text; name is used in messages ("name:line: ..."). */
int ms_config_parse(struct ms_config *, const char *text, size_t len,
    const char *name, struct ms_error *);
/*
 * The directory of ms's own files into out: "$XDG_CONFIG_HOME/ms" when
 * xdg_config_home is an absolute path, else "$HOME/.config/ms" when home
 * is not empty; the config file is DIR/config, the templates
 * DIR/templates.  The library reads no environment: the caller passes the
 * values.  Returns -1 with out empty when there is neither (or with
 * out->oom set when out of memory).
 */
int ms_config_dir(
    struct ms_buf *out, const char *xdg_config_home, const char *home);
/*
 * Read the config file at path; NULL (or "") means there is none and
 * returns 0.  A file that does not exist is an error only when named is 1
 * (the user named it, as with $MS_CONFIG); otherwise it is no file.
 */
int ms_config_load(
    struct ms_config *, const char *path, int named, struct ms_error *);
struct ms_profile *ms_config_profile(struct ms_config *, const char *name);
/*
 * What the environment holds for the key, resolved by the caller: each
 * NULL or "" when unset.
 */
struct ms_key_env {
	const char *override; /* MS_API_KEY */
	const char *named;    /* value of the profile's api_key_env variable */
	const char *builtin;  /* value of the built-in profile's key_var */
	const char *home;     /* for ~/ in api_key_file */
};
/*
 * Get the API key of a profile into key (wiped by the caller with
 * ms_buf_wipe): the override, else the profile's api_key_env, api_key_cmd,
 * api_key_file or api_key, else the built-in variable.  An empty key
 * means none is configured.  env NULL: nothing is set.
 */
int ms_profile_key(const struct ms_profile *, const struct ms_key_env *env,
    struct ms_buf *key, struct ms_error *);
/*
 * How tokens of a request to model with profile p are counted: the
 * profile's tokenizer key (*why MS_TOKENIZER_SET); else a built-in
 * profile's own for its default model (MS_TOKENIZER_DEFAULT); else the
 * estimate, since another model may count otherwise (MS_TOKENIZER_OTHER).
 */
enum { MS_TOKENIZER_SET, MS_TOKENIZER_DEFAULT, MS_TOKENIZER_OTHER };
enum ms_tokenizer ms_tokenizer_for(
    const struct ms_profile *p, const char *model, int *why);
/* The host of url, lower-cased, into out; -1 when there is none. */
int ms_url_host(const char *url, char *out, size_t outsz);
/* 1 when url names a loopback host (127.0.0.0/8, ::1, localhost). */
int ms_url_is_loopback(const char *url);
/*
 * The proxy variables of the environment, read by the caller; each NULL
 * or "" when unset.  There is no HTTP_PROXY: as curl, only the lower-case
 * http_proxy counts for http URLs (CGI sets HTTP_PROXY from a request's
 * "Proxy:" header).
 */
struct ms_proxy_env {
	const char *http_proxy;
	const char *https_proxy, *HTTPS_PROXY; /* lower case first */
	const char *all_proxy, *ALL_PROXY;
	const char *no_proxy, *NO_PROXY;
	/*
	 * A profile's proxy key, NULL when unset: it replaces the scheme's
	 * variable and all_proxy ("" for no proxy); no_proxy still holds.
	 */
	const char *profile;
};
/*
 * The proxy a request to url goes through, as libcurl picks it: the
 * profile's, else the scheme's variable, else all_proxy; none when no_proxy is "*" or lists
 * the host (itself or a parent domain, an address or CIDR network, with
 * ":port" that port only).  Returns 1 with the proxy in out, 0 for none
 * (out ""), -1 when url has no host or the proxy does not fit.  env NULL:
 * no variable is set.
 */
int ms_proxy_for(
    const char *url, const struct ms_proxy_env *env, char *out, size_t outsz);
/*
 * Whether a request to url may carry key (NULL or "": none, always may):
 * over https, whatever the proxy (it sees a tunnel); over plain http only
 * when url and the proxy of ms_proxy_for, if any, are both loopback.
 * Otherwise -1 with MS_ECONFIG, and a message that shows neither the key
 * nor the proxy's password.
 */
int ms_proxy_check(const char *url, const char *key,
    const struct ms_proxy_env *env, struct ms_error *);
/*
 * The dialect for a request to url with profile p: the host's own when it
 * is a known provider, else the profile's.
 */
enum ms_dialect ms_dialect_for(const struct ms_profile *p, const char *url);

/*
 * Templates: [params], [system], then [user]/[assistant] messages, each
 * rendered with {{name}} variables, {{#name}}...{{/name}} (kept when set
 * and not empty), {{^name}}...{{/name}} (kept when unset or empty), and
 * {{{{ for a literal "{{".
 */
struct ms_kv {
	char *key;
	char *value;
};

struct ms_vars {
	struct ms_kv *v;
	size_t n;
};

void ms_vars_init(struct ms_vars *);
void ms_vars_release(struct ms_vars *);
/* Set or replace (copies both); value NULL removes the variable. */
int ms_vars_set(struct ms_vars *, const char *key, const char *value);
int ms_vars_setn(
    struct ms_vars *, const char *key, const char *value, size_t len);
const char *ms_vars_get(const struct ms_vars *, const char *key);

struct ms_tmsg {
	char *role; /* "system", "user", "assistant" */
	char *text;
};

struct ms_template {
	char *name;
	char *source; /* file path or "built-in" */
	struct ms_vars params;
	struct ms_tmsg *msgs;
	size_t nmsgs;
};

void ms_template_init(struct ms_template *);
void ms_template_release(struct ms_template *);
int ms_template_parse(struct ms_template *, const char *text, size_t len,
    const char *name, struct ms_error *);
/* Render one text with vars into out (appended). */
int ms_template_render(const char *text, const struct ms_vars *,
    struct ms_buf *out, struct ms_error *);
/*
 * Where the template NAME comes from, the one lookup for runs and
 * listings: NAME containing '/' is a path (MS_TPL_FILE even when it does
 * not exist: loading it then says it cannot be read); else DIR/NAME when
 * dir is not NULL or "", NAME is not empty and does not start with '.',
 * and stat() (following symlinks) finds a regular file; else the built-in
 * of that name (MS_TPL_BUILTIN); else MS_TPL_NONE.  The file's path goes
 * into path (emptied otherwise); path->oom set means out of memory, and
 * the answer is MS_TPL_NONE.
 */
enum ms_tsource { MS_TPL_NONE, MS_TPL_FILE, MS_TPL_BUILTIN };
enum ms_tsource ms_template_find(
    const char *name, const char *dir, struct ms_buf *path);
/*
 * Find (as ms_template_find) and parse a template; dir is the directory
 * of user templates (DIR/templates of ms_config_dir), or NULL for none.
 */
int ms_template_load(
    struct ms_template *, const char *name, const char *dir, struct ms_error *);
/* Built-in template text by name, or NULL. */
const char *ms_builtin_template(const char *name);
/* The NULL-terminated list of built-in template names. */
extern const char *const ms_builtin_names[];

/*
 * A request, ready to send: parameters, messages and the target.
 */
struct ms_request {
	enum ms_dialect dialect;
	const char *model; /* NULL or "": let the server choose */
	const char **fallbacks;
	size_t nfallbacks;
	const char **stops;
	size_t nstops;
	int stream;
	int usage; /* ask for usage in the answer */
	int has_temperature, has_top_p, has_max_tokens, has_seed;
	double temperature, top_p;
	long max_tokens;
	long long seed;
	const struct ms_tmsg *msgs;
	size_t nmsgs;
};

/* The JSON body of the request, appended to out. */
int ms_request_json(
    const struct ms_request *, struct ms_buf *out, struct ms_error *);

/*
 * HTTP client: one request with retries, streamed through the SSE parser
 * and the answer handler.  Progress and events go to an optional log
 * callback (the caller decides whether to print them).
 */
typedef void (*ms_log_fn)(void *arg, const char *line);

struct ms_http_opts {
	const char *base_url;  /* ".../v1" */
	const char *key;       /* NULL or "": no Authorization */
	const char *app_title; /* OpenRouter attribution headers */
	const char *app_url;
	struct ms_proxy_env proxy; /* the proxy: as ms_proxy_for decides */
	/*
	 * Trust (SPEC 9): a PEM file and a hashed directory of CAs, either
	 * NULL for none; both NULL and trust NULL for the system's store,
	 * looked up by hash in its directory when it has one.  trust says
	 * where they came from, for messages ("CURL_CA_BUNDLE=/x.pem").
	 */
	const char *ca_file;
	const char *ca_path;
	const char *trust;
	long connect_timeout_ms;
	long timeout_ms; /* 0: none */
	long idle_timeout_ms;
	int retries;
	ms_log_fn log; /* verbose lines, or NULL */
	void *log_arg;
	volatile int *cancel; /* set by a signal handler to abort */
};

struct ms_http_stats {
	long status;
	int attempts;
	double first_byte; /* seconds from the start of the last try */
	double total;	   /* seconds for everything, retries included */
};

/*
 * Many requests at once: an engine runs calls on one libcurl multi handle,
 * at most jobs at a time, reusing connections, each call with its own
 * retries.  A call's answer reaches its resp's callback as it arrives.
 */
struct ms_http;

/*
 * A call is the caller's, and kept from ms_http_add until done is called
 * for it or ms_http_run returns; the engine's state for it is its own.
 */
struct ms_call {
	const char *body;
	size_t len;
	struct ms_resp *resp;
	struct ms_error err; /* why it failed */
	struct ms_http_stats st;
	int rc;	   /* 0: the answer is whole; -1: failed */
	void *arg; /* the caller's */
};

struct ms_http_cb {
	/* Slots are free: add up to n calls; -1 stops the run. */
	int (*fill)(void *arg, struct ms_http *, size_t n);
	/* A call is over (see its rc); more may be added from here. */
	void (*done)(void *arg, struct ms_http *, struct ms_call *);
	void *arg;
};

/* Checks the URL and the key's safety; NULL with err set on failure. */
struct ms_http *ms_http_new(const struct ms_http_opts *, struct ms_error *);
void ms_http_free(struct ms_http *);
/*
 * Queue a call.  -1 with the call's err set when out of memory: it is not
 * queued, and done will not be called for it.
 */
int ms_http_add(struct ms_http *, struct ms_call *);
/* Make ms_http_run return at its next step; calls still out are dropped. */
void ms_http_stop(struct ms_http *);
/*
 * Run until no call is left to start, wait for or finish.  Returns -1 with
 * MS_EINTR when cancelled, or when fill returned -1.
 */
int ms_http_run(struct ms_http *, size_t jobs, const struct ms_http_cb *,
    struct ms_error *);
/* One request, with retries: 0 when its answer is whole. */
int ms_http_chat(const struct ms_http_opts *, const char *body, size_t len,
    struct ms_resp *, struct ms_http_stats *, struct ms_error *);
int ms_http_global_init(struct ms_error *);

#endif
