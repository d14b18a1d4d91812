package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
	"github.com/floorwatch/floorwatch/simulate/send"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressView is what the progress display measures against: the
// simulated span to cover, or the conversations to start; neither means
// an open-ended run (a spinner).
type progressView struct {
	start, end    time.Time
	conversations int
	pace          send.Pace
	now           time.Time
}

// linePeriod spaces the progress lines written when stderr is not a terminal.
const linePeriod = 10 * time.Second

// startProgress shows the run's progress on w until the returned
// function is called: a progress bar on a terminal, else a plain line
// every linePeriod.
func startProgress(w io.Writer, v progressView, s *send.Sender, conversations *atomic.Int64) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	f, isFile := w.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		go func() {
			defer close(finished)
			t := time.NewTicker(linePeriod)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					fmt.Fprintln(w, "simulate: "+progressLine(s.Stats(), conversations.Load()))
				}
			}
		}()
		return func() { close(done); <-finished }
	}
	total := int64(-1)
	switch {
	case !v.end.IsZero():
		total = int64(v.end.Sub(v.start).Seconds())
	case v.conversations > 0:
		total = int64(v.conversations)
	case v.pace == send.CatchUp:
		total = int64(v.now.Sub(v.start).Seconds())
	}
	bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionSetElapsedTime(true), progressbar.OptionShowDescriptionAtLineEnd())
	go func() {
		defer close(finished)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			st := s.Stats()
			convs := conversations.Load()
			bar.Describe(progressLine(st, convs))
			switch {
			case v.conversations > 0 && v.end.IsZero():
				_ = bar.Set64(convs)
			case !st.Simulated.IsZero():
				_ = bar.Set64(int64(st.Simulated.Sub(v.start).Seconds()))
			}
			select {
			case <-done:
				_ = bar.Exit()
				fmt.Fprintln(w)
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

func progressLine(st send.Stats, conversations int64) string {
	at := "-"
	if !st.Simulated.IsZero() {
		at = st.Simulated.UTC().Format(time.DateTime)
	}
	line := fmt.Sprintf("simulated %s · %d conversations · %d requests · %d events · %.1f events/s",
		at, conversations, st.Requests, st.Events, st.WallRate())
	if len(st.ByStatus) > 0 {
		line += " · answers " + counts(st.ByStatus, statusName)
	}
	return line
}

// summaryInput is what the closing summary reports.
type summaryInput struct {
	stats    send.Stats
	gen      simulate.Counters
	opts     simulate.Options
	pace     send.Pace
	url, out string
	stopped  bool
	wallRate float64 // the --rate asked for
}

// printSimulateSummary writes what the run sent, as the counters of the
// requests handed out, and the conversations the generator started.
func printSimulateSummary(w io.Writer, in summaryInput) {
	st := in.stats
	why := "done"
	switch {
	case st.ReachedPresent:
		why = "caught up with the present"
	case in.stopped:
		why = "stopped"
	}
	span := time.Duration(0)
	if !st.Simulated.IsZero() {
		span = st.Simulated.Sub(in.opts.Start).Round(time.Second)
	}
	fmt.Fprintf(w, "simulate: %s\n", why)
	fmt.Fprintf(w, "  simulated      %s → %s (%s), seed %d\n", schemas.At(in.opts.Start), schemas.At(st.Simulated), span, in.opts.Seed)
	if in.url != "" {
		fmt.Fprintf(w, "  requests       %d to %s; answers %s; %d retried\n", st.Requests, in.url, counts(st.ByStatus, statusName), st.Retries)
	} else {
		fmt.Fprintf(w, "  requests       %d written to %s\n", st.Requests, in.out)
	}
	fmt.Fprintf(w, "  by route       %s\n", counts(st.ByRoute, func(r string) string { return r }))
	fmt.Fprintf(w, "  intended       %s; %d late, %d handshakes\n", counts(st.ByOutcome, simulate.Outcome.String), st.Late, st.Handshakes)
	fmt.Fprintf(w, "  duplicates     %d\n  bad signatures %d\n  unparseable    %d\n", st.ByOutcome[simulate.Duplicate],
		st.ByOutcome[simulate.BadSignature], st.ByOutcome[simulate.Unparseable])
	fmt.Fprintf(w, "  events         %d carried; published by kind: %s\n", st.Events, counts(st.Kinds, func(k schemas.Kind) string { return string(k) }))
	fmt.Fprintf(w, "  conversations  %d started, %d by returning customers\n", in.gen.Conversations, in.gen.Returning)
	rate := fmt.Sprintf("%.2f events per second of simulated time (target %g as a daily average)", perSecond(st.Events, span), in.opts.Rate)
	if in.url != "" {
		rate += fmt.Sprintf("; %.2f per wall second", st.WallRate())
		if in.pace == send.CatchUp {
			rate += fmt.Sprintf(" (target %g)", in.wallRate)
		}
	}
	fmt.Fprintf(w, "  rate           %s\n", rate)
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func statusName(s int) string {
	if s == 0 {
		return "no answer"
	}
	return fmt.Sprint(s)
}

// counts renders a map as "k1 ×n1, k2 ×n2" in key order.
func counts[K comparable](m map[K]int, name func(K) string) string {
	if len(m) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(m))
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s ×%d", name(k), n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
