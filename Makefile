# SPDX-License-Identifier: ISC
# natter - build, test and install. 'make' builds bin/natterd, bin/natter, bin/natterctl
# and bin/natter-bench (it needs ncurses and readline, never cmocka, and installs nothing);
# 'make check' runs the quick tests (unit and integration, no sanitizers, valgrind or fuzzing);
# 'make test' runs every test, installing what they need with apt-get when run as root;
# 'make install PREFIX=/usr DESTDIR=...' installs the programs and manual pages.
#
# CPPFLAGS, CFLAGS and LDFLAGS are the packager's (dpkg-buildflags, 'make CFLAGS=-O0'):
# what natter itself needs is kept apart in NATTER_* and always added.

CC      ?= cc
PKG_CONFIG ?= pkg-config
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BUILD   ?= build
BIN     ?= bin
SAN     ?=

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
       -Wformat=2 -Wvla -Wpointer-arith -Wwrite-strings -Wundef -Wcast-align \
       -Wnull-dereference -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
NATTER_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon
# The user's CFLAGS come after ours, so 'make CFLAGS="-O0 -Wno-shadow"' wins.
NATTER_CFLAGS = -std=c11 $(WARN)
DEPFLAGS = -MMD -MP
ifneq ($(SAN),)
SAN_CFLAGS = -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LDFLAGS = -fsanitize=address,undefined
endif
# One compile and one link command line for every C file and program.
COMPILE = $(CC) $(NATTER_CPPFLAGS) $(CPPFLAGS) $(NATTER_CFLAGS) $(CFLAGS) $(SAN_CFLAGS) $(DEPFLAGS)
LINK    = $(CC) $(CFLAGS) $(SAN_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS)

TUI_PKGS = ncursesw readline
TUI_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TUI_PKGS) 2>/dev/null)
TUI_LIBS = $(shell $(PKG_CONFIG) --libs $(TUI_PKGS) 2>/dev/null)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

COMMON_SRC = $(wildcard common/*.c)
SERVER_SRC = $(wildcard server/*.c)
CLIENT_SRC = $(wildcard client/*.c)
TUI_SRC    = $(wildcard tui/*.c)
# Unit tests mirror the folders: tests/unit/server/test_outq.c tests server/outq.c.
UNIT_SRC   = $(wildcard tests/unit/*/test_*.c)
HELPER_SRC = $(wildcard tests/helpers/*.c)
SOAK_SRC   = $(wildcard tests/soak/*.c)
BENCH_SRC  = $(wildcard bench/*.c)
CTL_SRC    = $(wildcard ctl/*.c)
# What 'make install' puts in $(PREFIX)/bin: one word here per program users run.
PROGRAMS   = natterd natter natterctl natter-bench
# Every manual page, so a new man/*.1 is installed without touching this file.
MAN_PAGES  = $(wildcard man/*.1)

COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/%.o)
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o)
CLIENT_OBJ = $(CLIENT_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ    = $(TUI_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ  = $(BENCH_SRC:%.c=$(BUILD)/%.o)
CTL_OBJ    = $(CTL_SRC:%.c=$(BUILD)/%.o)
# Unit tests link the programs' modules from archives (no main), so each
# test pulls in only what it uses.
SERVER_LIB_OBJ = $(filter-out $(BUILD)/server/main.o,$(SERVER_OBJ))
TUI_LIB_OBJ = $(filter-out $(BUILD)/tui/main.o,$(TUI_OBJ))
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_BIN = $(HELPER_SRC:tests/helpers/%.c=$(BIN)/%)
SOAK_OBJ   = $(SOAK_SRC:%.c=$(BUILD)/%.o)

.PHONY: all deps test check unit fuzz run clean format format-check install uninstall bench
# Keep intermediate objects (test helpers) so a second make does nothing.
.SECONDARY:

all: $(PROGRAMS:%=$(BIN)/%) $(HELPER_BIN) $(BIN)/natter-soak

# Stop before compiling, with the exact command to run, if a Debian package
# is missing; these only check (a build must not change the system).
$(BUILD)/.deps-build: tools/deps.sh
	@tools/deps.sh build
	@mkdir -p $(@D) && touch $@
$(BUILD)/.deps-unit: tools/deps.sh
	@tools/deps.sh unit
	@mkdir -p $(@D) && touch $@

# Install what building and the unit tests need (as root, with apt-get).
deps:
	@tools/deps.sh --install build unit

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/libserver.a: $(SERVER_LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/libclient.a: $(CLIENT_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/libtui.a: $(TUI_LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BIN)/natterd: $(SERVER_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^

$(BIN)/natter: $(TUI_OBJ) $(BUILD)/libclient.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^ $(TUI_LIBS)

$(BIN)/natterctl: $(CTL_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^

# The benchmark (bench/, see BENCHMARKS.md); an explicit rule wins over the helper pattern.
$(BIN)/natter-bench: $(BENCH_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^

# The randomized soak test (tests/soak/, several files); run by tests/integration/90_soak.sh.
$(BIN)/natter-soak: $(SOAK_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^

$(BIN)/%: $(BUILD)/tests/helpers/%.o $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^

$(BUILD)/tui/%.o: tui/%.c | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(COMPILE) $(TUI_CFLAGS) -Iclient -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.c | $(BUILD)/.deps-build $(BUILD)/.deps-unit
	@mkdir -p $(@D)
	$(COMPILE) $(CMOCKA_CFLAGS) $(TUI_CFLAGS) -Iclient -Itui -Iserver -c -o $@ $<

$(BUILD)/%.o: %.c | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(COMPILE) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libserver.a $(BUILD)/libtui.a $(BUILD)/libclient.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(LINK) -o $@ $^ $(CMOCKA_LIBS) $(TUI_LIBS)

unit: $(UNIT_BIN)

# The one command: everything, in order, with one summary at the end. It
# installs what is missing first (as root), so it works on a bare machine.
test:
	@tools/deps.sh --install build unit
	$(MAKE) --no-print-directory all unit
	$(MAKE) --no-print-directory BUILD=build/asan BIN=bin/asan SAN=1 all
	$(MAKE) --no-print-directory fuzz
	tests/run.sh

# The quick part (dh_auto_test runs it): unit and integration tests on the
# plain build, without sanitizers, valgrind or fuzzing; it installs nothing.
check: all unit
	NATTER_QUICK=1 tests/run.sh

# libFuzzer targets (clang): each runs FUZZ_SECONDS from the seed corpus.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Icommon -Iclient \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS = frames text command ctl

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(COMMON_SRC) $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(COMMON_SRC) $(FUZZ_EXTRA_$*)

fuzz:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%) && \
		tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS); \
	else \
		echo "fuzz: skipped: $(FUZZ_CC) is not installed (apt-get install clang libclang-rt-dev)"; \
	fi

# natter starts natterd if none answers; that server outlives it, and natter's
# last line says so (pid, socket, and 'natterctl shutdown' to stop it).
run:
	@tools/deps.sh --install build
	$(MAKE) --no-print-directory all
	$(BIN)/natter

# The standard benchmark matrix (several minutes); rewrites the generated part of BENCHMARKS.md.
bench: all
	bench/matrix.sh $(BIN)/natter-bench BENCHMARKS.md

FORMAT_SRC = common/*.[ch] server/*.[ch] client/*.[ch] tui/*.[ch] tests/unit/*/*.c tests/helpers/*.c tests/soak/*.[ch] \
	bench/*.[ch] ctl/*.c examples/*.c tests/fuzz/*.c

format:
	clang-format -i $(FORMAT_SRC)

# Fails, naming the files, if any C file is not as .clang-format says.
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build bin

# Programs and manual pages only; the systemd units in contrib/ are copied by
# hand (contrib/README.md says how), since where they go is the admin's choice.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PROGRAMS:%=$(BIN)/%) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/

# Exactly what install put there; the directories stay (they may be shared).
uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(MAN_PAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
