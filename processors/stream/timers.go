package stream

import (
	"container/heap"

	"github.com/floorwatch/floorwatch/schemas"
)

// timer is a key's next re-evaluation. The heap holds stale timers too:
// one is live only while it equals its entry's timer field.
type timer struct {
	at  int64
	key schemas.ConversationKey
}

type timerHeap []timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

func (h *timerHeap) schedule(at int64, key schemas.ConversationKey) { heap.Push(h, timer{at, key}) }

// due pops the earliest timer at or before ms.
func (h *timerHeap) due(ms int64) (timer, bool) {
	if len(*h) == 0 || (*h)[0].at > ms {
		return timer{}, false
	}
	return heap.Pop(h).(timer), true
}
