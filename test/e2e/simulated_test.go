package e2e

import (
	"context"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
	"github.com/floorwatch/floorwatch/simulate/send"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// simulatedEvents is how many published events the simulated traffic
// carries at least (SPEC 5's "the streaming pipeline must give the same
// numbers as replay", checked at scale). FLOORWATCH_E2E_EVENTS sets
// another figure while developing.
const simulatedEvents = 105_000

// A simulated day, posted to a real `floorwatch all` (real Kafka and
// ClickHouse), then, for several periods and groupings, three reports
// that must agree: `floorwatch report` (ClickHouse), `floorwatch replay`
// over the requests file (with each request's real arrival time), and the
// independent oracle (test/oracle) over the events ingest published.
//
// The simulated day starts at the UTC midnight two days before today, so
// that its traffic ended long before now and lies within the idle-close
// delay (7 days) of now: a tenant clock moved to the wall clock while the
// day is posted (a partition idle for a second) can fire windows and
// thresholds early, which later events correct, but never close a
// conversation for good. FLOORWATCH_E2E_DAY=2026-11-18 replays a given day.
func TestSimulatedTrafficReportEqualsReplayEqualsOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka and ClickHouse")
	}
	chAddr, _ := testenv.ClickHouse(t)
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	began := time.Now()
	timing := &phases{last: began}

	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	day := simulatedDay(t)
	events := simulatedEvents
	if v := os.Getenv("FLOORWATCH_E2E_EVENTS"); v != "" {
		if events, err = strconv.Atoi(v); err != nil {
			t.Fatalf("FLOORWATCH_E2E_EVENTS: %v", err)
		}
		t.Logf("FLOORWATCH_E2E_EVENTS: %d events instead of %d", events, simulatedEvents)
	}
	tmp := t.TempDir()
	bin := testenv.BuildFloorwatch(t, "")
	// One address sends the whole simulated world as fast as ingest
	// answers, its deliberate wrong keys included: far above what one
	// client may get wrong per minute.
	prefix, env := pipelineEnv(t, "sim", "FLOORWATCH_INGEST_AUTH_FAILURES_BURST=1000000")
	timing.mark("build")
	all := startAll(ctx, t, bin, env, prefix+".")
	base := "http://" + all.await(ctx, t, "ingest listening")
	timing.mark("start floorwatch all")

	// Post the day as fast as ingest acknowledges, recording each request
	// with its real arrival: replay's clock, and ingest's received_at.
	gen, err := simulate.New(cfg, simulate.Options{Seed: 1, Start: day, Rate: 1.25, End: day.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	requests := filepath.Join(tmp, "requests.jsonl")
	f, err := os.Create(requests)
	if err != nil {
		t.Fatal(err)
	}
	sender := send.New(send.Options{URL: base, Out: f, Connections: 64, Pace: send.AsFast})
	if err := sender.Run(ctx, upToEvents(gen.All(), events)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st := sender.Stats()
	// --to of the last period: every event occurred before now.
	now := time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
	timing.mark("post")
	checkAnswers(t, st)
	t.Logf("posted %d requests (answers %v) carrying %d published events of %d conversations, simulated %s → %s, %.0f events per wall second",
		st.Requests, st.ByStatus, published(st.Counters), gen.Counters().Conversations, day.Format(time.RFC3339),
		st.Simulated.Format(time.RFC3339), st.WallRate())

	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := day.Date()
	periods := []period{
		// Ends as acme's office opens (09:00 in Paris, Monday to Friday):
		// every timer due at --to has fired, so the night's waits are no
		// longer outside business hours.
		{"the night until acme opens", day.Add(3 * time.Hour), time.Date(y, m, d, 9, 0, 0, 0, paris)},
		// Ends in the middle of the traffic, at no business-hours edge.
		{"a few hours in the middle", day.Add(10 * time.Hour), day.Add(13*time.Hour + 30*time.Minute)},
		{"the simulated day", day, day.Add(24 * time.Hour)},
		{"up to now", day, now},
	}
	groupings := []string{"", "tenant", "tenant,channel", "team,operator", "tenant,interaction_type"}
	replays := startReplays(ctx, t, bin, env, requests, periods, groupings)

	// The oracle reads what ingest published: the requests decoded as
	// ingest decodes them.
	reqs := readFile(t, requests)
	dec := oracle.Decode(cfg, reqs)
	if len(dec.Events) < events {
		t.Fatalf("the requests carry %d published events, want at least %d", len(dec.Events), events)
	}
	if dec.Requests[http.StatusOK] != st.ByStatus[http.StatusOK] || dec.Requests[http.StatusUnauthorized] != st.ByStatus[http.StatusUnauthorized] {
		t.Fatalf("decoding the requests file answers %v, ingest answered %v", dec.Requests, st.ByStatus)
	}
	o := oracle.New(dec.Events, cfg.Directory())
	timing.mark("oracle: decode " + strconv.Itoa(len(reqs)) + " requests, " + strconv.Itoa(len(dec.Events)) + " events")

	waitWatermarks(ctx, t, chAddr, prefix, prefix+"."+schemas.TopicEvents, 4, now)
	timing.mark("pipeline: watermarks past --to")

	c := &comparison{ctx: ctx, t: t, bin: bin, env: env, oracle: o}
	for _, p := range periods {
		for _, by := range groupings {
			c.check(p, by, replays.wait(t, p, by))
		}
	}
	timing.mark("compare " + strconv.Itoa(len(periods)*len(groupings)) + " reports (replay in parallel from the end of posting)")
	all.stop(t)
	timing.mark("stop")
	t.Logf("%d events, %d requests, %d comparisons in %s:\n%s", len(dec.Events), len(reqs), c.compared,
		time.Since(began).Round(time.Second), timing)
}

// simulatedDay is the UTC midnight two days before today, or the day
// FLOORWATCH_E2E_DAY names.
func simulatedDay(t *testing.T) time.Time {
	t.Helper()
	if v := os.Getenv("FLOORWATCH_E2E_DAY"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			t.Fatalf("FLOORWATCH_E2E_DAY: %v", err)
		}
		if time.Since(d) < 48*time.Hour || time.Since(d) > 5*24*time.Hour {
			t.Fatalf("FLOORWATCH_E2E_DAY %s: want a day between 2 and 5 days ago (its traffic over, within the idle-close delay)", v)
		}
		return d
	}
	return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -2)
}

// upToEvents hands out reqs until they carried n published events, so the
// day's size does not depend on its weekday.
func upToEvents(reqs iter.Seq[simulate.Request], n int) iter.Seq[simulate.Request] {
	return func(yield func(simulate.Request) bool) {
		count := 0
		for r := range reqs {
			if count >= n || !yield(r) {
				return
			}
			count += len(r.Kinds)
		}
	}
}

// checkAnswers fails unless every request got the answer the generator
// meant: 200, or 401 for a bad signature; none refused for overload.
func checkAnswers(t *testing.T, st send.Stats) {
	t.Helper()
	want401 := st.ByOutcome[simulate.BadSignature]
	if st.ByStatus[http.StatusUnauthorized] != want401 || st.ByStatus[http.StatusOK] != st.Requests-want401 {
		t.Fatalf("answers %v for %d requests, want %d × 401 and the rest 200", st.ByStatus, st.Requests, want401)
	}
}

func published(c simulate.Counters) int {
	n := 0
	for _, v := range c.Kinds {
		n += v
	}
	return n
}
