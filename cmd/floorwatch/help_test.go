package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Every command answers -h with its flags and status 0, and an unknown
// flag with status 2, before it loads a configuration or dials anything.
func TestEveryCommandAnswersHelpWithZeroAndABadFlagWithTwo(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name}
		if c.name == "config" {
			args = append(args, "validate")
		}
		for _, tc := range []struct {
			flag string
			want int
		}{{"-h", 0}, {"--no-such-flag", 2}} {
			var stdout, stderr bytes.Buffer
			env := &cmdEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
				getenv: func(string) string { return "" }}
			got := run(context.Background(), env, append(append([]string{}, args...), tc.flag))
			if got != tc.want {
				t.Errorf("floorwatch %s %s: status %d, want %d (stderr: %s)", strings.Join(args, " "), tc.flag, got, tc.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), "-") {
				t.Errorf("floorwatch %s %s: printed no usage", strings.Join(args, " "), tc.flag)
			}
		}
	}
}
