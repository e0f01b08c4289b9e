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
 * when it is not one value, or when out of memory.
 */
struct json_object *msi_json_parse(
    struct json_tokener *keep, const char *s, size_t len);
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

#endif
