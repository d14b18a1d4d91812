package windows

import (
	"slices"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// Records are the outputs of one change of one key.
type Records struct {
	Deltas  []schemas.MetricDelta
	Rows    []schemas.ConversationRow
	Changes []schemas.StatusChange
}

// Empty reports whether r holds nothing.
func (r *Records) Empty() bool { return len(r.Deltas)+len(r.Rows)+len(r.Changes) == 0 }

// Differ computes Diffs into buffers it keeps from one to the next: the
// Records of a Diff are valid until the following one. The zero Differ
// is ready; one per goroutine.
type Differ struct {
	recs  Records
	cells sums
}

// Diff returns the records for a key whose conversations were before and
// are now after, and updates em. before must be what em describes as far
// as metrics go (the key derived at the clock of its previous Diff, with
// the same events minus the new one); rows and status changes are
// compared against em's fingerprints, so they are right even when the
// before-view already shows a change (a late presence event). Every
// record of one Diff carries em.Version+1; nothing is emitted, and the
// version kept, when nothing changed.
func (df *Differ) Diff(before, after []conversation.Conversation, em *Emitted, targets Targets) *Records {
	out := &df.recs
	clear(out.Deltas) // the previous Diff's strings and maps are not kept alive
	clear(out.Rows)
	clear(out.Changes)
	out.Deltas = df.cells.deltas(out.Deltas[:0], before, after, targets)
	out.Rows, out.Changes = out.Rows[:0], out.Changes[:0]
	version := em.Version + 1
	next := make([]EmittedConv, 0, len(after))
	for i := range after {
		a := &after[i]
		h, id := fingerprint(a), mustConvID(a.ID)
		prev := em.find(id)
		next = append(next, EmittedConv{ID: id, Hash: h, HistLen: int32(len(a.History))})
		if prev != nil && prev.Hash == h {
			continue
		}
		out.Rows = append(out.Rows, withTargets(a.Row(version), targets))
		out.Changes = historyChanges(out.Changes, a, findView(before, a.ID), prev, version)
	}
	for _, ec := range em.Convs {
		if slices.ContainsFunc(next, func(n EmittedConv) bool { return n.ID == ec.ID }) {
			continue // still there: next holds the ids of after
		}
		id := ec.ID.String()
		out.Rows = append(out.Rows, retracted(id, findView(before, id), version))
		for seq := range ec.HistLen {
			out.Changes = append(out.Changes, schemas.StatusChange{V: 1, ConversationID: id,
				Seq: seq, Version: version, Deleted: true})
		}
	}
	em.Convs = next
	if len(out.Rows)+len(out.Changes) > 0 {
		em.Version = version
	}
	return out
}

func findView(convs []conversation.Conversation, id string) *conversation.Conversation {
	for i := range convs {
		if convs[i].ID == id {
			return &convs[i]
		}
	}
	return nil
}

// historyChanges appends to out the intervals of a that differ from what
// was written: only the changed ones when the before-view b is what was
// written (same fingerprint), else all of them; plus retractions of
// intervals past a's end. Each interval carries its own segment.
func historyChanges(out []schemas.StatusChange, a, b *conversation.Conversation, prev *EmittedConv, version int64) []schemas.StatusChange {
	same := b != nil && prev != nil && fingerprint(b) == prev.Hash
	for i, iv := range a.History {
		if same && i < len(b.History) && b.History[i] == iv {
			continue
		}
		seg := schemas.Segment{Tenant: a.Key.Tenant, Channel: a.Key.Channel,
			InteractionType: iv.InteractionType, Team: iv.Team, Operator: iv.Operator}
		out = append(out, schemas.StatusChange{V: 1, ConversationID: a.ID, Seq: int32(i), Version: version,
			Segment: seg, Status: iv.Status, RecoverReason: iv.Reason, ValidFrom: iv.From, ValidTo: iv.To, ByTimer: iv.ByTimer})
	}
	var written int32
	if prev != nil {
		written = prev.HistLen
	}
	for seq := int32(len(a.History)); seq < written; seq++ {
		out = append(out, schemas.StatusChange{V: 1, ConversationID: a.ID, Seq: seq, Version: version, Deleted: true})
	}
	return out
}

// retracted is the row that withdraws a conversation a late event made
// disappear (its opening moved or it merged into another).
func retracted(id string, b *conversation.Conversation, version int64) schemas.ConversationRow {
	if b != nil {
		row := b.Row(version)
		row.Deleted = true
		return row
	}
	return schemas.ConversationRow{V: 1, ConversationID: id, Version: version, Deleted: true,
		FirstResponseMs: -1, ResolutionMs: -1}
}

// withTargets writes into each first response of row the service-level
// target it was judged by (the same one the metric deltas count within), so
// that the sink and SQL read the processors' decision, never recompute it
// from a configuration that may have changed since.
func withTargets(row schemas.ConversationRow, targets Targets) schemas.ConversationRow {
	for i := range row.Durations {
		if d := &row.Durations[i]; d.Kind == "first_response" {
			d.TargetMs = targets(row.Tenant, d.Team).Milliseconds()
		}
	}
	return row
}
