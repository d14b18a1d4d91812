package stream

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
)

// day is Wednesday 18 November 2026, 09:00 UTC; traffic happens in the
// half hour after it, and runs end with the clock at endOfTraffic, where
// no timer edge falls within minutes (thresholds fired before it, windows
// expire a day later).
var (
	day          = time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	endOfTraffic = day.Add(3 * time.Hour)
)

type defaultPolicies struct{}

func (defaultPolicies) Policy(t string) schemas.Policy { return schemas.DefaultPolicy(t) }

// traffic is a generated workload: conversation events and operator statuses.
type traffic struct {
	events   []schemas.Event
	statuses []schemas.Event
}

var (
	operators = []string{"ana", "bob", "carol", "dan"}
	teams     = []string{"sales", "billing", "support"}
)

// genTraffic builds n conversations with a seed: opened, routed,
// assigned, answered, some transferred, some closed, some left waiting;
// delivered shuffled (so late events correct earlier output) with some
// duplicates. Operators ana and carol go away while customers wait.
func genTraffic(n int, seed uint64) traffic {
	rng := rand.New(rand.NewPCG(seed, 7))
	var tr traffic
	for i := range n {
		tr.events = append(tr.events, conversationEvents(i, rng)...)
	}
	rng.Shuffle(len(tr.events), func(a, b int) { tr.events[a], tr.events[b] = tr.events[b], tr.events[a] })
	for i := 0; i < len(tr.events)/20; i++ {
		tr.events = append(tr.events, tr.events[rng.IntN(len(tr.events))])
	}
	st := func(id, op, status string, min int) schemas.Event {
		return schemas.Event{V: 1, ID: id, Kind: schemas.KindOperatorStatus, Tenant: "acme", Operator: op,
			Status: status, OccurredAt: schemas.At(day.Add(time.Duration(min) * time.Minute))}
	}
	tr.statuses = []schemas.Event{st("s1", "ana", "away", 20), st("s2", "carol", "offline", 25),
		st("s3", "carol", "available", 28), st("s4", "dan", "away", 1)}
	return tr
}

func conversationEvents(i int, rng *rand.Rand) []schemas.Event {
	key := schemas.ConversationKey{Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "1001", CustomerID: fmt.Sprintf("336%06d", i)}
	at := day.Add(time.Duration(rng.IntN(20*60)) * time.Second)
	var out []schemas.Event
	add := func(k schemas.Kind, gap time.Duration, set func(*schemas.Event)) {
		at = at.Add(gap)
		e := schemas.Event{V: 1, ID: fmt.Sprintf("%s-%d", key.CustomerID, len(out)), Kind: k, Tenant: key.Tenant,
			Channel: key.Channel, AccountID: key.AccountID, CustomerID: key.CustomerID, OccurredAt: schemas.At(at)}
		if set != nil {
			set(&e)
		}
		out = append(out, e)
	}
	op, team := operators[i%len(operators)], teams[i%len(teams)]
	sec := func() time.Duration { return time.Duration(5+rng.IntN(400)) * time.Second }
	add(schemas.KindCustomerMessage, 0, nil)
	add(schemas.KindRouted, sec(), func(e *schemas.Event) { e.Team = team })
	add(schemas.KindAssigned, sec(), func(e *schemas.Event) { e.Operator = op })
	if i%5 != 0 {
		add(schemas.KindOperatorReplied, sec(), func(e *schemas.Event) { e.Operator = op })
	}
	if i%4 == 1 {
		add(schemas.KindTransferred, sec(), func(e *schemas.Event) { e.ToTeam = teams[(i+1)%len(teams)] })
	}
	add(schemas.KindCustomerMessage, sec(), nil)
	switch i % 3 {
	case 0:
		add(schemas.KindOperatorReplied, sec(), func(e *schemas.Event) { e.Operator = op })
		add(schemas.KindClosed, sec(), func(e *schemas.Event) { e.Operator = op })
	case 1:
		add(schemas.KindClosed, sec(), nil)
	}
	return out
}

// expected is what the outputs must sum to: every key folded at once at
// the given clock, as replay does.
func expected(tr traffic, now time.Time) outputs {
	tn, err := conversation.NewTenant(schemas.DefaultPolicy("acme"))
	if err != nil {
		panic(err)
	}
	pr := conversation.NewPresence()
	for i := range tr.statuses {
		pr.Apply(&tr.statuses[i])
	}
	states := map[schemas.ConversationKey]*conversation.State{}
	for i := range tr.events {
		e := &tr.events[i]
		s := states[e.Key()]
		if s == nil {
			s = conversation.NewState(e.Key())
			states[e.Key()] = s
		}
		s.Add(tn, e)
	}
	var recs windows.Records
	var df windows.Differ
	for _, s := range states {
		var em windows.Emitted
		r := df.Diff(nil, s.Derive(nil, tn, pr, now), &em, defaultPolicies{}.target)
		recs.Deltas = append(recs.Deltas, r.Deltas...)
		recs.Rows = append(recs.Rows, r.Rows...)
		recs.Changes = append(recs.Changes, r.Changes...)
	}
	return summarize(recs)
}

func (defaultPolicies) target(tenant, team string) time.Duration {
	p := schemas.DefaultPolicy(tenant)
	return p.TeamTarget(team)
}

// simulatedTraffic is the events ingest would publish for about n events of
// `floorwatch simulate` traffic (config.yaml's tenants, a fixed seed):
// conversation events and operator statuses, each with its arrival time,
// and the tenants' policies.
func simulatedTraffic(tb testing.TB, n int) (events, statuses []schemas.Event, pol Policies) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join("..", "..", "config.yaml"), func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	g, err := simulate.New(cfg, simulate.Options{Seed: 1, Start: start, Rate: 5, End: start.Add(30 * 24 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	dec := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
		MaxBatchEvents: cfg.Ingest.MaxBatchEvents, Verify: true})
	for r := range g.All() {
		path, rawQuery, _ := strings.Cut(r.Path, "?")
		q, _ := url.ParseQuery(rawQuery)
		o := dec.Decode(r.Method, path, q, r.Headers.HTTP(), []byte(r.Body), r.ReceivedAt.Time)
		for _, e := range o.Events {
			if e.Kind == schemas.KindOperatorStatus {
				statuses = append(statuses, e)
			} else {
				events = append(events, e)
			}
		}
		if len(events) >= n {
			break
		}
	}
	return events, statuses, cfg.Directory()
}
