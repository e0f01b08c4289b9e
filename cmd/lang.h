/* lang.h: language codes people type, and the names a model reads. */
#ifndef LANG_H
#define LANG_H

#include <stddef.h>

/* "de" -> "German (de)"; other names as they are.  Returns buf or s. */
const char *lang_name(const char *s, char *buf, size_t bufsz);

#endif
