package conversation

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// supervisor marks e as a supervisor's action on the conversation of the
// key opened by the event with id openedBy at opened.
func supervisor(e schemas.Event, opened, openedBy string) schemas.Event {
	e.Source, e.By = schemas.SourceSupervisor, "sam"
	e.ConversationID = conversationID(testKey, clock(opened).UnixMilli(), hashID(openedBy)&^0xff|uint64(kCustomer))
	e.ID = "sup:" + e.ID
	return e
}

// Supervisor actions (SPEC 2.2, 3): they apply to the conversation they
// name only, while it is open; they count as transfers, never as
// attention; to an operator they are an assignment.
func TestSupervisorActions(t *testing.T) {
	first := customer("09:00")
	handled := []schemas.Event{first, routed("09:01", "sales"), assigned("09:02", "ana")}
	cases := []struct {
		name   string
		events []schemas.Event
		want   string
		attend bool
	}{
		{"a supervisor's transfer counts as a transfer and leaves the case unattended",
			append(handled[:3:3], supervisor(transferred("09:05", "billing", ""), "09:00", first.ID)),
			"queued team=billing op= transfers=1 | bot@09:00 queued@09:01 active@09:02 queued@09:05", false},
		{"a supervisor's recovery to an operator assigns it and counts as a transfer",
			append(handled[:3:3], supervisor(recovered("09:18", "", "bob"), "09:00", first.ID)),
			"active team=sales op=bob transfers=1 | bot@09:00 queued@09:01 active@09:02 to_recover(unanswered)@09:16 active@09:18", false},
		{"a supervisor's transfer of a queued case to an operator sets its assignment",
			[]schemas.Event{first, routed("09:01", "sales"), supervisor(transferred("09:03", "", "carl"), "09:00", first.ID)},
			"to_recover(unanswered) team=sales op=carl transfers=1 | bot@09:00 queued@09:01 active@09:03 to_recover(unanswered)@09:16", false},
		{"an operator's transfer still attends the case",
			append(handled[:3:3], transferred("09:05", "billing", "")),
			"queued team=billing op= transfers=1 | bot@09:00 queued@09:01 active@09:02 queued@09:05", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			convs := derive(t, mustTenant(t, schemas.Policy{}), NewPresence(), c.events, "09:20")
			if got := summary(convs); got != c.want {
				t.Errorf("got\n  %s\nwant\n  %s", got, c.want)
			}
			if attended := !convs[0].AttendedAt.IsZero(); attended != c.attend {
				t.Errorf("attended = %v, want %v", attended, c.attend)
			}
		})
	}
}

func TestASupervisorActionOnAClosedOrOlderConversationIsRefused(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	first, second := customer("09:00"), customer("09:20")
	cases := []struct {
		name   string
		before []schemas.Event
		action schemas.Event
	}{
		{"the conversation closed before the action",
			[]schemas.Event{first, routed("09:01", "sales"), closed("09:10", "ana")},
			supervisor(transferred("09:15", "billing", ""), "09:00", first.ID)},
		{"a newer conversation of the same customer is open",
			[]schemas.Event{first, closed("09:10", ""), second, routed("09:21", "sales")},
			supervisor(transferred("09:25", "billing", ""), "09:00", first.ID)},
		{"no conversation was open yet",
			nil, supervisor(transferred("08:55", "billing", ""), "09:00", first.ID)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewState(testKey)
			for i := range c.before {
				if _, err := s.Add(tn, &c.before[i]); err != nil {
					t.Fatal(err)
				}
			}
			want := summary(s.Derive(nil, tn, NewPresence(), clock("09:30")))
			added, err := s.Add(tn, &c.action)
			if added || !errors.Is(err, ErrNotApplicable) {
				t.Fatalf("Add = %v, %v; want false, ErrNotApplicable", added, err)
			}
			if got := summary(s.Derive(nil, tn, NewPresence(), clock("09:30"))); got != want {
				t.Errorf("a refused action changed the conversations:\n  %s\nwant\n  %s", got, want)
			}
			if s.Len() != len(c.before) || s.targets != nil {
				t.Errorf("a refused action stayed in the state: %d records, targets %v", s.Len(), s.targets)
			}
		})
	}
}

func TestALateCloseBeforeAnActionUndoesIt(t *testing.T) {
	// The action applied when it arrived; a close that occurred before it
	// arrives later: re-folding no longer applies it to anything.
	tn := mustTenant(t, schemas.Policy{})
	first := customer("09:00")
	s := NewState(testKey)
	for _, e := range []schemas.Event{first, routed("09:01", "sales"), supervisor(transferred("09:15", "billing", ""), "09:00", first.ID),
		closed("09:10", "ana"), customer("09:20")} {
		if _, err := s.Add(tn, &e); err != nil {
			t.Fatal(err)
		}
	}
	got := summary(s.Derive(nil, tn, NewPresence(), clock("09:30")))
	want := "closed team=sales op= resolution=10m0s closed_by=ana | bot@09:00 queued@09:01 closed@09:10\nbot team= op= | bot@09:20"
	if got != want {
		t.Errorf("got\n  %s\nwant\n  %s", got, want)
	}
}

func TestSupervisorActionsSurviveTheChangelogCodec(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	first := customer("09:00")
	s := NewState(testKey)
	for _, e := range []schemas.Event{first, routed("09:01", "sales"), supervisor(transferred("09:05", "billing", "carl"), "09:00", first.ID)} {
		if _, err := s.Add(tn, &e); err != nil {
			t.Fatal(err)
		}
	}
	b := s.AppendBinary(tn, nil)
	back, err := DecodeState(tn, testKey, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(back.Derive(nil, tn, NewPresence(), clock("09:30"))), summary(s.Derive(nil, tn, NewPresence(), clock("09:30"))); got != want {
		t.Errorf("decoded state derives\n  %s\nwant\n  %s", got, want)
	}
	// A version 1 encoding (no targets) still decodes.
	plain := NewState(testKey)
	if _, err := plain.Add(tn, &first); err != nil {
		t.Fatal(err)
	}
	v1 := plain.AppendBinary(tn, nil)
	v1 = append([]byte{1}, v1[1:len(v1)-1]...) // version 1, without the empty targets count
	if _, err := DecodeState(tn, testKey, v1); err != nil {
		t.Errorf("a version 1 state does not decode: %v", err)
	}
}

// Conversation ids are stored (rows, actions that name them): their
// recipe never changes, sha256 over the key's string and the opening's
// time and hash, big-endian, the first 16 bytes in hex.
func TestAConversationIDIsTheHashOfItsKeyAndOpening(t *testing.T) {
	h := sha256.New()
	h.Write([]byte(testKey.String()))
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(1794992400000))
	binary.BigEndian.PutUint64(b[8:], 0xfeedface12345601)
	h.Write(b[:])
	if got, want := conversationID(testKey, 1794992400000, 0xfeedface12345601), hex.EncodeToString(h.Sum(nil)[:16]); got != want {
		t.Errorf("id %s, want %s", got, want)
	}
}
