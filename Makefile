# natter - build, test and install. 'make' builds bin/natterd, bin/natter and bin/natterctl;
# 'make test' runs every test (unit, integration, sanitizers, valgrind);
# 'make install PREFIX=/usr DESTDIR=...' installs the programs and manual pages.

CC      ?= cc
PKG_CONFIG ?= pkg-config
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
BUILD   ?= build
BIN     ?= bin
SAN     ?=

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
       -Wformat=2 -Wvla -Wpointer-arith -Wwrite-strings -Wundef -Wcast-align \
       -Wnull-dereference -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Icommon -MMD -MP
ifneq ($(SAN),)
CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

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

.PHONY: all deps test unit fuzz run clean format format-check install uninstall bench
# Keep intermediate objects (test helpers) so a second make does nothing.
.SECONDARY:

all: deps $(PROGRAMS:%=$(BIN)/%) $(HELPER_BIN)

# Stop early, with the exact command to run, if a Debian package is missing.
deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(BUILD) && touch $@

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
	$(CC) $(LDFLAGS) -o $@ $^

$(BIN)/natter: $(TUI_OBJ) $(BUILD)/libclient.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(TUI_LIBS)

$(BIN)/natterctl: $(CTL_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

# The benchmark (bench/, see BENCHMARKS.md); an explicit rule wins over the helper pattern.
$(BIN)/natter-bench: $(BENCH_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

$(BIN)/%: $(BUILD)/tests/helpers/%.o $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(TUI_CFLAGS) -Iclient -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CMOCKA_CFLAGS) $(TUI_CFLAGS) -Iclient -Itui -Iserver -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libserver.a $(BUILD)/libtui.a $(BUILD)/libclient.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(TUI_LIBS)

unit: deps $(UNIT_BIN)

# The one command: everything, in order, with one summary at the end.
test: all unit
	$(MAKE) --no-print-directory BUILD=build/asan BIN=bin/asan SAN=1 all
	$(MAKE) --no-print-directory fuzz
	tests/run.sh

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

run: all
	$(BIN)/natter

# The standard benchmark matrix (several minutes); rewrites the generated part of BENCHMARKS.md.
bench: all
	bench/matrix.sh $(BIN)/natter-bench BENCHMARKS.md

FORMAT_SRC = common/*.[ch] server/*.[ch] client/*.[ch] tui/*.[ch] tests/unit/*/*.c tests/helpers/*.c \
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
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PROGRAMS:%=$(BIN)/%) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/

# Exactly what install put there; the directories stay (they may be shared).
uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(PREFIX)/bin/%) $(MAN_PAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
