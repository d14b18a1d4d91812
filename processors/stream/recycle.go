package stream

// recycler hands out the buffers a cycle's records are written into
// (encoded keys and values, kgo.Records) and takes them all back once the
// producer holds none of those records any more (the cycle ended), so the
// next cycles write into the same memory instead of allocating it again.
// Buffers of size elements are kept, up to keep of them; a larger one
// (one big record) is left to the garbage collector.
type recycler[T any] struct {
	size, keep int
	used, free [][]T
}

// get returns an empty buffer with room for at least n elements.
func (p *recycler[T]) get(n int) []T {
	var b []T
	if k := len(p.free); k > 0 && n <= p.size {
		b, p.free = p.free[k-1], p.free[:k-1]
	} else {
		b = make([]T, 0, max(p.size, n))
	}
	p.used = append(p.used, b)
	return b
}

// release takes back every buffer handed out since the last release: the
// caller guarantees that nothing refers to their contents any more.
func (p *recycler[T]) release() {
	for _, b := range p.used {
		if cap(b) == p.size && len(p.free) < p.keep {
			p.free = append(p.free, b[:0])
		}
	}
	clear(p.used)
	p.used = p.used[:0]
}
