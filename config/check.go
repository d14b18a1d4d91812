package config

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkHostPort requires "host:port" with a numeric port; needHost also
// requires a host (a listen address may be ":8080").
func checkHostPort(ps *problems, key, v string, needHost bool) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		ps.add(key, "want host:port, got %q", v)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ps.add(key, "port must be a number from 0 to 65535, got %q", port)
	}
	if needHost && host == "" {
		ps.add(key, "host is required, got %q", v)
	}
}

func checkPositive(ps *problems, key string, n int64) {
	if n <= 0 {
		ps.add(key, "must be positive, got %d", n)
	}
}

func checkDuration(ps *problems, key string, d time.Duration) {
	if d <= 0 {
		ps.add(key, "must be a positive duration, got %s", d)
	}
}

func checkOneOf(ps *problems, key, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		ps.add(key, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
}
