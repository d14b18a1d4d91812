package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

type casesAnswer struct {
	AsOf       *string          `json:"as_of"`
	Cases      []map[string]any `json:"cases"`
	NextCursor *string          `json:"next_cursor"`
}

func caseIDs(cs []map[string]any) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c["conversation_id"].(string))
	}
	return out
}

// A token sees its own tenant only: cases, operators, teams, context.
func TestATokenSeesItsTenantOnly(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	for _, c := range []struct {
		token string
		list  string
		want  []string
	}{
		{acmeToken, "queued", []string{"aq"}}, {acmeToken, "current", []string{"aa"}}, {acmeToken, "to_recover", []string{"ar"}},
		{acmeToken, "expired", nil}, {acmeToken, "at_risk", []string{"aa"}},
		{globexToken, "queued", []string{"gq"}}, {globexToken, "current", nil}, {globexToken, "to_recover", nil},
	} {
		a := do(t, e.http.URL, http.MethodGet, "/api/v1/cases?list="+c.list, c.token, nil)
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", c.list, a.status, a.body)
		}
		var got casesAnswer
		a.json(t, &got)
		if ids := caseIDs(got.Cases); !slices.Equal(ids, c.want) {
			t.Errorf("%s's %s: %v, want %v", c.token, c.list, ids, c.want)
		}
		if got.NextCursor != nil || got.AsOf != nil {
			t.Errorf("%s: next_cursor %v, as_of %v; want null, null", c.list, got.NextCursor, got.AsOf)
		}
	}
	var ops struct {
		Operators []struct {
			Operator string `json:"operator"`
		} `json:"operators"`
	}
	do(t, e.http.URL, http.MethodGet, "/api/v1/operators", globexToken, nil).json(t, &ops)
	if len(ops.Operators) != 1 || ops.Operators[0].Operator != "gil" {
		t.Errorf("globex's operators: %+v, want gil only", ops)
	}
	do(t, e.http.URL, http.MethodGet, "/api/v1/operators", acmeToken, nil).json(t, &ops)
	if len(ops.Operators) != 2 || ops.Operators[0].Operator != "ana" || ops.Operators[1].Operator != "bob" {
		t.Errorf("acme's operators: %+v, want ana and bob", ops)
	}
	var teams struct {
		WindowMs int64 `json:"window_ms"`
		Teams    []struct {
			Team   *string `json:"team"`
			Queued int64   `json:"queued"`
		} `json:"teams"`
	}
	do(t, e.http.URL, http.MethodGet, "/api/v1/teams", globexToken, nil).json(t, &teams)
	if len(teams.Teams) != 2 || *teams.Teams[0].Team != "frontdesk" || *teams.Teams[1].Team != "sales" || teams.Teams[1].Queued != 1 {
		t.Errorf("globex's teams: %+v, want frontdesk (gil) and sales (gq)", teams)
	}
	do(t, e.http.URL, http.MethodGet, "/api/v1/teams", acmeToken, nil).json(t, &teams)
	if len(teams.Teams) != 2 || *teams.Teams[0].Team != "sales" || teams.Teams[0].Queued != 1 || teams.WindowMs != 1800000 {
		t.Errorf("acme's teams: %+v, want sales (aq queued) and support", teams)
	}
	for _, c := range []struct {
		token, tenant string
		total         int64
	}{{acmeToken, "acme", 4}, {globexToken, "globex", 1}} {
		var rep struct {
			Segments []struct {
				Key   map[string]string `json:"key"`
				Total int64             `json:"total"`
			} `json:"segments"`
		}
		for _, by := range []string{"tenant", "tenant,team", ""} {
			do(t, e.http.URL, http.MethodGet, "/api/v1/indicators?from=2026-11-20T00:00:00Z&to=2026-11-20T11:00:00Z&by="+by, c.token, nil).json(t, &rep)
			var total int64
			for _, seg := range rep.Segments {
				total += seg.Total
				if by != "" && seg.Key["tenant"] != c.tenant {
					t.Errorf("%s's indicators by %s hold a segment of %q", c.tenant, by, seg.Key["tenant"])
				}
			}
			if total != c.total {
				t.Errorf("%s's indicators by %q: total %d, want %d", c.tenant, by, total, c.total)
			}
		}
	}
	a := do(t, e.http.URL, http.MethodGet, "/api/v1/me", acmeToken, nil)
	want := `{"tenant":"acme","supervisor":"sam","time_zone":"Europe/Paris","now":"2026-11-20T11:00:00.000Z",` +
		`"today":{"from":"2026-11-19T23:00:00.000Z","to":"2026-11-20T23:00:00.000Z"},"teams":["sales","support"],` +
		`"channels":["whatsapp","x"],"unanswered_after_ms":900000,"service_level_target_ms":300000,` +
		`"team_targets_ms":{"sales":120000,"support":300000}}` + "\n"
	if string(a.body) != want {
		t.Errorf("acme's me:\n got %s\nwant %s", a.body, want)
	}
	a = do(t, e.http.URL, http.MethodGet, "/api/v1/me", globexToken, nil)
	if !strings.Contains(string(a.body), `"tenant":"globex","supervisor":"gus","time_zone":"UTC","now":"2026-11-20T11:00:00.000Z","today":{"from":"2026-11-20T00:00:00.000Z"`) {
		t.Errorf("globex's me: %s", a.body)
	}
}

// as_of is the lowest partition's latest watermark.
func TestAsOfIsTheLowestWatermark(t *testing.T) {
	e := newEnv(t)
	exec(t, e.conn, `INSERT INTO watermarks (topic, partition, complete_until, at) VALUES
		('floorwatch.events', 0, '2026-11-20 10:59:58.500', '2026-11-20 11:00:00'),
		('floorwatch.events', 1, '2026-11-20 10:59:59', '2026-11-20 11:00:00')`)
	for _, path := range []string{"/api/v1/cases?list=queued", "/api/v1/operators", "/api/v1/teams"} {
		var got struct {
			AsOf string `json:"as_of"`
		}
		do(t, e.http.URL, http.MethodGet, path, acmeToken, nil).json(t, &got)
		if got.AsOf != "2026-11-20T10:59:58.500Z" {
			t.Errorf("%s: as_of %q", path, got.AsOf)
		}
	}
}

// A bad parameter is a 400 naming it.
func TestBadParametersAreRefusedByName(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ path, field string }{
		{"/api/v1/cases", "list"},
		{"/api/v1/cases?list=open", "list"},
		{"/api/v1/cases?list=queued&channel=sms", "channel"},
		{"/api/v1/cases?list=queued&limit=0", "limit"},
		{"/api/v1/cases?list=queued&limit=501", "limit"},
		{"/api/v1/cases?list=queued&limit=ten", "limit"},
		{"/api/v1/cases?list=queued&cursor=bm90IGEgY3Vyc29y", "cursor"},
		{"/api/v1/cases?list=queued&within=10m", "within"},
		{"/api/v1/cases?list=at_risk&within=-1m", "within"},
		{"/api/v1/cases?list=at_risk&within=25h", "within"},
		{"/api/v1/cases?list=at_risk&within=10", "within"},
		{"/api/v1/cases?list=queued&teams=sales", "teams"},
		{"/api/v1/cases?list=queued&team=sales&team=support", "team"},
		{"/api/v1/cases?list=queued&operator=" + url.QueryEscape("a\nb"), "operator"},
		{"/api/v1/cases?list=queued&interaction_type=" + strings.Repeat("x", 201), "interaction_type"},
		{"/api/v1/indicators?to=2026-11-20T11:00:00Z", "from"},
		{"/api/v1/indicators?from=2026-11-20T10:00:00Z", "to"},
		{"/api/v1/indicators?from=yesterday&to=2026-11-20T11:00:00Z", "from"},
		{"/api/v1/indicators?from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:00Z", "to"},
		{"/api/v1/indicators?from=2024-11-20T10:00:00Z&to=2026-11-20T10:00:00Z", "to"},
		{"/api/v1/indicators?from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z&by=region", "by"},
		{"/api/v1/indicators?from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z&by=team,team", "by"},
		{"/api/v1/operators?team=sales", "team"},
		{"/api/v1/teams?within=5m", "within"},
		{"/api/v1/me?tenant=globex", "tenant"},
	} {
		a := do(t, e.http.URL, http.MethodGet, c.path, acmeToken, nil)
		var got struct {
			Error string  `json:"error"`
			Field *string `json:"field"`
		}
		a.json(t, &got)
		if a.status != http.StatusBadRequest || got.Field == nil || *got.Field != c.field || got.Error == "" {
			t.Errorf("%s: %d %s, want 400 naming %s", c.path, a.status, a.body, c.field)
		}
	}
}

// Pages of the API: limit, next_cursor, and the cursor continues the list.
func TestTheAPIPagesWithCursors(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	exec(t, e.conn, `INSERT INTO conversations (conversation_id, version, tenant, channel, account_id, customer_id, interaction_type,
		team, operator, status, opened_at, routed_at, queued_since, last_event_at, complete_until)
		SELECT 'page-' || leftPad(toString(number), 2, '0'), 1, 'acme', 'whatsapp', '100000000000001', 'p' || toString(number), 'messaging',
			'support', '', 'queued', '2026-11-20 10:00:00', '2026-11-20 10:05:00', toDateTime64('2026-11-20 10:05:00', 3) + toIntervalSecond(number % 3),
			'2026-11-20 10:05:00', '2026-11-20 10:05:00'
		FROM numbers(7)`)
	var got []string
	path := "/api/v1/cases?list=queued&team=support&limit=3"
	for pages := 0; ; pages++ {
		var page casesAnswer
		a := do(t, e.http.URL, http.MethodGet, path, acmeToken, nil)
		a.json(t, &page)
		if a.status != http.StatusOK || pages > 5 {
			t.Fatalf("page %d: %d %s", pages, a.status, a.body)
		}
		got = append(got, caseIDs(page.Cases)...)
		if page.NextCursor == nil {
			break
		}
		path = "/api/v1/cases?list=queued&team=support&limit=3&cursor=" + url.QueryEscape(*page.NextCursor)
	}
	want := []string{"page-00", "page-03", "page-06", "page-01", "page-04", "page-02", "page-05"}
	if !slices.Equal(got, want) {
		t.Errorf("pages: %v, want %v", got, want)
	}
	// The cursor of one filter does not continue another.
	var first casesAnswer
	do(t, e.http.URL, http.MethodGet, "/api/v1/cases?list=queued&team=support&limit=3", acmeToken, nil).json(t, &first)
	if a := do(t, e.http.URL, http.MethodGet, "/api/v1/cases?list=queued&limit=3&cursor="+url.QueryEscape(*first.NextCursor), acmeToken, nil); a.status != http.StatusBadRequest {
		t.Errorf("a cursor under other filters: %d %s", a.status, a.body)
	}
}
