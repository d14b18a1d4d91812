package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/schemas"
)

// casesResponse is GET /api/v1/cases.
type casesResponse struct {
	AsOf       schemas.Time `json:"as_of"`
	Cases      []cases.Case `json:"cases"`
	NextCursor *string      `json:"next_cursor"`
}

// maxWithin bounds the at-risk horizon: a day is past every support window.
const maxWithin = 24 * time.Hour

func (s *Server) cases(r *http.Request, who supervisor) (int, any, error) {
	p, e := readParams(r.URL, "list", "channel", "interaction_type", "team", "operator", "limit", "cursor", "within")
	if e != nil {
		return 0, nil, e
	}
	q, e := caseQuery(p)
	if e != nil {
		return 0, nil, e
	}
	q.Now = s.opts.Now()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.QueryTimeout)
	defer cancel()
	asOf, err := s.opts.Store.AsOf(ctx)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.opts.Store.List(ctx, who.tenant, s.opts.Directory.Policy(who.tenant), q)
	if errors.Is(err, cases.ErrBadCursor) {
		return 0, nil, badRequest("cursor", "%v", err)
	}
	if err != nil {
		return 0, nil, err
	}
	resp := casesResponse{AsOf: asOf, Cases: page.Cases}
	if page.Next != "" {
		resp.NextCursor = &page.Next
	}
	return http.StatusOK, resp, nil
}

// caseQuery reads the parameters of GET /api/v1/cases.
func caseQuery(p params) (cases.Query, *Error) {
	q := cases.Query{List: p.values.Get("list"), Limit: cases.DefaultLimit, Within: cases.DefaultWithin}
	if !slices.Contains(cases.Lists, q.List) {
		return q, badRequest("list", "list must be one of %s", strings.Join(cases.Lists, ", "))
	}
	var e *Error
	if q.Channel, e = p.text("channel"); e != nil {
		return q, e
	}
	if q.Channel != "" && !schemas.Channel(q.Channel).Valid() {
		return q, badRequest("channel", "channel must be whatsapp, messenger, instagram or x")
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"interaction_type", &q.InteractionType}, {"team", &q.Team}, {"operator", &q.Operator}} {
		if *f.dst, e = p.text(f.name); e != nil {
			return q, e
		}
	}
	if v := p.values.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > cases.MaxLimit {
			return q, badRequest("limit", "limit must be a whole number from 1 to %d", cases.MaxLimit)
		}
		q.Limit = n
	}
	if q.Cursor = p.values.Get("cursor"); len(q.Cursor) > 1024 {
		return q, badRequest("cursor", "%v", cases.ErrBadCursor)
	}
	if v, given := p.values["within"]; given {
		if q.List != cases.ListAtRisk {
			return q, badRequest("within", "within applies to list=at_risk only")
		}
		d, err := time.ParseDuration(v[0])
		if err != nil || d <= 0 || d > maxWithin {
			return q, badRequest("within", "within must be a Go duration such as 10m, above 0 and at most %s", maxWithin)
		}
		q.Within = d
	}
	return q, nil
}

// operatorsResponse is GET /api/v1/operators.
type operatorsResponse struct {
	AsOf      schemas.Time     `json:"as_of"`
	Operators []cases.Operator `json:"operators"`
}

func (s *Server) operators(r *http.Request, who supervisor) (int, any, error) {
	if _, e := readParams(r.URL); e != nil {
		return 0, nil, e
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.QueryTimeout)
	defer cancel()
	asOf, err := s.opts.Store.AsOf(ctx)
	if err != nil {
		return 0, nil, err
	}
	ops, err := s.opts.Store.Operators(ctx, who.tenant, s.opts.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, operatorsResponse{AsOf: asOf, Operators: ops}, nil
}

// teamsResponse is GET /api/v1/teams.
type teamsResponse struct {
	AsOf     schemas.Time `json:"as_of"`
	WindowMs int64        `json:"window_ms"`
	Teams    []cases.Team `json:"teams"`
}

func (s *Server) teams(r *http.Request, who supervisor) (int, any, error) {
	if _, e := readParams(r.URL); e != nil {
		return 0, nil, e
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.QueryTimeout)
	defer cancel()
	asOf, err := s.opts.Store.AsOf(ctx)
	if err != nil {
		return 0, nil, err
	}
	teams, err := s.opts.Store.Teams(ctx, who.tenant, s.opts.Directory.Policy(who.tenant), s.opts.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, teamsResponse{AsOf: asOf, WindowMs: cases.HealthWindow.Milliseconds(), Teams: teams}, nil
}

// maxPeriod bounds the period of GET /api/v1/indicators.
const maxPeriod = 366 * 24 * time.Hour

var dimensions = []string{"tenant", "channel", "interaction_type", "team", "operator"}

func (s *Server) indicators(r *http.Request, who supervisor) (int, any, error) {
	p, e := readParams(r.URL, "from", "to", "by")
	if e != nil {
		return 0, nil, e
	}
	var from, to schemas.Time
	for _, f := range []struct {
		name string
		dst  *schemas.Time
	}{{"from", &from}, {"to", &to}} {
		v := p.values.Get(f.name)
		if v == "" {
			return 0, nil, badRequest(f.name, "%s is required (RFC 3339)", f.name)
		}
		t, err := schemas.ParseTime(v)
		if err != nil {
			return 0, nil, badRequest(f.name, "%s must be an RFC 3339 time, got %q", f.name, v)
		}
		*f.dst = t
	}
	if !to.After(from.Time) {
		return 0, nil, badRequest("to", "to must come after from")
	}
	if to.Sub(from.Time) > maxPeriod {
		return 0, nil, badRequest("to", "the period must not be longer than 366 days")
	}
	by, e := parseBy(p.values.Get("by"))
	if e != nil {
		return 0, nil, e
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.ReportTimeout)
	defer cancel()
	rep, err := s.opts.Report(ctx, from.Time, to.Time, by, who.tenant)
	if err != nil {
		return 0, nil, err
	}
	for i := range rep.Segments {
		seg := &rep.Segments[i]
		for _, st := range []*schemas.ReportStats{&seg.FirstResponse, &seg.Reply, &seg.Resolution} {
			st.AvgMs, st.BusinessAvgMs = wholeMs(st.AvgMs), wholeMs(st.BusinessAvgMs)
		}
	}
	return http.StatusOK, rep, nil
}

// wholeMs rounds an exact average to whole milliseconds: durations in
// the API's answers are integer milliseconds (SPEC 4.1).
func wholeMs(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := math.Round(*v)
	return &r
}

// parseBy reads by=DIM,... as replay and report do: known names, no repeats.
func parseBy(s string) ([]string, *Error) {
	by := []string{}
	if s == "" {
		return by, nil
	}
	for _, d := range strings.Split(s, ",") {
		d = strings.TrimSpace(d)
		if !slices.Contains(dimensions, d) {
			return nil, badRequest("by", "by takes %s; got %q", strings.Join(dimensions, ", "), d)
		}
		if slices.Contains(by, d) {
			return nil, badRequest("by", "%s is given twice", d)
		}
		by = append(by, d)
	}
	return by, nil
}
