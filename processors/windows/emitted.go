package windows

import (
	"encoding/json"
	"hash/fnv"

	"github.com/floorwatch/floorwatch/processors/conversation"
)

// Emitted is what a key's outputs have said so far: the version of its
// latest records and, per conversation, a fingerprint of the row and
// status history last written. The runner keeps it with the key's state
// (in memory and in the changelog, written in the same transaction as
// the records it describes), so a change that the before-view cannot
// show (a late operator-presence event, a restart) is still emitted.
type Emitted struct {
	Version int64
	Convs   []EmittedConv
}

// EmittedConv is the fingerprint of one conversation's last row.
type EmittedConv struct {
	ID      string
	Hash    uint64 // of the row (without version and clock) and history
	HistLen int32  // status-history intervals written
}

func (e *Emitted) find(id string) *EmittedConv {
	for i := range e.Convs {
		if e.Convs[i].ID == id {
			return &e.Convs[i]
		}
	}
	return nil
}

// Keep forgets the conversations whose ids are not in convs, without
// emitting anything: the runner calls it after State.Compact dropped
// conversations that are final.
func (e *Emitted) Keep(convs []conversation.Conversation) {
	kept := e.Convs[:0]
	for _, ec := range e.Convs {
		for i := range convs {
			if convs[i].ID == ec.ID {
				kept = append(kept, ec)
				break
			}
		}
	}
	e.Convs = kept
}

// fingerprint hashes what a row and status history say, leaving out the
// version and the clock (CompleteUntil), which change without news.
func fingerprint(c *conversation.Conversation) uint64 {
	row := c.Row(0)
	row.CompleteUntil = row.OpenedAt
	h := fnv.New64a()
	// Marshal cannot fail on these plain types.
	b, _ := json.Marshal(&row)
	h.Write(b)
	b, _ = json.Marshal(c.History)
	h.Write(b)
	return h.Sum64()
}
