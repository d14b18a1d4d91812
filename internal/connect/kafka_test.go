package connect_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/internal/testenv"
)

// The client options built from the configuration authenticate to the real
// broker's SASL listener with every mechanism floorwatch speaks, and a
// wrong password is refused.
func TestKafkaOptionsAuthenticateWithSASL(t *testing.T) {
	sasl := testenv.KafkaSASLBrokers(t)
	adm := testenv.KafkaAdmin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := testenv.UniqueName(t, "scram")
	const password = "scram-test-password"
	// SCRAM users are created through the admin API, as an operator would.
	// (One mechanism per request: the broker refuses a user twice in one.)
	for _, m := range []kadm.ScramMechanism{kadm.ScramSha256, kadm.ScramSha512} {
		resp, err := adm.AlterUserSCRAMs(ctx, nil, []kadm.UpsertSCRAM{{User: user, Mechanism: m, Iterations: 4096, Password: password}})
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			t.Fatalf("create SCRAM user (%v): %v", m, err)
		}
	}
	topic := testenv.CreateTopic(t, "sasl", 1, nil)
	cases := []struct {
		mechanism, user, password string
		ok                        bool
	}{
		{config.SASLPlain, "floorwatch-plain", "floorwatch-plain-dev-secret", true},
		{config.SASLScramSHA256, user, password, true},
		{config.SASLScramSHA512, user, password, true},
		{config.SASLScramSHA512, user, "wrong", false},
		{config.SASLPlain, "floorwatch-plain", "wrong", false},
	}
	for _, c := range cases {
		t.Run(c.mechanism+"/"+c.password, func(t *testing.T) {
			opts, err := connect.Kafka(config.Kafka{Brokers: sasl, ClientID: "sasl-test",
				SASL: config.SASL{Mechanism: c.mechanism, Username: c.user, Password: config.NewSecret(c.password)}})
			if err != nil {
				t.Fatal(err)
			}
			err = produce(ctx, opts, topic, c.ok)
			if c.ok && err != nil {
				t.Fatalf("produce with %s: %v", c.mechanism, err)
			}
			if !c.ok && err == nil {
				t.Fatalf("produce with a wrong %s password succeeded", c.mechanism)
			}
		})
	}
}

// produce writes one record with opts; a client that should authenticate
// is given a few seconds, for SCRAM credentials to reach the listener.
func produce(ctx context.Context, opts []kgo.Opt, topic string, retry bool) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		cl, err := kgo.NewClient(append(opts, kgo.RetryTimeout(2*time.Second), kgo.RecordDeliveryTimeout(5*time.Second))...)
		if err != nil {
			return err
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = cl.ProduceSync(pctx, &kgo.Record{Topic: topic, Value: []byte("authenticated")}).FirstErr()
		cancel()
		cl.Close()
		if err == nil || !retry || time.Now().After(deadline) {
			return err
		}
		if errors.Is(err, context.Canceled) {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestKafkaOptionsRefuseAnUnknownMechanism(t *testing.T) {
	if _, err := connect.Kafka(config.Kafka{Brokers: []string{"x:1"}, SASL: config.SASL{Mechanism: "GSSAPI"}}); err == nil {
		t.Fatal("an unknown SASL mechanism gave options")
	}
}
