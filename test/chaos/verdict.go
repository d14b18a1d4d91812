package chaos

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/schemas"
)

// EventID names one event as the platforms do, within its conversation
// key and kind: the identity a duplicate delivery shares.
type EventID struct {
	Tenant, Channel, Account, Customer, Kind, ID string
}

func (e EventID) String() string {
	return strings.Join([]string{e.Tenant, e.Channel, e.Account, e.Customer, e.Kind, e.ID}, "|")
}

func eventID(e *schemas.Event) EventID {
	return EventID{e.Tenant, string(e.Channel), e.AccountID, e.CustomerID, string(e.Kind), e.ID}
}

// Decoded is what ingest publishes for some requests, decided by the
// same decoder (ingest/decode) at each request's received_at.
type Decoded struct {
	Events map[EventID]bool
	// DeadLetters are the raw bodies ingest writes to the dead letters.
	DeadLetters map[string]bool
	// Refused counts requests the decoder does not answer 200: for
	// acknowledged requests, a disagreement with ingest.
	Refused int
}

// DecodeRequests decodes reqs as ingest does with cfg.
func DecodeRequests(cfg *config.Config, reqs []schemas.Request) Decoded {
	d := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
		MaxBatchEvents: cfg.Ingest.MaxBatchEvents, MaxFutureSkew: cfg.Ingest.MaxFutureSkew, Verify: true})
	out := Decoded{Events: map[EventID]bool{}, DeadLetters: map[string]bool{}}
	for _, r := range reqs {
		path, rawQuery, _ := strings.Cut(r.Path, "?")
		q, _ := url.ParseQuery(rawQuery)
		o := d.Decode(r.Method, path, q, r.Headers.HTTP(), []byte(r.Body), r.ReceivedAt.Time)
		if o.Status != http.StatusOK {
			out.Refused++
			continue
		}
		for i := range o.Events {
			out.Events[eventID(&o.Events[i])] = true
		}
		if o.DeadLetter != nil {
			out.DeadLetters[r.Body] = true
		}
	}
	return out
}

// Stored reads, by event id, how many rows of each event the raw event
// tables hold as a reader sees them (FINAL: a redelivered event replaces
// itself): events for conversation events, operator_status for presence.
func Stored(ctx context.Context, conn driver.Conn) (map[EventID]int, error) {
	rows, err := conn.Query(ctx, `
		SELECT tenant, channel, account_id, customer_id, kind, id, count() FROM events FINAL
		GROUP BY tenant, channel, account_id, customer_id, kind, id
		UNION ALL
		SELECT tenant, '', '', '', 'operator.status', id, count() FROM operator_status FINAL
		GROUP BY tenant, id`)
	if err != nil {
		return nil, fmt.Errorf("chaos: read stored events: %w", err)
	}
	defer rows.Close()
	out := map[EventID]int{}
	for rows.Next() {
		var e EventID
		var n uint64
		if err := rows.Scan(&e.Tenant, &e.Channel, &e.Account, &e.Customer, &e.Kind, &e.ID, &n); err != nil {
			return nil, fmt.Errorf("chaos: read stored events: %w", err)
		}
		out[e] += int(n)
	}
	return out, rows.Err()
}

// StoredDeadLetters reads the bodies of ingest's dead letters.
func StoredDeadLetters(ctx context.Context, conn driver.Conn) (map[string]bool, error) {
	rows, err := conn.Query(ctx, `SELECT DISTINCT body FROM dead_letters WHERE stage = 'ingest'`)
	if err != nil {
		return nil, fmt.Errorf("chaos: read dead letters: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out[b] = true
	}
	return out, rows.Err()
}

// EventVerdict compares what was acknowledged with what is stored.
type EventVerdict struct {
	// Acknowledged counts the distinct events of the requests answered 2xx.
	Acknowledged int
	// Stored counts those found stored; Lost those not found; Duplicated
	// those found more than once.
	Stored, Lost, Duplicated int
	// Unexpected counts stored events that no request sent carries.
	Unexpected int
	// DeadLetters counts the acknowledged bodies ingest dead-letters,
	// DeadLettersLost those missing from dead_letters.
	DeadLetters, DeadLettersLost int
	// Samples of each failure, for the report.
	Samples []string
}

// CompareEvents is the proof by id: acknowledged (events of the requests
// answered 2xx) against stored, with sent (events of every request sent)
// telling an unexpected row from one of a request never acknowledged.
func CompareEvents(acknowledged, sent Decoded, stored map[EventID]int, deadLetters map[string]bool) EventVerdict {
	var v EventVerdict
	sample := func(format string, a ...any) {
		if len(v.Samples) < 20 {
			v.Samples = append(v.Samples, fmt.Sprintf(format, a...))
		}
	}
	for _, id := range sortedIDs(acknowledged.Events) {
		v.Acknowledged++
		switch n := stored[id]; {
		case n == 0:
			v.Lost++
			sample("lost: %s", id)
		case n > 1:
			v.Stored++
			v.Duplicated++
			sample("stored %d times: %s", n, id)
		default:
			v.Stored++
		}
	}
	for id := range stored {
		if !sent.Events[id] {
			v.Unexpected++
			sample("stored but never sent: %s", id)
		}
	}
	for body := range acknowledged.DeadLetters {
		v.DeadLetters++
		if !deadLetters[body] {
			v.DeadLettersLost++
			sample("dead letter lost: %.80q", body)
		}
	}
	return v
}

func sortedIDs(m map[EventID]bool) []EventID {
	out := make([]EventID, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// OK reports whether nothing acknowledged was lost or stored twice, and
// nothing was stored that was never sent.
func (v EventVerdict) OK() bool {
	return v.Acknowledged > 0 && v.Lost == 0 && v.Duplicated == 0 && v.Unexpected == 0 && v.DeadLettersLost == 0
}

// ScanLogs reads log files for crashes (a Go panic or fatal error) and
// for any of secrets, and returns one line per finding (the secret itself
// is never printed, only which configured secret it was).
func ScanLogs(paths []string, secrets []string) (crashes, leaks []string, lines int, err error) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, lines, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		n := 0
		for sc.Scan() {
			n++
			lines++
			line := sc.Text()
			if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
				crashes = append(crashes, fmt.Sprintf("%s:%d: %s", p, n, line))
			}
			for i, s := range secrets {
				if strings.Contains(line, s) {
					leaks = append(leaks, fmt.Sprintf("%s:%d: configured secret #%d", p, n, i+1))
				}
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, nil, lines, err
		}
	}
	return crashes, leaks, lines, nil
}

// Query is one report of the indicator comparison.
type Query struct {
	From, To time.Time
	By       []string
}

// Expected is the end-to-end oracle: the report the pipeline must give
// for query q over the acknowledged requests (a requests file, one
// schemas.Request per line): OracleExpected, the independent oracle of
// test/oracle, by default; ReplayExpected runs `floorwatch replay`.
type Expected interface {
	Name() string
	Report(ctx context.Context, requestsFile string, q Query) (schemas.Report, error)
}
