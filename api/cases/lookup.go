package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/floorwatch/floorwatch/schemas"
)

// AsOf is how fresh every list is: the lowest of the processor
// partitions' latest watermarks (view watermarks_latest), the event time
// up to which the tables are final, like the report's complete_until. The
// zero Time when no partition has written one yet.
func (s *Store) AsOf(ctx context.Context) (schemas.Time, error) {
	var t *time.Time
	if err := s.conn.QueryRow(ctx, `SELECT if(count() = 0, NULL, min(complete_until)) FROM watermarks_latest`).Scan(&t); err != nil {
		return schemas.Time{}, fmt.Errorf("cases: as_of: %w", err)
	}
	return timeOf(t), nil
}

// Ref is what an action needs of a case: its status and its conversation
// key.
type Ref struct {
	Status string
	Key    schemas.ConversationKey
}

// ErrNotFound is returned for a conversation id that tenant does not have
// (whether or not another tenant has it: the answer must not tell).
var ErrNotFound = errors.New("no such case")

// Case returns the latest status and key of tenant's conversation id.
func (s *Store) Case(ctx context.Context, tenant, id string) (Ref, error) {
	ctx = ch.Context(ctx, ch.WithParameters(ch.Parameters{"tenant": tenant, "id": id}))
	rows, err := s.conn.Query(ctx, `SELECT status, channel, account_id, customer_id
FROM conversations FINAL
WHERE conversation_id = {id:String} AND tenant = {tenant:String}
LIMIT 1`)
	if err != nil {
		return Ref{}, fmt.Errorf("cases: case %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Ref{}, fmt.Errorf("cases: case %s: %w", id, err)
		}
		return Ref{}, ErrNotFound
	}
	r := Ref{Key: schemas.ConversationKey{Tenant: tenant}}
	var channel string
	if err := rows.Scan(&r.Status, &channel, &r.Key.AccountID, &r.Key.CustomerID); err != nil {
		return Ref{}, fmt.Errorf("cases: case %s: %w", id, err)
	}
	r.Key.Channel = schemas.Channel(channel)
	return r, nil
}

// Event is an event already stored for a tenant: its kind and key.
type Event struct {
	Kind schemas.Kind
	Key  schemas.ConversationKey
}

// EventByID looks up tenant's event with id in the events table (what the
// sink copied from the events topic), ok false when there is none yet.
// The supervisor API uses it to recognise a retried action.
func (s *Store) EventByID(ctx context.Context, tenant, id string) (e Event, ok bool, err error) {
	ctx = ch.Context(ctx, ch.WithParameters(ch.Parameters{"tenant": tenant, "id": id}))
	rows, err := s.conn.Query(ctx, `SELECT kind, channel, account_id, customer_id
FROM events
WHERE tenant = {tenant:String} AND id = {id:String}
LIMIT 1`)
	if err != nil {
		return Event{}, false, fmt.Errorf("cases: event %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return Event{}, false, rows.Err()
	}
	var kind, channel string
	e.Key.Tenant = tenant
	if err := rows.Scan(&kind, &channel, &e.Key.AccountID, &e.Key.CustomerID); err != nil {
		return Event{}, false, fmt.Errorf("cases: event %s: %w", id, err)
	}
	e.Kind, e.Key.Channel = schemas.Kind(kind), schemas.Channel(channel)
	return e, true, nil
}
