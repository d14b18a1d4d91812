package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// brokers returns FLOORWATCH_KAFKA_BROKERS, or skips the benchmark:
// benchmarks run only against a real broker that is already there.
func brokers(b *testing.B) []string {
	v := strings.TrimSpace(os.Getenv("FLOORWATCH_KAFKA_BROKERS"))
	if v == "" {
		b.Skip("FLOORWATCH_KAFKA_BROKERS is not set: eval \"$(deployments/local/services env)\" first")
	}
	return strings.Split(v, ",")
}

// benchTopic creates a topic of partitions partitions for this benchmark
// and deletes it afterwards.
func benchTopic(b *testing.B, seeds []string, prefix string, partitions int32) string {
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...))
	if err != nil {
		b.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	var r [4]byte
	_, _ = rand.Read(r[:])
	name := "bench_" + prefix + "_" + hex.EncodeToString(r[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, name); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(ctx, name)
		cl.Close()
	})
	// Wait for leaders, so the first produce does not measure elections.
	for ctx.Err() == nil {
		md, err := adm.Metadata(ctx, name)
		if err == nil && len(md.Topics[name].Partitions) == int(partitions) && md.Topics[name].Err == nil {
			ready := true
			for _, p := range md.Topics[name].Partitions {
				ready = ready && p.Leader >= 0
			}
			if ready {
				return name
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("topic %s has no leaders", name)
	return ""
}
