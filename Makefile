# ipcsh — GNU Makefile. See README.md; `make help` lists targets.
.SUFFIXES:

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
DOCDIR  ?= $(DATADIR)/doc/ipcsh
DESTDIR ?=
# Shell completions go where each shell looks: bash-completion's
# completionsdir (relative to DATADIR, so PREFIX=/usr gives Debian's), zsh's
# vendor directory for PREFIX=/usr and its site-functions otherwise (the one
# Debian's zsh searches under /usr/local), fish's vendor directory.
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --define-variable=datadir='$(DATADIR)' \
	--variable=completionsdir bash-completion 2>/dev/null),$(DATADIR)/bash-completion/completions)
ZSHCOMPDIR ?= $(DATADIR)/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

CC      ?= cc
CFLAGS  ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
PKG_CONFIG ?= pkg-config
VERSION := 0.1.0

# Flags the project needs; user CFLAGS/CPPFLAGS/LDFLAGS come on top.
WARN := -Wall -Wextra -Wpedantic -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wimplicit-fallthrough -fno-common
REQ_CPPFLAGS := -D_GNU_SOURCE -DIPCSH_VERSION='"$(VERSION)"' -Isrc \
	$(shell $(PKG_CONFIG) --cflags readline libsodium 2>/dev/null)
REQ_CFLAGS := -std=c17 $(WARN) -MMD -MP
LIBS := $(shell $(PKG_CONFIG) --libs readline libsodium 2>/dev/null || echo -lreadline -lsodium) -lrt

ifeq ($(STRICT),1)
REQ_CFLAGS += -Werror
endif

# CRYPTO=openssl (the default): the remote stage's AEADs (AES-256-GCM,
# ChaCha20-Poly1305) through OpenSSL's libcrypto (libssl-dev), measured
# 2.3-3x libsodium's per core; the rest of the cryptography stays
# libsodium's. CRYPTO=sodium: libsodium's AEADs, one library less. See
# docs/PROTOCOL.md §3.
CRYPTO ?= openssl
# libcrypto is not linked but loaded when the first record is sealed
# (src/remote/noise.c), so starting ipcsh costs no more; the header is
# needed to build.
ifeq ($(CRYPTO),openssl)
REQ_CPPFLAGS += -DIPCSH_AEAD_OPENSSL
endif

ifneq ($(SANITIZE),)
BUILD ?= build-san
endif
BUILD ?= build

ifneq ($(SANITIZE),)
REQ_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=$(SANITIZE)
endif

# The internal archive of all of src/ (ipcsh, ipcshd, tests and fuzzers
# link it; it includes libipcsh's sources, built with the sanitizers).
LIB_DIRS := util parse transport exec job builtin repl remote bench lib
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CORE := $(BUILD)/libipcsh-core.a
# libipcsh, the public library (include/ipcsh/ring.h): position-independent,
# only the ipcsh_ring_* calls exported, never built with the sanitizers (a
# program or an interpreter that loads it has no sanitizer runtime).
PUB_SRCS := $(wildcard src/lib/*.c) src/transport/ring.c
PUB_OBJS := $(PUB_SRCS:%.c=$(BUILD)/pic/%.o)
SOVERSION := 1
PUB_SO := $(BUILD)/libipcsh.so.$(SOVERSION)
PUB_A := $(BUILD)/libipcsh.a
EXAMPLE_C_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(EXAMPLE_C_SRCS:examples/%.c=$(BUILD)/examples/%)
IPCSH_OBJS := $(BUILD)/src/main.o
IPCSHD_SRCS := $(wildcard src/daemon/*.c)
IPCSHD_OBJS := $(IPCSHD_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
REPLAY_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/replay_%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)

ALL_CFLAGS = $(REQ_CPPFLAGS) $(CPPFLAGS) $(REQ_CFLAGS) $(CFLAGS)
# Every symbol bound at start (and the GOT read-only after it): a forked
# child of ipcsh otherwise binds each function its parent never called
# (_exit, dup2, poll...) on every fork, reading the libraries' symbol tables
# page by page: 20% of the page faults of a loop of pipelines, 10% of its
# CPU; ipcsh -c true costs the same (docs/BENCHMARKS.md, session 7).
REQ_LDFLAGS := -Wl,-z,now -Wl,-z,relro
ALL_LDFLAGS = $(SAN_LDFLAGS) $(REQ_LDFLAGS) $(LDFLAGS)

all: $(BUILD)/ipcsh $(BUILD)/ipcshd $(PUB_SO) $(PUB_A)
.PHONY: all examples check unit bats install uninstall clean dist distcheck bench fuzz lint help stress valgrind

Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(CORE): $(LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

PUB_CFLAGS = $(REQ_CPPFLAGS) $(CPPFLAGS) -std=c17 $(WARN) $(if $(filter 1,$(STRICT)),-Werror) \
	-MMD -MP $(CFLAGS) -fPIC -fvisibility=hidden

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [pic] $<")
	$(Q)$(CC) $(PUB_CFLAGS) -c -o $@ $<

$(PUB_SO): $(PUB_OBJS)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,libipcsh.so.$(SOVERSION) -o $@ $(PUB_OBJS)
	$(Q)ln -sf libipcsh.so.$(SOVERSION) $(BUILD)/libipcsh.so

$(PUB_A): $(PUB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

# ipcsh.pc is written at install time: it names the install's PREFIX.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|g' \
	-e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' \
	-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' \
	-e 's|@VERSION@|$(VERSION)|g'

$(BUILD)/ipcsh: $(IPCSH_OBJS) $(CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(IPCSH_OBJS) $(CORE) $(LIBS)

$(BUILD)/ipcshd: $(IPCSHD_OBJS) $(CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(IPCSHD_OBJS) $(CORE) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(CORE)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(CORE) $(LIBS)

$(BUILD)/tests/helpers/%: $(BUILD)/tests/helpers/%.o $(CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(CORE) $(LIBS)

# The examples, as a user builds them: the public header and libipcsh.a.
$(BUILD)/examples/%: examples/%.c $(PUB_A) include/ipcsh/ring.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) -std=c17 $(WARN) $(if $(filter 1,$(STRICT)),-Werror) $(CFLAGS) -Iinclude \
		-o $@ $< $(PUB_A)

examples: $(EXAMPLE_BINS)

$(BUILD)/bench/pipepair: bench/pipepair.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=c17 $(WARN) $(if $(filter 1,$(STRICT)),-Werror) $(CFLAGS) -o $@ $<

# Fuzz targets: replayed over their committed corpora by `make check`
# through a plain main() (any compiler); `make fuzz` builds them with libFuzzer.
$(BUILD)/fuzz/replay_%: $(BUILD)/fuzz/%.o $(BUILD)/fuzz/replay_main.o $(CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/fuzz/replay_main.o $(CORE) $(LIBS)

TEST_BINS := $(UNIT_BINS) $(REPLAY_BINS) $(HELPER_BINS)

check: all $(TEST_BINS) $(EXAMPLE_BINS) $(BUILD)/bench/pipepair
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) bash tests/run-all.sh $(TESTS)

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
fuzz:
	@BUILD=$(BUILD) FUZZ_CC=$(FUZZ_CC) FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

bench: all $(EXAMPLE_BINS) $(BUILD)/bench/pipepair
	@BUILD=$(BUILD) bash bench/run.sh

stress: all $(TEST_BINS)
	@BUILD=$(BUILD) bash tests/stress/run.sh

valgrind: all $(TEST_BINS) $(EXAMPLE_BINS) $(BUILD)/bench/pipepair
	@BUILD=$(BUILD) IPCSH_VALGRIND=1 bash tests/run-all.sh

lint:
	@BUILD=$(BUILD) bash tests/lint.sh

# What install puts, file by file; uninstall removes exactly these.
DOC_FILES := README.md $(wildcard docs/*.md)
EXAMPLE_FILES := $(wildcard examples/*.ipcsh)
INSTALLED = $(BINDIR)/ipcsh $(BINDIR)/ipcshd $(MANDIR)/man1/ipcsh.1 $(MANDIR)/man8/ipcshd.8 \
	$(BASHCOMPDIR)/ipcsh $(BASHCOMPDIR)/ipcshd $(ZSHCOMPDIR)/_ipcsh $(ZSHCOMPDIR)/_ipcshd \
	$(FISHCOMPDIR)/ipcsh.fish $(FISHCOMPDIR)/ipcshd.fish \
	$(addprefix $(DOCDIR)/,$(notdir $(DOC_FILES))) \
	$(addprefix $(DOCDIR)/examples/,$(notdir $(EXAMPLE_FILES) $(EXAMPLE_C_SRCS))) \
	$(LIBDIR)/libipcsh.so.$(SOVERSION) $(LIBDIR)/libipcsh.so $(LIBDIR)/libipcsh.a \
	$(INCLUDEDIR)/ipcsh/ring.h $(PKGCONFIGDIR)/ipcsh.pc $(MANDIR)/man3/ipcsh_ring.3

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/ipcsh \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man3
	install -m 755 $(BUILD)/ipcsh $(BUILD)/ipcshd $(DESTDIR)$(BINDIR)/
	install -m 644 man/ipcsh.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/ipcshd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 completions/ipcsh completions/ipcshd $(DESTDIR)$(BASHCOMPDIR)/
	install -m 644 completions/_ipcsh completions/_ipcshd $(DESTDIR)$(ZSHCOMPDIR)/
	install -m 644 completions/ipcsh.fish completions/ipcshd.fish $(DESTDIR)$(FISHCOMPDIR)/
	install -m 644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
	$(if $(EXAMPLE_FILES),install -m 755 $(EXAMPLE_FILES) $(DESTDIR)$(DOCDIR)/examples/)
	$(if $(EXAMPLE_C_SRCS),install -m 644 $(EXAMPLE_C_SRCS) $(DESTDIR)$(DOCDIR)/examples/)
	install -m 755 $(PUB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libipcsh.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libipcsh.so
	install -m 644 $(PUB_A) $(DESTDIR)$(LIBDIR)/
	install -m 644 include/ipcsh/ring.h $(DESTDIR)$(INCLUDEDIR)/ipcsh/
	$(PC_SED) lib/ipcsh.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/ipcsh.pc
	install -m 644 man/ipcsh_ring.3 $(DESTDIR)$(MANDIR)/man3/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@for d in $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) $(DESTDIR)$(INCLUDEDIR)/ipcsh; do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d"; done

dist:
	git archive --format=tar.gz --prefix=ipcsh-$(VERSION)/ -o ipcsh-$(VERSION).tar.gz HEAD

# The tarball builds, passes its tests, installs and uninstalls cleanly.
distcheck: dist
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/ipcsh-distcheck.XXXXXX"); \
	trap 'rm -rf "$$tmp"' EXIT; trap 'exit 1' HUP INT TERM; \
	tar -xzf ipcsh-$(VERSION).tar.gz -C "$$tmp"; \
	src="$$tmp/ipcsh-$(VERSION)"; \
	$(MAKE) -C "$$src" all; \
	$(MAKE) -C "$$src" check; \
	$(MAKE) -C "$$src" install DESTDIR="$$tmp/inst"; \
	$(MAKE) -C "$$src" uninstall DESTDIR="$$tmp/inst"; \
	left=$$(find "$$tmp/inst" ! -type d); \
	if [ -n "$$left" ]; then echo "distcheck: uninstall left: $$left" >&2; exit 1; fi; \
	echo "ipcsh-$(VERSION).tar.gz builds, passes its tests and installs cleanly"

clean:
	rm -rf build build-san ipcsh-*.tar.gz

help:
	@echo "targets: all examples check bench fuzz stress valgrind lint install uninstall dist distcheck clean"
	@echo "vars: PREFIX DESTDIR STRICT=1 SANITIZE=address,undefined TESTS='tests/x.bats'"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
