#!/bin/bash -eu
# Builds each fuzz target of the root package with OSS-Fuzz's
# compile_native_go_fuzzer into $OUT/<Target>, with its seeds from
# testdata/fuzz/<Target>/ as $OUT/<Target>_seed_corpus.zip. The same
# preparation as .ci/libfuzzer, which builds the same binaries locally.
cd "$SRC/wsclose"

# Renames the slow references so that go build sees them, adds the testing
# shim to go.mod, installs the pinned go-118-fuzz-build over the image's,
# and lists the targets.
targets=$(bash .ci/libfuzzer-prepare --install .)

for target in $targets; do
	compile_native_go_fuzzer github.com/wsclose/wsclose "$target" "$target"
	# compile_native_go_fuzzer only prints a message when it cannot find the
	# target; make that an error.
	if [ ! -f "$OUT/$target" ]; then
		echo "$target was not built"
		exit 1
	fi
	seeds=$(mktemp -d)
	go run ./.ci/fuzzcorpus tolibfuzzer "$target" "testdata/fuzz/$target" "$seeds"
	if [ -n "$(ls -A "$seeds")" ]; then
		zip -j -q "$OUT/${target}_seed_corpus.zip" "$seeds"/*
	fi
	rm -rf "$seeds"
done
