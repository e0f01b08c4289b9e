/*
 * unit.h: a tiny TAP producer for the libms unit tests, header only.
 *
 *	ok(cond, "name %d", i);
 *	is_str(got, want, "name");
 *	is_mem(got, gotlen, want, wantlen, "name");
 *	is_int(got, want, "name");
 *	return done();
 *
 * Each check prints "ok N - name" or "not ok N - name"; a failed is_*
 * prints what it expected and what it got, escaped, on "# " lines.
 * done() prints the plan "1..N" and returns the exit status: 0 when
 * every check passed, 1 otherwise.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define UNIT_UNUSED __attribute__((unused))
#define UNIT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define UNIT_UNUSED
#define UNIT_PRINTF(f, a)
#endif

static int unit_count UNIT_UNUSED;
static int unit_failed UNIT_UNUSED;

static void UNIT_UNUSED
unit_result(int pass, const char *fmt, va_list ap)
{
	unit_count++;
	if (!pass)
		unit_failed++;
	printf("%sok %d - ", pass ? "" : "not ", unit_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

/* Print a diagnostic line: "# " and the text. */
static void UNIT_UNUSED UNIT_PRINTF(1, 2) diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Print bytes as a C string literal, on a "# label" line. */
static void UNIT_UNUSED
unit_escaped(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	printf("#   %s ", label);
	if (p == NULL) {
		puts("NULL");
		return;
	}
	putchar('"');
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '"':
			fputs("\\\"", stdout);
			break;
		default:
			if (s[i] < 0x20 || s[i] >= 0x7f)
				printf("\\x%02x", s[i]);
			else
				putchar(s[i]);
		}
	}
	printf("\" (%zu bytes)\n", n);
}

static int UNIT_UNUSED UNIT_PRINTF(2, 3) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	unit_result(cond, fmt, ap);
	va_end(ap);
	return cond;
}

static int UNIT_UNUSED UNIT_PRINTF(5, 6) is_mem(const void *got, size_t gotlen,
    const void *want, size_t wantlen, const char *fmt, ...)
{
	va_list ap;
	int pass;

	pass = got != NULL && want != NULL && gotlen == wantlen &&
	    (wantlen == 0 || memcmp(got, want, wantlen) == 0);
	va_start(ap, fmt);
	unit_result(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		unit_escaped("expected:", want, wantlen);
		unit_escaped("     got:", got, gotlen);
	}
	return pass;
}

static int UNIT_UNUSED UNIT_PRINTF(3, 4)
    is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int pass;

	pass = got != NULL && want != NULL && strcmp(got, want) == 0;
	va_start(ap, fmt);
	unit_result(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		unit_escaped("expected:", want, want ? strlen(want) : 0);
		unit_escaped("     got:", got, got ? strlen(got) : 0);
	}
	return pass;
}

static int UNIT_UNUSED UNIT_PRINTF(3, 4)
    is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, fmt);
	unit_result(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#   expected: %lld\n", want);
		printf("#        got: %lld\n", got);
	}
	return pass;
}

static int UNIT_UNUSED
done(void)
{
	printf("1..%d\n", unit_count);
	if (unit_failed > 0)
		printf("# %d of %d failed\n", unit_failed, unit_count);
	fflush(stdout);
	return unit_failed > 0 ? 1 : 0;
}

#endif
