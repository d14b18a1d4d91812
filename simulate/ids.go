package simulate

import (
	"encoding/base64"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Ids look like the platforms' own, so that everything downstream (keys,
// dedup, escaping, ids beyond 2^53) meets what production meets. Each one
// embeds enough randomness that a collision within a run is negligible;
// customer ids are checked for uniqueness where they are drawn.

// digits returns n random decimal digits, the first one not zero.
func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(byte('1' + r.IntN(9)))
	for i := 1; i < n; i++ {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// wamid is a WhatsApp message id: "wamid." and the standard base64 of a
// small binary record holding the peer's number, so that ids carry '+'
// and '/' (which Meta escapes as "\/") like real ones.
func wamid(r *rand.Rand, peer string, outbound bool) string {
	rec := []byte{0x1c, 0x18, byte(len(peer))}
	rec = append(rec, peer...)
	dir := byte(0x12)
	if outbound {
		dir = 0x11
	}
	rec = append(rec, 0x15, 0x02, 0x00, dir, 0x18, 0x14)
	const hexUpper = "0123456789ABCDEF"
	for range 20 {
		rec = append(rec, hexUpper[r.IntN(16)])
	}
	rec = append(rec, 0x00)
	return "wamid." + base64.StdEncoding.EncodeToString(rec)
}

// messengerMid is a Messenger message id, "m_" and 80 base64url characters.
func messengerMid(r *rand.Rand) string {
	return "m_" + base64.RawURLEncoding.EncodeToString(randBytes(r, 60))
}

// instagramMid is an Instagram message id: base64 of an item record
// naming the account, as Instagram's are.
func instagramMid(r *rand.Rand, account string) string {
	rec := "ig_item:1:IGMessageID:" + account + ":" + digits(r, 39)
	return base64.RawURLEncoding.EncodeToString([]byte(rec))
}

// xEpochMs is X's snowflake epoch (2010-11-04T01:42:54.657Z).
const xEpochMs = 1288834974657

// snowflake is an X id minted at ms: beyond 2^53 for any date after 2011.
func snowflake(r *rand.Rand, ms int64) string {
	id := uint64(ms-xEpochMs)<<22 | uint64(r.IntN(1<<22))
	return strconv.FormatUint(id, 10)
}

// ulid is a platform event id: 48 bits of milliseconds and 80 random
// bits in Crockford base32, sortable by time like the platform's own.
func ulid(r *rand.Rand, ms int64) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [26]byte
	t := uint64(ms)
	for i := 9; i >= 0; i-- {
		b[i] = alphabet[t&31]
		t >>= 5
	}
	for i := 10; i < 26; i++ {
		b[i] = alphabet[r.IntN(32)]
	}
	return string(b[:])
}

// uuid is a random RFC 4122 version 4 UUID (X CRC tokens).
func uuid(r *rand.Rand) string {
	b := randBytes(r, 16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const h = "0123456789abcdef"
	var s strings.Builder
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s.WriteByte('-')
		}
		s.WriteByte(h[c>>4])
		s.WriteByte(h[c&15])
	}
	return s.String()
}

// stableDigits derives n digits from a string, for ids that must be the
// same in every run (a WhatsApp account's WABA id, display number).
func stableDigits(s string, n int) string { return digits(seededRand(s), n) }

// seededRand is a random source determined by s alone.
func seededRand(s string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(s))
	return rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
}
