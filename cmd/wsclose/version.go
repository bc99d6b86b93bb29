package main

import (
	"runtime"
	"runtime/debug"
)

// versionLine is what "wsclose --version" prints: the module version the
// binary was built from and the Go version that built it, as
// runtime/debug.ReadBuildInfo records them. A binary installed with
// "go install github.com/wsclose/wsclose/cmd/wsclose@v0.1.0" says v0.1.0;
// one built with "go run" or "go build" in a checkout says "(devel)", or the
// pseudo-version Go derives from the commit where it stamps version control
// information into the build.
func versionLine() string {
	version := "(devel)"
	goVersion := runtime.Version()
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
	}
	return "wsclose " + version + " " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
}
