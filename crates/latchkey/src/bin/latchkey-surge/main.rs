//! The start-of-term surge, simulated. Of a campus's accounts, N people
//! each reset their password through the JSON API of two `latchkey serve`
//! instances that share one PostgreSQL database, while one instance is
//! killed with SIGKILL and started again, and (with `--outage-at`) the
//! database, a PostgreSQL cluster the harness started itself, is stopped
//! for a while and started again. It reports completed resets per second,
//! latency, what people saw while the database was gone, the instances'
//! peak memory and errors, then checks every account: a completed reset's
//! new password works; any other account still has its old password or the
//! new one, never neither, and its reset goes through when tried again;
//! the accounts of people who did not reset are untouched.
//!
//! Built only with `--features test-hooks`: the instances show a known
//! CAPTCHA answer, and codes are read from the outbox table. Loopback only,
//! bounded in people and in time. `scripts/surge` runs it.

mod cluster;
mod flow;
mod people;
mod private_postgres;
mod report;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use latchkey::domain::change::verify_password;
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::NewAccount;
use latchkey::store::Store;
use serde_json::{Value, json};
use sqlx::postgres::PgPool;
use tokio::process::{Child, Command};
use tokio::sync::{Mutex, Semaphore};

use cluster::{Cluster, Instance, free_port};
use people::{Person, load_people};
use private_postgres::PrivatePostgres;
use report::{Outage, loopback_only, spread};

const ANSWER: &str = "K7MPQ";
const OLD_PASSWORD: &str = "Vt9#qkzP";
/// Requests one person's reset may take before it counts as stuck.
const MAX_REQUESTS: usize = 40;

#[derive(Parser)]
#[command(about = "Simulate a reset surge against two instances on one PostgreSQL database")]
struct Args {
    /// An empty PostgreSQL database on this machine; without it, a
    /// PostgreSQL cluster of the harness's own.
    #[arg(long, conflicts_with = "outage_at")]
    database_url: Option<String>,
    /// How many people reset (at most 50,000).
    #[arg(long, default_value_t = 300)]
    people: usize,
    /// How many accounts the campus has (at least --people, at most
    /// 100,000); the default is --people.
    #[arg(long)]
    accounts: Option<usize>,
    /// Stop the database once this share of the people are done: always
    /// the harness's own cluster, never a shared server.
    #[arg(long)]
    outage_at: Option<f64>,
    /// For this many seconds.
    #[arg(long, default_value_t = 15)]
    outage_seconds: u64,
    /// How many reset at the same moment.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Earlier passwords each person has besides the current one: a new
    /// password is checked against all of them (the policy keeps 24 in all).
    #[arg(long, default_value_t = 23)]
    history: usize,
    /// Kill one instance once this share of the people are done.
    #[arg(long, default_value_t = 0.3)]
    kill_at: f64,
    /// Stop waiting after this many seconds.
    #[arg(long, default_value_t = 900)]
    time_limit: u64,
    /// Cheap Argon2id (256 KiB, one pass): checks the harness, not the speed.
    #[arg(long)]
    cheap_hashing: bool,
    /// The `latchkey` binary, built with `--features test-hooks` (default: beside this one).
    #[arg(long)]
    latchkey: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("runtime: {e}")),
    };
    match runtime.block_on(run(args)) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> std::process::ExitCode {
    eprintln!("latchkey-surge: {message}");
    std::process::ExitCode::from(2)
}

/// What the run saw, shared by the tasks.
#[derive(Default)]
struct Tally {
    completed: AtomicUsize,
    failovers: AtomicUsize,
    refusals: AtomicUsize,
    /// Resets begun again: the code was taken by the instance that was
    /// killed before it answered, so the renewed token never arrived.
    restarts: AtomicUsize,
    /// "Try again in a minute" answers (503), and how long each took.
    unavailable_ms: Mutex<Vec<f64>>,
    /// Each request's time: the password step apart, as it carries the hashing.
    password_ms: Mutex<Vec<f64>>,
    other_ms: Mutex<Vec<f64>>,
    /// Each completed reset: when it began (s into the run) and how long it took (ms).
    resets: Mutex<Vec<(f64, f64)>>,
}

struct Ctx {
    cluster: Cluster,
    http: reqwest::Client,
    db: PgPool,
    tally: Tally,
}

async fn run(args: Args) -> Result<bool, String> {
    let dir = std::env::temp_dir().join(format!("latchkey-surge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (database_url, private) = match &args.database_url {
        Some(url) => {
            loopback_only(url)?;
            (url.clone(), None)
        }
        None => {
            let private = PrivatePostgres::start(dir.join("postgres"))?;
            (private.url(), Some(Arc::new(private)))
        }
    };
    let accounts = args.accounts.unwrap_or(args.people);
    if args.people == 0 || args.people > 50_000 || args.concurrency == 0 {
        return Err("--people must be 1 to 50000 and --concurrency at least 1".into());
    }
    if accounts < args.people || accounts > 100_000 {
        return Err("--accounts must be --people to 100000".into());
    }
    let binary = match args.latchkey {
        Some(path) => path,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("latchkey"),
    };
    let hashing = if args.cheap_hashing {
        HashingConfig {
            memory_kib: 256,
            iterations: 1,
            ..HashingConfig::default()
        }
    } else {
        HashingConfig::default()
    };
    let hasher = Hasher::new(&hashing).map_err(|e| e.to_string())?;

    let store = Store::open(&database_url)
        .await
        .map_err(|e| e.to_string())?;
    let db = PgPool::connect(&database_url)
        .await
        .map_err(|e| e.to_string())?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&db)
        .await
        .map_err(|e| e.to_string())?;
    if existing > 0 {
        return Err("the database already has accounts: give the surge an empty one".into());
    }
    let mut people: Vec<Person> = (0..accounts).map(Person::new).collect();
    println!(
        "loading {accounts} accounts, {} passwords each …",
        args.history + 1
    );
    let loading = Instant::now();
    let secret = latchkey::secrets::random_token();
    let key = latchkey::secrets::SecretKey::new(secret.as_bytes()).ok_or("a short secret")?;
    load_people(&store, &db, &hasher, &key, &people, args.history).await?;
    println!("loaded in {:.1} s", loading.elapsed().as_secs_f64());
    // The first --people of them reset; the others must stay as they are.
    people.truncate(args.people);

    // One Argon2id evaluation on one core, for the hash-bound limit.
    let timed = Instant::now();
    for k in 0..10 {
        hasher
            .hash(&format!("Probe{k}#x"))
            .await
            .map_err(|e| e.to_string())?;
    }
    let hash_ms = timed.elapsed().as_secs_f64() * 1000.0 / 10.0;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // One hash checks the whole history, one is the new password's.
    let per_reset = 2.0;
    let bound = cores as f64 * 1000.0 / (per_reset * hash_ms);

    let config = dir.join("latchkey.toml");
    // Its people's phones share one prefix and it measures hashing, not the
    // budget for texts: a campus sizes that budget to its own surge.
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = {:?}\n\n[hashing]\nmemory_kib = {}\niterations = {}\n\n\
             [network]\ncampus = [\"10.0.0.0/8\"]\ntrusted_proxies = [\"127.0.0.1\"]\n\n\
             [throttle]\nmessages_per_hour = 1000000\nmessages_per_day = 1000000\n\
             messages_per_prefix = 1000000\n\n\
             # The surge is people, not bots: hundreds at once would raise the\n\
             # proof of work's level for all, which this harness does not measure.\n\
             [captcha]\nservice_rise_every = 1000000\n",
            database_url, hashing.memory_kib, hashing.iterations
        ),
    )
    .map_err(|e| e.to_string())?;
    let cluster = Cluster {
        binary,
        config,
        log_dir: dir.clone(),
        secret,
        instances: vec![
            Mutex::new(Instance {
                port: free_port()?,
                child: None,
            }),
            Mutex::new(Instance {
                port: free_port()?,
                child: None,
            }),
        ],
    };
    cluster.start(0).await?;
    cluster.start(1).await?;
    let ctx = Arc::new(Ctx {
        cluster,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?,
        db,
        tally: Tally::default(),
    });
    println!(
        "two instances on ports {} and {}; {} people, {} at a time",
        ctx.cluster.port(0).await,
        ctx.cluster.port(1).await,
        args.people,
        args.concurrency
    );

    let people = Arc::new(people);
    let began = Instant::now();
    let killer = {
        let ctx = ctx.clone();
        let kill_after = ((args.people as f64 * args.kill_at) as usize).max(1);
        tokio::spawn(async move {
            while ctx.tally.completed.load(Ordering::Relaxed) < kill_after {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let at = began.elapsed();
            ctx.cluster.kill(1).await?;
            let down = Instant::now();
            tokio::time::sleep(Duration::from_secs(1)).await;
            ctx.cluster.start(1).await?;
            Ok::<_, String>((at, down.elapsed()))
        })
    };
    let outage = args.outage_at.zip(private.clone()).map(|(share, server)| {
        let ctx = ctx.clone();
        let after = ((args.people as f64 * share) as usize).max(1);
        let seconds = args.outage_seconds;
        tokio::spawn(async move {
            while ctx.tally.completed.load(Ordering::Relaxed) < after {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let at = began.elapsed();
            let done_before = ctx.tally.completed.load(Ordering::Relaxed);
            let stopping = server.clone();
            tokio::task::spawn_blocking(move || stopping.stop())
                .await
                .map_err(|e| e.to_string())??;
            let stopped = began.elapsed();
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            let done_during = ctx.tally.completed.load(Ordering::Relaxed) - done_before;
            tokio::task::spawn_blocking(move || server.start_again())
                .await
                .map_err(|e| e.to_string())??;
            Ok::<_, String>(Outage {
                at,
                stopped,
                back: began.elapsed(),
                done_during,
            })
        })
    });
    let gate = Arc::new(Semaphore::new(args.concurrency));
    let mut tasks = Vec::new();
    for i in 0..args.people {
        let (ctx, people, gate) = (ctx.clone(), people.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
            let started = Instant::now();
            let result = ctx.reset(&people[i], i % 2).await;
            if result.is_ok() {
                ctx.tally.completed.fetch_add(1, Ordering::Relaxed);
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                let at = started.duration_since(began).as_secs_f64();
                ctx.tally.resets.lock().await.push((at, ms));
            }
            Ok::<_, String>(result.err())
        }));
    }
    let mut failed = Vec::new();
    let deadline = began + Duration::from_secs(args.time_limit);
    for (i, task) in tasks.into_iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, task).await {
            Ok(Ok(Ok(None))) => {}
            Ok(Ok(Ok(Some(error)))) => failed.push((i, error)),
            Ok(Ok(Err(e))) => failed.push((i, e)),
            Ok(Err(e)) => failed.push((i, format!("task: {e}"))),
            Err(_) => failed.push((i, "out of time".into())),
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    let kill = match killer.await {
        Ok(Ok(kill)) => Some(kill),
        Ok(Err(e)) => return Err(e),
        Err(_) => None,
    };
    let outage = match outage {
        Some(task) => Some(task.await.map_err(|e| e.to_string())??),
        None => None,
    };
    let peaks = [
        ctx.cluster.peak_memory_kib(0).await,
        ctx.cluster.peak_memory_kib(1).await,
    ];

    let tally = &ctx.tally;
    let completed = tally.completed.load(Ordering::Relaxed);
    let began_and_took = tally.resets.lock().await.clone();
    let mut resets: Vec<f64> = began_and_took.iter().map(|(_, ms)| *ms).collect();
    let mut password_step = tally.password_ms.lock().await.clone();
    let mut other_steps = tally.other_ms.lock().await.clone();
    for times in [&mut resets, &mut password_step, &mut other_steps] {
        times.sort_by(f64::total_cmp);
    }
    println!();
    println!("accounts               {accounts}");
    println!("people                 {}", args.people);
    println!(
        "completed              {completed} in {elapsed:.1} s: {:.2} resets/s",
        completed as f64 / elapsed
    );
    println!(
        "hash-bound limit       {bound:.2} resets/s ({cores} cores ÷ ({per_reset} Argon2id × {hash_ms:.1} ms)); reached {:.0} %",
        100.0 * completed as f64 / elapsed / bound
    );
    println!("whole reset            {}", spread(&resets));
    for (name, times) in [
        ("password step", &password_step),
        ("other steps", &other_steps),
    ] {
        println!("{name:<23}{} ({} requests)", spread(times), times.len());
    }
    if let Some((at, down)) = kill {
        println!(
            "instance killed        SIGKILL at {:.1} s, serving again {:.1} s later",
            at.as_secs_f64(),
            down.as_secs_f64()
        );
    }
    if let Some(outage) = outage {
        let answered = tally.unavailable_ms.lock().await.clone();
        outage.print(&answered, &began_and_took);
    }
    for (index, peak) in peaks.iter().enumerate() {
        if let Some(kib) = peak {
            // The killed one's counts from its restart.
            let since = if index == 1 { " since its restart" } else { "" };
            println!(
                "instance {index} peak     {:.0} MiB resident (VmHWM){since}",
                *kib as f64 / 1024.0
            );
        }
    }
    println!(
        "failovers              {} requests moved to the other instance",
        tally.failovers.load(Ordering::Relaxed)
    );
    println!(
        "refused on the way     {} (422 answers)",
        tally.refusals.load(Ordering::Relaxed)
    );
    println!(
        "restarted              {} (the renewed token was lost with the killed instance)",
        tally.restarts.load(Ordering::Relaxed)
    );
    println!("errors                 {}", failed.len());
    for (i, error) in failed.iter().take(10) {
        println!("  {}: {error}", people[*i].username);
    }

    // Every account: the new password for a completed reset; for the rest,
    // the old or the new one, and a second try must go through.
    let mut neither = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let Some(account) = store
            .find_account(&person.username)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Err(format!("{} is gone", person.username));
        };
        let new = verify_password(&store, &hasher, &account, &person.new_password)
            .await
            .map_err(|e| e.to_string())?;
        let was_failed = failed.iter().any(|(f, _)| *f == i);
        if new {
            continue;
        }
        let old = verify_password(&store, &hasher, &account, OLD_PASSWORD)
            .await
            .map_err(|e| e.to_string())?;
        if !old {
            neither.push(person.username.clone());
        } else if !was_failed {
            neither.push(format!(
                "{} (reported done, but the old password is current)",
                person.username
            ));
        }
    }
    let mut retried_ok = 0;
    let mut still_failing = Vec::new();
    for (i, _) in &failed {
        let person = &people[*i];
        let account = store
            .find_account(&person.username)
            .await
            .map_err(|e| e.to_string())?;
        let already = match &account {
            Some(account) => verify_password(&store, &hasher, account, &person.new_password)
                .await
                .map_err(|e| e.to_string())?,
            None => false,
        };
        match ctx.reset(person, 0).await {
            Ok(()) => retried_ok += 1,
            // Already changed by the first try: the history refuses it again, rightly.
            Err(_) if already => retried_ok += 1,
            Err(e) => still_failing.push(format!("{}: {e}", person.username)),
        }
    }
    // Whoever did not reset keeps exactly what was loaded.
    let touched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts a WHERE a.username >= $1 AND
           (SELECT MAX(created_at) FROM password_history h WHERE h.account_id = a.id) <> $2",
    )
    .bind(format!("s{:05}", args.people))
    .bind(args.history as i64 + 1)
    .fetch_one(&ctx.db)
    .await
    .map_err(|e| e.to_string())?;
    println!(
        "others changed         {touched} of {}",
        accounts - args.people
    );
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM directory_pending")
        .fetch_one(&ctx.db)
        .await
        .map_err(|e| e.to_string())?;
    println!("accounts with neither  {}", neither.len());
    for name in neither.iter().take(10) {
        println!("  {name}");
    }
    println!(
        "retried                {retried_ok} of {} went through",
        failed.len()
    );
    for line in still_failing.iter().take(10) {
        println!("  {line}");
    }
    println!("pending writes         {pending}");
    println!("instance logs          {}", dir.display());
    ctx.cluster.kill(0).await?;
    ctx.cluster.kill(1).await?;
    Ok(neither.is_empty() && still_failing.is_empty() && pending == 0 && touched == 0)
}
