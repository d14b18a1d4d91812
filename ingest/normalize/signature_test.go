package normalize

import (
	"net/url"
	"strings"
	"testing"
)

// The vectors are those of the webhook notes (§5), computed with openssl.
func TestVerifyMetaAcceptsOnlyTheHMACOfTheRawBytes(t *testing.T) {
	secret := []byte("appsecret")
	cases := []struct {
		name, body, header string
		ok                 bool
	}{
		{"the empty-batch vector verifies", `{"object":"whatsapp_business_account","entry":[]}`,
			"sha256=09eceea024af6e6343b760cc9bd3ae7c056938dd636e24e92109eb8219500384", true},
		{"uppercase hex verifies too", `{"object":"whatsapp_business_account","entry":[]}`,
			"sha256=09ECEEA024AF6E6343B760CC9BD3AE7C056938DD636E24E92109EB8219500384", true},
		{"the escaped body Meta sends verifies", `{"text":"caf\u00e9"}`,
			"sha256=9937e59a89b0965c9539814b96f8c763cf57d23123e4d43c8b982dd99ac0fb1f", true},
		{"the UTF-8 re-encoding signs differently", `{"text":"café"}`,
			"sha256=a4316b4377b83dc6a830c3e92b12b9a6c13dd27ec3162928fc164ae5abfdc030", true},
		{"the escaped body does not verify against the re-encoding's digest", `{"text":"caf\u00e9"}`,
			"sha256=a4316b4377b83dc6a830c3e92b12b9a6c13dd27ec3162928fc164ae5abfdc030", false},
		{"a missing prefix fails", `{"object":"whatsapp_business_account","entry":[]}`,
			"09eceea024af6e6343b760cc9bd3ae7c056938dd636e24e92109eb8219500384", false},
		{"the legacy sha1 header fails", `{}`, "sha1=0329a06b62cd16b33eb6792be8c60b158d89a2ee", false},
		{"a truncated digest fails", `{"object":"whatsapp_business_account","entry":[]}`,
			"sha256=09eceea024af6e6343b760cc9bd3ae7c", false},
		{"non-hex fails", `{}`, "sha256=zz" + "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c09", false},
		{"an empty header fails", `{}`, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := VerifyMeta(secret, []byte(c.body), c.header); got != c.ok {
				t.Errorf("VerifyMeta = %v, want %v", got, c.ok)
			}
		})
	}
	// A published SDK cross-check: HMAC-SHA256("secret", "test").
	if !VerifyMeta([]byte("secret"), []byte("test"), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914") {
		t.Error("the SDK cross-check vector does not verify")
	}
	if VerifyMeta(nil, []byte("test"), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914") {
		t.Error("an empty secret verified")
	}
}

func TestVerifyXAcceptsOnlyTheBase64HMAC(t *testing.T) {
	secret := []byte("consumersecret")
	body := []byte(`{"for_user_id":"4337869213","direct_message_events":[]}`)
	cases := []struct {
		name, header string
		ok           bool
	}{
		{"the documented vector verifies", "sha256=bE6FiFm+vrmZSq6krvn1DFkc9jLO0wIKMjNPa3nHQT8=", true},
		{"a hex digest is not X's encoding", "sha256=6c4e858459befeb9994aaea4aef9f50c591cf632ced3020a32334f6b79c7413f", false},
		{"one changed character fails", "sha256=bE6FiFm+vrmZSq6krvn1DFkc9jLO0wIKMjNPa3nHQT9=", false},
		{"no prefix fails", "bE6FiFm+vrmZSq6krvn1DFkc9jLO0wIKMjNPa3nHQT8=", false},
		{"an empty header fails", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := VerifyX(secret, body, c.header); got != c.ok {
				t.Errorf("VerifyX = %v, want %v", got, c.ok)
			}
		})
	}
}

func TestXCRCResponseMatchesXsSample(t *testing.T) {
	got := XCRCResponse([]byte("z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu"), "9b4507b3-9040-4669-9ca3-6b94edb50553")
	want := `{"response_token":"sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="}`
	if string(got) != want {
		t.Errorf("XCRCResponse = %s, want %s", got, want)
	}
}

func TestMetaChallengeAnswersOnlyASubscribeWithAKnownToken(t *testing.T) {
	tokens := [][]byte{[]byte("first-token"), nil, []byte("second-token")}
	cases := []struct {
		name, query string
		want        string
		ok          bool
	}{
		{"a known token gets the challenge back", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=second-token", "1158201444", true},
		{"the first token works too", "hub.mode=subscribe&hub.challenge=abc_DEF-1&hub.verify_token=first-token", "abc_DEF-1", true},
		{"an unknown token is refused", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope", "", false},
		{"an empty token never matches an empty configured one", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=", "", false},
		{"another mode is refused", "hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=first-token", "", false},
		{"a missing challenge is refused", "hub.mode=subscribe&hub.verify_token=first-token", "", false},
		{"markup in the challenge is refused", "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=first-token", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := MetaChallenge(q, tokens)
			if got != c.want || ok != c.ok {
				t.Errorf("MetaChallenge = %q, %v; want %q, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

// The CRC answer is an HMAC under the consumer secret, as a POST's
// signature is: a token that could be a webhook body must never be
// answered, or the CRC route would sign forged bodies.
func TestOnlyTokensThatCannotBeBodiesAreValidCRCTokens(t *testing.T) {
	for _, c := range []struct {
		token string
		ok    bool
	}{
		{"9b4507b3-9040-4669-9ca3-6b94edb50553", true},
		{"dGhpcy1pcy1hLXRva2Vu+/=.", true},
		{strings.Repeat("a", 256), true},
		{"", false},
		{strings.Repeat("a", 257), false},
		{`{"for_user_id":"1"}`, false},
		{"a b", false},
		{"café", false},
		{"<x>", false},
	} {
		if got := ValidCRCToken(c.token); got != c.ok {
			t.Errorf("ValidCRCToken(%.40q) = %v, want %v", c.token, got, c.ok)
		}
	}
}
