// Command floorwatch runs every role and tool of the pipeline: one binary,
// one subcommand per role (SPEC 1) or tool (SPEC 5). This is the only
// package that touches the process (flags, signals, exit codes) and the only
// one that wires stages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. run returns nil for exit status 0, an
// *exitError for a chosen status, and any other error for status 1.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cmdEnv, args []string) error
}

// cmdEnv is the process seen by a subcommand, passed in so tests can run
// subcommands in-process.
type cmdEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// exitError carries an exit status and a one-line reason for stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// flagError maps a flag parsing error to the exit status: -h asked for
// the help that the flag package printed (0); anything else is a usage
// error that it already explained (2).
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return &exitError{code: 2}
}

func usageError(format string, a ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, a...)}
}

// commands lists the subcommands. Each one lives in its own file.
func commands() []command {
	return []command{
		// Subcommands are registered here, one line each.
		configCommand(),
		ingestCommand(),
		normalizeCommand(),
		processCommand(),
		replayCommand(),
		migrateCommand(),
		sinkCommand(),
		reportCommand(),
		allCommand(),
		simulateCommand(),
		apiCommand(),
		versionCommand(),
		probeCommand(),
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and maps its error to an exit status.
func run(ctx context.Context, env *cmdEnv, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		if err == nil {
			return 0
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintf(env.stderr, "floorwatch %s: %s\n", c.name, ee.msg)
			}
			return ee.code
		}
		fmt.Fprintf(env.stderr, "floorwatch %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(env.stderr, "floorwatch: unknown command %q\n", args[0])
	printUsage(env.stderr, cmds)
	return 2
}

func printUsage(w io.Writer, cmds []command) {
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	fmt.Fprintln(w, "usage: floorwatch <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}
