# Juttu's front door. Every target installs what it needs first (scripts/setup).
.PHONY: run test build setup fmt fmt-check bench bench-full clean

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

fmt: setup
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

fmt-check: setup
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan
