package api

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Identical reads in flight or within the time share one answer; a
// stale one is read again; an error is not kept.
func TestSharedReadsShareAFreshAnswerOnly(t *testing.T) {
	c := newSharedReads(time.Hour)
	var reads atomic.Int32
	release := make(chan struct{})
	slow := func() (int, any, error) {
		reads.Add(1)
		<-release
		return 200, "answer", nil
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, body, err := c.get("k", slow); body != "answer" || err != nil {
				t.Errorf("got %v, %v", body, err)
			}
		}()
	}
	for c.pending("k") == 0 { // the first read has started
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads for 5 identical requests in flight, want 1", n)
	}
	if _, _, _ = c.get("k", slow); reads.Load() != 1 {
		t.Error("a fresh answer was read again")
	}
	if _, body, _ := c.get("other", func() (int, any, error) { return 200, "other", nil }); body != "other" {
		t.Errorf("another key got %v", body)
	}

	stale := newSharedReads(time.Nanosecond)
	n := 0
	read := func() (int, any, error) { n++; return 200, n, nil }
	stale.get("k", read)
	time.Sleep(time.Millisecond)
	if _, body, _ := stale.get("k", read); body != 2 {
		t.Errorf("a stale answer was reused: %v", body)
	}

	failing := newSharedReads(time.Hour)
	boom := errors.New("boom")
	if _, _, err := failing.get("k", func() (int, any, error) { return 0, nil, boom }); err != boom {
		t.Fatal(err)
	}
	if _, body, err := failing.get("k", func() (int, any, error) { return 200, "ok", nil }); err != nil || body != "ok" {
		t.Errorf("after an error: %v, %v; want a new read", body, err)
	}
	off := newSharedReads(0)
	m := 0
	off.get("k", func() (int, any, error) { m++; return 200, nil, nil })
	off.get("k", func() (int, any, error) { m++; return 200, nil, nil })
	if m != 2 {
		t.Errorf("with no time to share, %d reads of 2", m)
	}
}

// pending counts the entries of key (a test hook).
func (c *sharedReads) pending(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return 1
	}
	return 0
}
