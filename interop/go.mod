module github.com/wsclose/wsclose/interop

go 1.26

require (
	github.com/coder/websocket v1.8.15
	github.com/gobwas/ws v1.5.0
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
	github.com/wsclose/wsclose v0.0.0
)

require (
	github.com/gobwas/httphead v0.1.0 // indirect
	golang.org/x/text v0.34.0 // indirect
)

replace github.com/wsclose/wsclose => ../
