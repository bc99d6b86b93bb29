package main

import (
	"cmp"
	"runtime"
	"runtime/debug"
)

var cmdVersion = &command{
	name:   "version",
	fields: []string{"version", "go", "platform"},
	run:    func(*invocation) (result, error) { return newVersionResult(), nil },
}

// versionResult is what "wsclose --version" prints: the module version the
// binary was built from and the Go version that built it, as
// runtime/debug.ReadBuildInfo records them. A binary installed with
// "go install github.com/wsclose/wsclose/cmd/wsclose@v0.1.0" says v0.1.0;
// one built with "go run" or "go build" in a checkout says "(devel)", or the
// pseudo-version Go derives from the commit where it stamps version control
// information into the build.
type versionResult struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`

	status
}

func newVersionResult() *versionResult {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	return &versionResult{Version: cmp.Or(info.Main.Version, "(devel)"), Go: cmp.Or(info.GoVersion, runtime.Version()), Platform: runtime.GOOS + "/" + runtime.GOARCH}
}

func (v *versionResult) rows() [][]string {
	return [][]string{{"wsclose " + v.Version + " " + v.Go + " " + v.Platform}}
}
