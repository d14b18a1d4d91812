package clickhouse

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func TestSinkWritesEveryKindOfOutputRecord(t *testing.T) {
	f := newFixture(t, 2)
	conv := schemas.ConversationRow{V: 1, ConversationID: "c1", Version: 3, Tenant: "acme", Channel: schemas.WhatsApp,
		AccountID: "a", CustomerID: "u", InteractionType: "messaging", Team: "t1", Operator: "o1", Status: "active",
		OpenedAt: schemas.At(t0), AssignedAt: schemas.At(t0.Add(time.Minute)), FirstResponseAt: schemas.At(t0.Add(2 * time.Minute)),
		LastEventAt: schemas.At(t0.Add(2 * time.Minute)), FirstResponseMs: 60000, ResolutionMs: -1,
		TransferTimes: []schemas.Time{schemas.At(t0.Add(90 * time.Second))},
		Durations: []schemas.DurationRecord{{Kind: "first_response", EndedAt: schemas.At(t0.Add(2 * time.Minute)),
			Team: "t1", Operator: "o1", Ms: 60000, BusinessMs: 60000, TargetMs: 300000}}}
	f.produce(schemas.TopicMetrics, deltas(10, t0)...)
	f.produce(schemas.TopicConversations, mustJSON(conv))
	f.produce(schemas.TopicStatusChanges, mustJSON(schemas.StatusChange{V: 1, ConversationID: "c1", Seq: 0, Version: 1,
		Segment: schemas.Segment{Tenant: "acme", Channel: schemas.WhatsApp}, Status: "bot", ValidFrom: schemas.At(t0)}))
	f.produce(schemas.TopicGauges, mustJSON(schemas.GaugeSnapshot{V: 1, At: schemas.At(t0),
		Segment: schemas.Segment{Tenant: "acme"}, Queued: 2}))
	f.produce(schemas.TopicWatermarks, mustJSON(schemas.Watermark{V: 1, Topic: schemas.TopicEvents,
		CompleteUntil: schemas.At(t0), At: schemas.At(t0)}))
	f.produce(schemas.TopicEvents, mustJSON(schemas.Event{V: 1, Kind: schemas.KindCustomerMessage, ID: "m1",
		Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "a", CustomerID: "u", OccurredAt: schemas.At(t0)}))
	f.produce(schemas.TopicIngestDeadLetters, mustJSON(schemas.DeadLetter{V: 1, Stage: "ingest", Reason: "not JSON",
		Source: "/webhooks/whatsapp", ReceivedAt: schemas.At(t0), Body: "{"}))

	stop := f.start(f.options(100), f.conn)
	defer stop()
	f.waitFor("SELECT sum(opened) FROM metrics_minute", 10)
	f.waitFor("SELECT sum(opened) FROM metrics_hour", 10)
	f.waitFor("SELECT count() FROM conversations FINAL", 1)
	f.waitFor("SELECT count() FROM durations FINAL WHERE target_ms = 300000", 1)
	f.waitFor("SELECT count() FROM status_history FINAL", 1)
	f.waitFor("SELECT sum(queued) FROM gauges", 2)
	f.waitFor("SELECT count() FROM watermarks", 1)
	f.waitFor("SELECT count() FROM events", 1)
	f.waitFor("SELECT count() FROM dead_letters WHERE stage = 'ingest'", 1)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

var errCrash = errors.New("crash between insert and commit")

func TestSinkCrashBetweenInsertAndCommitNeitherDuplicatesNorLoses(t *testing.T) {
	f := newFixture(t, 1)
	f.produce(schemas.TopicMetrics, deltas(500, t0)...)

	// The first sink writes batches of 40 and dies after its third insert,
	// before committing it.
	opt := f.options(40)
	writes := 0
	opt.afterWrite = func(b *batch) error {
		if writes++; writes == 3 {
			return errCrash
		}
		return nil
	}
	waitCrash(t, f, opt)

	// Three batches are in ClickHouse, two committed.
	if got := f.count("SELECT sum(opened) FROM metrics_minute"); got != 120 {
		t.Fatalf("after the crash metrics hold %d, want 120", got)
	}
	// The restarted sink cuts batches of 300, yet re-forms the third batch
	// from the committed plan, and its insert is deduplicated.
	stop := f.start(f.options(300), f.conn)
	defer stop()
	f.waitFor("SELECT sum(opened) FROM metrics_minute", 500)
	f.waitFor("SELECT sum(opened) FROM metrics_hour", 500)
	f.waitFor("SELECT sum(opened) FROM metrics_day", 500)
	time.Sleep(300 * time.Millisecond)
	if got := f.count("SELECT sum(opened) FROM metrics_minute"); got != 500 {
		t.Errorf("metrics hold %d, want 500: a batch was duplicated", got)
	}
}

// waitCrash runs the crashing sink to its crash.
func waitCrash(t *testing.T, f *fixture, opt Options) {
	t.Helper()
	s, err := New(opt, f.conn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Run(ctx); !errors.Is(err, errCrash) {
		t.Fatalf("Run returned %v, want the crash", err)
	}
}

func TestSinkCommitsNothingWhileClickHouseIsDownAndCatchesUpAfter(t *testing.T) {
	f := newFixture(t, 2)
	f.produce(schemas.TopicMetrics, deltas(200, t0)...)
	stop := f.start(f.options(50), deadConn(t))
	time.Sleep(2 * time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	adm := testenv.KafkaAdmin(t)
	offs, err := adm.FetchOffsets(context.Background(), f.group)
	if err != nil {
		t.Fatal(err)
	}
	offs.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At > 0 {
			t.Errorf("%s/%d committed at %d while ClickHouse was down", o.Topic, o.Partition, o.At)
		}
	})
	stop = f.start(f.options(50), f.conn)
	defer stop()
	f.waitFor("SELECT sum(opened) FROM metrics_minute", 200)
}

func TestSinkSendsPoisonRecordsToDeadLettersAndGoesOn(t *testing.T) {
	f := newFixture(t, 1)
	good := deltas(20, t0)
	bad := mustJSON(schemas.MetricDelta{V: 1, Minute: schemas.At(t0), Segment: schemas.Segment{}}) // no tenant
	values := append(append(append([][]byte{}, good[:10]...), []byte("{not json"), bad), good[10:]...)
	f.produce(schemas.TopicMetrics, values...)
	stop := f.start(f.options(7), f.conn)
	defer stop()
	f.waitFor("SELECT sum(opened) FROM metrics_minute", 20)
	f.waitFor("SELECT count() FROM dead_letters WHERE stage = 'sink'", 2)
	f.waitFor("SELECT countIf(body = '{not json') FROM dead_letters", 1)
}
