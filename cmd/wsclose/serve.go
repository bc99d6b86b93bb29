package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wsclose/wsclose/wsclosetest"
)

var cmdServe = &command{
	name:    "serve",
	flags:   []string{"addr"},
	fields:  []string{"url", "agents"},
	minArgs: 0,
	maxArgs: 1,
	run: func(inv *invocation) (result, error) {
		file := ""
		if len(inv.args) == 1 {
			if !inv.json {
				return nil, usageError("takes no arguments but the FILE of --json FILE")
			}
			file = inv.args[0]
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return serveUntil(ctx, inv.addr, file, inv.live)
	},
}

// serveResult is what serve prints when it stops.
type serveResult struct {
	URL    string                     `json:"url"`
	Agents []*wsclosetest.AgentReport `json:"agents"`
	status
}

// rows are one line per agent: the number of each verdict.
func (r *serveResult) rows() [][]string {
	if len(r.Agents) == 0 {
		return [][]string{{"no agent ran a case"}}
	}
	var rows [][]string
	for _, a := range r.Agents {
		rows = append(rows, []string{a.Agent, fmt.Sprintf("%d cases: %d pass, %d fail, %d warn, %d info", len(a.Cases), a.Pass, a.Fail, a.Warn, a.Info)})
	}
	return rows
}

// serveUntil serves the client cases on addr until ctx is done, printing
// the URL to live, and returns every agent's report, also written to file
// when it is not "".
func serveUntil(ctx context.Context, addr, file string, live io.Writer) (result, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, unreadable("%v", err)
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(live, "Open %s in the browser to test it, or point an Autobahn client driver at ws://%s\n(Ctrl-C stops the server and prints the results.)\n", url, ln.Addr())
	s := wsclosetest.NewClientServer()
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		IdleTimeout:       time.Minute,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-done:
		return nil, unreadable("%v", err)
	}
	// Shutdown does not wait for the connections the cases took over:
	// Wait does, a case lasting ReplyTimeout + HoldTime at most.
	sctx, cancel := context.WithTimeout(context.Background(), wsclosetest.HoldTime+wsclosetest.ReplyTimeout+time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	s.Wait(sctx)
	res := &serveResult{URL: url, Agents: s.Reports()}
	var failed error
	for _, a := range res.Agents {
		if a.Fail > 0 {
			failed = broken("%s failed %d cases", a.Agent, a.Fail)
			break
		}
	}
	if file != "" {
		st := status{Exit: exitOK}
		if failed != nil {
			st = asFailure(failed).status()
		}
		res.setStatus(st)
		b, _ := json.MarshalIndent(res, "", " ")
		if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
			return res, &failure{exit: exitWrite, offset: -1, msg: "writing the reports: " + strings.TrimPrefix(err.Error(), "open ")}
		}
	}
	return res, failed
}
