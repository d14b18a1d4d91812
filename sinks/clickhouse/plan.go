package clickhouse

import (
	"context"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// planPrefix marks commit metadata that holds a batch plan.
const planPrefix = "floorwatch-sink/v1 end="

// encodePlan is the commit metadata saying the batch that starts at the
// committed offset ends at offset end.
func encodePlan(end int64) string { return planPrefix + strconv.FormatInt(end, 10) }

// parsePlan reads a plan from commit metadata; -1 when there is none.
func parsePlan(meta string) int64 {
	s, ok := strings.CutPrefix(meta, planPrefix)
	if !ok {
		return -1
	}
	end, err := strconv.ParseInt(s, 10, 64)
	if err != nil || end < 0 {
		return -1
	}
	return end
}

// commitWithMetadata commits offsets synchronously, each partition with
// its own metadata (plans), within the consumer group's generation: a
// process that lost the partition cannot commit for it.
func commitWithMetadata(ctx context.Context, cl *kgo.Client, offsets map[string]map[int32]kgo.EpochOffset,
	meta map[string]map[int32]string) error {
	ctx = kgo.PreCommitFnContext(ctx, func(req *kmsg.OffsetCommitRequest) error {
		for i := range req.Topics {
			t := &req.Topics[i]
			for j := range t.Partitions {
				m := meta[t.Topic][t.Partitions[j].Partition]
				t.Partitions[j].Metadata = &m
			}
		}
		return nil
	})
	var failed error
	cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			failed = err
			return
		}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if e := kerr.ErrorForCode(p.ErrorCode); e != nil && failed == nil {
					failed = e
				}
			}
		}
	})
	return failed
}
