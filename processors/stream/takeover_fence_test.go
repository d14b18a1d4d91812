package stream

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestDepartedTransactionsAreThoseOfThisGroupsInstancesThatLeft(t *testing.T) {
	ours := map[string]bool{"metrics": true, "state": true}
	live := map[string]bool{"me": true, "alive": true}
	txn := func(id, state string, topics ...string) kadm.DescribedTransaction {
		ts := kadm.TopicsSet{}
		for _, topic := range topics {
			ts.Add(topic, 0)
		}
		return kadm.DescribedTransaction{TxnID: id, State: state, Topics: ts}
	}
	for _, c := range []struct {
		scenario string
		txn      kadm.DescribedTransaction
		fenced   bool
	}{
		{"a departed instance writing the outputs", txn("g-dead", "Ongoing", "metrics"), true},
		{"a departed instance writing the changelog only", txn("g-dead", "Ongoing", "state"), true},
		{"a live member", txn("g-alive", "Ongoing", "metrics"), false},
		{"this instance", txn("g-me", "Ongoing", "metrics"), false},
		{"a transaction already committing", txn("g-dead", "PrepareCommit", "metrics"), false},
		{"another group's instance", txn("h-dead", "Ongoing", "metrics"), false},
		{"a group whose name extends this one's, writing elsewhere", txn("g-x-dead", "Ongoing", "other"), false},
		{"an empty instance id", txn("g-", "Ongoing", "metrics"), false},
	} {
		got := departedTransactions([]kadm.DescribedTransaction{c.txn}, "g-", live, ours)
		if fenced := len(got) == 1; fenced != c.fenced {
			t.Errorf("%s: fenced %v, want %v", c.scenario, fenced, c.fenced)
		}
	}
}

// openTransaction begins a transaction as transactional id and writes one
// record to topic, leaving it open.
func (k *kafkaEnv) openTransaction(ctx context.Context, id, topic string) *kgo.Client {
	cl := k.client(kgo.TransactionalID(id), kgo.TransactionTimeout(time.Minute))
	if err := cl.BeginTransaction(); err != nil {
		k.t.Fatal(err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte("x")}).FirstErr(); err != nil {
		k.t.Fatal(err)
	}
	return cl
}

func TestATakeoverAbortsTheOpenTransactionOfADepartedInstanceOnly(t *testing.T) {
	if os.Getenv("FW_CHILD") != "" {
		t.Skip("child process")
	}
	k := newKafkaEnv(t, 1)
	ctx := within(t, time.Minute)
	other := testenv.CreateTopic(t, "other", 1, nil)
	// "alive" is a member of the group; "ghost" is not; "x-ghost" looks
	// like an instance but writes only to a topic this group never writes.
	k.client(kgo.ConsumerGroup(k.group), kgo.InstanceID("alive"), kgo.ConsumeTopics(k.topics.Events))
	adm := kadm.NewClient(k.client())
	for len(k.assignedTo(ctx, adm, "alive")) == 0 {
		if ctx.Err() != nil {
			t.Fatal("the live member never joined")
		}
		time.Sleep(50 * time.Millisecond)
	}
	ghost := k.openTransaction(ctx, k.group+"-ghost", k.topics.Metrics)
	k.openTransaction(ctx, k.group+"-alive", k.topics.Metrics)
	k.openTransaction(ctx, k.group+"-x-ghost", other)

	r, err := New(k.options("survivor"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r.fenceDeparted(ctx)
	t.Logf("fenced in %v", time.Since(start).Round(time.Millisecond))

	txns, err := adm.DescribeTransactions(ctx, k.group+"-ghost", k.group+"-alive", k.group+"-x-ghost")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"ghost": false, "alive": true, "x-ghost": true} {
		if open := txns[k.group+"-"+id].State == "Ongoing"; open != want {
			t.Errorf("transaction of %s open: %v, want %v (state %s)", id, open, want, txns[k.group+"-"+id].State)
		}
	}
	if err := ghost.EndTransaction(ctx, kgo.TryCommit); err == nil {
		t.Error("the fenced instance committed its transaction")
	}
}
