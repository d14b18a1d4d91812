package stream

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// Ready returns nil while the runner can do its job: it has caught up on
// operator presence and its group client is a member of the group (it may
// own no partition: a standby when instances outnumber partitions). The
// process's /readyz answers from it.
func (r *Runner) Ready(context.Context) error {
	cl := r.group.Load()
	if cl == nil {
		return errors.New("not started: catching up on operator presence, or stopped")
	}
	if _, generation := cl.GroupMetadata(); generation < 0 {
		return errors.New("not a member of the consumer group yet")
	}
	return nil
}

// closeSession closes the group session after the last transaction ended.
// When the runner stops because ctx ended (SIGTERM: a graceful stop), it
// then removes its static member from the group: a static member's client
// does not leave on close (the group would keep its partitions for the
// session timeout, waiting for the same instance id to come back), so
// without this the partitions would stay unprocessed for that long. A
// runner stopped by an error keeps its membership: a restart with the same
// instance id gets its partitions back without a rebalance.
func (r *Runner) closeSession(ctx context.Context, sess delivery) {
	sess.close()
	r.group.Store(nil)
	if ctx.Err() == nil {
		return
	}
	cl, err := r.opts.client("-leave")
	if err != nil {
		r.opts.Logger.Warn("cannot leave the consumer group", "err", err)
		return
	}
	defer cl.Close()
	lctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := kadm.NewClient(cl).LeaveGroup(lctx,
		kadm.LeaveGroup(r.opts.Group).InstanceIDs(r.opts.InstanceID).Reason("shutdown"))
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		// Not fatal: the group expels the member after the session timeout.
		r.opts.Logger.Warn("cannot leave the consumer group; its partitions move after the session timeout", "err", err)
		return
	}
	r.opts.Logger.Info("left the consumer group")
}
