package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateNormalize = flag.Bool("update-normalize", false, "rewrite testdata/normalize/*.golden")

// fixture is a raw body from the normalizer's own test data.
func fixture(channel, name string) string {
	return filepath.Join("..", "..", "ingest", "normalize", "testdata", channel, name+".json")
}

// runCLI runs floorwatch in-process and returns its status and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		getenv: func(string) string { return "" }}
	code = run(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func TestNormalizePrintsOneLinePerEvent(t *testing.T) {
	cases := []struct {
		golden, channel, file string
		stdin                 bool
	}{
		{"whatsapp_text", "whatsapp", fixture("whatsapp", "text"), false},
		{"whatsapp_statuses", "whatsapp", fixture("whatsapp", "statuses"), true},
		{"messenger_receipts", "messenger", fixture("messenger", "receipts"), true},
		{"messenger_echoes", "messenger", fixture("messenger", "echoes"), false},
		{"instagram_reactions_seen", "instagram", fixture("instagram", "reactions_seen"), false},
		{"x_dm_media_quickreply", "x", fixture("x", "dm_media_quickreply"), false},
		{"whatsapp_other_fields_prints_nothing", "whatsapp", fixture("whatsapp", "other_fields"), false},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			args := []string{"normalize", "--channel", c.channel, c.file}
			stdin := ""
			if c.stdin {
				b, err := os.ReadFile(c.file)
				if err != nil {
					t.Fatal(err)
				}
				args, stdin = args[:3], string(b)
			}
			code, out, errOut := runCLI(t, stdin, args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			path := filepath.Join("testdata", "normalize", c.golden+".golden")
			if *updateNormalize {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update-normalize creates it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", path, out, want)
			}
		})
	}
}

func TestNormalizeExitsTwoOnBadInputWithOneLine(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		stderr      string
	}{
		{"a body that is not JSON", `{"object":`, []string{"--channel", "whatsapp"}, "not JSON"},
		{"a body of another channel", `{"object":"page","entry":[]}`, []string{"--channel", "whatsapp"}, `want "whatsapp_business_account"`},
		{"an unknown channel", `{}`, []string{"--channel", "sms"}, "--channel must be"},
		{"no channel", `{}`, nil, "--channel must be"},
		{"two files", `{}`, []string{"--channel", "x", "a", "b"}, "at most one FILE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.stdin, append([]string{"normalize"}, c.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.stderr) {
				t.Errorf("stderr %q, want one line containing %q", errOut, c.stderr)
			}
		})
	}
}
