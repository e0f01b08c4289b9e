/* retry.c: when to try again and how long to wait first (SPEC 6). */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include <curl/curl.h>

#include "ms.h"

int
ms_retry_status(long status)
{
	switch (status) {
	case 408:
	case 429:
	case 500:
	case 502:
	case 503:
	case 504:
		return 1;
	default:
		return 0;
	}
}

long
ms_retry_delay(int attempt, double rnd, long retry_after_ms)
{
	long cap = MS_RETRY_BASE_MS;
	long d;

	while (attempt-- > 0 && cap < MS_RETRY_CAP_MS)
		cap *= 2;
	if (cap > MS_RETRY_CAP_MS)
		cap = MS_RETRY_CAP_MS;
	if (!(rnd >= 0 && rnd < 1))
		rnd = 0;
	d = (long)(rnd * (double)cap);
	return d < retry_after_ms ? retry_after_ms : d;
}

long
ms_retry_after(const char *value, long long now)
{
	char buf[128];
	size_t n;
	long long secs = 0;
	time_t t;
	const char *s = value;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		for (s = buf; *s; s++) {
			if (!isdigit((unsigned char)*s))
				return -1;
			if (secs < LONG_MAX / 10000)
				secs = secs * 10 + (*s - '0');
		}
		if (secs > LONG_MAX / 1000)
			return LONG_MAX;
		return (long)secs * 1000;
	}
	if ((t = curl_getdate(buf, NULL)) == -1)
		return -1;
	if ((long long)t <= now)
		return 0;
	if ((long long)t - now > LONG_MAX / 1000)
		return LONG_MAX;
	return (long)((long long)t - now) * 1000;
}
