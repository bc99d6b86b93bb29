module github.com/wsclose/wsclose

go 1.24.0

require golang.org/x/text v0.34.0

require github.com/google/go-cmp v0.7.0
