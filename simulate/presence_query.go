package simulate

import "math/rand/v2"

// Presence lookups for planning: a conversation is planned whole when it
// arrives, so who can answer it and until when is read from the
// operators' schedules, generated ahead as needed.

// lookAheadDays bounds every search for an available operator.
const lookAheadDays = 15

// nextAvail returns op's first availability at or after ms: from (not
// before ms) and until when it lasts.
func (g *Generator) nextAvail(op *operator, ms int64) (span, bool) {
	t := op.team
	d0 := t.cal.dayNum(ms) - 1
	for d := d0; d <= d0+lookAheadDays; d++ {
		for _, sp := range t.schedule(g.opts.Seed, d).avail[op.idx] {
			if sp.to > ms {
				return span{max(sp.from, ms), sp.to}, true
			}
		}
	}
	return span{}, false
}

// availableAt reports whether op is available at ms, and until when.
func (g *Generator) availableAt(op *operator, ms int64) (int64, bool) {
	sp, ok := g.nextAvail(op, ms)
	if !ok || sp.from > ms {
		return 0, false
	}
	return sp.to, true
}

// teamNext returns the operator of t (other than exclude) who is
// available soonest at or after ms, and that availability; among several
// available at once, one drawn at random, so work spreads.
func (g *Generator) teamNext(r *rand.Rand, t *teamSim, ms int64, exclude *operator) (*operator, span, bool) {
	var best []*operator
	var bestSpan span
	for _, op := range t.ops {
		if op == exclude {
			continue
		}
		sp, ok := g.nextAvail(op, ms)
		switch {
		case !ok:
		case len(best) == 0 || sp.from < bestSpan.from:
			best, bestSpan = []*operator{op}, sp
		case sp.from == bestSpan.from:
			best = append(best, op)
		}
	}
	if len(best) == 0 {
		return nil, span{}, false
	}
	op := best[r.IntN(len(best))]
	sp, _ := g.nextAvail(op, ms)
	return op, sp, true
}
