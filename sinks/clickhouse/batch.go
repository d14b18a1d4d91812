package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/schemas"
)

// batch is the records [start, end] of one partition. Its boundaries are
// fixed (and committed as the partition's plan) before the first insert, so
// every attempt at it, by this process or the next owner of the partition,
// inserts the same rows under the same deduplication token.
type batch struct {
	topic      string
	partition  int32
	start, end int64
	records    []*kgo.Record
}

// token is the insert_deduplication_token of every insert of the batch.
func (b *batch) token() string {
	return fmt.Sprintf("%s/%d/%d-%d", b.topic, b.partition, b.start, b.end)
}

// built is a batch turned into rows: per table, the rows and the record
// each row came from.
type built struct {
	tables  map[string][]any
	sources map[string][]*kgo.Record
	dead    int // records dead-lettered
}

// build decodes every record of b, by the contract topic its topic is in
// topics. Records that cannot be decoded, or that are in refused (rows the
// client could not encode), become dead_letters rows instead.
func (b *batch) build(topics schemas.Topics, refused map[*kgo.Record]string) *built {
	out := &built{tables: map[string][]any{}, sources: map[string][]*kgo.Record{}}
	add := func(r Row, rec *kgo.Record) {
		out.tables[r.Table] = append(out.tables[r.Table], r.Value)
		out.sources[r.Table] = append(out.sources[r.Table], rec)
	}
	for _, rec := range b.records {
		if why, ok := refused[rec]; ok {
			add(sinkDeadLetterRow(rec, why), rec)
			out.dead++
			continue
		}
		kind, _ := topics.Contract(rec.Topic)
		if isDeadLetterTopic(kind) {
			r, err := upstreamDeadLetterRow(rec)
			if err != nil {
				r = sinkDeadLetterRow(rec, "undecodable dead letter: "+err.Error())
				out.dead++
			}
			add(r, rec)
			continue
		}
		rows, err := Rows(kind, rec.Value)
		if err != nil {
			add(sinkDeadLetterRow(rec, err.Error()), rec)
			out.dead++
			continue
		}
		for _, r := range rows {
			add(r, rec)
		}
	}
	return out
}

// tableNames returns the tables of bt in a fixed order, dead letters last.
func (bt *built) tableNames() []string {
	var names []string
	for t := range bt.tables {
		if t != TableDeadLetters {
			names = append(names, t)
		}
	}
	sort.Strings(names)
	if _, ok := bt.tables[TableDeadLetters]; ok {
		names = append(names, TableDeadLetters)
	}
	return names
}

// write inserts b into ClickHouse, every table under b's token. A row the
// client cannot encode sends its record to dead_letters and the batch is
// rebuilt, which gives the same outcome on every attempt. A block the
// server refuses for its data (see permanent) is bisected: its good rows
// are written under sub-tokens, the records of its refused rows go to
// dead_letters, and the batch is rebuilt without that table. It returns
// the rows written per table; an error means the whole batch must be
// retried (whatever was written is deduplicated then).
func (b *batch) write(ctx context.Context, conn driver.Conn, topics schemas.Topics) (*built, error) {
	refused := map[*kgo.Record]string{}
	bisected := map[string][]any{} // tables whose good rows bisect wrote
	for {
		bt := b.build(topics, refused)
		for t := range bisected {
			delete(bt.tables, t)
		}
		err := bt.insertAll(ctx, conn, b.token())
		if err == nil {
			maps.Copy(bt.tables, bisected)
			return bt, nil
		}
		var re *rowError
		if errors.As(err, &re) {
			rec := bt.sources[re.table][re.index]
			if _, again := refused[rec]; again {
				return bt, fmt.Errorf("dead letter of %s/%d@%d refused: %w", rec.Topic, rec.Partition, rec.Offset, err)
			}
			refused[rec] = "refused by the table: " + re.err.Error()
			continue
		}
		var be *blockError
		if !errors.As(err, &be) || !permanent(be.err) || be.table == TableDeadLetters {
			return bt, err
		}
		rows := bt.tables[be.table]
		bad, err := bisect(ctx, conn, be.table, rows, b.token(), be.err)
		if err != nil {
			return bt, err
		}
		good := make([]any, 0, len(rows)-len(bad))
		next := 0
		for _, p := range bad {
			good = append(good, rows[next:p.index]...)
			next = p.index + 1
			refused[bt.sources[be.table][p.index]] = p.reason
		}
		bisected[be.table] = append(good, rows[next:]...)
	}
}

func (bt *built) insertAll(ctx context.Context, conn driver.Conn, token string) error {
	return insertAll(ctx, conn, bt.tableNames(), bt.tables, token)
}
