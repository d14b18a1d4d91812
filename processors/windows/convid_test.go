package windows

import "testing"

func TestAConversationIdIsReadOnlyFromLowercaseHex(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"32 lowercase hex digits", "0123456789abcdef0123456789abcdef", true},
		{"uppercase digits", "0123456789ABCDEF0123456789ABCDEF", false},
		{"too short", "0123456789abcdef", false},
		{"too long", "0123456789abcdef0123456789abcdef00", false},
		{"not hex", "0123456789abcdefg123456789abcdef", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := ParseConvID(tc.in)
			if ok != tc.ok {
				t.Fatalf("ParseConvID(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			}
			if ok && id.String() != tc.in {
				t.Fatalf("ParseConvID(%q).String() = %q", tc.in, id.String())
			}
		})
	}
}

func FuzzParseConvID(f *testing.F) {
	f.Add("0123456789abcdef0123456789abcdef")
	f.Add("0123456789ABCDEF0123456789ABCDEF")
	f.Fuzz(func(t *testing.T, s string) {
		if id, ok := ParseConvID(s); ok && id.String() != s {
			t.Fatalf("%q reads as an id written %q", s, id.String())
		}
	})
}
