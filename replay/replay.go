package replay

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/schemas"
)

// Options are what one replay computes.
type Options struct {
	From, To time.Time
	By       []indicators.Dim
	// Verify checks signatures and API keys (false: --no-verify).
	Verify bool
}

// Stats counts what a replay read, for the summary on stderr: every
// request by outcome, then every event by what it did.
type Stats struct {
	Requests int // lines read
	Accepted int // answered 200 with everything on the conversation stream
	// DeadLettered counts requests answered 200 whose body (or part of it)
	// went to the dead letters instead, by reason (unknown_account,
	// unparseable, ...).
	DeadLettered map[string]int
	// Refused counts requests answered other than 200 (nothing published),
	// by "status reason" ("401 bad_signature", "400 bad_field").
	Refused map[string]int
	Events  int // events published by ingest
	Clamped int // of which kept at their arrival time (SPEC 2.2.1)
	Used    int // events that changed a conversation or presence
	Ignored int // duplicates and events that carry nothing for the state
	After   int // events at or after --to, left out
	// NotApplied counts supervisor actions that named no conversation open
	// at their time (the processors dead-letter them).
	NotApplied int
}

// Run reads requests from r, decodes each exactly as ingest would (the
// configuration's limits; signatures and API keys unless opts.Verify is
// false), folds the published events per conversation, and returns the
// report as of opts.To. A malformed line is an error naming its line
// number.
func Run(r io.Reader, cfg *config.Config, opts Options) (indicators.Report, Stats, error) {
	d := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
		MaxBatchEvents: cfg.Ingest.MaxBatchEvents, MaxFutureSkew: cfg.Ingest.MaxFutureSkew, Verify: opts.Verify})
	p := newPipeline(cfg.Directory(), opts.To)
	st := Stats{DeadLettered: map[string]int{}, Refused: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), int(max(cfg.Ingest.MaxBodyBytes*7, 16<<20)))
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		req, q, path, err := parseRequest(sc.Bytes())
		if err != nil {
			return indicators.Report{}, st, fmt.Errorf("requests line %d: %w", line, err)
		}
		st.Requests++
		o := d.Decode(req.Method, path, q, req.Headers.HTTP(), []byte(req.Body), req.ReceivedAt.Time)
		switch {
		case o.Status != http.StatusOK:
			st.Refused[strconv.Itoa(o.Status)+" "+o.Reason]++
			continue
		case o.DeadLetter != nil:
			st.DeadLettered[o.Reason]++
		default:
			st.Accepted++
		}
		st.Events += len(o.Events)
		st.Clamped += o.Clamped
		for i := range o.Events {
			if err := p.add(&o.Events[i], &st); err != nil {
				return indicators.Report{}, st, fmt.Errorf("requests line %d: %w", line, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return indicators.Report{}, st, fmt.Errorf("read requests: %w", err)
	}
	return p.report(opts), st, nil
}

// Summary is the one line replay prints on stderr: every request by
// outcome (reasons sorted), then every event by what it did.
func (st *Stats) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replay: %d requests: %d accepted, %d accepted with a dead letter%s, %d refused%s; ",
		st.Requests, st.Accepted, total(st.DeadLettered), counts(st.DeadLettered), total(st.Refused), counts(st.Refused))
	fmt.Fprintf(&b, "%d events (%d clamped to their arrival): %d used, %d ignored, %d at or after --to",
		st.Events, st.Clamped, st.Used, st.Ignored, st.After)
	if st.NotApplied > 0 {
		fmt.Fprintf(&b, ", %d supervisor actions not applicable", st.NotApplied)
	}
	return b.String()
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// counts renders m as " (reason n, reason n)", or "" when empty.
func counts(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+" "+strconv.Itoa(m[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// pipeline is the processors' part of a replay: one State per key, one
// compiled Tenant per tenant, one Presence table.
type pipeline struct {
	dir      policies
	to       time.Time
	tenants  map[string]*conversation.Tenant
	states   map[schemas.ConversationKey]*conversation.State
	order    []schemas.ConversationKey
	presence *conversation.Presence
}

// policies gives each tenant's policy (config.Directory provides it).
type policies interface {
	Policy(tenant string) schemas.Policy
}

func newPipeline(dir policies, to time.Time) *pipeline {
	return &pipeline{dir: dir, to: to, tenants: map[string]*conversation.Tenant{},
		states: map[schemas.ConversationKey]*conversation.State{}, presence: conversation.NewPresence()}
}

func (p *pipeline) tenant(name string) (*conversation.Tenant, error) {
	if t, ok := p.tenants[name]; ok {
		return t, nil
	}
	t, err := conversation.NewTenant(p.dir.Policy(name))
	if err != nil {
		return nil, err
	}
	p.tenants[name] = t
	return t, nil
}

func (p *pipeline) add(e *schemas.Event, st *Stats) error {
	if !e.OccurredAt.Before(p.to) {
		st.After++
		return nil
	}
	var used bool
	var err error
	if e.Kind == schemas.KindOperatorStatus {
		used, err = p.presence.Apply(e)
	} else {
		used, err = p.addToState(e)
	}
	if errors.Is(err, conversation.ErrNotApplicable) {
		st.NotApplied++
		return nil
	}
	if err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	if used {
		st.Used++
	} else {
		st.Ignored++
	}
	return nil
}

func (p *pipeline) addToState(e *schemas.Event) (bool, error) {
	tn, err := p.tenant(e.Tenant)
	if err != nil {
		return false, err
	}
	k := e.Key()
	s, ok := p.states[k]
	if !ok {
		s = conversation.NewState(k)
		p.states[k] = s
		p.order = append(p.order, k)
	}
	return s.Add(tn, e)
}

// report derives every key at To (timers due at or before To have fired)
// and builds the indicators.
func (p *pipeline) report(opts Options) indicators.Report {
	targets := func(tenant, team string) time.Duration {
		pol := p.dir.Policy(tenant)
		return pol.TeamTarget(team)
	}
	b := indicators.NewBuilder(opts.From, opts.To, opts.By, targets)
	for _, k := range p.order {
		tn := p.tenants[k.Tenant]
		for _, c := range p.states[k].Derive(nil, tn, p.presence, opts.To) {
			b.Add(&c)
		}
	}
	return b.Report(opts.From, opts.To)
}
