package clickhouse

import (
	"context"
	"errors"
	"fmt"
)

// Ready returns nil while the sink can do its job: its client is a member
// of the consumer group (it may own no partition: a standby when members
// outnumber partitions) and ClickHouse answers a ping. The process's
// /readyz answers from it; safe to call concurrently with Run.
func (s *Sink) Ready(ctx context.Context) error {
	if _, generation := s.cl.GroupMetadata(); generation < 0 {
		return errors.New("not a member of the consumer group yet")
	}
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	return nil
}
