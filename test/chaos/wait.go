package chaos

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kadm"
)

// waitCaughtUp waits until group has committed, on every partition of
// topics, the last stable offset.
func waitCaughtUp(ctx context.Context, adm *kadm.Client, group string, topics ...string) error {
	var last string
	for {
		behind, err := lag(ctx, adm, group, topics)
		if err == nil && behind == 0 {
			return nil
		}
		last = fmt.Sprintf("%d records behind (%v)", behind, err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("chaos: group %s did not catch up on %v: %s", group, topics, last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func lag(ctx context.Context, adm *kadm.Client, group string, topics []string) (int64, error) {
	ends, err := adm.ListCommittedOffsets(ctx, topics...)
	if err != nil {
		return -1, err
	}
	committed, err := adm.FetchOffsetsForTopics(ctx, group, topics...)
	if err != nil {
		return -1, err
	}
	var behind int64
	var errs []error
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			errs = append(errs, o.Err)
			return
		}
		c, ok := committed.Lookup(o.Topic, o.Partition)
		at := int64(0)
		if ok && c.Err == nil && c.At >= 0 {
			at = c.At
		}
		behind += max(o.Offset-at, 0)
	})
	return behind, errors.Join(errs...)
}

// waitWatermarks waits until every partition of topic has a watermark at
// or after to in ClickHouse.
func waitWatermarks(ctx context.Context, conn driver.Conn, topic string, partitions int, to time.Time) error {
	var n uint64
	var low time.Time
	var err error
	for {
		err = conn.QueryRow(ctx, `SELECT count(), min(m) FROM (SELECT partition, max(complete_until) AS m
			FROM watermarks WHERE topic = ? GROUP BY partition)`, topic).Scan(&n, &low)
		if err == nil && int(n) == partitions && !low.Before(to) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("chaos: watermarks of %s: %d partitions, lowest %s; want %d at or after %s (err %v)",
				topic, n, low, partitions, to, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
