//go:build linux

package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chromiumTimeout bounds every run of the browser.
const chromiumTimeout = 60 * time.Second

// chromiumFlags run Chromium headless and quiet: the background-networking
// flags are not optional here, since without them Chromium keeps trying to
// reach Google's services, which a test machine must not do.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
}

// findChromium returns the browser, or skips the test when it is missing on
// a developer's machine; CI must have it (scripts/install-chromium.sh).
func findChromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("chromium is not on PATH (%v): CI must install it; .ci/run calls scripts/install-chromium.sh before make test", err)
	}
	t.Skipf("chromium is not on PATH (%v): run scripts/install-chromium.sh as root to run this test", err)
	return ""
}

// runChromium runs the browser on the page with extra flags and returns its
// standard output and error. Its processes run in their own group, killed
// whole at the timeout.
func runChromium(t *testing.T, bin, page string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	home := t.TempDir()
	args := append(append(append([]string{}, chromiumFlags...), "--user-data-dir="+filepath.Join(home, "profile")), extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	// Whatever the browser left behind goes with it.
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("chromium %s did not finish within %s\nstderr:\n%s", strings.Join(extra, " "), chromiumTimeout, chromiumTail(errOut.String(), 40))
	}
	if err != nil {
		t.Fatalf("chromium %s: %v\nstderr:\n%s", strings.Join(extra, " "), err, chromiumTail(errOut.String(), 40))
	}
	return out.String(), errOut.String()
}

// chromiumTail returns the last n lines of s.
func chromiumTail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// consoleErrors returns the lines of Chromium's log (--enable-logging=stderr)
// that come from the page: uncaught exceptions, console messages of any
// level (the report runs no script, so any is wrong) and refusals of its
// Content-Security-Policy.
func consoleErrors(log string) []string {
	var errs []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") || strings.Contains(line, "Content Security Policy") {
			errs = append(errs, line)
		}
	}
	return errs
}

// TestHTMLInChromium opens the report in headless Chromium: the DOM it
// builds has every chart with data, the page logs no error, and a
// screenshot of it is not blank.
func TestHTMLInChromium(t *testing.T) {
	bin := findChromium(t)
	t.Parallel()
	dir := t.TempDir()

	t.Run("detector", func(t *testing.T) {
		// A page with a deliberate error: the check must catch it, or it
		// proves nothing about the report.
		page := filepath.Join(dir, "boom.html")
		if err := os.WriteFile(page, []byte(`<!DOCTYPE html><html><head><title>boom</title></head><body><p>boom</p><script>throw new Error("boom")</script></body></html>`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, log := runChromium(t, bin, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
		errs := consoleErrors(log)
		if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "boom") {
			t.Fatalf("the detector missed a thrown error; chromium's log:\n%s", chromiumTail(log, 40))
		}
		t.Logf("caught: %s", errs[0])
	})

	a := htmlAnalysis(t)
	var pb bytes.Buffer
	if err := HTML(&pb, a); err != nil {
		t.Fatal(err)
	}
	pageHTML := pb.Bytes()
	page := filepath.Join(dir, HTMLFile)
	if err := os.WriteFile(page, pageHTML, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("dom", func(t *testing.T) {
		dom, log := runChromium(t, bin, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
		if !strings.Contains(dom, "<svg") {
			t.Fatalf("the DOM Chromium built has no SVG:\n%s", chromiumTail(dom, 20))
		}
		wantCharts(t, checkPage(t, []byte(dom)), a)
		if errs := consoleErrors(log); len(errs) > 0 {
			t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(dir, "report.png")
		runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1400,3000")
		fi, err := os.Stat(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		t.Logf("screenshot %s: %d bytes", shot, fi.Size())
		if fi.Size() < 20<<10 {
			t.Errorf("the screenshot is %d bytes: blank?", fi.Size())
		}
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("decoding the screenshot: %v", err)
		}
		if n := screenshotColours(img); n < 8 {
			t.Errorf("the screenshot has %d colours: the charts did not draw", n)
		}
	})
}

// layoutProbe measures, in the browser, what a person would see go wrong:
// a table wider than its box (it would scroll sideways), a page wider than
// the window, an SVG text (a legend, a label) drawn beyond its chart, and a
// repetition's timeline on a row of its own. It writes its findings into
// the DOM, which --dump-dom returns. It runs only in a copy of the page
// whose script-forbidding policy the test removed: the report itself runs
// nothing.
const layoutProbe = `<script>
window.addEventListener("load", () => {
  const out = {tables: [], page: 0, texts: [], timelines: []};
  document.querySelectorAll("div.table").forEach((d) => {
    if (d.scrollWidth > d.clientWidth + 1) out.tables.push(d.querySelector("th").textContent + " " + d.scrollWidth + ">" + d.clientWidth);
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.page = document.documentElement.scrollWidth;
  document.querySelectorAll("svg").forEach((s) => {
    const vb = s.viewBox.baseVal;
    s.querySelectorAll("text").forEach((t) => {
      const b = t.getBBox();
      if (b.x < -1 || b.x + b.width > vb.width + 1) out.texts.push(s.getAttribute("aria-label") + ": " + t.textContent);
    });
  });
  document.querySelectorAll(".tl-grid").forEach((g) => {
    g.querySelectorAll(".tl-name").forEach((n) => {
      let c = n.nextElementSibling;
      while (c && c.classList.contains("tl-cell")) {
        if (Math.abs(c.getBoundingClientRect().top - n.getBoundingClientRect().top) > 2) { out.timelines.push(n.textContent); break; }
        c = c.nextElementSibling;
      }
    });
  });
  const pre = document.createElement("pre");
  pre.id = "layout-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`

// layoutFindings is what layoutProbe found.
type layoutFindings struct {
	Tables    []string `json:"tables"`
	Page      int      `json:"page"`
	Texts     []string `json:"texts"`
	Timelines []string `json:"timelines"`
}

// TestHTMLLayout opens the report at two common window widths and checks
// that it fits: no table scrolls sideways, no legend or label is cut, and
// every timeline row keeps its repetitions side by side.
func TestHTMLLayout(t *testing.T) {
	bin := findChromium(t)
	t.Parallel()
	var pb bytes.Buffer
	if err := HTML(&pb, htmlAnalysis(t)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	probe := func(t *testing.T, name, pageHTML string, width int) layoutFindings {
		t.Helper()
		probed := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(pageHTML, "")
		probed = strings.Replace(probed, "</body>", layoutProbe+"</body>", 1)
		page := filepath.Join(dir, name)
		if err := os.WriteFile(page, []byte(probed), 0o644); err != nil {
			t.Fatal(err)
		}
		dom, _ := runChromium(t, bin, page, "--dump-dom", fmt.Sprintf("--window-size=%d,3000", width))
		m := regexp.MustCompile(`(?s)<pre id="layout-probe">(.*?)</pre>`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("the probe did not run:\n%s", chromiumTail(dom, 10))
		}
		var f layoutFindings
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &f); err != nil {
			t.Fatalf("probe output %q: %v", m[1], err)
		}
		return f
	}
	t.Run("detector", func(t *testing.T) {
		// A table too wide for its box, a label beyond its chart and a
		// timeline wrapped to the next row: the probe must see all three,
		// or it proves nothing about the report.
		bad := `<!DOCTYPE html><html><body style="width:600px">` +
			`<div class="table" style="overflow-x:auto"><table><tr><th>wide</th><td style="white-space:nowrap">` + strings.Repeat("x", 400) + `</td></tr></table></div>` +
			`<svg viewBox="0 0 100 20" width="100" height="20" aria-label="legend"><text x="90" y="15">a long legend label</text></svg>` +
			`<div class="tl-grid" style="display:grid;grid-template-columns:100px 100px"><div class="tl-name">v</div><div class="tl-cell">1</div><div class="tl-cell">2</div></div>` +
			`</body></html>`
		f := probe(t, "bad.html", bad, 800)
		if len(f.Tables) == 0 || len(f.Texts) == 0 || len(f.Timelines) == 0 {
			t.Fatalf("the probe missed a fault: %+v", f)
		}
	})
	for _, width := range []int{1400, 1000} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			f := probe(t, fmt.Sprintf("report-%d.html", width), pb.String(), width)
			if len(f.Tables) > 0 || f.Page > 0 || len(f.Texts) > 0 || len(f.Timelines) > 0 {
				t.Errorf("at %d px: tables scrolling sideways %q, page %d px wide, texts cut %q, timelines wrapped %q", width, f.Tables, f.Page, f.Texts, f.Timelines)
			}
		})
	}
}

// screenshotColours counts the distinct colours of img, up to 1000.
func screenshotColours(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}
