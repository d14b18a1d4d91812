package api

import "sync"

// recentActions remembers the last actions this server had acknowledged,
// by tenant and idempotency key, so that a retry is recognised at once,
// before the first one's event reached the events table (the durable
// record, checked after this). Bounded: the oldest entries go first.
type recentActions struct {
	mu    sync.Mutex
	max   int
	byKey map[string]recentAction
	order []string
}

type recentAction struct {
	eventID, conversationID, kind string
}

func newRecentActions(max int) *recentActions {
	return &recentActions{max: max, byKey: map[string]recentAction{}}
}

func (r *recentActions) get(key string) (recentAction, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.byKey[key]
	return a, ok
}

func (r *recentActions) put(key string, a recentAction) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byKey[key]; ok {
		return
	}
	if len(r.order) >= r.max {
		delete(r.byKey, r.order[0])
		r.order = r.order[1:]
	}
	r.byKey[key] = a
	r.order = append(r.order, key)
}
