package simulate

import "container/heap"

// agenda holds the planned requests, earliest arrival first; equal
// arrivals keep their planning order, so the stream is deterministic.
type agenda []*pending

func (a agenda) Len() int { return len(a) }
func (a agenda) Less(i, j int) bool {
	if a[i].at != a[j].at {
		return a[i].at < a[j].at
	}
	return a[i].seq < a[j].seq
}
func (a agenda) Swap(i, j int) { a[i], a[j] = a[j], a[i] }
func (a *agenda) Push(x any)   { *a = append(*a, x.(*pending)) }
func (a *agenda) Pop() any {
	old := *a
	p := old[len(old)-1]
	old[len(old)-1] = nil
	*a = old[:len(old)-1]
	return p
}

func (a *agenda) push(p *pending) { heap.Push(a, p) }
func (a *agenda) pop() *pending   { return heap.Pop(a).(*pending) }
func (a agenda) peek() *pending {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}
