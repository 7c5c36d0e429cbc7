# Makefile — builds libhrcast.a, the hrcast binary, the tests and the fuzzers.
# Sources are found by globbing, so adding a file under src/ needs no edit here.
#   make            build build/hrcast
#   make test       install missing packages, build, run the suite (summary: "N passed, N failed")
#   make check      the suite without the package check
#   make demo       install missing packages, build, run `hrcast demo`
#   make asan       the whole suite under ASan+UBSan (build-asan/; a sanitizer error exits 86)
#   make fuzz       short libFuzzer runs of every parser (clang)
#   make install    [PREFIX=/usr/local] [DESTDIR=...]: binary, libhrcast.so.0 + .a, header, pkg-config,
#                   man pages, bash completion, Python module, README.md + docs/*.md in share/doc/hrcast;
#                   `make uninstall` removes exactly those
#   make deb        a Debian package (build/hrcast_VERSION_ARCH.deb) built with dpkg-deb
CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
# -fPIC so that the same objects make libhrcast.a and libhrcast.so; -fvisibility=hidden so that the .so
# exports only what include/hrcast.h marks HRCAST_EXPORT (docs/install.md: the code is the same as before)
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation -Iinclude -Isrc $(OPT) \
               -fPIC -fvisibility=hidden
PKGS    := expat zlib spng libmicrohttpd snappy libzstd libarchive
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/x86_64-linux-gnu/openblas-pthread -I/usr/include/openblas
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lopenblas -lgif -lpthread -lm
ifneq ($(findstring clang,$(CC)),)
CFLAGS_BASE += -Wno-unknown-warning-option
endif
CFLAGS  += $(CFLAGS_BASE) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  += $(PKG_LIBS)

LIB_SRC  := $(sort $(shell find src -name '*.c' -not -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_SH  := $(sort $(wildcard tests/test_*.sh))
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

# MPI data-parallel training: when Open MPI is found, also build $(BUILD)/hrcast-mpi (the same CLI with
# src/train/dist.c compiled -DHRCAST_MPI; run it under mpirun). build/hrcast never links MPI.
MPI_CFLAGS := $(shell pkg-config --cflags ompi-c 2>/dev/null || mpicc --showme:compile 2>/dev/null)
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null || mpicc --showme:link 2>/dev/null)
MPI_BIN    := $(if $(strip $(MPI_LIBS)),$(BUILD)/hrcast-mpi)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
# web/* embedded into the library for `hrcast serve` (tools/embed.sh writes $(BUILD)/gen/assets.c)
WEB_FILES := $(sort $(shell find web -type f 2>/dev/null))
LIB_OBJ  += $(BUILD)/gen/assets.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libhrcast.a
BIN      := $(BUILD)/hrcast
VERSION  := $(shell sed -n 's/^\#define HRCAST_VERSION "\(.*\)"/\1/p' include/hrcast.h)
SONAME   := libhrcast.so.0
SHLIB    := $(BUILD)/libhrcast.so.$(VERSION)
OBJCOPY  ?= objcopy
MAN_STAMP := $(BUILD)/man/.stamp

.SECONDARY:
.PHONY: all test check demo asan fuzz clean parity bench install uninstall deb man
all: $(BIN) $(MPI_BIN) $(SHLIB) $(MAN_STAMP)

# objects are rebuilt when the compiler or its flags change (e.g. the -fPIC that the .so needs): the
# stamp is rewritten, at parse time, only when its text differs
FLAGS_STAMP := $(BUILD)/cflags.txt
$(shell mkdir -p $(BUILD) && (echo '$(CC) $(CFLAGS)' | cmp -s - $(FLAGS_STAMP) || echo '$(CC) $(CFLAGS)' > $(FLAGS_STAMP)))

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/assets.c: tools/embed.sh $(WEB_FILES)
	@mkdir -p $(dir $@)
	tools/embed.sh web > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c $(FLAGS_STAMP)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS)

# the installed static library: the same objects linked into one (ld -r) whose only global definitions are the
# symbols of src/api/libhrcast.map, as the shared library's (build/libhrcast.a, which the CLI and the tests link,
# keeps every name global: installed, its 700 internal names such as json_parse clashed with a program's own)
PUB_LIB := $(BUILD)/public/libhrcast.a
$(PUB_LIB): $(LIB_OBJ) src/api/libhrcast.map
	@mkdir -p $(dir $@)
	@echo "  AR  $@ (the public API only)"
	@sed -n 's/^ *\(hrcast_[a-z0-9_]*\);$$/\1/p' src/api/libhrcast.map > $(BUILD)/public/api.syms
	@$(LD) -r -o $(BUILD)/public/hrcast.o $(LIB_OBJ)
	@$(OBJCOPY) --keep-global-symbols=$(BUILD)/public/api.syms $(BUILD)/public/hrcast.o
	@rm -f $@ && $(AR) rcs $@ $(BUILD)/public/hrcast.o

# the shared library: the same objects, only the symbols of src/api/libhrcast.map exported; every symbol
# resolved at link time, except in sanitizer builds (their runtime is linked into programs, not libraries)
SO_NO_UNDEFINED := $(if $(findstring -fsanitize,$(OPT) $(LDFLAGS)),,-Wl,--no-undefined)
$(SHLIB): $(LIB_OBJ) src/api/libhrcast.map
	@echo "  LD  $@"
	@$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/api/libhrcast.map $(SO_NO_UNDEFINED) \
		$(CFLAGS) -o $@ $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)
	@ln -sf $(notdir $@) $(BUILD)/$(SONAME)
	@ln -sf $(SONAME) $(BUILD)/libhrcast.so

# man pages: generated from the binary's own --help texts, so they never disagree
$(MAN_STAMP): $(BIN) tools/help2man.sh
	@mkdir -p $(dir $@)
	@echo "  MAN $(BUILD)/man"
	@tools/help2man.sh $(BIN) $(BUILD)/man
	@touch $@
man: $(MAN_STAMP)

$(BUILD)/mpi/dist.o: src/train/dist.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC  $< (MPI)"
	@$(CC) $(CFLAGS) -DHRCAST_MPI $(MPI_CFLAGS) -MMD -MP -c $< -o $@

# the MPI dist.o comes before the archive, so the archive's single-process one is not linked
$(BUILD)/hrcast-mpi: $(CLI_OBJ) $(BUILD)/mpi/dist.o $(LIB)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/mpi/dist.o $(LIB) $(LDFLAGS) $(MPI_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(SUPPORT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -Itests -Itests/support -o $@ $< $(SUPPORT_OBJ) $(LIB) $(LDFLAGS) -lcmocka $(LDLIBS)

test:
	@scripts/install-deps
	@$(MAKE) --no-print-directory check

check: $(BIN) $(MPI_BIN) $(SHLIB) $(MAN_STAMP) $(TEST_BIN)
	HRCAST_BIN=$(abspath $(BIN)) HRCAST_BUILD=$(abspath $(BUILD)) HRCAST_CC="$(CC)" HRCAST_OPT="$(OPT)" \
		tests/run.sh $(TEST_BIN) $(TEST_SH)

demo:
	@scripts/install-deps
	@$(MAKE) --no-print-directory all
	$(BIN) demo

# A sanitizer error exits 86, not 1 (the CLI's error exit), so that a test expecting exit 1 fails on it; the
# caller's ASAN_OPTIONS / UBSAN_OPTIONS are kept after these (a later option wins)
asan:
	ASAN_OPTIONS="exitcode=86$${ASAN_OPTIONS:+:$$ASAN_OPTIONS}" \
	UBSAN_OPTIONS="halt_on_error=1:exitcode=86$${UBSAN_OPTIONS:+:$$UBSAN_OPTIONS}" \
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" LDFLAGS="-fsanitize=address,undefined" check

fuzz:
	scripts/fuzz.sh

parity: $(BIN)
	tools/parity.sh

clean:
	rm -rf build build-asan build-fuzz

# ---- install (GNU conventions: PREFIX, DESTDIR, the *DIR variables may be overridden) ----
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# README.md and docs/*.md, which the man pages cite as docs/X.md: DOCDIR/README.md, DOCDIR/docs/X.md
DOCDIR     ?= $(PREFIX)/share/doc/hrcast
DOCS       := $(sort $(wildcard docs/*.md))
PYTHON     ?= python3
# where the prefix's Python finds packages: Debian's /usr/lib/python3/dist-packages and
# /usr/local/lib/python3.X/dist-packages, else lib/python3.X/site-packages (for $$HOME/.local: the user site)
PYVER      := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(PREFIX),/usr)
PYTHONDIR  ?= $(PREFIX)/lib/python3/dist-packages
else ifeq ($(PREFIX),/usr/local)
PYTHONDIR  ?= $(PREFIX)/lib/python$(PYVER)/dist-packages
else
PYTHONDIR  ?= $(PREFIX)/lib/python$(PYVER)/site-packages
endif
INSTALL    ?= install

install: $(BIN) $(MPI_BIN) $(PUB_LIB) $(SHLIB) $(MAN_STAMP)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(PYTHONDIR)/hrcast
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/hrcast
	$(if $(MPI_BIN),$(INSTALL) -m 755 $(MPI_BIN) $(DESTDIR)$(BINDIR)/hrcast-mpi)
	$(INSTALL) -m 644 $(SHLIB) $(DESTDIR)$(LIBDIR)/libhrcast.so.$(VERSION)
	ln -sf libhrcast.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libhrcast.so
	$(INSTALL) -m 644 $(PUB_LIB) $(DESTDIR)$(LIBDIR)/libhrcast.a
	$(INSTALL) -m 644 include/hrcast.h $(DESTDIR)$(INCLUDEDIR)/hrcast.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
		-e 's|@LIBS_PRIVATE@|$(strip $(PKG_LIBS))|' tools/hrcast.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/hrcast.pc
	$(INSTALL) -m 644 $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 tools/hrcast-completion.bash $(DESTDIR)$(BASHCOMPDIR)/hrcast
	$(INSTALL) -m 644 python/hrcast/__init__.py $(DESTDIR)$(PYTHONDIR)/hrcast/__init__.py
	printf '# written by make install: the libhrcast.so.0 this module was installed with\nLIBRARY = "%s"\n' \
		'$(LIBDIR)/$(SONAME)' > $(DESTDIR)$(PYTHONDIR)/hrcast/_libpath.py
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/docs
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(INSTALL) -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/docs/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hrcast $(DESTDIR)$(BINDIR)/hrcast-mpi $(DESTDIR)$(LIBDIR)/libhrcast.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libhrcast.so $(DESTDIR)$(LIBDIR)/libhrcast.a $(DESTDIR)$(INCLUDEDIR)/hrcast.h \
		$(DESTDIR)$(LIBDIR)/pkgconfig/hrcast.pc $(DESTDIR)$(MANDIR)/man1/hrcast.1 $(DESTDIR)$(MANDIR)/man1/hrcast-*.1 \
		$(DESTDIR)$(BASHCOMPDIR)/hrcast
	rm -rf $(DESTDIR)$(PYTHONDIR)/hrcast
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(addprefix $(DESTDIR)$(DOCDIR)/docs/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR) 2>/dev/null

deb: $(BIN) $(PUB_LIB) $(SHLIB) $(MAN_STAMP)
	BUILD=$(BUILD) CC="$(CC)" OPT="$(OPT)" tools/mkdeb.sh $(BUILD) $(VERSION)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SUPPORT_OBJ:.o=.d)
