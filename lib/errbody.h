/* errbody.h: libms internal, not installed: error bodies and JSON helpers. */
#ifndef ERRBODY_H
#define ERRBODY_H

#include <stddef.h>

#include <json-c/json.h>

/*
 * The msi_ prefix marks what libms's files share among themselves and no
 * caller may use.
 */

/*
 * Parse s as exactly one JSON value (blanks may follow it), with keep
 * reset and reused when it is not NULL, else a tokener of its own.  NULL
 * when it is not one value, has too many (msi_json_values), or when out
 * of memory.
 */
struct json_object *msi_json_parse(
    struct json_tokener *keep, const char *s, size_t len);
/*
 * An upper bound on the values s[0..n) holds as JSON: one more than its
 * commas, colons and opening brackets outside strings.  msi_json_parse
 * refuses text past MS_MAX_JSON_VALUES: each is an allocation of json-c.
 */
size_t msi_json_values(const char *s, size_t n);
/* The member key of an object, or NULL (o not an object, or no such key). */
struct json_object *msi_json_get(struct json_object *o, const char *key);
/* The same, but only a string member. */
const char *msi_json_getstr(struct json_object *o, const char *key);
/*
 * The message of an "error" member e, as ms_error_message reads the error
 * of a body, into out (one line, at most outsz - 1 bytes, outsz > 0).
 * Returns the length written: 0 when e holds no message.
 */
size_t msi_error_object(struct json_object *e, char *out, size_t outsz);
/*
 * The one cleaning of text from a server (a body, a header, a field)
 * before it can reach a message: src[0..n) as one printable line into
 * dst, at most dstsz - 1 bytes and a NUL (dstsz > 0).  C0 controls, DEL,
 * C1 controls (U+0080 to U+009F), line and paragraph separators and
 * bidirectional controls become spaces, a run of invalid UTF-8 (or NUL
 * bytes: spaces) one U+FFFD; runs of spaces fold into one, none is left
 * at either end, and a character is never cut.  Returns the length.
 */
size_t msi_clean(char *dst, size_t dstsz, const char *src, size_t n);

#endif
