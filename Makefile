# Makefile for ms (GNU make): one binary, its links, the tests, the docs.
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libcurl json-c libbsd
CFLAGS ?= -O2 -g
WARN = -std=c99 -D_GNU_SOURCE -Wall -Wextra \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	-Wno-missing-field-initializers
ifdef DEVELOPER
WARN += -Werror
endif
ifdef SANITIZE
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
endif
DEPCFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEPLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS) $(DEPCFLAGS) -Ilib -Icmd
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

B = build
LIB_SRC = $(wildcard lib/*.c)
CMD_SRC = $(wildcard cmd/*.c)
TEMPLATES = $(sort $(wildcard lib/templates/*))
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o) $(B)/lib/builtin.o
CMD_OBJ = $(CMD_SRC:%.c=$(B)/%.o)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
BENCH_BIN = $(B)/bench/ssebench $(B)/bench/firstbyte $(B)/bench/floor \
	$(B)/bench/outbench $(B)/bench/tokbench
TOOLS = mschat msummarize mtranslate
MAN1 = ms.1 mschat.1 msummarize.1 mtranslate.1
MAN5 = ms-template.5 ms-config.5

all: $(B)/ms $(TOOLS:%=$(B)/%)

# Rebuild everything when the compiler flags change (SANITIZE, DEVELOPER).
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(B)/%.o: %.c $(wildcard lib/*.h cmd/*.h) $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The built-in templates, compiled into the binary as C strings.
$(B)/lib/builtin.c: $(TEMPLATES) tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh $(TEMPLATES) > $@

$(B)/lib/builtin.o: $(B)/lib/builtin.c $(B)/.flags
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libms.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(B)/ms: $(CMD_OBJ) $(B)/libms.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(B)/libms.a $(DEPLIBS)

$(TOOLS:%=$(B)/%): $(B)/ms
	ln -sf ms $@

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libms.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -DMS_SRCDIR='"$(CURDIR)"' \
		$(ALL_LDFLAGS) -o $@ $< \
		$(B)/libms.a $(DEPLIBS)

# The programs make bench runs (built by make check too, so they keep
# compiling): ssebench, outbench and tokbench use libms; floor is libcurl
# alone, on purpose.
$(B)/bench/ssebench: tests/bench/ssebench.c lib/ms.h $(B)/libms.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libms.a $(DEPLIBS)
$(B)/bench/outbench: tests/bench/outbench.c lib/ms.h $(B)/libms.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libms.a $(DEPLIBS)
$(B)/bench/tokbench: tests/bench/tokbench.c lib/ms.h $(B)/libms.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libms.a $(DEPLIBS)
$(B)/bench/firstbyte: tests/bench/firstbyte.c $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<
$(B)/bench/floor: tests/bench/floor.c $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --libs libcurl)

# make check TESTS="t0003-stream.sh ..." runs only those scripts;
# VALGRIND="valgrind -q --leak-check=full ..." runs everything under it;
# TEST_JOBS scripts run at once (each has its own mock servers and ports).
TEST_JOBS ?= 2
check: all $(UNIT_BIN) $(BENCH_BIN)
	MS_BUILD=$(CURDIR)/$(B) MS_UNIT_TESTS="$(UNIT_BIN)" \
		VALGRIND="$(VALGRIND)" sh tests/run.sh -j $(TEST_JOBS) $(TESTS)

# libFuzzer targets; clang only.
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: $(FUZZ_BIN)
$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(B)/lib/builtin.c $(wildcard lib/*.h) \
		tests/unit/tokslow.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(DEPCFLAGS) -Ilib -o $@ $< \
		$(LIB_SRC) $(B)/lib/builtin.c $(DEPLIBS)

# lib/tokvocab.c is generated (tools/vocab.mjs): tables of numbers.
format-check:
	clang-format --dry-run --Werror $(filter-out lib/tokvocab.c,$(LIB_SRC)) \
		lib/*.h cmd/*.c cmd/*.h tests/unit/*.c tests/unit/*.h \
		tests/bench/*.c

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/site-functions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	cp $(B)/ms $(DESTDIR)$(BINDIR)/ms
	for t in $(TOOLS); do ln -sf ms $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MAN1); do cp man/$$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in $(MAN5); do cp man/$$m $(DESTDIR)$(MANDIR)/man5/; done
	cp completions/ms.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/ms
	for t in $(TOOLS); do ln -sf ms \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/$$t; done
	cp completions/_ms $(DESTDIR)$(DATADIR)/zsh/site-functions/_ms
	cp completions/ms.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/ms.fish
	for t in $(TOOLS); do ln -sf ms.fish \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ms
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/$$t \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done
	rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/ms \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_ms \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/ms.fish

clean:
	rm -rf $(B)

FORCE:
.PHONY: all check fuzz format-check install uninstall clean FORCE

# Benchmarks, not tests (make check never depends on timing): one table on
# stdout, goals and whether they are met; see tests/bench/run.sh.
bench: all $(BENCH_BIN)
	MS_BUILD=$(CURDIR)/$(B) sh tests/bench/run.sh
.PHONY: bench
