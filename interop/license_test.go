package interop

import (
	"os"
	"testing"

	"github.com/google/licensecheck"
)

// TestLicense checks that the root module's LICENSE is recognised as
// BSD-3-Clause by github.com/google/licensecheck, the detector pkg.go.dev
// uses: a module whose licence it does not recognise shows no documentation
// there.
func TestLicense(t *testing.T) {
	text, err := os.ReadFile("../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	cov := licensecheck.Scan(text)
	if len(cov.Match) != 1 || cov.Match[0].ID != "BSD-3-Clause" || cov.Percent < 95 {
		t.Fatalf("licensecheck.Scan(LICENSE) = %+v; want one BSD-3-Clause match covering at least 95%% of the text", cov)
	}
	t.Logf("LICENSE: %s, %.1f%% of the text", cov.Match[0].ID, cov.Percent)
}
