package ratelimit

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzClientKey: any remote address never panics; an IPv4 address is
// its own key and an IPv6 one a /64 prefix, with no zone and no port.
func FuzzClientKey(f *testing.F) {
	f.Add("203.0.113.7:51234")
	f.Add("[2001:db8::1%eth0]:443")
	f.Add("[::ffff:1.2.3.4]:1")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, addr string) {
		k := ClientKey(addr)
		if p, err := netip.ParsePrefix(k); err == nil {
			if !p.Addr().Is6() || p.Bits() != 64 || p.Addr().Zone() != "" {
				t.Fatalf("ClientKey(%q) = %q", addr, k)
			}
			return
		}
		if a, err := netip.ParseAddr(k); err == nil && (!a.Is4() || strings.Contains(k, ":")) {
			t.Fatalf("ClientKey(%q) = %q: an IPv6 address or a port kept", addr, k)
		}
	})
}
