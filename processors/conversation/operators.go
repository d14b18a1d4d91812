package conversation

// Operators returns every operator the key's log names (assigned,
// replying, transferred or recovered to, closing), once each, in log
// order. A streaming processor indexes keys by them, so that a late
// operator.status event re-evaluates every conversation it may change.
func (s *State) Operators(tn *Tenant) []string {
	var out []string
	seen := map[uint32]bool{0: true}
	add := func(id uint32) {
		if !seen[id] {
			seen[id] = true
			out = append(out, tn.names.Name(id))
		}
	}
	for _, r := range s.log {
		switch r.kind() {
		case kAssigned, kReplied, kClosed:
			add(r.a)
		case kTransferred, kRecovered:
			add(r.b)
		}
	}
	return out
}

// Reported reports whether any status of operator was ever recorded:
// only then can presence make a conversation of theirs differ from one
// where they are available.
func (p *Presence) Reported(tenant, operator string) bool {
	if p == nil {
		return false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.ops[opKey{tenant, operator}]) > 0
}
