package stream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// fenceDeparted aborts, at once, the open transactions of instances of
// this group that are no longer members of it, so that taking over their
// partitions does not wait for the broker to time those transactions out.
// It runs in the assignment callback, before the restore; failures are
// only logged (the restore then waits for the broker, as before).
//
// Safe because: a member's partitions are reassigned only once it left
// the group (its session expired); the membership is read after the
// transactions are listed, so a member that is live is never fenced; and
// while this callback runs the group cannot complete a new generation
// (that needs this instance to rejoin), so no instance can join and open
// a transaction in between. A zombie that comes back finds its epoch
// bumped: its transaction is aborted and its next request fenced.
func (r *Runner) fenceDeparted(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, r.opts.TransactionTimeout)
	defer cancel()
	cl, err := r.opts.client("-fence")
	if err != nil {
		r.opts.Logger.Warn("cannot fence departed instances", "err", err)
		return
	}
	defer cl.Close()
	txns, err := r.departed(ctx, kadm.NewClient(cl))
	if err != nil {
		r.opts.Logger.Warn("cannot list departed instances' transactions", "err", err)
	}
	for _, t := range txns {
		if err := r.fenceEpoch(ctx, cl, t); err != nil {
			r.opts.Logger.Warn("cannot fence a departed instance", "transactional_id", t.TxnID, "err", err)
			continue
		}
		r.opts.Logger.Info("fenced a departed instance's open transaction", "transactional_id", t.TxnID)
	}
}

// departed lists the ongoing transactions of this group's instances, then
// the group's live members, and returns the transactions to fence.
func (r *Runner) departed(ctx context.Context, adm *kadm.Client) ([]kadm.DescribedTransaction, error) {
	prefix := r.opts.Group + "-"
	listed, err := adm.ListTransactions(ctx, nil, []string{"Ongoing"})
	var ids []string
	for _, id := range listed.TransactionalIDs() {
		if strings.HasPrefix(id, prefix) && id != r.opts.transactionalID() {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, err // a partial listing still fences what it found
	}
	described, err := adm.DescribeTransactions(ctx, ids...)
	if err != nil && len(described) == 0 {
		return nil, fmt.Errorf("describe transactions: %w", err)
	}
	groups, err := adm.DescribeGroups(ctx, r.opts.Group)
	if err == nil {
		err = groups.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("describe group %s: %w", r.opts.Group, err)
	}
	g := groups[r.opts.Group]
	live := map[string]bool{r.opts.InstanceID: true}
	for _, m := range g.Members {
		if m.InstanceID != nil {
			live[*m.InstanceID] = true
		}
	}
	return departedTransactions(described.Sorted(), prefix, live, r.ownTopics()), nil
}

// departedTransactions keeps the ongoing transactions whose transactional
// id is prefix+instance for an instance not live, and that write to at
// least one of topics (so that another group whose name happens to extend
// this one's is never touched).
func departedTransactions(txns []kadm.DescribedTransaction, prefix string, live, topics map[string]bool) []kadm.DescribedTransaction {
	var out []kadm.DescribedTransaction
	for _, t := range txns {
		instance, ok := strings.CutPrefix(t.TxnID, prefix)
		if !ok || instance == "" || live[instance] || t.Err != nil || t.State != "Ongoing" {
			continue
		}
		if slices.ContainsFunc(t.Topics.Topics(), func(topic string) bool { return topics[topic] }) {
			out = append(out, t)
		}
	}
	return out
}

// ownTopics are the topics this group's transactions write.
func (r *Runner) ownTopics() map[string]bool {
	out := map[string]bool{r.opts.Topics.State: true}
	for _, t := range r.opts.Topics.ProcessorOutputs() {
		out[t] = true
	}
	return out
}

// fenceEpoch bumps the epoch of t's transactional id only if it still
// has the producer id and epoch described (KIP-360): an instance that
// re-initialized it since is not fenced again. The bump aborts the open
// transaction.
func (r *Runner) fenceEpoch(ctx context.Context, cl *kgo.Client, t kadm.DescribedTransaction) error {
	for {
		req := kmsg.NewPtrInitProducerIDRequest()
		req.TransactionalID = &t.TxnID
		req.TransactionTimeoutMillis = int32(r.opts.TransactionTimeout.Milliseconds())
		req.ProducerID, req.ProducerEpoch = t.ProducerID, t.ProducerEpoch
		resp, err := req.RequestWith(ctx, cl)
		if err == nil {
			err = kerr.ErrorForCode(resp.ErrorCode)
		}
		if err == nil || !kerr.IsRetriable(err) && !errors.Is(err, kerr.ConcurrentTransactions) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
