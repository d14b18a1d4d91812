package console

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// The page and its assets need no token, carry a policy that allows this
// origin only, and nothing in them loads from another host.
func TestThePageAndItsAssetsAreServedFromHere(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*['"]?https?:`)
	for _, c := range []struct{ path, contentType, must string }{
		{"/", "text/html; charset=utf-8", `<script src="/assets/console.js" defer></script>`},
		{"/assets/console.js", "text/javascript; charset=utf-8", "Authorization: \"Bearer \""},
		{"/assets/console.css", "text/css; charset=utf-8", "prefers-color-scheme"},
	} {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.contentType {
			t.Errorf("%s: %d %s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", c.path, csp)
		}
		if !strings.Contains(string(b), c.must) {
			t.Errorf("%s does not hold %q", c.path, c.must)
		}
		if m := external.FindString(string(b)); m != "" {
			t.Errorf("%s refers to another host: %q", c.path, m)
		}
	}
	for _, path := range []string{"/index.html", "/assets/", "/assets/other.js", "/api"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	resp, err := http.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", resp.StatusCode)
	}
}

// The token is sent only in the Authorization header: the script never
// puts it in an address, and keeps it in this tab's session storage.
func TestTheScriptSendsTheTokenOnlyAsAHeader(t *testing.T) {
	b, err := assets.ReadFile("assets/console.js")
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	if n := strings.Count(js, "state.token"); n == 0 || !strings.Contains(js, `Authorization: "Bearer " + state.token`) {
		t.Error("the script does not send the token as a Bearer header")
	}
	for _, bad := range []string{"localStorage", "token=", "?token", "&token", "document.cookie"} {
		if strings.Contains(js, bad) {
			t.Errorf("the script holds %q: the token must stay in a header and session storage", bad)
		}
	}
}
