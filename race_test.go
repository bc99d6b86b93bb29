//go:build race

package wsclose

const raceEnabled = true
