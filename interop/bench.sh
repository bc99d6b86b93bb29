#!/usr/bin/env bash
# bench.sh: time wsclose beside gobwas/ws and gorilla/websocket (and as
# lxzan/gws would call it) on the same Close bodies, ten runs each, and
# print benchstat's comparison with the implementations side by side. Then
# the same-run check that wsclose's parse+check is not slower than gobwas/ws's.
#
#	cd interop && ./bench.sh          # BENCHTIME=500ms ./bench.sh for steadier figures
set -euo pipefail
cd "$(dirname "$0")"
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench . -count 10 -benchtime "${BENCHTIME:-200ms}" . > "$out"
go run "$BENCHSTAT" -col /impl -filter '.name:ParseCheck' "$out"
echo
go run "$BENCHSTAT" -col /impl -filter '.name:Encode' "$out"
echo
go test -count=1 -run '^TestParseNotSlowerThanGobwas$' -compare -benchtime 200ms -v .
