package console

import (
	"embed"
	"net/http"
)

//go:embed assets/index.html assets/console.js assets/console.css
var assets embed.FS

// contentSecurityPolicy allows this origin only: the page loads its own
// script and styles, talks to its own API, and may not be framed.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

var files = map[string]struct{ name, contentType string }{
	"/":                   {"assets/index.html", "text/html; charset=utf-8"},
	"/assets/console.js":  {"assets/console.js", "text/javascript; charset=utf-8"},
	"/assets/console.css": {"assets/console.css", "text/css; charset=utf-8"},
}

// Handler serves the console's page at / and its assets under /assets/;
// any other path is 404. The page needs no token: it asks the supervisor
// for one and sends it only in the Authorization header of API calls.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		b, err := assets.ReadFile(f.name)
		if err != nil {
			http.Error(w, "missing asset", http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", f.contentType)
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// Small files, served from memory: always fresh after an upgrade.
		h.Set("Cache-Control", "no-cache")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(b)
	})
}
