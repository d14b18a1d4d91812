package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/floorwatch/floorwatch/ingest/normalize"
	"github.com/floorwatch/floorwatch/schemas"
)

// maxNormalizeBody bounds the body read from FILE or stdin; Meta's largest
// batches are about 3 MB.
const maxNormalizeBody = 64 << 20

func normalizeCommand() command {
	return command{
		name:    "normalize",
		summary: "print the normalized events of one raw webhook body (SPEC 5)",
		run:     runNormalize,
	}
}

// normalizedLine is one printed event: the fields of SPEC 5 first, always
// present (message_id is null when the event names no message), then the
// other Event fields that are set. Tenant, version and received_at are left
// out: they describe the delivery, not the body.
type normalizedLine struct {
	Kind            schemas.Kind    `json:"kind"`
	Channel         schemas.Channel `json:"channel"`
	AccountID       string          `json:"account_id"`
	CustomerID      string          `json:"customer_id"`
	MessageID       *string         `json:"message_id"`
	OccurredAt      schemas.Time    `json:"occurred_at"`
	Text            string          `json:"text,omitempty"`
	ID              string          `json:"id"`
	CustomerAltID   string          `json:"customer_alt_id,omitempty"`
	TargetMessageID string          `json:"target_message_id,omitempty"`
	ContentType     string          `json:"content_type,omitempty"`
	Status          string          `json:"status,omitempty"`
	ErrorCode       string          `json:"error_code,omitempty"`
	AppID           string          `json:"app_id,omitempty"`
	HumanAgent      bool            `json:"human_agent,omitempty"`
}

// runNormalize implements `floorwatch normalize --channel C [FILE]`.
// Exit status 2 for a bad flag or channel and for a body that does not
// parse; items a platform sends that carry nothing are not printed.
func runNormalize(_ context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("normalize", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	channel := fs.String("channel", "", "the route the body was posted to: whatsapp, messenger, instagram or x")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: floorwatch normalize --channel whatsapp|messenger|instagram|x [FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	ch := schemas.Channel(*channel)
	if !ch.Valid() {
		return usageError("--channel must be whatsapp, messenger, instagram or x, got %q", *channel)
	}
	if fs.NArg() > 1 {
		return usageError("takes at most one FILE, got %d arguments", fs.NArg())
	}
	body, err := readBody(env.stdin, fs.Arg(0))
	if err != nil {
		return err
	}
	res, err := normalize.Webhook(ch, body, time.Now())
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	return printEvents(env.stdout, res.Events)
}

// readBody reads the whole body from path, or from stdin when path is "".
func readBody(stdin io.Reader, path string) ([]byte, error) {
	r := stdin
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading the body: %w", err)
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, maxNormalizeBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if len(body) > maxNormalizeBody {
		return nil, usageError("the body is larger than %d MiB", maxNormalizeBody>>20)
	}
	return body, nil
}

func printEvents(w io.Writer, events []schemas.Event) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, e := range events {
		line := normalizedLine{
			Kind: e.Kind, Channel: e.Channel, AccountID: e.AccountID, CustomerID: e.CustomerID,
			OccurredAt: e.OccurredAt, Text: e.Text, ID: e.ID, CustomerAltID: e.CustomerAltID,
			TargetMessageID: e.TargetMessageID, ContentType: e.ContentType, Status: e.Status,
			ErrorCode: e.ErrorCode, AppID: e.AppID, HumanAgent: e.HumanAgent,
		}
		if e.MessageID != "" {
			line.MessageID = &e.MessageID
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("writing event %s: %w", e.ID, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing events: %w", err)
	}
	return nil
}
