package stream

import (
	"container/heap"
)

// timerHeap holds every key that has a next re-evaluation, earliest
// first, once each: an entry's slot is its index in the heap plus one
// (0 = not scheduled), so rescheduling moves it instead of adding a
// second, stale item.
type timerHeap []*entry

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].timer < h[j].timer }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].slot, h[j].slot = int32(i+1), int32(j+1)
}
func (h *timerHeap) Push(x any) {
	e := x.(*entry)
	e.slot = int32(len(*h) + 1)
	*h = append(*h, e)
}
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.slot = 0
	return e
}

// set makes at (unix ms; 0 = none) the entry's next timer.
func (h *timerHeap) set(e *entry, at int64) {
	e.timer = at
	switch {
	case at == 0 && e.slot != 0:
		heap.Remove(h, int(e.slot-1))
	case at == 0:
	case e.slot != 0:
		heap.Fix(h, int(e.slot-1))
	default:
		heap.Push(h, e)
	}
}

// due takes out the earliest entry whose timer is at or before ms; its
// timer is then 0.
func (h *timerHeap) due(ms int64) (*entry, bool) {
	if len(*h) == 0 || (*h)[0].timer > ms {
		return nil, false
	}
	e := heap.Pop(h).(*entry)
	e.timer = 0
	return e, true
}
