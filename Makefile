# Gazette: the two set-up commands (make demo, make test) and helpers.
# The real build is CMake; this file only drives it.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= 2
CMAKE_ARGS ?=

.PHONY: all deps build test demo bench fuzz clean

all: build

deps:
	sh scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGZ_BUILD_TESTS=OFF $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

TEST_BUILD ?= build-test

# Every test runs twice: on the ASan + UBSan build with the sample (the
# corpus-wide tests skip there, saying so), then on the optimised build with
# the corpora, where the corpus-wide properties take minutes, not an hour.
test:
	sh scripts/install-deps.sh --test --browser
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGZ_SANITIZE=ON -DGZ_BUILD_TESTS=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && GAZETTE_TEST_SCOPE=sample ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j$(JOBS)
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGZ_BUILD_TESTS=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(TEST_BUILD) -j$(JOBS)
	@c="$${GAZETTE_CORPUS:-$(CURDIR)/../shared/corpus}"; if [ -d "$$c/laws" ]; then \
	    echo "corpus: $$c (corpus-wide tests run)"; else \
	    echo "corpus: none at $$c: corpus-wide tests SKIP (set GAZETTE_CORPUS)"; fi
	cd $(TEST_BUILD) && GAZETTE_TEST_SCOPE=all ctest --output-on-failure -j$(JOBS)

demo: build
	sh scripts/demo.sh $(BUILD)

bench:
	sh scripts/install-deps.sh --bench
	$(MAKE) build
	sh scripts/bench.sh $(BUILD)

fuzz:
	sh scripts/install-deps.sh --test
	sh scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TEST_BUILD) build-fuzz
