package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// Development supervisor tokens of config.yaml.
const (
	acmeSupervisor   = "dev-acme-supervisor-sam"
	globexSupervisor = "dev-globex-supervisor-gus"
)

// The supervisor API on the whole pipeline (`floorwatch all`): a customer
// writes and is routed (signed webhook, platform event through ingest):
// the case is queued in the API; assigned: it is current; the supervisor
// transfers it to another team through the API, twice with the same
// idempotency key: it moves, counts one transfer in the case and in the
// indicators, and another tenant's supervisor can neither see nor act on it.
func TestSupervisorAPIOnThePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka and ClickHouse")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	p := startPipeline(ctx, t, "api")
	customer := "33655500001"
	start := time.Now().UTC()
	p.send.webhook("acme", whatsappBody("100000000000001", customer, "wamid.api-1", start.Add(-3*time.Second)))
	p.send.events("acme", "dev-acme-api-key", routed("api-routed-1", customer, start.Add(-2*time.Second)))

	queued := p.awaitCase(ctx, t, acmeSupervisor, "queued", customer, func(c apiCase) bool { return c.Team != nil && *c.Team == "sales" })
	t.Logf("queued in the API %s after the message: %s", time.Since(start).Round(time.Millisecond), queued.ConversationID)
	p.send.events("acme", "dev-acme-api-key", assigned("api-assigned-1", customer, time.Now().Add(-time.Second)))
	current := p.awaitCase(ctx, t, acmeSupervisor, "current", customer, func(c apiCase) bool { return c.Operator != nil && *c.Operator == "ana" })
	if got := p.send.statuses["acme"]; got[http.StatusOK] != 3 {
		t.Fatalf("ingest answered %v, want 3 × 200", got)
	}
	if current.ConversationID != queued.ConversationID {
		t.Fatalf("the assignment made another conversation: %s then %s", queued.ConversationID, current.ConversationID)
	}

	// globex's supervisor: nothing to see, nothing to act on.
	var gx apiCases
	p.get(t, globexSupervisor, "/api/v1/cases?list=current", &gx)
	if len(gx.Cases) != 0 {
		t.Errorf("globex's supervisor sees %d current cases", len(gx.Cases))
	}
	body := map[string]string{"to_team": "support", "idempotency_key": "e2e-transfer-1"}
	if status, b := p.post(t, globexSupervisor, "/api/v1/cases/"+current.ConversationID+"/transfer", body); status != http.StatusNotFound {
		t.Errorf("globex's transfer of acme's case: %d %s, want 404", status, b)
	}

	var ids []string
	for range 2 {
		status, b := p.post(t, acmeSupervisor, "/api/v1/cases/"+current.ConversationID+"/transfer", body)
		var a struct {
			EventID string `json:"event_id"`
		}
		_ = json.Unmarshal(b, &a)
		if status != http.StatusAccepted || a.EventID == "" {
			t.Fatalf("transfer: %d %s", status, b)
		}
		ids = append(ids, a.EventID)
	}
	if ids[0] != ids[1] {
		t.Errorf("the retry answered event %s, the first %s", ids[1], ids[0])
	}
	acted := time.Now()
	moved := p.awaitCase(ctx, t, acmeSupervisor, "queued", customer, func(c apiCase) bool { return c.Team != nil && *c.Team == "support" })
	t.Logf("the transfer shows in the queue %s after it was accepted", time.Since(acted).Round(time.Millisecond))
	if moved.ConversationID != current.ConversationID || moved.Operator != nil || moved.Transfers != 1 || moved.Attended {
		t.Errorf("after the transfer: %+v, want the same case, no operator, 1 transfer, not attended", moved)
	}
	// Once every partition passed the retry, the case and the day's
	// indicators still count one transfer.
	waitWatermarks(ctx, t, p.chAddr, p.prefix, p.prefix+"."+schemas.TopicEvents, 4, time.Now().UTC())
	from := start.Add(-time.Hour).Format(time.RFC3339)
	var transferred int64
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var rep schemas.Report
		to := time.Now().UTC().Format(time.RFC3339Nano)
		p.get(t, acmeSupervisor, "/api/v1/indicators?"+url.Values{"from": {from}, "to": {to}, "by": {"tenant,team"}}.Encode(), &rep)
		transferred = 0
		for _, s := range rep.Segments {
			if s.Key["tenant"] != "acme" {
				t.Fatalf("acme's indicators hold a segment of %q", s.Key["tenant"])
			}
			if s.Key["team"] == "support" {
				transferred = s.Transferred
			}
		}
		if transferred >= 1 || time.Now().After(deadline) {
			break
		}
	}
	if transferred != 1 {
		t.Errorf("transferred in support's indicators: %d, want 1", transferred)
	}
	again := p.awaitCase(ctx, t, acmeSupervisor, "queued", customer, func(apiCase) bool { return true })
	if again.Transfers != 1 {
		t.Errorf("the case counts %d transfers after the retry, want 1", again.Transfers)
	}
	p.all.stop(t)
}

// pipeline is a running `floorwatch all` with its addresses and a sender.
type pipeline struct {
	all            *process
	ingest, api    string
	chAddr, prefix string // prefix: the topics' prefix and the database
	send           *sender
	// bin, config and env start it again (restart).
	bin, config string
	env         []string
}

// restart stops floorwatch all (SIGTERM) and starts it again on the same
// topics and database; ingest and the API get new addresses.
func (p *pipeline) restart(ctx context.Context, t *testing.T) {
	t.Helper()
	p.all.stop(t)
	p.all = startAllWith(ctx, t, p.bin, p.config, p.env, p.prefix+".")
	addrs := p.all.awaitEach(ctx, t, "ingest listening", "api listening")
	p.ingest, p.api = "http://"+addrs["ingest listening"], "http://"+addrs["api listening"]
	p.send.base = p.ingest
}

func startPipeline(ctx context.Context, t *testing.T, name string) *pipeline {
	t.Helper()
	return startPipelineWith(ctx, t, name, nil)
}

// startPipelineWith starts `floorwatch all` on config.yaml always open,
// edited by edit (nil: as it is), with extra environment variables.
func startPipelineWith(ctx context.Context, t *testing.T, name string, edit func(tenants map[string]map[string]any), extraEnv ...string) *pipeline {
	t.Helper()
	chAddr, _ := testenv.ClickHouse(t)
	tmp := t.TempDir()
	bin := testenv.BuildFloorwatch(t, "")
	prefix, env := pipelineEnv(t, name, extraEnv...)
	desk := alwaysOpenConfig(t, tmp, edit)
	all := startAllWith(ctx, t, bin, desk, env, prefix+".")
	addrs := all.awaitEach(ctx, t, "ingest listening", "api listening")
	cfg, err := config.Load(desk, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline{all: all, ingest: "http://" + addrs["ingest listening"], api: "http://" + addrs["api listening"],
		chAddr: chAddr, prefix: prefix, bin: bin, config: desk, env: env}
	p.send = &sender{t: t, ctx: ctx, base: p.ingest, signer: NewSigner(cfg), statuses: map[string]map[int]int{}}
	return p
}

// awaitEach returns the addr of the first log line holding each message,
// in whatever order they come.
func (p *process) awaitEach(ctx context.Context, t *testing.T, msgs ...string) map[string]string {
	t.Helper()
	found := map[string]string{}
	for len(found) < len(msgs) {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("floorwatch all ended before %q:\n%s", msgs, p.log)
			}
			p.log.WriteString(line + "\n")
			for _, msg := range msgs {
				if m := addrRE.FindStringSubmatch(line); m != nil && strings.Contains(line, msg) {
					found[msg] = m[1]
				}
			}
		case <-ctx.Done():
			t.Fatalf("no %q from floorwatch all:\n%s", msgs, p.log)
		}
	}
	return found
}

type apiCase struct {
	ConversationID string  `json:"conversation_id"`
	CustomerID     string  `json:"customer_id"`
	Team           *string `json:"team"`
	Operator       *string `json:"operator"`
	Status         string  `json:"status"`
	Transfers      int64   `json:"transfers"`
	Attended       bool    `json:"attended"`
}

type apiCases struct {
	AsOf  *string   `json:"as_of"`
	Cases []apiCase `json:"cases"`
}

func (p *pipeline) request(t *testing.T, method, token, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.api+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (p *pipeline) get(t *testing.T, token, path string, v any) {
	t.Helper()
	status, b := p.request(t, http.MethodGet, token, path, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func (p *pipeline) post(t *testing.T, token, path string, body any) (int, []byte) {
	t.Helper()
	return p.request(t, http.MethodPost, token, path, body)
}

// awaitCase polls a list until it holds the customer's case and ok(case).
func (p *pipeline) awaitCase(ctx context.Context, t *testing.T, token, list, customer string, ok func(apiCase) bool) apiCase {
	t.Helper()
	var last apiCases
	for {
		p.get(t, token, "/api/v1/cases?list="+list+"&limit=500", &last)
		for _, c := range last.Cases {
			if c.CustomerID == customer && ok(c) {
				return c
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the %s list never showed %s as wanted; last: %s", list, customer, fmt.Sprint(last))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// alwaysOpenConfig writes config.yaml without its business hours: a test
// that watches a case queue and move must not see it to recover instead
// because it runs at lunch time in Paris or on a Sunday. edit, when not
// nil, changes the tenants' sections further.
func alwaysOpenConfig(t *testing.T, dir string, edit func(tenants map[string]map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(rootConfig)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	tenants, _ := doc["tenants"].([]any)
	byID := map[string]map[string]any{}
	for _, tn := range tenants {
		m, _ := tn.(map[string]any)
		byID[fmt.Sprint(m["id"])] = m
		delete(m, "business_hours")
		teams, _ := m["teams"].(map[string]any)
		for name, team := range teams {
			if tm, ok := team.(map[string]any); ok {
				delete(tm, "business_hours")
				teams[name] = tm
			}
		}
	}
	if edit != nil {
		edit(byID)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "always-open.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
