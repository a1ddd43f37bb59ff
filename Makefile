# Juttu's front door. Every target installs what it needs first (scripts/setup).
.PHONY: run test build setup setup-test fmt fmt-check bench bench-full fuzz clean

# `make run` builds only what it runs: the server and the web bundles.
run: setup
	JUTTU_TARGETS=juttu scripts/build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	scripts/run

test: setup-test
	scripts/test

build: setup-test
	scripts/build build -DCMAKE_BUILD_TYPE=RelWithDebInfo

setup:
	scripts/setup

setup-test:
	scripts/setup --test

bench: build
	scripts/bench

bench-full: build
	scripts/bench --full

# libFuzzer on the input edges, FUZZ_SECONDS per target (build-fuzz/, clang + ASan + UBSan).
FUZZ_SECONDS ?= 60
fuzz: setup-test
	scripts/fuzz $(FUZZ_SECONDS)

fmt: setup-test
	find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

fmt-check: setup-test
	find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan build-fuzz
