# Juttu's front door. Every target installs what it needs first (scripts/setup).
.PHONY: run test build setup fmt fmt-check bench bench-full fuzz clean

run: build
	scripts/run

test: setup
	scripts/test

build: setup
	scripts/build build -DCMAKE_BUILD_TYPE=RelWithDebInfo

setup:
	scripts/setup

bench: build
	scripts/bench

bench-full: build
	scripts/bench --full

# libFuzzer on the input edges, FUZZ_SECONDS per target (build-fuzz/, clang + ASan + UBSan).
FUZZ_SECONDS ?= 60
fuzz: setup
	scripts/fuzz $(FUZZ_SECONDS)

fmt: setup
	find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

fmt-check: setup
	find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan build-fuzz
