/* buf.c: tests for the byte buffer and the error record. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms.h"
#include "unit.h"

static void
test_init(void)
{
	struct ms_buf b;

	ms_buf_init(&b);
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0',
	    "init: empty, NUL-terminated");
	ms_buf_reset(&b);
	ok(b.len == 0 && b.data[0] == '\0', "reset of an empty buffer");
	ms_buf_consume(&b, 5);
	ok(b.len == 0 && b.data[0] == '\0', "consume of an empty buffer");
	ms_buf_release(&b);
	ok(b.len == 0 && b.cap == 0 && b.data != NULL,
	    "release of an unused buffer");
	ms_buf_wipe(&b);
	ok(b.len == 0 && b.cap == 0, "wipe of an unused buffer");
	is_int(ms_buf_add(&b, NULL, 0), 0, "add of 0 bytes from NULL");
	ok(b.cap == 0, "add of 0 bytes allocates nothing");
}

static void
test_add(void)
{
	struct ms_buf b;
	size_t i;

	ms_buf_init(&b);
	is_int(ms_buf_add(&b, "abc", 3), 0, "add");
	is_int(ms_buf_addstr(&b, "def"), 0, "addstr");
	is_int(ms_buf_addch(&b, 'g'), 0, "addch");
	is_int(ms_buf_addch(&b, 0), 0, "addch NUL");
	is_int(ms_buf_addch(&b, 0xE9), 0, "addch 0xE9");
	is_mem(b.data, b.len, "abcdefg\0\xE9", 9, "contents after adds");
	ok(b.data[b.len] == '\0', "NUL after len");
	ms_buf_reset(&b);
	for (i = 0; i < 10000; i++)
		if (ms_buf_addch(&b, 'a' + (int)(i % 26)) == -1)
			break;
	is_int((long long)b.len, 10000, "10000 single bytes");
	ok(b.cap > b.len && b.data[b.len] == '\0', "capacity and terminator");
	for (i = 0; i < 10000; i++)
		if (b.data[i] != 'a' + (int)(i % 26))
			break;
	is_int((long long)i, 10000, "every byte kept through growth");
	ms_buf_release(&b);
	ok(b.len == 0 && b.cap == 0, "release");
}

static void
test_printf(void)
{
	struct ms_buf b;
	char big[5000];

	ms_buf_init(&b);
	is_int(ms_buf_printf(&b, "%s=%d", "x", 42), 0, "printf");
	is_int(ms_buf_printf(&b, "%s", ""), 0, "printf of nothing");
	is_int(ms_buf_printf(&b, "/%05.1f", 3.14159), 0, "printf again");
	is_str(b.data, "x=42/003.1", "printf appends");
	is_int((long long)b.len, 10, "printf length");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(ms_buf_printf(&b, "[%s]", big), 0, "printf of 5000 bytes");
	is_int((long long)b.len, 10 + 2 + 4999, "long printf length");
	ok(b.data[10] == '[' && b.data[b.len - 1] == ']' &&
		b.data[b.len] == '\0',
	    "long printf contents");
	ms_buf_release(&b);
}

static void
test_consume(void)
{
	struct ms_buf b;

	ms_buf_init(&b);
	ms_buf_addstr(&b, "hello, world");
	ms_buf_consume(&b, 0);
	is_str(b.data, "hello, world", "consume 0");
	ms_buf_consume(&b, 7);
	is_str(b.data, "world", "consume 7");
	is_int((long long)b.len, 5, "length after consume");
	ms_buf_consume(&b, 5);
	ok(b.len == 0 && b.data[0] == '\0', "consume all");
	ms_buf_addstr(&b, "xy");
	ms_buf_consume(&b, 100);
	ok(b.len == 0 && b.data[0] == '\0', "consume more than len");
	ms_buf_release(&b);
}

static void
test_detach(void)
{
	struct ms_buf b;
	char *p;

	ms_buf_init(&b);
	p = ms_buf_detach(&b);
	ok(p != NULL && p[0] == '\0', "detach of an empty buffer gives \"\"");
	free(p);
	ms_buf_addstr(&b, "kept");
	p = ms_buf_detach(&b);
	is_str(p, "kept", "detach hands the data over");
	ok(b.len == 0 && b.cap == 0 && b.data[0] == '\0',
	    "buffer is empty after detach");
	free(p);
	ms_buf_addstr(&b, "again");
	is_str(b.data, "again", "buffer usable after detach");
	ms_buf_release(&b);
}

static void
test_grow(void)
{
	struct ms_buf b;

	ms_buf_init(&b);
	ok(!b.oom, "init: oom clear");
	is_int(ms_buf_grow(&b, SIZE_MAX), -1, "grow by SIZE_MAX fails");
	ok(b.oom, "grow by SIZE_MAX sets oom");
	ms_buf_release(&b);
	ok(!b.oom, "release clears oom");
	ms_buf_addstr(&b, "abc");
	is_int(ms_buf_grow(&b, SIZE_MAX - 3), -1,
	    "grow past SIZE_MAX with data fails");
	is_str(b.data, "abc", "failed grow keeps the data");
	ok(b.oom, "failed grow sets oom");
	ms_buf_release(&b);
	ms_buf_addstr(&b, "abc");
	is_int(ms_buf_grow(&b, 100), 0, "grow by 100");
	ok(b.cap >= 104, "capacity after grow");
	is_str(b.data, "abc", "grow keeps the data");
	ms_buf_wipe(&b);
	ok(b.len == 0 && b.cap == 0 && b.data[0] == '\0', "wipe");
}

/* After one failed allocation every append fails until release or init. */
static void
test_oom(void)
{
	struct ms_buf b;
	char *p;

	ms_buf_init(&b);
	ms_buf_addstr(&b, "kept");
	b.oom = 1; /* as if an allocation had failed */
	is_int(ms_buf_add(&b, "x", 1), -1, "oom: add fails");
	is_int(ms_buf_add(&b, NULL, 0), -1, "oom: add of 0 bytes fails");
	is_int(ms_buf_addstr(&b, "x"), -1, "oom: addstr fails");
	is_int(ms_buf_addch(&b, 'x'), -1, "oom: addch fails");
	is_int(ms_buf_printf(&b, "%d", 1), -1, "oom: printf fails");
	is_int(ms_buf_grow(&b, 0), -1, "oom: grow by 0 fails");
	is_int(ms_buf_grow(&b, 1), -1, "oom: grow fails");
	is_str(b.data, "kept", "oom: the contents stay as they were");
	ms_buf_consume(&b, 1);
	ok(b.oom, "oom: consume keeps it");
	ms_buf_reset(&b);
	ok(b.oom && b.len == 0 && b.data[0] == '\0', "oom: reset keeps it");
	is_int(ms_buf_addch(&b, 'y'), -1, "oom: add after reset fails");
	ms_buf_addstr(&b, "z");
	p = ms_buf_detach(&b);
	ok(p != NULL && b.oom, "oom: detach keeps it");
	free(p);
	ms_buf_wipe(&b);
	ok(!b.oom, "oom: wipe clears it");
	is_int(ms_buf_addstr(&b, "new"), 0, "oom: add after wipe");
	b.oom = 1;
	ms_buf_release(&b);
	ok(!b.oom && b.len == 0, "oom: release clears it");
	is_int(ms_buf_addstr(&b, "again"), 0, "oom: add after release");
	b.oom = 1;
	ms_buf_release(&b);
	ms_buf_init(&b);
	ok(!b.oom, "oom: init clears it");

	/* A real failure: growth past SIZE_MAX, then the next small add. */
	ms_buf_addstr(&b, "abc");
	is_int(ms_buf_grow(&b, SIZE_MAX), -1, "grow by SIZE_MAX fails");
	ok(b.oom, "grow by SIZE_MAX sets oom");
	is_int(ms_buf_addch(&b, 'd'), -1, "the next add fails too");
	is_str(b.data, "abc", "and nothing is appended");
	ms_buf_release(&b);
	ok(!b.oom && ms_buf_addch(&b, 'e') == 0, "usable after release");
	ms_buf_release(&b);
}

static void
test_error(void)
{
	struct ms_error e;
	char big[2000];

	ms_error_clear(&e);
	ok(e.kind == MS_OK && e.msg[0] == '\0', "error_clear");
	is_int(ms_error_set(&e, MS_ECONFIG, "bad %s at %d", "thing", 3), -1,
	    "error_set returns -1");
	is_int(e.kind, MS_ECONFIG, "error_set kind");
	is_str(e.msg, "bad thing at 3", "error_set message");
	is_int(ms_error_set(NULL, MS_EDATA, "x"), -1, "error_set on NULL");
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ms_error_set(&e, MS_EUNAVAIL, "%s", big);
	is_int((long long)strlen(e.msg), (long long)sizeof(e.msg) - 1,
	    "long message truncated to the record");
}

int
main(void)
{
	test_init();
	test_add();
	test_printf();
	test_consume();
	test_detach();
	test_grow();
	test_oom();
	test_error();
	return done();
}
