package conversation

import "sync"

// Names interns one tenant's team, operator and interaction-type names as
// small integers, so the event log stores 4 bytes per name. Id 0 means
// "none". Names only grow; they are shared by every conversation of the
// tenant and safe for concurrent use.
type Names struct {
	mu    sync.RWMutex
	ids   map[string]uint32
	names []string // names[0] is ""
}

// NewNames returns an empty table.
func NewNames() *Names { return &Names{ids: map[string]uint32{}, names: []string{""}} }

// ID returns the id of s, adding it when new; "" is 0.
func (n *Names) ID(s string) uint32 {
	if s == "" {
		return 0
	}
	n.mu.RLock()
	id, ok := n.ids[s]
	n.mu.RUnlock()
	if ok {
		return id
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if id, ok := n.ids[s]; ok {
		return id
	}
	id = uint32(len(n.names))
	n.names = append(n.names, s)
	n.ids[s] = id
	return id
}

// Name returns the name of id; unknown ids give "".
func (n *Names) Name(id uint32) string {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if int(id) >= len(n.names) {
		return ""
	}
	return n.names[id]
}
