# Makefile — builds libhrcast.a, the hrcast binary, the tests and the fuzzers.
# Sources are found by globbing, so adding a file under src/ needs no edit here.
#   make            build build/hrcast
#   make test       install missing packages, build, run the suite (summary: "N passed, N failed")
#   make check      the suite without the package check
#   make demo       install missing packages, build, run `hrcast demo`
#   make asan       the whole suite under ASan+UBSan (build-asan/)
#   make fuzz       short libFuzzer runs of every parser (clang)
CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation -Iinclude -Isrc $(OPT)
PKGS    := expat zlib spng libmicrohttpd snappy libzstd
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

.SECONDARY:
.PHONY: all test check demo asan fuzz clean parity bench
all: $(BIN) $(MPI_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/assets.c: tools/embed.sh $(WEB_FILES)
	@mkdir -p $(dir $@)
	tools/embed.sh web > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@echo "  LD  $@"
	@$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/mpi/dist.o: src/train/dist.c
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

check: $(BIN) $(MPI_BIN) $(TEST_BIN)
	HRCAST_BIN=$(abspath $(BIN)) HRCAST_BUILD=$(abspath $(BUILD)) tests/run.sh $(TEST_BIN) $(TEST_SH)

demo:
	@scripts/install-deps
	@$(MAKE) --no-print-directory all
	$(BIN) demo

asan:
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" LDFLAGS="-fsanitize=address,undefined" check

fuzz:
	scripts/fuzz.sh

parity: $(BIN)
	tools/parity.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SUPPORT_OBJ:.o=.d)
