package clickhouse

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

func TestPermanentIsOnlyForServerRefusalsOfTheData(t *testing.T) {
	if permanent(errors.New("dial tcp: connection refused")) {
		t.Error("a network error must be retried")
	}
	if permanent(context.DeadlineExceeded) {
		t.Error("a timeout must be retried")
	}
}

// crashingConn fails every insert after the first left ones, like a sink
// process that dies there.
type crashingConn struct {
	driver.Conn
	left int
}

var errDown = errors.New("connection lost")

func (c *crashingConn) PrepareBatch(ctx context.Context, query string, opts ...driver.PrepareBatchOption) (driver.Batch, error) {
	if c.left == 0 {
		return nil, errDown
	}
	c.left--
	return c.Conn.PrepareBatch(ctx, query, opts...)
}

// conversationBatch is a batch of n conversation records with one
// duration each; the records at the bad indexes carry a negative duration,
// which passes the client and is refused by the server's constraint.
func conversationBatch(n int, bad ...int) *batch {
	b := &batch{topic: schemas.TopicConversations, partition: 0, start: 0, end: int64(n - 1)}
	for i := range n {
		ms := int64(1000 + i)
		for _, j := range bad {
			if i == j {
				ms = -5
			}
		}
		c := schemas.ConversationRow{V: 1, ConversationID: "c" + string(rune('a'+i)), Version: 1, Tenant: "acme",
			Channel: schemas.WhatsApp, Status: "closed", OpenedAt: schemas.At(t0), LastEventAt: schemas.At(t0),
			Durations: []schemas.DurationRecord{{Kind: "resolution", EndedAt: schemas.At(t0), Ms: ms, BusinessMs: 1}}}
		b.records = append(b.records, &kgo.Record{Topic: b.topic, Offset: int64(i), Value: mustJSON(c),
			Timestamp: t0.Add(time.Duration(i) * time.Second)})
	}
	return b
}

func TestServerRefusedRowsAreBisectedOutAndCrashesMidBisectDoNotDuplicate(t *testing.T) {
	cfg := testDatabase(t)
	conn := testenv.ClickHouseConn(t, cfg.Database)
	ctx := context.Background()
	for _, table := range []string{TableDurations, TableConversations} {
		if err := conn.Exec(ctx, "SYSTEM STOP MERGES "+table); err != nil { // count() sees every inserted row
			t.Fatal(err)
		}
	}
	b := conversationBatch(16, 3, 11, 12)
	// Crash after 1, 2, 3... inserts, resuming the same planned batch each
	// time, until one attempt goes through.
	for left := 1; ; left++ {
		_, err := b.write(ctx, &crashingConn{Conn: conn, left: left}, schemas.NewTopics(""))
		if err == nil {
			break
		}
		if !errors.Is(err, errDown) {
			t.Fatalf("attempt with %d inserts: %v", left, err)
		}
	}
	if _, err := b.write(ctx, conn, schemas.NewTopics("")); err != nil { // and once more, as after a lost commit
		t.Fatal(err)
	}
	f := &fixture{t: t, conn: conn}
	if got := f.count("SELECT count() FROM durations"); got != 13 {
		t.Errorf("durations holds %d rows, want the 13 good ones once", got)
	}
	if got := f.count("SELECT countIf(ms < 0) FROM durations"); got != 0 {
		t.Errorf("durations holds %d negative rows", got)
	}
	if got := f.count("SELECT count() FROM dead_letters WHERE stage = 'sink' AND reason LIKE '%VIOLATED_CONSTRAINT%'"); got != 3 {
		t.Errorf("dead_letters holds %d refused records, want 3", got)
	}
	if got := f.count("SELECT groupArray(offset) = [3, 11, 12] FROM (SELECT offset FROM dead_letters ORDER BY offset)"); got != 1 {
		t.Error("dead letters are not the records at offsets 3, 11 and 12")
	}
	if got := f.count("SELECT count() FROM conversations"); got != 16 {
		t.Errorf("conversations holds %d rows, want 16 (written before the durations block)", got)
	}
}

func TestSinkDeadLettersServerRefusedRecordsAndGoesOn(t *testing.T) {
	f := newFixture(t, 1)
	var values [][]byte
	for _, r := range conversationBatch(9, 4).records {
		values = append(values, r.Value)
	}
	f.produce(schemas.TopicConversations, values...)
	stop := f.start(f.options(5), f.conn)
	defer stop()
	f.waitFor("SELECT count() FROM durations FINAL", 8)
	f.waitFor("SELECT count() FROM dead_letters WHERE reason LIKE '%durations_not_negative%'", 1)
	f.waitFor("SELECT count() FROM conversations FINAL", 9)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
