package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

// screenshotPath is where the console test leaves its picture of the desk
// on every run, for a person to look at.
const screenshotPath = "../../.local/console.png"

// The live console in a real browser (Debian's chromium, driven over the
// DevTools protocol) on the whole pipeline: the supervisor opens the page,
// gives their token, sees the queued case appear; the platform assigns it
// and it moves to the current cases; the supervisor transfers it to
// another team from the console's dialog, and sees it move to that team's
// queue and today's transferred count rise. An alert rule that fires
// shows in the strip at the top until it resolves. The page refreshes by
// itself.
func TestConsoleInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka, ClickHouse and chromium")
	}
	chromium := findChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	p := startPipelineWith(ctx, t, "console", withAlertRule("acme", consoleRule))
	customer := "33655500002"
	now := time.Now().UTC()
	p.send.webhook("acme", whatsappBody("100000000000001", customer, "wamid.console-1", now.Add(-3*time.Second)))
	p.send.events("acme", "dev-acme-api-key", routed("console-routed-1", customer, now.Add(-2*time.Second)))

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Headless, chromedp.WindowSize(1440, 1100),
		chromedp.Flag("disable-gpu", true))...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	shot := func(path string) {
		b, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.MkdirAll(filepath.Dir(path), 0o755)
		}
		if err == nil {
			err = os.WriteFile(path, b, 0o644)
		}
		if err != nil {
			t.Logf("screenshot %s: %v", path, err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			shot("../../.local/console-failure.png")
		}
	})
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		start := time.Now()
		if err := chromedp.Do(browser, actions...); err != nil {
			t.Fatalf("%s: %v\nfloorwatch log:\n%s", what, err, p.all.log)
		}
		t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond))
	}
	row := fmt.Sprintf(`#case-table tr[data-customer="%s"]`, customer)
	// within waits until a predicate over the page holds (the console polls
	// every second; a change must show within 2 s of the API having it).
	within := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(60*time.Second))
	}
	rowTeam := func(team string) string {
		return fmt.Sprintf(`(() => { const tr = document.querySelector('%s'); return !!tr && tr.querySelector('td.team').textContent === '%s'; })()`, row, team)
	}

	step("open the console and sign in",
		chromedp.Navigate(p.api+"/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), acmeSupervisor),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS("#main")),
	)
	// The rule's changes are written as the sink writes them (the
	// evaluator's own tests cover how they come about): the strip shows
	// the rule while its latest change is firing.
	conn := testenv.ClickHouseConn(t, p.prefix)
	alertChange := func(id, state string, value float64, at time.Time, seq int) {
		t.Helper()
		err := conn.Exec(ctx, `INSERT INTO alert_history (tenant, id, rule, team, metric, above, state, value, at, deliveries_pending, seq)
			VALUES ('acme', ?, ?, 'sales', 'oldest_wait', 3600000, ?, ?, ?, 0, ?)`, id, consoleRule["name"], state, value, at, seq)
		if err != nil {
			t.Fatal(err)
		}
	}
	alert := fmt.Sprintf(`#alert-list li[data-rule="%s"]`, consoleRule["name"])
	step("no alert fires: the strip is calm",
		within(`document.querySelector('#alerts').dataset.state === 'calm' && !document.querySelector('#alerts-calm').hidden`),
		within(`document.querySelector('#alerts-calm').textContent.startsWith('No alert firing')`),
	)
	alertChange("console-fired", "firing", 3723000, time.Now().Add(-90*time.Second), 1)
	step("a firing rule shows at the top: name, team, its value as a duration, since when",
		chromedp.WaitVisible(chromedp.CSS(alert)),
		within(fmt.Sprintf(`(() => { const li = document.querySelector('%s'); return !!li && li.querySelector('.team').textContent === 'sales'
			&& li.querySelector('.value').textContent === 'Oldest wait 1 h 02 min (above 1 h 00 min)'
			&& /^for [12] min$/.test(li.querySelector('.since').textContent); })()`, alert)),
		within(`document.querySelector('#alerts').dataset.state === 'firing' && document.querySelector('#alerts-calm').hidden`),
	)
	shot("../../.local/console-alert.png")
	alertChange("console-resolved", "resolved", 1000, time.Now(), 2)
	step("resolved, it leaves the strip",
		within(fmt.Sprintf(`document.querySelector('%s') === null`, alert)),
		within(`document.querySelector('#alerts').dataset.state === 'calm'`),
	)
	step("the queued case appears (the list's tab chosen with the keyboard)",
		chromedp.Focus(chromedp.CSS("#tab-current")),
		chromedp.KeyEvent(kb.ArrowRight),
		within(`document.activeElement.id === 'tab-queued' && document.querySelector('#tab-queued').getAttribute('aria-selected') === 'true'`),
		chromedp.WaitVisible(chromedp.CSS(row)),
		within(rowTeam("sales")),
	)
	p.send.events("acme", "dev-acme-api-key", assigned("console-assigned-1", customer, time.Now().Add(-time.Second)))
	step("assigned by the platform, it moves to the current cases",
		chromedp.Click(chromedp.CSS("#tab-current")),
		within(fmt.Sprintf(`(() => { const tr = document.querySelector('%s'); return !!tr && tr.querySelector('td.operator').textContent === 'ana'; })()`, row)),
	)
	step("transfer it to support from the dialog (typed, sent with Enter)",
		chromedp.Click(chromedp.CSS(row+" button.transfer")),
		chromedp.WaitVisible(chromedp.CSS("#action-dialog")),
		within(`document.activeElement.id === 'action-team'`),
		chromedp.SendKeys(chromedp.CSS("#action-team"), "support"+kb.Enter),
		chromedp.WaitNotVisible(chromedp.CSS("#action-dialog")),
		within(`document.querySelector('#announce').textContent.startsWith('Transfer of')`),
	)
	step("it waits in support's queue",
		chromedp.Click(chromedp.CSS("#tab-queued")),
		within(rowTeam("support")),
	)
	step("today's transferred count rises",
		within(`document.querySelector('#tile-transferred .value').textContent === '1'`),
		within(`document.querySelector('#freshness').dataset.state === 'ok'`),
	)
	if got := p.send.statuses["acme"]; got[200] != 3 {
		t.Errorf("ingest answered %v, want 3 × 200", got)
	}
	shot(screenshotPath)
	t.Logf("screenshot: %s", screenshotPath)
	p.all.stop(t)
}

// consoleRule is the alert rule the console test gives acme: sales'
// oldest wait above an hour, which the test's cases never reach.
var consoleRule = map[string]any{"name": "console-sales-wait", "team": "sales", "metric": "oldest_wait", "above": "1h"}

// withAlertRule adds rule to tenant's alert rules, with a notify URL
// where nothing listens when the tenant has none.
func withAlertRule(tenant string, rule map[string]any) func(map[string]map[string]any) {
	return func(tenants map[string]map[string]any) {
		tn := tenants[tenant]
		alerts, _ := tn["alerts"].(map[string]any)
		if alerts == nil {
			alerts = map[string]any{}
		}
		if notify, _ := alerts["notify"].([]any); len(notify) == 0 {
			alerts["notify"] = []any{map[string]any{"url": "http://127.0.0.1:9/alerts", "secret": "e2e-console-notify-secret"}}
		}
		rules, _ := alerts["rules"].([]any)
		alerts["rules"] = append(rules, rule)
		tn["alerts"] = alerts
	}
}

// findChromium returns the browser to drive: $FLOORWATCH_CHROMIUM, else
// Debian's /usr/bin/chromium (scripts/test installs it), else chromium on
// the PATH. Without one the test skips, or fails when services are
// required (CI).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("FLOORWATCH_CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "no chromium: install it (apt-get install -y chromium; scripts/test test does) or set FLOORWATCH_CHROMIUM"
	if testenv.RequireServices() {
		t.Fatal(msg + "; " + testenv.EnvRequireServices + "=1 forbids skipping")
	}
	t.Skip(msg)
	return ""
}
