package stream

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
)

// emitter receives the records a partition writes; the runner produces
// them in the open transaction.
type emitter interface {
	emit(topic string, partition int32, key, value []byte)
}

// core is what every partition of an instance shares: compiled tenants,
// the presence table and the topic names. Used by one goroutine at a
// time (the runner holds its lock); Presence is itself concurrent-safe.
type core struct {
	policies Policies
	tenants  map[string]*conversation.Tenant
	presence *conversation.Presence
	topics   schemas.Topics
	// maxSkew is how far ahead of its arrival an event may claim to have
	// occurred (SPEC 2.2.1).
	maxSkew time.Duration
	// ceiling bounds every clock: the wall clock plus maxSkew, unix ms,
	// set by the runner before each batch of work (setWall).
	ceiling int64
	// box holds the open transaction's conversation records.
	box *outbox
	// diff computes them, into buffers it reuses.
	diff windows.Differ
}

func newCore(p Policies, t schemas.Topics, maxSkew time.Duration) *core {
	return &core{policies: p, tenants: map[string]*conversation.Tenant{}, presence: conversation.NewPresence(), topics: t,
		maxSkew: maxSkew, ceiling: math.MaxInt64, box: newOutbox()}
}

// setWall bounds the clocks by wall plus the allowed skew, so that no
// timestamp, even one already in Kafka, moves a clock further.
func (c *core) setWall(wall time.Time) { c.ceiling = wall.Add(c.maxSkew).UnixMilli() }

// bound returns ms, at most the ceiling.
func (c *core) bound(ms int64) int64 { return min(ms, c.ceiling) }

func (c *core) tenant(name string) (*conversation.Tenant, error) {
	if t, ok := c.tenants[name]; ok {
		return t, nil
	}
	t, err := conversation.NewTenant(c.policies.Policy(name))
	if err != nil {
		return nil, err
	}
	c.tenants[name] = t
	return t, nil
}

func (c *core) targets(tenant, team string) time.Duration {
	p := c.policies.Policy(tenant)
	return p.TeamTarget(team)
}

// emitRecords gathers one Diff's records in the outbox; they are written,
// coalesced, when the transaction ends.
func (c *core) emitRecords(recs *windows.Records) { c.box.add(recs) }

// emitJSON encodes v, which is one of the plain output records of
// schemas: encoding cannot fail.
func (c *core) emitJSON(out emitter, topic, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("stream: encode %T: %v", v, err))
	}
	out.emit(topic, -1, []byte(key), b)
}

// deadLetter writes a record that cannot be applied, with the reason.
func (c *core) deadLetter(out emitter, partition int32, offset int64, value []byte, tenant string, reason error, now time.Time) {
	d := schemas.DeadLetter{V: schemas.DeadLetterVersion, Stage: "process", Reason: reason.Error(),
		Source: c.topics.Events + "/" + strconv.Itoa(int(partition)) + "@" + strconv.FormatInt(offset, 10),
		Tenant: tenant, ReceivedAt: schemas.At(now), Body: string(value)}
	b, err := schemas.MarshalDeadLetter(&d)
	if err != nil {
		panic(fmt.Sprintf("stream: encode dead letter: %v", err))
	}
	out.emit(c.topics.ProcessDeadLetters, -1, []byte(c.topics.Events+"/"+strconv.Itoa(int(partition))), b)
}
