package main

import (
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/wsclosetest"
)

// TestEngineCases ties the engine lines of event to wsclosetest's measured
// table: the inputs below, one of each kind event tells apart, name every
// case event's lookup can name; each exists in the table and has the
// departures of the engines listed (none where none is), so that when
// interop's regenerated table moves one, this test fails.
func TestEngineCases(t *testing.T) {
	want := map[string][]string{ // case ID: the engines that depart in it
		"server-close-one-byte-03":          {"Node (undici)"},
		"server-close-reason-124-bytes":     {"Node (undici)"},
		"server-close-reason-ffff":          {"Chromium"},
		"server-close-code-1006":            nil,
		"server-close-code-1004":            {"Chromium"},
		"server-close-code-999":             {"Chromium"},
		"server-close-code-2999":            {"Chromium"},
		"server-close-code-5000":            {"Chromium"},
		"server-close-reason-ok-then-hold":  {"Chromium"},
		"server-close-reason-hello":         {"Chromium"},
		"server-close-reason-bom-then-hold": {"Chromium", "Node (undici)"},
		"server-close-empty-then-hold":      {"Chromium"},
		"server-close-code-1000-then-hold":  {"Chromium"},
		"server-close-code-0-then-hold":     {"Chromium"},
		"server-close-code-1001":            nil,
		caseAfterClose:                      {"Chromium"},
		caseTCPLost:                         {"Chromium", "Node (undici)"},
	}
	for id, peers := range want {
		ds, ok := wsclosetest.Measured(id, engines...)
		if !ok {
			t.Errorf("case %s: not in wsclosetest's table", id)
			continue
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.Peer)
		}
		if diff := cmp.Diff(peers, got); diff != "" {
			t.Errorf("case %s: engines that depart mismatch (-want +got):\n%s", id, diff)
		}
	}
	named := map[string]bool{}
	for _, tt := range []struct {
		steps []string // each a body in hex, or "none"
		clean bool     // the close event's wasClean
		ids   []string
	}{
		{[]string{"05"}, false, []string{"server-close-one-byte-03"}},
		{[]string{"03e8" + hex.EncodeToString(make([]byte, 130))}, false, []string{"server-close-reason-124-bytes"}},
		{[]string{"03e8c0"}, false, []string{"server-close-reason-ffff"}},
		{[]string{"03ee4f4b"}, false, []string{"server-close-code-1006"}},
		{[]string{"03ec4f4b"}, false, []string{"server-close-code-1004"}},
		{[]string{"0001"}, false, []string{"server-close-code-999"}},
		{[]string{"0456"}, false, []string{"server-close-code-2999"}},
		{[]string{"2710", "none"}, false, []string{"server-close-code-5000"}}, // failed before the loss: not Dropped
		{[]string{"0bb94f4b"}, true, []string{"server-close-reason-ok-then-hold"}},
		{[]string{"03e868656c6c6f"}, true, []string{"server-close-reason-hello", caseHeld}},
		{[]string{"0fa0efbbbf"}, true, []string{"server-close-reason-bom-then-hold"}},
		{[]string{""}, true, []string{"server-close-empty-then-hold"}},
		{[]string{"0fa1"}, true, []string{"server-close-code-1000-then-hold"}},
		{[]string{"0000"}, true, []string{"server-close-code-0-then-hold"}},
		{[]string{"03e9", "03e8"}, true, []string{"server-close-code-1001", caseAfterClose, caseHeld}},
		{[]string{"03e9", "none"}, true, []string{"server-close-code-1001"}},
		{[]string{"none"}, false, []string{caseTCPLost}},
	} {
		var steps []peerStep
		for _, s := range tt.steps {
			b, _ := hex.DecodeString(s)
			steps = append(steps, peerStep{body: b, lost: s == "none"})
		}
		dropped := steps[0].lost // TCP lost before any Close: Event.Dropped
		got := engineCases(steps, len(steps) > 1 && !steps[1].lost, wsclose.Event{WasClean: tt.clean, Dropped: dropped})
		if diff := cmp.Diff(tt.ids, got); diff != "" {
			t.Errorf("engineCases(%q) mismatch (-want +got):\n%s", tt.steps, diff)
		}
		for _, id := range got {
			named[id] = true
		}
	}
	for id := range want {
		if !named[id] {
			t.Errorf("case %s: no input names it", id)
		}
	}
	for id := range named {
		if _, ok := want[id]; !ok {
			t.Errorf("case %s: named, but its departures are not checked", id)
		}
	}
}
