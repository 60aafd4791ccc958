//! The real-browser check of a report page: headless Chromium renders the
//! HTML to a screenshot and to its DOM, and the page must have loaded (the
//! screenshot is not blank), carry its title and show a chart (an inline
//! SVG with lines drawn in it).
//!
//! `PENSIONSIM_BROWSER` names the browser and makes the check required:
//! `.ci/run` installs Debian's chromium and sets it. Without it the check
//! uses `/usr/bin/chromium` when there is one and otherwise says it is
//! skipped. [`check_page`] is the check for any page; the report's tests
//! call it on the report's own.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pensionsim::prices::PriceSeries;
use pensionsim::replay::{FixedIncome, ReplayConfig, replay};
use pensionsim::report::Lang;
use pensionsim::report::chart::replay_chart;
use pensionsim::rule::Policy;

/// The variable that names the browser and makes the check required.
const BROWSER_VAR: &str = "PENSIONSIM_BROWSER";

/// Where Debian's chromium package puts the browser.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// How long one browser run may take before the check fails: a hung
/// browser fails the test rather than hangs it.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The window the page is rendered in: a report's width, and tall enough
/// for its first charts.
const WINDOW: (u32, u32) = (1200, 3000);

/// A screenshot with fewer non-white pixels than this share, or fewer
/// distinct colours than [`MIN_COLOURS`], is blank: a page that did not
/// load. A chart alone covers several per cent of the window.
const MIN_INKED: f64 = 0.002;
const MIN_COLOURS: usize = 16;

/// Renders `html` in a headless browser and checks that the page loaded
/// (its screenshot is not blank), that its `<title>` is `expected_title`
/// and that it shows at least one chart. Returns the screenshot (PNG), or
/// `None` after printing that the check is skipped when there is no
/// browser and [`BROWSER_VAR`] is unset; a failed check is an error that
/// says what failed.
pub fn check_page(html: &Path, expected_title: &str) -> Result<Option<Vec<u8>>, String> {
    match browser() {
        Some(browser) => check_page_with(&browser, html, expected_title).map(Some),
        None => {
            eprintln!(
                "browser check of {} skipped: {BROWSER_VAR} is unset and there is no {DEBIAN_CHROMIUM}",
                html.display()
            );
            Ok(None)
        }
    }
}

/// The browser named by [`BROWSER_VAR`], else Debian's chromium if it is
/// installed.
fn browser() -> Option<PathBuf> {
    match std::env::var_os(BROWSER_VAR) {
        Some(path) => Some(PathBuf::from(path)),
        None => Some(PathBuf::from(DEBIAN_CHROMIUM)).filter(|p| p.exists()),
    }
}

/// [`check_page`] with `browser`.
fn check_page_with(browser: &Path, html: &Path, expected_title: &str) -> Result<Vec<u8>, String> {
    let html = html.canonicalize().map_err(|e| format!("cannot find the page {}: {e}", html.display()))?;
    let url = format!("file://{}", html.display());
    let work = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let shot = work.path().join("screenshot.png");

    // One run does both: the screenshot to its file, the DOM to stdout.
    let args = [format!("--screenshot={}", shot.display()), "--dump-dom".to_string(), url.clone()];
    let dom = run(browser, work.path(), &args)?;
    let png = std::fs::read(&shot).map_err(|e| format!("the browser wrote no screenshot of {url}: {e}"))?;
    check_not_blank(&png).map_err(|e| format!("{url}: {e}"))?;

    let title = title(&dom).ok_or_else(|| format!("{url}: the rendered page has no <title>"))?;
    if title != expected_title {
        return Err(format!("{url}: the title is {title:?}, expected {expected_title:?}"));
    }
    let drawn = svg_drawings(&dom);
    if drawn == 0 {
        return Err(format!("{url}: no chart, no inline <svg> with a line, path or polygon in it"));
    }
    Ok(png)
}

/// Runs the browser headless on its own profile in `work` with `args`,
/// and returns what it wrote to stdout. Chromium's stderr is noise unless
/// it fails, when the error quotes its end.
fn run(browser: &Path, work: &Path, args: &[String]) -> Result<String, String> {
    use std::os::unix::process::CommandExt;

    let profile = work.join("profile");
    let stdout = work.join("browser.out");
    let stderr = work.join("browser.err");
    let file = |p: &Path| File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .args(args)
        .stdin(Stdio::null())
        .stdout(file(&stdout)?)
        .stderr(file(&stderr)?)
        // Its own process group, so a hung browser goes with its helpers.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start the browser {}: {e}", browser.display()))?;
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                // The child is not reaped yet, so its id still names its group.
                let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
                let _ = child.wait();
                return Err(format!("{} did not finish within {TIMEOUT:?}", browser.display()));
            }
            Err(e) => return Err(format!("cannot wait for the browser: {e}")),
        }
    };
    if !status.success() {
        let noise = std::fs::read_to_string(&stderr).unwrap_or_default();
        let lines: Vec<&str> = noise.lines().collect();
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        return Err(format!("{} failed with {status}; its stderr ends:\n{tail}", browser.display()));
    }
    std::fs::read_to_string(&stdout).map_err(|e| format!("cannot read the browser's output: {e}"))
}

/// A screenshot that decodes and shows something: enough inked pixels in
/// enough colours.
fn check_not_blank(png: &[u8]) -> Result<(), String> {
    let mut decoder = png::Decoder::new(png);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| format!("the screenshot does not decode: {e}"))?;
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).map_err(|e| format!("the screenshot does not decode: {e}"))?;
    let channels = frame.color_type.samples();
    let colour_channels = channels.min(3);
    let mut colours = std::collections::BTreeSet::new();
    let mut inked = 0usize;
    let mut total = 0usize;
    for pixel in pixels[..frame.buffer_size()].chunks_exact(channels) {
        let rgb = &pixel[..colour_channels];
        total += 1;
        if rgb.iter().any(|&v| v < 250) {
            inked += 1;
        }
        if colours.len() < MIN_COLOURS {
            colours.insert(rgb.to_vec());
        }
    }
    let share = inked as f64 / total.max(1) as f64;
    if share < MIN_INKED || colours.len() < MIN_COLOURS {
        return Err(format!(
            "the screenshot ({}x{}) is blank: {:.3} % of its pixels inked in {} colours, at least {} % in {MIN_COLOURS} expected",
            frame.width,
            frame.height,
            share * 100.0,
            colours.len(),
            MIN_INKED * 100.0
        ));
    }
    Ok(())
}

/// The text of the DOM's `<title>`, its character references resolved.
fn title(dom: &str) -> Option<String> {
    let start = dom.find("<title>")? + "<title>".len();
    let end = start + dom[start..].find("</title>")?;
    let text = &dom[start..end];
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}

/// The number of lines, paths and polygons drawn inside inline `<svg>`
/// elements of the DOM.
fn svg_drawings(dom: &str) -> usize {
    let mut count = 0;
    let mut rest = dom;
    while let Some(start) = rest.find("<svg") {
        let svg = &rest[start..];
        let end = svg.find("</svg>").unwrap_or(svg.len());
        count += ["<polyline", "<path", "<polygon", "<line "]
            .iter()
            .map(|tag| svg[..end].matches(tag).count())
            .sum::<usize>();
        rest = &svg[end..];
    }
    count
}

/// A page like the report's: a title, a heading, a paragraph and `svg`
/// inline.
fn page(title: &str, svg: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body {{ font-family: sans-serif; margin: 2em; }} svg {{ max-width: 100%; height: auto; }}</style>\
         </head><body><h1>{title}</h1><p>Värde, golv och aktieandel under krisen 1987.</p>\
         <figure>{svg}</figure></body></html>\n"
    )
}

/// The crate's replay chart of the 1987 crash on the shipped Dow Jones
/// series, as the report draws it.
fn chart_svg() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/djia_daily_1885_2023.csv");
    let prices = PriceSeries::load(&path, "date", "close").expect("the shipped series loads");
    let config = ReplayConfig {
        from: Some("1987-06-01".parse().unwrap()),
        to: Some("1988-06-30".parse().unwrap()),
        start_value: 1000.0,
        start_equity: 0.8,
        policy: Policy::DOCUMENT_DEFAULTS,
        fixed_income: FixedIncome::Rate(0.02),
        window: None,
    };
    let r = replay(&prices, &config).expect("the replay runs");
    replay_chart(&r, "Dow Jones 1987", Lang::Sv).expect("the chart draws").svg
}

/// Writes `page` to a fresh folder and checks it with `browser`.
fn check(browser: &Path, title: &str, page: &str) -> Result<Vec<u8>, String> {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.html");
    std::fs::write(&html, page).unwrap();
    check_page_with(browser, &html, title)
}

#[test]
fn a_page_with_a_chart_renders_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.html");
    let title = "Pensionsportföljen – krisen 1987 & golvet";
    let escaped = title.replace('&', "&amp;");
    std::fs::write(&html, page(&escaped, &chart_svg())).unwrap();
    match check_page(&html, title) {
        Ok(Some(png)) => {
            // Kept where a reader can look at it.
            let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-check.png");
            std::fs::write(&kept, png).unwrap();
            eprintln!("the browser's screenshot: {}", kept.display());
        }
        Ok(None) => {}
        Err(e) => panic!("{e}"),
    }
}

/// The check fails on a page that did not load, on a wrong title and on a
/// page without a chart, each for its own reason.
#[test]
fn the_check_fails_on_a_blank_page_a_wrong_title_and_no_chart() {
    let Some(browser) = browser() else {
        eprintln!("skipped: {BROWSER_VAR} is unset and there is no {DEBIAN_CHROMIUM}");
        return;
    };
    let blank = "<!DOCTYPE html><html><head><title>Tom</title></head><body></body></html>".to_string();
    let wrong_title = page("Annan rapport", &chart_svg());
    let no_chart = page("Utan graf", &"<p>Ingen graf här, bara text.</p>".repeat(200));
    let cases = [
        ("a blank page", "Tom", blank, "is blank"),
        ("a wrong title", "Rapport", wrong_title, "the title is \"Annan rapport\", expected \"Rapport\""),
        ("a page without a chart", "Utan graf", no_chart, "no chart"),
    ];
    // Side by side: each case is a browser run.
    std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|(case, title, page, _)| scope.spawn(|| (*case, check(&browser, title, page))))
            .collect();
        for (run, (_, _, _, reason)) in runs.into_iter().zip(&cases) {
            let (case, outcome) = run.join().unwrap();
            let e = outcome.expect_err(case);
            assert!(e.contains(reason), "{case}: {e}");
        }
    });
}

#[test]
fn a_missing_browser_fails_the_check_rather_than_passes_it() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.html");
    std::fs::write(&html, page("T", "")).unwrap();
    let e =
        check_page_with(&dir.path().join("no-such-browser"), &html, "T").expect_err("no browser, no pass");
    assert!(e.contains("cannot start the browser"), "{e}");
}
