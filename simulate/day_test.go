package simulate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/replay"
	"github.com/floorwatch/floorwatch/schemas"
)

// A simulated day and a quarter (so that windows left waiting expire)
// with the demo configuration, run through replay and through the
// conversation core, shows everything a supervisor meets: both tenants,
// every channel, every event kind, every reason to recover, expired
// cases, service-level hits and misses, closes with and without an
// operator, bots, transfers to teams and to operators, customers who
// come back, other interaction types and conversations left open.
func TestASimulatedDayShowsEverySituation(t *testing.T) {
	cfg := demoConfig(t)
	end := wednesday.Add(30 * time.Hour)
	reqs, g := generate(t, cfg, Options{Seed: 11, Start: wednesday, Rate: 0.5, End: end})
	var file bytes.Buffer
	for i := range reqs {
		line, err := json.Marshal(reqs[i].Request)
		if err != nil {
			t.Fatal(err)
		}
		file.Write(append(line, '\n'))
	}

	// Replay decodes every request as ingest does; what the same decoder
	// publishes is kept for the fold below.
	report, st, err := replay.Run(&file, cfg, replay.Options{From: wednesday, To: end,
		By: []indicators.Dim{indicators.DimTenant, indicators.DimChannel}, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, n := range st.Refused {
		refused += n
	}
	if refused == 0 || refused == st.Requests {
		t.Errorf("replay refused %d of %d requests (%v), want the bad signatures only", refused, st.Requests, st.Refused)
	}
	d := verifyingDecoder(cfg)
	published := make([][]schemas.Event, 0, len(reqs))
	for i := range reqs {
		published = append(published, decodeRequest(d, &reqs[i]).Events)
	}
	segments := map[string]bool{}
	var toRecover, expired, firstResponses int64
	var withinTarget float64
	for _, s := range report.Segments {
		segments[s.Key["tenant"]+"/"+s.Key["channel"]] = s.Total > 0
		toRecover += s.ToRecover
		expired += s.Expired
		if s.ServiceLevel != nil {
			firstResponses += s.FirstResponse.Count
			withinTarget += *s.ServiceLevel * float64(s.FirstResponse.Count)
		}
	}
	for _, want := range []string{"acme/whatsapp", "acme/messenger", "acme/instagram", "acme/x",
		"globex/whatsapp", "globex/messenger"} {
		if !segments[want] {
			t.Errorf("the report has no conversations for %s (segments %v)", want, segments)
		}
	}
	if toRecover == 0 || expired == 0 {
		t.Errorf("at the end: %d to recover, %d expired; want some of each", toRecover, expired)
	}
	if sl := withinTarget / float64(firstResponses); firstResponses == 0 || sl < 0.3 || sl > 0.95 {
		t.Errorf("service level %.2f over %d first responses; want hits and misses", sl, firstResponses)
	}

	if len(published) != len(reqs) {
		t.Fatalf("replay decoded %d requests of %d", len(published), len(reqs))
	}
	seen := fold(t, cfg, reqs, published, end)
	operators := map[string]bool{"acme-supervisor": true}
	for _, op := range g.Operators() {
		operators[op] = true
	}
	if !operators["acme-sales-1"] || !operators["acme-weekend-3"] {
		t.Errorf("operators %v: want stable names such as acme-sales-1", g.Operators())
	}
	for name := range seen {
		if op, ok := strings.CutPrefix(name, "named operator "); ok && !operators[op] {
			t.Errorf("platform events name operator %q, not one the simulator invented", op)
		}
	}
	for _, want := range []string{
		string(schemas.KindCustomerMessage), string(schemas.KindBusinessMessage), string(schemas.KindDelivery),
		string(schemas.KindRead), string(schemas.KindReaction), string(schemas.KindRouted), string(schemas.KindAssigned),
		string(schemas.KindOperatorReplied), string(schemas.KindTransferred), string(schemas.KindRecovered),
		string(schemas.KindClosed), string(schemas.KindOperatorStatus),
		"reason outside_business_hours", "reason operator_unavailable", "reason unanswered", "status expired",
		"status bot", "closed by an operator", "closed without an operator", "transferred to a team",
		"transferred to an operator", "customer came back", "interaction type other than messaging",
		"open after a day", "operator status away", "operator status offline", "X Activity API envelope",
	} {
		if seen[want] == 0 {
			t.Errorf("never seen: %s", want)
		}
	}
}

// fold folds the events ingest published for each request per
// conversation, as the processors do, then names what it saw.
func fold(t *testing.T, cfg *config.Config, reqs []Request, published [][]schemas.Event, end time.Time) map[string]int {
	t.Helper()
	dir := cfg.Directory()
	tenants := map[string]*conversation.Tenant{}
	states := map[schemas.ConversationKey]*conversation.State{}
	presence := conversation.NewPresence()
	seen := map[string]int{}
	for i := range reqs {
		if bytes.Contains([]byte(reqs[i].Body), []byte(`"data":{"event_uuid"`)) {
			seen["X Activity API envelope"]++
		}
		for j := range published[i] {
			e := &published[i][j]
			seen[string(e.Kind)]++
			for _, op := range []string{e.Operator, e.ToOperator} {
				if op != "" {
					seen["named operator "+op]++
				}
			}
			switch {
			case e.Kind == schemas.KindOperatorStatus:
				seen["operator status "+e.Status]++
				if _, err := presence.Apply(e); err != nil {
					t.Fatal(err)
				}
				continue
			case e.Kind == schemas.KindTransferred && e.ToOperator != "":
				seen["transferred to an operator"]++
			case e.Kind == schemas.KindTransferred:
				seen["transferred to a team"]++
			}
			tn, ok := tenants[e.Tenant]
			if !ok {
				var err error
				if tn, err = conversation.NewTenant(dir.Policy(e.Tenant)); err != nil {
					t.Fatal(err)
				}
				tenants[e.Tenant] = tn
			}
			s, ok := states[e.Key()]
			if !ok {
				s = conversation.NewState(e.Key())
				states[e.Key()] = s
			}
			if _, err := s.Add(tn, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k, s := range states {
		convs := s.Derive(nil, tenants[k.Tenant], presence, end)
		if len(convs) > 1 {
			seen["customer came back"]++
		}
		for _, c := range convs {
			for _, iv := range c.History {
				seen["status "+iv.Status]++
				if iv.Reason != "" {
					seen["reason "+iv.Reason]++
				}
			}
			switch {
			case c.ClosedAt.IsZero() && end.Sub(c.OpenedAt.Time) > 24*time.Hour:
				seen["open after a day"]++
			case c.ClosedAt.IsZero(), c.ClosedBy == conversation.ClosedBySystem:
			case c.ClosedBy == "":
				seen["closed without an operator"]++
			default:
				seen["closed by an operator"]++
			}
			if c.InteractionType != schemas.DefaultInteractionType {
				seen["interaction type other than messaging"]++
			}
		}
	}
	return seen
}
