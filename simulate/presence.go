package simulate

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// teamSim is one team of a tenant with a platform feed: its calendar, its
// service-level target and the operators the simulator invents for it.
type teamSim struct {
	name   string
	tenant *tenantSim
	cal    calendar
	target time.Duration
	ops    []*operator
	days   map[int]*daySched // generated local days
	pushed int               // last local day whose statuses went to the agenda
}

// operator is one invented operator, named "<tenant>-<team>-<n>".
type operator struct {
	name string
	team *teamSim
	idx  int
}

// daySched is one local day of a team: when each operator is available
// and the operator.status events that say so.
type daySched struct {
	avail  [][]span // per operator, in order
	events []statusEv
}

type statusEv struct {
	at     int64
	op     *operator
	status string
}

// Shift rules, in one place: how early operators log in before opening,
// how long breaks last, how often someone is off for the day.
const (
	maxShift     = 10 * time.Hour // longer open intervals are split into shifts
	shiftLen     = 8 * time.Hour
	lunchMaxGap  = 2 * time.Hour // a shorter gap between intervals is a lunch break (away)
	absentShare  = 0.07
	teamInStatus = 0.7 // share of operator.status events that name the team
)

// schedule returns the day's schedule, generating it on first use from a
// random source of its own, so that the order in which days are asked
// for never changes them.
func (t *teamSim) schedule(seed uint64, day int) *daySched {
	if s, ok := t.days[day]; ok {
		return s
	}
	h := fnv.New64a()
	h.Write([]byte(t.tenant.id + "\x00" + t.name + "\x00" + strconv.Itoa(day)))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	s := &daySched{avail: make([][]span, len(t.ops))}
	work := t.shifts(r, day)
	for i, op := range t.ops {
		t.operatorDay(r, s, op, work[i])
	}
	slices.SortStableFunc(s.events, func(a, b statusEv) int { return cmpInt(a.at, b.at) })
	t.days[day] = s
	return s
}

// shift is a block of work: hard ends are openings and closings (operators
// log in early, log out late), soft ones are handovers within a long
// opening (a few minutes of overlap).
type shift struct {
	span
	softStart, softEnd bool
}

// shifts assigns the day's open intervals to operators: all of them for
// an ordinary day; long intervals (a 24-hour team) split into 8-hour
// shifts in rotation. A few operators are off each day, never all of a shift.
func (t *teamSim) shifts(r *rand.Rand, day int) [][]shift {
	work := make([][]shift, len(t.ops))
	dayStart, dayEnd := t.cal.at(day, 0), t.cal.at(day+1, 0)
	for _, iv := range t.cal.intervals(day) {
		k := 1
		if time.Duration(iv.to-iv.from)*time.Millisecond > maxShift {
			k = int((time.Duration(iv.to-iv.from)*time.Millisecond + shiftLen - 1) / shiftLen)
		}
		for p := range k {
			sh := shift{span: span{iv.from + (iv.to-iv.from)*int64(p)/int64(k), iv.from + (iv.to-iv.from)*int64(p+1)/int64(k)}}
			sh.softStart = p > 0 || (iv.from == dayStart && t.cal.open(dayStart-1))
			sh.softEnd = p < k-1 || (iv.to == dayEnd && t.cal.open(dayEnd))
			var crew []int
			for i := range t.ops {
				if ((i-day)%k+k)%k == p {
					crew = append(crew, i)
				}
			}
			present := 0
			for _, i := range crew {
				if r.Float64() >= absentShare {
					work[i] = append(work[i], sh)
					present++
				}
			}
			if present == 0 && len(crew) > 0 {
				work[crew[0]] = append(work[crew[0]], sh)
			}
		}
	}
	return work
}

// operatorDay turns an operator's shifts into presence: available at
// login, away during breaks and a short lunch gap, offline after the last
// shift.
func (t *teamSim) operatorDay(r *rand.Rand, s *daySched, op *operator, work []shift) {
	minute := int64(time.Minute / time.Millisecond)
	emit := func(at int64, status string) { s.events = append(s.events, statusEv{at, op, status}) }
	var avail []span
	for j, sh := range work {
		login, logout := sh.from-r.Int64N(12*minute), sh.to+r.Int64N(10*minute)
		if sh.softStart {
			login = sh.from - r.Int64N(5*minute)
		} else if r.Float64() < 0.1 {
			login = sh.from + r.Int64N(10*minute) // late
		}
		if sh.softEnd {
			logout = sh.to + r.Int64N(5*minute)
		}
		lunchAfter := j < len(work)-1 && work[j+1].from-sh.to <= lunchMaxGap.Milliseconds()
		if lunchAfter {
			logout = sh.to + r.Int64N(5*minute)
		}
		emit(login, schemas.OperatorAvailable)
		from := login
		for _, b := range breaks(r, span{login, logout}) {
			emit(b.from, schemas.OperatorAway)
			emit(b.to, schemas.OperatorAvailable)
			avail = append(avail, span{from, b.from})
			from = b.to
		}
		avail = append(avail, span{from, logout})
		if lunchAfter {
			emit(logout, schemas.OperatorAway)
		} else {
			emit(logout, schemas.OperatorOffline)
		}
	}
	s.avail[op.idx] = avail
}

// breaks draws one or two short breaks inside a shift of two hours or more.
func breaks(r *rand.Rand, sh span) []span {
	minute := int64(time.Minute / time.Millisecond)
	length := sh.to - sh.from
	if length < 120*minute {
		return nil
	}
	n := 1
	if length >= 300*minute {
		n = 2
	}
	var out []span
	for range n {
		from := sh.from + 30*minute + r.Int64N(length-75*minute)
		b := span{from, from + 5*minute + r.Int64N(15*minute)}
		if len(out) > 0 && b.from < out[len(out)-1].to+10*minute && b.to > out[len(out)-1].from-10*minute {
			continue // too close to the other break
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b span) int { return cmpInt(a.from, b.from) })
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
