# Thin wrapper around CMake so that the README's commands stay short.
# `make run`   builds Release and starts ledgerd with demo data.
# `make test`  builds the ASan+UBSan configuration and runs every test, then
#              the fuzz smoke run (`make fuzz`).
# `make fuzz`  builds the libFuzzer targets with clang (build/fuzz) and runs
#              each for FUZZ_SECONDS from its seed corpus (fuzz/README.md).
# `make bench` builds Release and runs the benchmark.
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
JOBS ?= $(shell nproc)
WERROR ?= ON
FUZZ_SECONDS ?= 20

.PHONY: deps release debug asan run test fuzz-build fuzz bench clean

deps:
	bash .ci/install-deps

build/release/build.ninja build/release/Makefile:
	cmake -S . -B build/release -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Release -DLEDGER_WERROR=$(WERROR)

release: | build/release/build.ninja
	cmake --build build/release -j $(JOBS)

debug:
	cmake -S . -B build/debug -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug -DLEDGER_WERROR=$(WERROR)
	cmake --build build/debug -j $(JOBS)

asan:
	cmake -S . -B build/asan -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=ASAN -DLEDGER_WERROR=$(WERROR)
	cmake --build build/asan -j $(JOBS)

run: release
	./build/release/tools/ledgerd --demo

test: asan
	cd build/asan && ctest --output-on-failure -j 2
	$(MAKE) fuzz

# Only the fuzzers and what they link (not the binaries or the tests).
fuzz-build:
	cmake -S . -B build/fuzz -G "$(GENERATOR)" -DCMAKE_CXX_COMPILER=clang++ -DLEDGER_FUZZ=ON -DLEDGER_WERROR=$(WERROR)
	cmake --build build/fuzz -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	fuzz/run $(FUZZ_SECONDS)

bench: release
	./build/release/benchmarks/ledger_bench

clean:
	rm -rf build
