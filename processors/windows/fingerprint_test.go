package windows

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"testing"
)

// The fingerprints kept in changelogs were FNV-1a of hash/fnv: the
// written-out one must give the same values, or every key would rewrite
// its rows and histories after an upgrade.
func TestTheFingerprinterIsFNV1a(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		f, h := fingerprinter{h: fnvOffset}, fnv.New64a()
		for range r.IntN(8) {
			if r.IntN(2) == 0 {
				v := r.Int64() >> r.IntN(64)
				f.int(v)
				h.Write(binary.AppendVarint(nil, v))
				continue
			}
			b := make([]byte, r.IntN(40))
			for i := range b {
				b[i] = byte(r.IntN(256))
			}
			f.str(string(b))
			h.Write(binary.AppendVarint(nil, int64(len(b))))
			h.Write(b)
		}
		if f.h != h.Sum64() {
			t.Fatalf("fingerprinter %x, hash/fnv %x", f.h, h.Sum64())
		}
	}
}
