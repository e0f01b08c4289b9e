/* auth.h: the API key of a plan, and the headers a request carries. */
#ifndef AUTH_H
#define AUTH_H

#include "plan.h"

/* The profile's API key into key (wiped by the caller). */
int auth_key(const struct plan *, struct ms_buf *key, struct ms_error *);
/* -n -v: where the request would go and its headers, on stderr. */
void auth_show(const struct plan *);

#endif
