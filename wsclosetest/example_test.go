package wsclosetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wsclose/wsclose/wsclosetest"
)

// A ClientServer in a test server: a browser opens srv.URL, an Autobahn
// client driver uses srv.URL's /getCaseCount, /runCase and
// /updateReports, and /report.json gives each agent's report.
func ExampleNewClientServer() {
	srv := httptest.NewServer(wsclosetest.NewClientServer())
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/cases.json")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var list struct {
		Cases []struct {
			ID       string
			Autobahn int // the number on the Autobahn URLs; 0 when the client closes first
		}
	}
	json.NewDecoder(resp.Body).Decode(&list)
	autobahn := 0
	for _, c := range list.Cases {
		if c.Autobahn > 0 {
			autobahn++
		}
	}
	fmt.Printf("%d cases, %d on the Autobahn URLs; the first: %s\n", len(list.Cases), autobahn, list.Cases[0].ID)
	// Output: 94 cases, 79 on the Autobahn URLs; the first: server-close-one-byte-61
}
