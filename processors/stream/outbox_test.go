package stream

import (
	"bytes"
	"fmt"
	"testing"
)

// Every key and value the arena hands out keeps its bytes whatever is
// encoded after it (small records, one larger than the room left, one
// larger than a chunk), and after released the chunks serve again
// without touching what was not yet released.
func TestTheArenaKeepsEveryRecordItHandedOut(t *testing.T) {
	o := newOutbox()
	type rec struct{ key, value, wantKey, wantValue []byte }
	var recs []rec
	add := func(i, size int) {
		k := fmt.Appendf(nil, "key-%d", i)
		v := bytes.Repeat([]byte{byte('a' + i%26)}, size)
		key, value := o.encode(func(b []byte) []byte { return append(b, k...) },
			func(b []byte) []byte { return append(b, v...) })
		recs = append(recs, rec{key, value, k, v})
	}
	sizes := []int{10, 2000, arenaRoom + 1, 30, arenaChunk + 5, 700}
	for round := range 3 {
		recs = recs[:0]
		for i := range 400 {
			add(i, sizes[i%len(sizes)])
		}
		for i, r := range recs {
			if !bytes.Equal(r.key, r.wantKey) || !bytes.Equal(r.value, r.wantValue) {
				t.Fatalf("round %d: record %d changed after later records were encoded", round, i)
			}
			if cap(r.key) != len(r.key) || cap(r.value) != len(r.value) {
				t.Fatalf("round %d: record %d is not capped: an append could write over the next", round, i)
			}
		}
		o.released()
	}
}
