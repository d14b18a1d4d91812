package replay

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/floorwatch/floorwatch/config"
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

// Stats counts what a replay read, for the one-line summary on stderr.
type Stats struct {
	Requests int // lines read
	Rejected int // requests answered other than 200 (nothing published)
	Events   int // events published by ingest
	Used     int // events that changed a conversation or presence
	Ignored  int // duplicates and events that carry nothing for the state
	After    int // events at or after --to, left out
}

// DecodeFunc is ingest's request decoding (ingest.Decoder.Decode, built
// with the configuration's limits and opts.Verify): the status it would
// answer and the events it would publish. It is passed in so that replay
// does not link the ingest server's Kafka client.
type DecodeFunc func(method, path string, query url.Values, header http.Header, body []byte,
	receivedAt time.Time) (status int, events []schemas.Event)

// Run reads requests from r, decodes each with decode, folds the
// published events per conversation, and returns the report as of
// opts.To. A malformed line is an error naming its line number.
func Run(r io.Reader, cfg *config.Config, decode DecodeFunc, opts Options) (indicators.Report, Stats, error) {
	p := newPipeline(cfg.Directory(), opts.To)
	var st Stats
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
		status, events := decode(req.Method, path, q, req.Headers.HTTP(), []byte(req.Body), req.ReceivedAt.Time)
		if status != http.StatusOK {
			st.Rejected++
			continue
		}
		st.Events += len(events)
		for i := range events {
			if err := p.add(&events[i], &st); err != nil {
				return indicators.Report{}, st, fmt.Errorf("requests line %d: %w", line, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return indicators.Report{}, st, fmt.Errorf("read requests: %w", err)
	}
	return p.report(opts), st, nil
}

// pipeline is the processors' part of a replay: one State per key, one
// compiled Tenant per tenant, one Presence table.
type pipeline struct {
	dir      *config.Directory
	to       time.Time
	tenants  map[string]*conversation.Tenant
	states   map[schemas.ConversationKey]*conversation.State
	order    []schemas.ConversationKey
	presence *conversation.Presence
}

func newPipeline(dir *config.Directory, to time.Time) *pipeline {
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
		for _, c := range p.states[k].Derive(tn, p.presence, opts.To) {
			b.Add(&c)
		}
	}
	return b.Report(opts.From, opts.To)
}
