package config

import (
	"fmt"
	"testing"
)

// BenchmarkTenantForAPIKey measures the constant-time scan per request,
// for deployments with few and with many keys.
func BenchmarkTenantForAPIKey(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			c := Default()
			for i := range n {
				c.Tenants = append(c.Tenants, Tenant{ID: fmt.Sprintf("t%d", i),
					APIKeys: []Secret{NewSecret(fmt.Sprintf("key-%d", i))}})
			}
			d := c.Directory()
			key := fmt.Sprintf("key-%d", n/2)
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := d.TenantForAPIKey(key); !ok {
					b.Fatal("key not found")
				}
			}
		})
	}
}

// BenchmarkLoadRootConfig measures a full Load of the shipped config.yaml.
func BenchmarkLoadRootConfig(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("../config.yaml", func(string) string { return "" }); err != nil {
			b.Fatal(err)
		}
	}
}
