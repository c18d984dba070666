# Everyday targets. `make run` and `make check` are the README's two set-up
# commands; both install missing Debian packages first (scripts/deps.sh).

# cmake --build runs gmake below this make, and a sub-make announces every
# directory it enters ("gmake[2]: Entering directory ..."): noise in the
# output of `make run` and the others. MAKEFLAGS reaches those sub-makes.
MAKEFLAGS += --no-print-directory

BUILD        ?= build
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 5
FUZZ_TARGETS ?=
PREFIX       ?= /usr/local
CMAKE_QUIET   = >/dev/null

RELEASE = $(BUILD)/release
CHECK   = $(BUILD)/check
ASAN    = $(BUILD)/asan
FUZZDIR = $(BUILD)/fuzz
BENCHB  = $(BUILD)/bench

FORMAT_FILES = $(shell find include src tests fuzz bench -name '*.[ch]' 2>/dev/null | sort)

.PHONY: all build run example check test asan format format-check bench fuzz install valgrind clean footprint check-arm64 screenshots deb

all: build

build:
	@scripts/deps.sh build
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DDACC_TESTS=OFF $(CMAKE_QUIET)
	@cmake --build $(RELEASE) -j$(JOBS)

# The main job: the node, serving the four example rounds of
# scripts/example-rounds.sh (deep funding on the Pond L1 jury, QF on
# Gitcoin GR03, a market resolved by the jury, a notes programme) until
# interrupted (LISTEN=ADDR:PORT to move it).
LISTEN ?= 127.0.0.1:8080
run: build
	@scripts/main-job.sh $(RELEASE)/dacc $(LISTEN)

# The batch example: the synthetic deep-funding round of examples/deepfund
# from files, with its manifest.
example: build
	@scripts/example-job.sh $(RELEASE)/dacc

# Every test with gcc, then again with clang under ASan + UBSan, then formatting.
check:
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory footprint
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory format-check

# The market and soft-pause tests cross-built for arm64, run under qemu-user
# (slow: not part of check).
check-arm64:
	@scripts/check-arm64.sh

# Code size and worst-case stack of the soft-pause device verifier.
footprint:
	@scripts/pause-footprint.sh gcc

test:
	@scripts/deps.sh check
	@cmake -S . -B $(CHECK) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
	    -DDACC_TESTS=ON $(CMAKE_QUIET)
	@cmake --build $(CHECK) -j$(JOBS)
	@cd $(CHECK) && ctest --output-on-failure -j$(JOBS)

asan:
	@scripts/deps.sh check
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DDACC_SANITIZE=address,undefined -DDACC_TESTS=ON \
	    $(CMAKE_QUIET)
	@cmake --build $(ASAN) -j$(JOBS)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/support/lsan.supp \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j$(JOBS)

format-check:
	@scripts/deps.sh check
	@clang-format --dry-run -Werror $(FORMAT_FILES)
	@echo "clang-format: $(words $(FORMAT_FILES)) files formatted"

format:
	@scripts/deps.sh check
	@clang-format -i $(FORMAT_FILES)

valgrind:
	@scripts/deps.sh valgrind
	@cmake -S . -B $(CHECK) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
	    -DDACC_TESTS=ON $(CMAKE_QUIET)
	@cmake --build $(CHECK) -j$(JOBS)
	@scripts/valgrind.sh $(CHECK)

# Every web page at 1280x800 and 390x844, into docs/web/ (web/test/screenshots.mjs).
screenshots:
	@scripts/deps.sh check
	@cmake -S . -B $(CHECK) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
	    -DDACC_TESTS=ON $(CMAKE_QUIET)
	@cmake --build $(CHECK) -j$(JOBS) --target dacc
	@sh web/test/npm.sh web
	@DACC_EXE=$(CHECK)/dacc node web/test/screenshots.mjs

bench:
	@scripts/deps.sh bench
	@cmake -S . -B $(BENCHB) -DCMAKE_BUILD_TYPE=Release -DDACC_TESTS=OFF -DDACC_BENCH=ON \
	    $(CMAKE_QUIET)
	@cmake --build $(BENCHB) -j$(JOBS)
	@scripts/bench.sh $(BENCHB)

fuzz:
	@scripts/deps.sh fuzz
	@cmake -S . -B $(FUZZDIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DDACC_FUZZ=ON -DDACC_TESTS=OFF $(CMAKE_QUIET)
	@cmake --build $(FUZZDIR) -j$(JOBS)
	@scripts/fuzz.sh $(FUZZDIR) $(FUZZ_SECONDS) $(FUZZ_TIMEOUT) $(FUZZ_TARGETS)

install: build
	@cmake --install $(RELEASE) --prefix $(PREFIX)

# The Debian package of a release build (cmake/deb.cmake), into $(RELEASE):
# dacc_VERSION_ARCH.deb.
deb: build
	@scripts/deps.sh deb
	@cd $(RELEASE) && cpack -G DEB $(CMAKE_QUIET)
	@ls $(RELEASE)/dacc_*.deb

clean:
	rm -rf $(BUILD)
