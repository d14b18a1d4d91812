package normalize

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/url"
	"strings"
	"sync"

	json "github.com/goccy/go-json"
)

// VerifyMeta reports whether header, the X-Hub-Signature-256 value
// "sha256=<hex>", is the HMAC-SHA256 of body under the app secret. body
// must be the raw bytes as received: Meta signs its escaped form (\u00e9,
// \/), so a re-encoded body never verifies. The comparison is constant
// time; an empty secret never verifies.
func VerifyMeta(secret, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(secret) == 0 || len(hexSum) != 2*sha256.Size {
		return false
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(hexSum)); err != nil {
		return false
	}
	want := mac(secret, body)
	return hmac.Equal(got[:], want[:])
}

// VerifyX reports whether header, the x-twitter-webhooks-signature value
// "sha256=<base64>", is the HMAC-SHA256 of the raw body under the consumer
// secret. Constant time; an empty secret never verifies.
func VerifyX(secret, body []byte, header string) bool {
	b64, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(secret) == 0 {
		return false
	}
	// Strict: a lenient decoder ignores the padding bits of the last
	// character, so two different headers would verify.
	got, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	want := mac(secret, body)
	return hmac.Equal(got, want[:])
}

// SignMeta returns the X-Hub-Signature-256 value that Meta sends with
// body: "sha256=<hex HMAC-SHA256(app secret, body)>". Senders of test and
// simulated traffic use it; VerifyMeta is its check.
func SignMeta(secret, body []byte) string {
	sum := mac(secret, body)
	return "sha256=" + hex.EncodeToString(sum[:])
}

// SignX returns the x-twitter-webhooks-signature value that X sends with
// body: "sha256=<base64 HMAC-SHA256(consumer secret, body)>".
func SignX(secret, body []byte) string {
	sum := mac(secret, body)
	return "sha256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// XCRCResponse is the JSON body that answers X's GET CRC check:
// {"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}.
func XCRCResponse(secret []byte, crcToken string) []byte {
	sum := mac(secret, []byte(crcToken))
	token := "sha256=" + base64.StdEncoding.EncodeToString(sum[:])
	b, _ := json.Marshal(struct {
		ResponseToken string `json:"response_token"`
	}{token}) // a struct of one string always marshals
	return b
}

// ValidCRCToken reports whether s may be answered as an X crc_token: 1
// to 256 bytes of letters, digits and - _ = + / . (X sends a random
// token). The CRC answer is the HMAC of the token under the consumer
// secret, the very signature of a POST whose body is that token: without
// this check the CRC route would sign any body an attacker chose, and
// every webhook body is JSON, which needs characters refused here.
func ValidCRCToken(s string) bool {
	if s == "" || len(s) > maxChallenge {
		return false
	}
	for _, r := range s {
		ok := r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
			r == '-' || r == '_' || r == '=' || r == '+' || r == '/' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// maxChallenge bounds the hub.challenge echoed back; Meta sends a short
// int-like string.
const maxChallenge = 256

// MetaChallenge answers Meta's GET verification: it returns hub.challenge
// when hub.mode is "subscribe" and hub.verify_token equals one of tokens
// (compared in constant time). A challenge that is empty, longer than 256
// bytes or not made of letters, digits, '-' and '_' is refused, so the
// endpoint never reflects markup.
func MetaChallenge(query url.Values, tokens [][]byte) (challenge string, ok bool) {
	if query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	challenge = query.Get("hub.challenge")
	if !safeChallenge(challenge) {
		return "", false
	}
	// Hash both sides so the comparison takes the same time whatever the
	// lengths, and check every token without stopping at a match.
	got := sha256.Sum256([]byte(query.Get("hub.verify_token")))
	match := 0
	for _, t := range tokens {
		if len(t) == 0 {
			continue
		}
		want := sha256.Sum256(t)
		match |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	if match != 1 {
		return "", false
	}
	return challenge, true
}

func safeChallenge(s string) bool {
	if s == "" || len(s) > maxChallenge {
		return false
	}
	for _, r := range s {
		ok := r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// mac returns HMAC-SHA256(secret, msg).
func mac(secret, msg []byte) (sum [sha256.Size]byte) {
	pool := macPool(secret)
	h := pool.Get().(hash.Hash)
	h.Write(msg)
	h.Sum(sum[:0])
	h.Reset()
	pool.Put(h)
	return sum
}

// macs keeps HMAC states per secret, reset after use: hmac.New hashes the
// key and allocates its digests, which would happen on every request. The
// secrets are the configured ones; past maxMacPools others get a pool each
// time, unkept.
var macs struct {
	sync.RWMutex
	pools map[string]*sync.Pool
}

const maxMacPools = 1024

func macPool(secret []byte) *sync.Pool {
	macs.RLock()
	p := macs.pools[string(secret)]
	macs.RUnlock()
	if p != nil {
		return p
	}
	key := string(secret) // a copy: the caller's bytes may change
	p = &sync.Pool{New: func() any { return hmac.New(sha256.New, []byte(key)) }}
	macs.Lock()
	defer macs.Unlock()
	if kept := macs.pools[key]; kept != nil {
		return kept
	}
	if macs.pools == nil {
		macs.pools = map[string]*sync.Pool{}
	}
	if len(macs.pools) < maxMacPools {
		macs.pools[key] = p
	}
	return p
}
