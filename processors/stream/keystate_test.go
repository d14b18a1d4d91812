package stream

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

func sampleEntry(t testing.TB) (*conversation.Tenant, schemas.ConversationKey, []byte) {
	c, p := testCore(), newPartition(0)
	events := waitingConversation("1")
	for i := range events {
		if err := p.applyEvent(c, &collector{}, &events[i], []byte(events[i].Key().String()), day); err != nil {
			t.Fatal(err)
		}
	}
	p.settlePending(c, &collector{})
	key := events[0].Key()
	tn, _ := c.tenant("acme")
	return tn, key, encodeEntry(tn, p.keys[key])
}

func TestAChangelogValueDecodesToWhatWasEncoded(t *testing.T) {
	tn, key, b := sampleEntry(t)
	e, err := decodeEntry(tn, key, b)
	if err != nil {
		t.Fatal(err)
	}
	if again := encodeEntry(tn, e); !bytes.Equal(again, b) {
		t.Fatal("re-encoding a decoded entry gives other bytes")
	}
	if e.em.Version == 0 || len(e.em.Convs) != 1 || e.lastNow == 0 {
		t.Fatalf("decoded entry lost its header: %+v", e.em)
	}
}

func FuzzDecodeEntry(f *testing.F) {
	tn, key, b := sampleEntry(f)
	f.Add(b)
	f.Add([]byte{changelogVersion, 0, 0, 1, 3, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(tn, key, b)
		if err != nil {
			return
		}
		if _, err := decodeEntry(tn, key, encodeEntry(tn, e)); err != nil {
			t.Fatalf("a decoded entry re-encodes to something undecodable: %v", err)
		}
	})
}

func FuzzDecodeMeta(f *testing.F) {
	f.Add(encodeMeta(partitionMeta{watermark: day.UnixMilli(), clocks: map[string]int64{"acme": day.UnixMilli() + 5}}))
	f.Add(binary.AppendVarint([]byte{1}, day.UnixMilli())) // one clock for the whole partition
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := decodeMeta(b); err == nil {
			if got, err := decodeMeta(encodeMeta(m)); err != nil || !reflect.DeepEqual(got, m) {
				t.Fatalf("%+v re-decodes as %+v (%v)", m, got, err)
			}
		}
	})
}
