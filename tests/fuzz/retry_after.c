/*
 * retry_after.c: fuzz the Retry-After parser (seconds or an HTTP date)
 * and the backoff computation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const long long now = 1445412480; /* 2015-10-21 07:28:00 GMT */
	char *value;
	long ms, d;
	int attempt;

	if ((value = malloc(size + 1)) == NULL)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	ms = ms_retry_after(value, now);
	if (ms < -1)
		abort();
	attempt = size > 0 ? (int)(signed char)data[0] : 0;
	d = ms_retry_delay(attempt, size > 1 ? data[1] / 256.0 : 0, ms);
	if (d < 0 || (ms <= 0 && d >= MS_RETRY_CAP_MS) || (ms > 0 && d < ms))
		abort();
	free(value);
	return 0;
}
