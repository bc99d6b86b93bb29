#!/usr/bin/env bash
# bench.sh: time ParsePayload and AppendPayload against the floor (the least
# any receiver or sender must do on the same bytes), round after round in one
# run, and print the median ratios; then the benchmarks of every input class.
# Timing depends on the machine, so this is a measurement, not a CI gate: CI
# gates on the allocation counts (alloc_test.go), which are deterministic.
#
#	./bench.sh                 # BENCHTIME=500ms ./bench.sh for steadier figures
set -euo pipefail
cd "$(dirname "$0")"
benchtime=${BENCHTIME:-200ms}
go test -count=1 -run '^TestSpeedAgainstFloor$' -floor -benchtime "$benchtime" -v . | grep -v '^=== '
go test -run '^$' -bench . -benchtime "$benchtime" .
