//! The web front end in a real browser: Debian's Chromium, driven over
//! WebDriver by chromedriver, against a real server on a temporary index.
//!
//! Screenshots at phone and desktop widths go to `target/screenshots/` for
//! review. Without Chromium and chromedriver the test says so loudly and
//! stops; under CI (`CI=true`) it fails instead, since `.ci/run` installs
//! them.

use std::io::Write;
use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::helpers::TestApp;
use newsdesk::api;

/// A chromedriver process, killed when dropped.
struct Driver {
    process: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn find_program(variable: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(variable) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for candidate in candidates {
        for dir in std::env::split_paths(&path) {
            let full = dir.join(candidate);
            if full.is_file() {
                return Some(full);
            }
        }
    }
    None
}

/// Chromium and chromedriver, or `None` (after saying so) where they are
/// missing and this is not CI.
fn browser_programs() -> Option<(PathBuf, PathBuf)> {
    let chromium = find_program(
        "NEWSDESK_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let driver = find_program("NEWSDESK_CHROMEDRIVER", &["chromedriver"]);
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        (chromium, driver) => {
            let message = format!(
                "the browser tests need Chromium and chromedriver (found Chromium: {}, chromedriver: {}); \
                 on Debian: apt-get install -y chromium chromium-driver",
                chromium.is_some(),
                driver.is_some()
            );
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!in_ci, "{message}");
            // Straight to the process's standard error: the test harness
            // hides what a passing test prints.
            let banner = "!".repeat(72);
            let loud = format!("\n{banner}\nNOT TESTED: {message}\n{banner}\n");
            match std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
                Ok(mut stderr) => {
                    let _ = stderr.write_all(loud.as_bytes());
                }
                Err(_) => eprintln!("{loud}"),
            }
            None
        }
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_driver(program: &PathBuf) -> Driver {
    let port = free_port();
    let process = Command::new(program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { process, port };
    let started = Instant::now();
    loop {
        let ready = reqwest::get(format!("http://127.0.0.1:{port}/status"))
            .await
            .ok()
            .filter(|r| r.status().is_success());
        if ready.is_some() {
            return driver;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn connect(driver: &Driver, chromium: &PathBuf, profile: &std::path::Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-first-run",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}

/// Evaluates a JavaScript expression in the page.
async fn eval(client: &Client, expression: &str) -> Value {
    client
        .execute(&format!("return ({expression});"), vec![])
        .await
        .unwrap_or_else(|err| panic!("{expression}: {err}"))
}

/// Waits until a JavaScript expression is true.
async fn wait_for(client: &Client, expression: &str) {
    let started = Instant::now();
    loop {
        if eval(client, expression).await == Value::Bool(true) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for: {expression}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the search view shows the answer to the current URL.
async fn settled(client: &Client) {
    wait_for(
        client,
        "!document.body.classList.contains('loading') && document.getElementById('summary').textContent !== ''",
    )
    .await;
}

/// How many elements match a CSS selector.
async fn count(client: &Client, css: &str) -> u64 {
    eval(
        client,
        &format!("document.querySelectorAll({css:?}).length"),
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

async fn hit_ids(client: &Client) -> Vec<String> {
    let ids = eval(
        client,
        "[...document.querySelectorAll('#hits h3 a')].map(a => a.dataset.id)",
    )
    .await;
    serde_json::from_value(ids).unwrap()
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshots folder");
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).expect("screenshot written");
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|err| panic!("{css}: {err}"))
        .click()
        .await
        .unwrap_or_else(|err| panic!("click {css}: {err}"));
}

async fn api_ids(base: &str, query: &str) -> Vec<String> {
    let results: Value = reqwest::get(format!("{base}/api/search?{query}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

// Long: one reader's session in one browser, step by step: each step starts from the page the last one left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_searches_filters_pages_sorts_and_reads_in_a_real_browser() {
    let app = TestApp::with_fixtures_and_sample();
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (session.client.clone(), session.base.clone());

    for (width, height, name) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        client.goto(&base).await.unwrap();
        settled(&client).await;

        // The "/" key focuses the search box.
        client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .send_keys("/")
            .await
            .unwrap();
        assert_eq!(
            eval(&client, "document.activeElement.id").await,
            "q",
            "{name}"
        );

        // Typing a query gives the same hits, in the same order, as the API.
        client
            .find(Locator::Css("#q"))
            .await
            .unwrap()
            .send_keys("council")
            .await
            .unwrap();
        click(&client, "#search-form button[type=submit]").await;
        wait_for(&client, "location.search === '?q=council'").await;
        settled(&client).await;
        assert_eq!(
            hit_ids(&client).await,
            api_ids(&base, "q=council").await,
            "{name}"
        );
        let summary = eval(&client, "document.getElementById('summary').textContent").await;
        assert!(
            summary.as_str().unwrap().starts_with("4 articles"),
            "{summary}"
        );
        // Article text is text: the fixture's <script> is shown, not run.
        assert_eq!(count(&client, "#hits script").await, 0);
        let snippets = eval(&client, "document.getElementById('hits').textContent").await;
        assert!(
            snippets
                .as_str()
                .unwrap()
                .contains("<script>alert('pwned')</script>")
        );
        assert!(count(&client, "#hits mark").await >= 4);
        screenshot(&client, &format!("search-{name}")).await;

        // A facet filters; its chip removes the filter again.
        if eval(&client, "!document.getElementById('filters').open").await == Value::Bool(true) {
            click(&client, "#filters > summary").await;
        }
        click(&client, "#outlet-facet button").await;
        wait_for(&client, "location.search.includes('outlet=')").await;
        settled(&client).await;
        let outlet = eval(
            &client,
            "new URLSearchParams(location.search).get('outlet')",
        )
        .await;
        let outlets = eval(
            &client,
            "[...document.querySelectorAll('#hits .meta')].map(m => m.textContent.split(' · ')[0])",
        )
        .await;
        assert!(
            outlets.as_array().unwrap().iter().all(|o| *o == outlet),
            "{outlets} vs {outlet}"
        );
        assert_eq!(count(&client, "#active-filters .chip").await, 1);
        screenshot(&client, &format!("filtered-{name}")).await;
        click(&client, "#active-filters .chip").await;
        wait_for(&client, "!location.search.includes('outlet=')").await;
        settled(&client).await;
        assert_eq!(count(&client, "#active-filters .chip").await, 0);

        // Every article, newest first, over three pages.
        client.goto(&format!("{base}/?sort=newest")).await.unwrap();
        settled(&client).await;
        assert_eq!(
            hit_ids(&client).await,
            api_ids(&base, "sort=newest").await,
            "{name}"
        );
        let dates = eval(
            &client,
            "[...document.querySelectorAll('#hits time, #hits .meta')].map(m => m.textContent)",
        )
        .await;
        assert!(!dates.as_array().unwrap().is_empty());
        let first_page = hit_ids(&client).await;
        click(&client, "#next").await;
        wait_for(&client, "location.search.includes('page=2')").await;
        settled(&client).await;
        assert_eq!(
            hit_ids(&client).await,
            api_ids(&base, "sort=newest&offset=10").await,
            "{name}"
        );
        assert_ne!(hit_ids(&client).await, first_page);
        // Back and forward move through the states.
        client.back().await.unwrap();
        wait_for(&client, "!location.search.includes('page=2')").await;
        settled(&client).await;
        assert_eq!(hit_ids(&client).await, first_page);

        // Sorting from the control.
        client
            .execute("const s = document.getElementById('sort'); s.value = 'oldest'; s.dispatchEvent(new Event('change'));", vec![])
            .await
            .unwrap();
        wait_for(&client, "location.search.includes('sort=oldest')").await;
        settled(&client).await;
        assert_eq!(
            hit_ids(&client).await,
            api_ids(&base, "sort=oldest").await,
            "{name}"
        );

        // The histogram narrows the dates.
        if eval(&client, "!document.getElementById('filters').open").await == Value::Bool(true) {
            click(&client, "#filters > summary").await;
        }
        click(&client, "#histogram .bar:not([aria-label$=': 0 articles'])").await;
        wait_for(
            &client,
            "location.search.includes('from=') && location.search.includes('to=')",
        )
        .await;
        settled(&client).await;
        let total = eval(
            &client,
            "parseInt(document.getElementById('summary').textContent, 10)",
        )
        .await;
        assert!(total.as_u64().unwrap() >= 1);

        // Open an article and come back.
        client.goto(&format!("{base}/?q=wind+farm")).await.unwrap();
        settled(&client).await;
        let results_url = client.current_url().await.unwrap();
        click(&client, "#hits h3 a").await;
        wait_for(&client, "!document.getElementById('article-view').hidden && document.getElementById('article-title').textContent !== ''").await;
        wait_for(&client, "!document.body.classList.contains('loading')").await;
        assert_eq!(
            eval(
                &client,
                "document.getElementById('article-title').textContent"
            )
            .await,
            "Wind farm approved off the harbour coast"
        );
        assert!(count(&client, "#article-body mark").await >= 4);
        assert_eq!(count(&client, "#article-people a").await, 2);
        // Below it, the articles most like it, never itself.
        wait_for(
            &client,
            "!document.getElementById('article-similar').hidden",
        )
        .await;
        assert!(count(&client, "#similar-list li a").await >= 1);
        let similar = eval(
            &client,
            "document.getElementById('similar-list').textContent",
        )
        .await;
        assert!(
            !similar
                .as_str()
                .unwrap()
                .contains("Wind farm approved off the harbour coast"),
            "{similar}"
        );
        screenshot(&client, &format!("article-{name}")).await;
        click(&client, "#back").await;
        wait_for(&client, "!document.getElementById('search-view').hidden").await;
        settled(&client).await;
        assert_eq!(client.current_url().await.unwrap(), results_url);

        // A significant word of the results adds itself to the query.
        client.goto(&format!("{base}/?q=ferry")).await.unwrap();
        settled(&client).await;
        if eval(&client, "!document.getElementById('filters').open").await == Value::Bool(true) {
            click(&client, "#filters > summary").await;
        }
        let word = eval(
            &client,
            "document.querySelector('#terms-facet .facet-name').textContent",
        )
        .await;
        let word = word.as_str().expect("a significant word").to_string();
        assert_ne!(word, "ferry");
        click(&client, "#terms-facet button").await;
        wait_for(
            &client,
            "new URLSearchParams(location.search).get('q') !== 'ferry'",
        )
        .await;
        let query = eval(&client, "new URLSearchParams(location.search).get('q')").await;
        assert_eq!(query, Value::String(format!("ferry {word}")));

        // An article an aggregator appended links to its page.
        client
            .goto(&format!("{base}/?q=%22John+Bolton%22"))
            .await
            .unwrap();
        settled(&client).await;
        click(&client, "#hits h3 a").await;
        wait_for(&client, "!document.getElementById('article-links').hidden").await;
        let related = eval(
            &client,
            "document.getElementById('article-links').textContent",
        )
        .await;
        assert!(
            related
                .as_str()
                .unwrap()
                .contains("Starmer to hold further Ukraine talks"),
            "{related}"
        );

        // A query with nothing to find says what to try.
        client
            .goto(&format!("{base}/?q=zzzzqqq&outlet=Valley+Times"))
            .await
            .unwrap();
        settled(&client).await;
        let empty = eval(&client, "document.getElementById('empty').textContent").await;
        assert!(
            empty.as_str().unwrap().contains("Remove a filter"),
            "{empty}"
        );
        screenshot(&client, &format!("empty-{name}")).await;
    }

    session.end().await;
}

/// A real server over `app` and a browser session against it.
struct Session {
    client: Client,
    base: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Session {
    /// `None` where Chromium or chromedriver is missing (and this is not CI).
    async fn start(app: &TestApp) -> Option<Session> {
        let (chromium, driver_program) = browser_programs()?;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(api::serve(listener, app.router.clone(), async {
            let _ = stopped.await;
        }));
        let driver = start_driver(&driver_program).await;
        let profile = tempfile::tempdir().unwrap();
        let client = connect(&driver, &chromium, profile.path()).await;
        Some(Session {
            client,
            base,
            _driver: driver,
            _profile: profile,
            stop,
            server,
        })
    }

    async fn end(self) {
        self.client.close().await.unwrap();
        self.stop.send(()).unwrap();
        self.server.await.unwrap().unwrap();
    }
}

/// Waits until the timeline view has drawn its answer to the current URL.
async fn timeline_drawn(client: &Client) {
    wait_for(
        client,
        "!document.body.classList.contains('loading') && !document.getElementById('timeline-view').hidden && document.getElementById('timeline-summary').textContent !== '' && document.querySelector('#timeline-chart svg') !== null",
    )
    .await;
}

/// A screenshot with the timeline's chart scrolled into view.
async fn chart_screenshot(client: &Client, name: &str) {
    client
        .execute(
            "document.getElementById('timeline-chart').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    screenshot(client, name).await;
}

// Long: one reader's session in one browser, step by step: each step starts from the page the last one left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_compares_queries_over_time_in_a_real_browser() {
    let app = TestApp::with_fixtures_and_sample();
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.as_str());

    for (width, height, name) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        client
            .goto(&format!("{base}/timeline?q=ferry&q=council&interval=month"))
            .await
            .unwrap();
        timeline_drawn(client).await;

        // Two lines, a legend naming both, labelled axes.
        assert_eq!(
            count(client, "#timeline-chart svg polyline.chart-line").await,
            2
        );
        let legend = eval(
            client,
            "[...document.querySelectorAll('#timeline-chart .chart-legend li')].map(li => li.textContent)",
        )
        .await;
        let legend: Vec<String> = serde_json::from_value(legend).unwrap();
        assert_eq!(legend.len(), 2, "{legend:?}");
        assert!(
            legend[0].starts_with("ferry") && legend[1].starts_with("council"),
            "{legend:?}"
        );
        assert!(count(client, "#timeline-chart .chart-y-label").await >= 2);
        let whole = eval(
            client,
            r"[...document.querySelectorAll('#timeline-chart .chart-y-label')].every(t => /^\d+$/.test(t.textContent))",
        )
        .await;
        assert_eq!(whole, Value::Bool(true), "counts step by whole numbers");
        let first_label = eval(
            client,
            "document.querySelector('#timeline-chart .chart-x-label').textContent",
        )
        .await;
        assert_eq!(first_label, "2024-11", "{name}");
        // The chart fits the page, whatever its width.
        let fits = eval(
            client,
            "document.querySelector('#timeline-chart svg').getBoundingClientRect().right <= document.documentElement.clientWidth",
        )
        .await;
        assert_eq!(fits, Value::Bool(true), "{name}");
        // The form shows the URL's state.
        let queries = eval(
            client,
            "[...document.querySelectorAll('.timeline-query')].map(i => i.value)",
        )
        .await;
        assert_eq!(queries, json!(["ferry", "council"]));
        chart_screenshot(client, &format!("timeline-{name}")).await;

        // Shares instead of counts, as a URL of its own.
        click(client, "#measure-share").await;
        wait_for(client, "location.search.includes('measure=share')").await;
        timeline_drawn(client).await;
        let top = eval(
            client,
            "[...document.querySelectorAll('#timeline-chart .chart-y-label')].pop().textContent",
        )
        .await;
        assert!(top.as_str().unwrap().ends_with('%'), "{top}");
        chart_screenshot(client, &format!("timeline-share-{name}")).await;
        client.back().await.unwrap();
        wait_for(client, "!location.search.includes('measure=share')").await;

        // A third query, added in the form, by week.
        click(client, "#timeline-add").await;
        client
            .find(Locator::Css(".timeline-queries li:nth-child(3) input"))
            .await
            .unwrap()
            .send_keys("wind farm")
            .await
            .unwrap();
        client
            .execute("const s = document.getElementById('timeline-interval'); s.value = 'week'; s.dispatchEvent(new Event('change'));", vec![])
            .await
            .unwrap();
        wait_for(
            client,
            "location.search.includes('interval=week') && location.search.includes('q=wind+farm')",
        )
        .await;
        timeline_drawn(client).await;
        assert_eq!(
            count(client, "#timeline-chart svg polyline.chart-line").await,
            3
        );

        // A point opens the search for its query and interval.
        client
            .goto(&format!("{base}/timeline?q=council&interval=month"))
            .await
            .unwrap();
        timeline_drawn(client).await;
        client
            .execute("document.querySelectorAll('#timeline-chart circle.chart-point')[2].dispatchEvent(new MouseEvent('click', {bubbles: true}))", vec![])
            .await
            .unwrap();
        wait_for(
            client,
            "location.pathname === '/' && location.search.includes('from=2025-01-01')",
        )
        .await;
        settled(client).await;
        assert_eq!(
            hit_ids(client).await,
            api_ids(base, "q=council&from=2025-01-01&to=2025-01-31").await
        );
        assert_eq!(hit_ids(client).await.len(), 2);

        // The search view links to the comparison of its query.
        click(client, "#compare-link").await;
        timeline_drawn(client).await;
        assert_eq!(
            eval(client, "new URLSearchParams(location.search).getAll('q')").await,
            json!(["council"])
        );
        assert_eq!(
            count(client, "#timeline-chart svg polyline.chart-line").await,
            1
        );
    }
    session.end().await;
}

// Long: one reader's session in one browser, step by step: each step starts from the page the last one left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_opens_a_persons_page_and_follows_its_links_in_a_real_browser() {
    let app = TestApp::with_fixtures_and_sample();
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (base, client) = (session.base.clone(), session.client.clone());
    let page: Value = reqwest::get(format!("{base}/api/people/Zelensky?quotes=20"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shown = "!document.body.classList.contains('loading') && document.getElementById('person-name').textContent !== ''";

    for (width, height, name) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        // From the people facet of a search to the person's page.
        client.goto(&format!("{base}/?q=zelensky")).await.unwrap();
        settled(&client).await;
        if eval(&client, "!document.getElementById('filters').open").await == Value::Bool(true) {
            click(&client, "#filters > summary").await;
        }
        click(
            &client,
            "#people-facet a.person-page-link[href='/people/Volodymyr%20Zelensky']",
        )
        .await;
        wait_for(
            &client,
            "location.pathname === '/people/Volodymyr%20Zelensky'",
        )
        .await;
        wait_for(&client, shown).await;
        assert!(
            eval(&client, "document.getElementById('search-view').hidden").await
                == Value::Bool(true)
        );
        assert_eq!(
            eval(
                &client,
                "document.getElementById('person-name').textContent"
            )
            .await,
            "Volodymyr Zelensky"
        );
        let summary = eval(
            &client,
            "document.getElementById('person-summary').textContent",
        )
        .await;
        let articles = page["articles"].as_u64().unwrap();
        assert!(
            summary
                .as_str()
                .unwrap()
                .starts_with(&format!("Named in {articles} articles")),
            "{summary}"
        );
        assert_eq!(
            count(&client, "#person-outlets li").await,
            page["outlets"].as_array().unwrap().len() as u64
        );
        // The quotes, as the API gives them, each linking to its article.
        let quotes = eval(
            &client,
            "[...document.querySelectorAll('#person-quotes blockquote')].map(q => q.textContent)",
        )
        .await;
        let expected: Vec<String> = page["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| format!("“{}”", q["text"].as_str().unwrap()))
            .collect();
        assert_eq!(quotes, json!(expected));
        assert!(expected.iter().any(|q| q.contains("Putin cannot fool us.")));
        screenshot(&client, &format!("person-{name}")).await;

        // A co-mention leads to that person's page.
        let other = page["co_mentions"][0]["name"].as_str().unwrap().to_string();
        click(&client, "#person-co-mentions a").await;
        wait_for(
            &client,
            &format!(
                "document.getElementById('person-name').textContent === {:?} && !document.body.classList.contains('loading')",
                other
            ),
        )
        .await;
        assert!(
            eval(&client, "location.pathname")
                .await
                .as_str()
                .unwrap()
                .starts_with("/people/")
        );
        // Back, then from a quote to its article.
        client.back().await.unwrap();
        wait_for(&client, "document.getElementById('person-name').textContent === 'Volodymyr Zelensky' && !document.body.classList.contains('loading')").await;
        click(&client, "#person-quotes a.quote-source").await;
        wait_for(&client, "!document.getElementById('article-view').hidden && document.getElementById('article-title').textContent !== ''").await;
        assert!(
            eval(&client, "document.getElementById('person-view').hidden").await
                == Value::Bool(true)
        );
        let id = page["quotes"][0]["article"]["id"].as_str().unwrap();
        assert_eq!(
            eval(&client, "location.pathname").await,
            format!("/articles/{id}")
        );
        // The article's people link to their pages.
        wait_for(&client, "!document.body.classList.contains('loading')").await;
        click(
            &client,
            "#article-people a[href='/people/Volodymyr%20Zelensky']",
        )
        .await;
        wait_for(
            &client,
            "location.pathname === '/people/Volodymyr%20Zelensky'",
        )
        .await;
        wait_for(&client, shown).await;

        // "Search articles naming them" is the search for them.
        click(&client, "#person-search").await;
        wait_for(&client, "!document.getElementById('search-view').hidden").await;
        settled(&client).await;
        let summary = eval(&client, "document.getElementById('summary').textContent").await;
        assert!(
            summary
                .as_str()
                .unwrap()
                .starts_with(&format!("{articles} articles")),
            "{summary}"
        );

        // An unknown name says so, with a suggestion.
        client
            .goto(&format!("{base}/people/Zelinski"))
            .await
            .unwrap();
        wait_for(&client, shown).await;
        let said = eval(
            &client,
            "document.getElementById('person-summary').textContent",
        )
        .await;
        assert!(
            said.as_str().unwrap().contains("Volodymyr Zelensky"),
            "{said}"
        );
    }

    session.end().await;
}
