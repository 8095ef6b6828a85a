# vmsim — one plain Makefile.
#
#   make            build/vmsim and build/libvmsim.a (optimized)
#   make test       everything CI runs: unit, CLI golden and fuzz-corpus tests,
#                   optimized and under AddressSanitizer + UBSan, then the threaded
#                   tests under ThreadSanitizer, then the web build's (make test-web)
#   make install    PREFIX=/usr/local (DESTDIR too): bin/vmsim, include/vmsim.h,
#                   lib/libvmsim.a, lib/pkgconfig/vmsim.pc, lib/vmsim/valgrind/ (the
#                   record tool, when built)
#   make demo       build and run the bundled demonstration
#   make bench      throughput benchmarks (measured, never a pass/fail)
#   make asan       the tests under ASan + UBSan only
#   make tsan       the threaded tests under ThreadSanitizer only
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each (FUZZ_TARGETS: some)
#   make soak       SOAK_REFS (10^9) references with the audit and host RSS sampled
#   make format     clang-format every source file
#   make clang      build with clang too (zero warnings expected)
#   make web        the C core as WebAssembly and the page: web/dist/ (docs/web.md)
#
# Variants build under build/ (release), build/asan/ and build/tsan/.
#
# libvmsim.a is what other programs link: one relocatable object in which every global
# that include/vmsim.h does not name is made local, so it defines no symbol but the
# public vms_* API. libvmsim-internal.a (every object as compiled) is for the unit tests,
# fuzz replays and benchmarks, which call internal functions.

CC      ?= cc
MODE    ?= release
ifeq ($(MODE),release)
OUT     := build
OPT     := -O2 -g
else ifeq ($(MODE),tsan)
OUT     := build/tsan
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
else
OUT     := build/$(MODE)
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
        -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wold-style-definition \
        -Wno-format-nonliteral
STD  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE

# Compressed traces: zlib and liblzma are required (Debian: zlib1g-dev, liblzma-dev);
# libzstd is optional, detected here.
HASH := \#
HAVE_ZSTD := $(shell printf '$(HASH)include <zstd.h>\nint main(void){return 0;}\n' | $(CC) -x c - -o /dev/null -lzstd >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_ZSTD),1)
DEFS += -DVMS_HAVE_ZSTD=1
LIBS_ZSTD := -lzstd
endif

CPPFLAGS += -Iinclude -Isrc $(DEFS) -MMD -MP
CFLAGS   ?=
CFLAGS   += $(STD) $(OPT) $(WARN)
LDLIBS   += -lz -llzma $(LIBS_ZSTD) -lpthread -lm
LDFLAGS  += $(filter -fsanitize=%,$(OPT))

LIB_SRC  := $(wildcard src/base/*.c src/api/*.c src/hw/*.c src/kernel/*.c src/policy/*.c \
                       src/trace/*.c src/scenario/*.c src/report/*.c src/teach/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/unit/*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
BENCH_SRC := $(wildcard bench/*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(OUT)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(OUT)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(OUT)/obj/%.o)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(OUT)/fuzz-replay/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(OUT)/bench/%)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(OUT)/tools/%)

LIB  := $(OUT)/libvmsim.a
LIB_INT := $(OUT)/libvmsim-internal.a
LIB_SYMS := $(OUT)/vmsim.syms
BIN  := $(OUT)/vmsim
UNIT := $(OUT)/unit-tests

LD      ?= ld
OBJCOPY ?= objcopy
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1

.PHONY: all test test-one test-tsan asan tsan demo bench fuzz soak format clang clean check-build \
        install web test-web
all: $(BIN) $(LIB) vgtool

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(OUT)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -c $< -o $@

$(LIB_INT): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The names the public header declares (functions, types, constants: only the functions
# are symbols), one a line: the globals the public library keeps.
$(LIB_SYMS): include/vmsim.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) -E -P include/vmsim.h | tr -cs 'A-Za-z0-9_' '\n' | grep '^vms_' | sort -u >$@.tmp
	mv $@.tmp $@

# The public library: all objects linked into one (ld -r), every other global localised.
# Undefined references (libc, zlib, sanitizer runtimes) stay as they are.
$(OUT)/obj/libvmsim.o: $(LIB_OBJ) $(LIB_SYMS)
	$(LD) -r -o $@.tmp $(LIB_OBJ)
	$(OBJCOPY) --keep-global-symbols=$(LIB_SYMS) $@.tmp $@
	rm -f $@.tmp

$(LIB): $(OUT)/obj/libvmsim.o
	rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(UNIT): $(TEST_OBJ) $(LIB_INT)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIB_INT) $(LDLIBS)

$(OUT)/fuzz-replay/%: fuzz/%.c fuzz/replay_main.c $(LIB_INT)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< fuzz/replay_main.c $(LIB_INT) $(LDLIBS)

$(OUT)/bench/%: bench/%.c $(LIB_INT)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_INT) $(LDLIBS)

# Stand-alone helper programs of the CLI tests (tests/tools/NAME.c -> $(OUT)/tools/NAME).
$(OUT)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# vmsim's own Valgrind tool (tools/valgrind/, docs/record.md), built out of tree against
# Debian's valgrind package when its headers and static archives are here (amd64 Linux);
# otherwise `vmsim record` falls back to lackey. $(OUT)/valgrind/ is a VALGRIND_LIB: the
# tool beside links to everything of the stock one (vgpreload_* objects, default.supp, the
# stock tools, so any tool runs with the same VALGRIND_LIB in the client's environment).
VALGRIND_INC     ?= /usr/include/valgrind
VALGRIND_ARCHIVE ?= /usr/lib/x86_64-linux-gnu/valgrind
VALGRIND_LIBEXEC ?= /usr/libexec/valgrind
VG_ARCH_OK := $(filter x86_64,$(shell uname -m))
HAVE_VGTOOL := $(if $(and $(VG_ARCH_OK),$(wildcard $(VALGRIND_INC)/pub_tool_basics.h),$(wildcard $(VALGRIND_ARCHIVE)/libcoregrind-amd64-linux.a),$(wildcard $(VALGRIND_ARCHIVE)/libvex-amd64-linux.a),$(wildcard $(VALGRIND_LIBEXEC)/vgpreload_core-amd64-linux.so)),1)
VGTOOL := $(OUT)/valgrind/vmsimrec-amd64-linux
VGTOOL_CFLAGS := -std=gnu11 -O2 -g -isystem $(VALGRIND_INC) -DVGA_amd64 -DVGO_linux \
        -DVGP_amd64_linux -DVGPV_amd64_linux_vanilla -fno-builtin -fno-stack-protector \
        -fno-pie -fno-omit-frame-pointer $(filter-out -Wstrict-prototypes -Wold-style-definition,$(WARN))
VGTOOL_LDFLAGS := -static -nodefaultlibs -nostartfiles -u _start \
        -Wl,-Ttext-segment=0x58000000
ifeq ($(HAVE_VGTOOL),1)
$(VGTOOL): tools/valgrind/vmsimrec.c
	@mkdir -p $(dir $@)
	$(CC) $(VGTOOL_CFLAGS) -c $< -o $(OUT)/valgrind/vmsimrec.o
	$(CC) $(VGTOOL_CFLAGS) $(VGTOOL_LDFLAGS) -o $@ $(OUT)/valgrind/vmsimrec.o \
	  $(VALGRIND_ARCHIVE)/libcoregrind-amd64-linux.a $(VALGRIND_ARCHIVE)/libvex-amd64-linux.a \
	  $(VALGRIND_ARCHIVE)/libgcc-sup-amd64-linux.a -lgcc
	for f in $(VALGRIND_LIBEXEC)/*; do ln -sf $$f $(dir $@); done
vgtool: $(VGTOOL)
else
vgtool:
	@echo "vmsimrec not built: no Valgrind headers and archives here (Debian: valgrind); vmsim record uses lackey"
endif
.PHONY: vgtool

check-build: $(BIN) $(LIB) $(LIB_INT) $(UNIT) $(FUZZ_BIN) $(TOOL_BIN) vgtool

# One variant's tests: unit tests, CLI golden tests, fuzz corpora replayed.
test-one: check-build
	@sh tests/run.sh $(OUT)

# The threaded tests only (run with MODE=tsan).
test-tsan: $(BIN) $(UNIT) $(TOOL_BIN)
	@sh tests/tsan.sh $(OUT)

# `make test` = optimized run, the same under ASan + UBSan, the threaded tests under TSan.
test:
	@$(MAKE) --no-print-directory MODE=release test-one
	@$(MAKE) --no-print-directory MODE=asan test-one
	@$(MAKE) --no-print-directory MODE=tsan test-tsan
	@$(MAKE) --no-print-directory test-web

asan:
	@$(MAKE) --no-print-directory MODE=asan test-one

tsan:
	@$(MAKE) --no-print-directory MODE=tsan test-tsan

# Libs.private: what a static link needs besides libvmsim.a — the compression libraries
# this build found, and the sanitizer runtime when the library is instrumented.
install: $(BIN) $(LIB) vgtool
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vmsim
	install -m 644 include/vmsim.h $(DESTDIR)$(PREFIX)/include/vmsim.h
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libvmsim.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBS_PRIVATE@|$(strip $(filter -fsanitize=%,$(OPT)) $(LDLIBS))|' \
	  -e 's|@VERSION@|$(VERSION)|' vmsim.pc.in \
	  >$(DESTDIR)$(PREFIX)/lib/pkgconfig/vmsim.pc
ifeq ($(HAVE_VGTOOL),1)
	install -d $(DESTDIR)$(PREFIX)/lib/vmsim/valgrind
	install -m 755 $(VGTOOL) $(DESTDIR)$(PREFIX)/lib/vmsim/valgrind/
	for f in $(VALGRIND_LIBEXEC)/*; do ln -sf $$f $(DESTDIR)$(PREFIX)/lib/vmsim/valgrind/; done
endif

demo: $(BIN)
	@sh examples/demo.sh $(BIN)

bench: $(BIN) $(BENCH_BIN)
	@sh bench/run.sh $(OUT)

# libFuzzer builds need clang. The library is built once (build/fuzzlib/, instrumented for
# coverage and ASan + UBSan), then each target is linked with libFuzzer and run for
# FUZZ_SECONDS; FUZZ_TARGETS picks targets (default: every fuzz/fuzz_*.c). New inputs that
# add coverage are merged into fuzz/corpus/TARGET/. A crash, leak or timeout leaves its input
# (crash-*, leak-*, timeout-*) in fuzz/corpus/TARGET/ itself, so `make test` replays it from
# then on; the remaining targets still run and `make fuzz` fails at the end. Each run's log
# is build/fuzz/TARGET.log (its last line: runs, coverage, features, corpus).
FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang
FUZZ_TARGETS ?= $(FUZZ_SRC:fuzz/%.c=%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	@$(MAKE) --no-print-directory MODE=fuzzlib CC=$(FUZZ_CC) \
	  OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  build/fuzzlib/libvmsim-internal.a
	@mkdir -p build/fuzz; failed=; \
	for n in $(FUZZ_TARGETS); do \
	  $(FUZZ_CC) $(STD) $(DEFS) -Iinclude -Isrc -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) \
	    -o build/fuzz/$$n fuzz/$$n.c build/fuzzlib/libvmsim-internal.a $(LDLIBS) || exit 1; \
	  mkdir -p fuzz/corpus/$$n build/fuzz/$$n.new; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
	  if ./build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	       -artifact_prefix=fuzz/corpus/$$n/ build/fuzz/$$n.new fuzz/corpus/$$n \
	       >build/fuzz/$$n.log 2>&1; then \
	    ./build/fuzz/$$n -merge=1 fuzz/corpus/$$n build/fuzz/$$n.new >/dev/null 2>&1 || exit 1; \
	    grep -E '^#[0-9]+[[:space:]]+DONE' build/fuzz/$$n.log | tail -n 1; \
	    grep -E '^stat::(number_of_executed_units|peak_rss_mb)' build/fuzz/$$n.log; \
	  else \
	    echo "FAIL $$n: its input is in fuzz/corpus/$$n/ (see build/fuzz/$$n.log)"; \
	    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' build/fuzz/$$n.log; \
	    failed="$$failed $$n"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi

# A long run (not part of CI): SOAK_REFS references through the kernel and the hardware of
# 8 swapping processes, every loaded value checked, the audit and the host RSS sampled every
# SOAK_SAMPLE references (tests/soak/soak.c; docs/testing.md says how long it takes).
SOAK_REFS ?= 1000000000
SOAK_SAMPLE ?= 100000000
soak: $(LIB)
	@mkdir -p $(OUT)/soak
	$(CC) $(STD) -Iinclude $(OPT) $(WARN) $(LDFLAGS) -o $(OUT)/soak/soak tests/soak/soak.c $(LIB) $(LDLIBS)
	$(OUT)/soak/soak $(SOAK_REFS) $(SOAK_SAMPLE)

clang:
	@$(MAKE) --no-print-directory CC=clang MODE=clang OPT="-O2 -g" check-build

format:
	clang-format -i $$(find include src tests fuzz bench -name '*.[ch]')

# The web build (docs/web.md): the library compiled by clang for wasm32-wasi against Debian's
# wasi-libc (web/setup.sh installs it) into one reactor module, web/dist/vmsim.wasm, with the
# loader and the page. Left out: the feed's threads (base/feed.c) and the scenario runs on
# Linux (onlinux.c, worker.c: fork, signals, setjmp); VMS_WEB compiles trace/input.c without
# decompression; web/shim/ has the few POSIX headers wasi-libc lacks.
WEB_CC    ?= clang
WASI_INC  ?= /usr/include/wasm32-wasi
WASI_LIB  ?= /usr/lib/wasm32-wasi
WASM_RT   ?= $(firstword $(wildcard /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a))
WEB_OUT   := build/web
# The module's stack, below its data (--stack-first: an overflow traps instead of
# overwriting static data); the core keeps paths and line buffers on the stack.
WEB_STACK ?= 1048576
WEB_SRC   := $(filter-out src/base/feed.c src/scenario/onlinux.c src/scenario/worker.c,$(LIB_SRC)) \
             $(wildcard web/shim/*.c)
WEB_OBJ   := $(WEB_SRC:%.c=$(WEB_OUT)/obj/%.o)
WEB_FLAGS := --target=wasm32-wasi -nostdlibinc -Iweb/shim -isystem $(WASI_INC) \
             -include web/shim/wasi_posix.h -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_GETPID \
             -DVMS_WEB=1 -Iinclude -Isrc -MMD -MP
WEB_PAGE  := $(wildcard web/src/*)
WEB_HDRS  := $(wildcard web/shim/*.h web/shim/sys/*.h)

$(WEB_OUT)/obj/%.o: %.c $(WEB_HDRS)
	@mkdir -p $(dir $@)
	$(WEB_CC) $(WEB_FLAGS) $(STD) -O2 $(WARN) -c $< -o $@

web/dist/vmsim.wasm: $(WEB_OBJ)
	@mkdir -p web/dist
	$(WEB_CC) --target=wasm32-wasi -mexec-model=reactor -nostdlib -L$(WASI_LIB) -o $@ \
	  $(WASI_LIB)/crt1-reactor.o $(WEB_OBJ) -lc -lwasi-emulated-signal -lwasi-emulated-getpid $(WASM_RT) \
	  -Wl,--export=malloc -Wl,--export=free -Wl,--strip-debug -Wl,--stack-first -Wl,-z,stack-size=$(WEB_STACK)

# The page's example inputs are the tree's own (examples/).
WEB_EXAMPLES := examples/csapp-small.state examples/csapp-2level.state examples/fork-cow.vms

web: web/dist/vmsim.wasm $(WEB_PAGE) $(WEB_EXAMPLES)
	@mkdir -p web/dist/examples
	cp $(WEB_PAGE) web/dist/
	cp $(WEB_EXAMPLES) web/dist/examples/

# The web tests under Node and headless Chromium (tests/web/run.sh; skipped, saying so,
# without the toolchain).
test-web:
	@mkdir -p build
	+@sh tests/web/run.sh

clean:
	rm -rf build web/dist

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(wildcard $(WEB_OUT)/obj/src/*/*.d $(WEB_OUT)/obj/web/shim/*.d)
