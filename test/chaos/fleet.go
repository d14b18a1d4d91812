package chaos

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Fleet runs and supervises the floorwatch instances of a run, as a
// container orchestrator would: an instance that exits is started again
// (after a second; after the fault's delay when the Fleet killed it),
// with the same arguments, environment and instance id.
type Fleet struct {
	bin   string
	start time.Time
	insts []*Instance

	mu       sync.Mutex
	stopping bool
	wg       sync.WaitGroup
}

// Instance is one supervised floorwatch process (role and 1-based number).
type Instance struct {
	Role string
	N    int
	args []string
	env  []string
	log  string // log file, appended to by every start

	mu           sync.Mutex
	proc         *os.Process
	killed       bool
	restartAfter time.Duration
	starts       int
	kills        int
	exits        []string // exits the Fleet did not cause
}

// Name is "<role>-<n>".
func (in *Instance) Name() string { return in.Role + "-" + strconv.Itoa(in.N) }

// NewFleet prepares n instances of each role of bin, logging to dir;
// env is every instance's environment and ingestEnv(i) adds to ingest i's.
func NewFleet(bin, dir string, n int, env []string, ingestEnv func(i int) []string) *Fleet {
	f := &Fleet{bin: bin}
	for _, role := range Roles {
		for i := 1; i <= n; i++ {
			in := &Instance{Role: role, N: i, args: []string{role}, env: env,
				log: filepath.Join(dir, role+"-"+strconv.Itoa(i)+".log")}
			switch role {
			case "ingest":
				in.env = append(append([]string{}, env...), ingestEnv(i)...)
			case "process":
				in.args = append(in.args, "--instance", "chaos-"+strconv.Itoa(i))
			}
			f.insts = append(f.insts, in)
		}
	}
	return f
}

// Start starts every instance and supervises it until Stop.
func (f *Fleet) Start() {
	f.start = time.Now()
	for _, in := range f.insts {
		f.wg.Add(1)
		go f.supervise(in)
	}
}

func (f *Fleet) isStopping() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stopping
}

func (f *Fleet) supervise(in *Instance) {
	defer f.wg.Done()
	for !f.isStopping() {
		logf, err := os.OpenFile(in.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			in.noteExit(fmt.Sprintf("cannot open its log: %v", err))
			return
		}
		fmt.Fprintf(logf, "--- chaos: start %d at +%s\n", in.starts+1, time.Since(f.start).Round(time.Millisecond))
		cmd := exec.Command(f.bin, in.args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = in.env, logf, logf
		// The instances die with the run, however it ends.
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		in.mu.Lock()
		if f.isStopping() {
			in.mu.Unlock()
			logf.Close()
			return
		}
		err = cmd.Start()
		if err == nil {
			in.proc, in.starts = cmd.Process, in.starts+1
		}
		in.mu.Unlock()
		if err != nil {
			logf.Close()
			in.noteExit(fmt.Sprintf("cannot start: %v", err))
			return
		}
		err = cmd.Wait()
		logf.Close()
		in.mu.Lock()
		killed, delay := in.killed, in.restartAfter
		in.proc, in.killed = nil, false
		in.mu.Unlock()
		if f.isStopping() {
			return
		}
		if !killed {
			in.noteExit(fmt.Sprintf("+%s: %v", time.Since(f.start).Round(time.Millisecond), err))
			delay = time.Second
		}
		time.Sleep(delay)
	}
}

func (in *Instance) noteExit(s string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.exits = append(in.exits, s)
}

// Kill SIGKILLs the running process of role's instance n, waiting (up to
// 30 s) for one to run if it is down, and has it restarted restartAfter
// later. It reports whether a process was killed.
func (f *Fleet) Kill(ctx context.Context, role string, n int, restartAfter time.Duration) (bool, error) {
	in := f.get(role, n)
	if in == nil {
		return false, fmt.Errorf("chaos: no instance %s-%d", role, n)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		in.mu.Lock()
		if p := in.proc; p != nil && !in.killed {
			in.killed, in.restartAfter = true, restartAfter
			err := p.Signal(syscall.SIGKILL)
			if err == nil {
				in.kills++
			} else {
				in.killed = false
			}
			in.mu.Unlock()
			return err == nil, nil
		}
		in.mu.Unlock()
		if time.Now().After(deadline) {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (f *Fleet) get(role string, n int) *Instance {
	for _, in := range f.insts {
		if in.Role == role && in.N == n {
			return in
		}
	}
	return nil
}

// AllRunning reports whether every instance has a live process.
func (f *Fleet) AllRunning() bool {
	for _, in := range f.insts {
		in.mu.Lock()
		up := in.proc != nil && !in.killed
		in.mu.Unlock()
		if !up {
			return false
		}
	}
	return true
}

// WaitReady waits until every ingest answers /readyz 200 at its address.
func WaitReady(ctx context.Context, urls []string) error {
	for _, u := range urls {
		for {
			resp, err := http.Get(u + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("chaos: %s not ready: %w", u, ctx.Err())
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

// Stop sends SIGTERM to every instance, waits up to 30 s for them to
// drain and exit, then SIGKILLs what is left; supervision ends.
func (f *Fleet) Stop() {
	f.mu.Lock()
	f.stopping = true
	f.mu.Unlock()
	for _, in := range f.insts {
		in.mu.Lock()
		if in.proc != nil {
			_ = in.proc.Signal(syscall.SIGTERM)
		}
		in.mu.Unlock()
	}
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		for _, in := range f.insts {
			in.mu.Lock()
			if in.proc != nil {
				_ = in.proc.Signal(syscall.SIGKILL)
			}
			in.mu.Unlock()
		}
		<-done
	}
}

// Logs lists every instance's log file.
func (f *Fleet) Logs() []string {
	out := make([]string, len(f.insts))
	for i, in := range f.insts {
		out[i] = in.log
	}
	return out
}

// Kills counts the SIGKILLs the Fleet sent, by role.
func (f *Fleet) Kills() map[string]int {
	out := map[string]int{}
	for _, in := range f.insts {
		in.mu.Lock()
		out[in.Role] += in.kills
		in.mu.Unlock()
	}
	return out
}

// Exits lists, per instance, the exits the Fleet did not cause.
func (f *Fleet) Exits() map[string][]string {
	out := map[string][]string{}
	for _, in := range f.insts {
		in.mu.Lock()
		if len(in.exits) > 0 {
			out[in.Name()] = append([]string(nil), in.exits...)
		}
		in.mu.Unlock()
	}
	return out
}
