//! `schakel serve` and `schakel migrate`.
//!
//! Serve listens first (a port in use stops the start), opens the pool, applies pending
//! migrations, loads the token keys, seeds the demo if asked, starts the platform's jobs
//! (unless told not to) and the backfill of the similar index, and runs until SIGTERM,
//! which stops accepting connections, drains in-flight requests within
//! `http.shutdown_timeout_secs` and exits 0. (SIGINT and SIGQUIT stop at once.)

use crate::auth_settings::DEFAULT_TOKEN_KEYS_FILE;
use crate::settings::Settings;
use anyhow::Context;
use schakel_api::AppState;
use schakel_api::auth::AuthState;
use schakel_domain::{Clock, SystemClock};
use schakel_store::{Pool, PoolOptions, build_pool, migrations};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The audience of access tokens.
const AUDIENCE: &str = "schakel-api";

/// Opens the database named by the settings, for a serving process.
pub fn open_pool(settings: &Settings) -> anyhow::Result<Pool> {
    open_pool_keeping(settings, 1)
}

/// Opens the database for a one-shot command: no idle connection is kept, so no
/// connection is being opened in the background when the command ends.
pub fn open_command_pool(settings: &Settings) -> anyhow::Result<Pool> {
    open_pool_keeping(settings, 0)
}

fn open_pool_keeping(settings: &Settings, min_idle: u32) -> anyhow::Result<Pool> {
    let target = settings.database_target()?;
    let options = PoolOptions {
        max_size: settings.database.pool_size,
        connection_timeout: Duration::from_secs(settings.database.connect_timeout_secs),
        min_idle,
    };
    build_pool(&target, options)
        .with_context(|| format!("cannot open the {} database", target.backend().name()))
}

/// Opens and migrates the monitor's own database, if one is configured.
pub fn monitor_pool(settings: &Settings) -> anyhow::Result<Option<Pool>> {
    let Some(target) = settings.monitor.target().map_err(anyhow::Error::msg)? else {
        return Ok(None);
    };
    let options = PoolOptions {
        max_size: settings.database.pool_size,
        connection_timeout: Duration::from_secs(settings.database.connect_timeout_secs),
        min_idle: 1,
    };
    let pool = build_pool(&target, options).with_context(|| {
        format!(
            "cannot open the monitor's {} database",
            target.backend().name()
        )
    })?;
    // The monitor database gets the same migrations; only its monitor tables are used.
    migrate(&pool)?;
    Ok(Some(pool))
}

/// The monitor as the API and the pages read it.
fn monitor_state(settings: &Settings, pool: Option<Pool>) -> schakel_api::MonitorView {
    schakel_api::MonitorView {
        pool,
        rules: settings.monitor.rules(),
        export_k: settings.monitor.export_k(),
        cube: std::sync::Arc::default(),
    }
}

/// The outbox's sinks, recording monitor events where the monitor lives.
fn dispatcher(
    settings: &Settings,
    monitor: Option<Pool>,
) -> anyhow::Result<crate::dispatch::Sinks> {
    crate::dispatch::Sinks::new(settings, monitor)
}

/// What the web pages share, from the application state. Cookies are `Secure` unless
/// the platform is reached over plain HTTP on a loopback address.
fn web_state(settings: &Settings, state: &AppState) -> schakel_web::WebState {
    let public = settings.public_url();
    let loopback = url::Url::parse(&public).ok().is_some_and(|u| {
        u.scheme() == "http"
            && match u.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                None => false,
            }
    });
    schakel_web::WebState {
        pool: state.pool.clone(),
        clock: state.clock.clone(),
        auth: state.auth.config.clone(),
        hashing: state.auth.hashing.clone(),
        workflow: state.workflow.clone(),
        secure_cookies: !loopback,
        monitor: state.monitor.clone(),
        // The credential forms draw from the buckets of `/api/v1/auth/*`.
        client: schakel_web::ClientRules {
            trusted_proxies: state.auth.trusted_proxies.clone(),
            limit: state.auth.client_limit(),
        },
    }
}

/// Reads the audit entry key (made at the default path when missing) and installs it,
/// so that every audit entry this process records carries its MAC.
pub fn install_entry_key(settings: &Settings) -> anyhow::Result<()> {
    settings
        .audit
        .install_entry_key()
        .map_err(anyhow::Error::msg)
}

/// Applies pending migrations; returns the names applied.
pub fn migrate(pool: &Pool) -> anyhow::Result<Vec<String>> {
    let mut conn = pool.get().context("cannot get a database connection")?;
    Ok(migrations::run_pending(&mut conn)?)
}

/// The authentication state: keys from the key file (created at the default path when
/// missing), rules from the settings.
pub fn auth_state(settings: &Settings, demo: bool) -> anyhow::Result<AuthState> {
    let a = &settings.auth;
    let path = a.token_keys_file.as_path();
    if !path.exists() && path == Path::new(DEFAULT_TOKEN_KEYS_FILE) {
        crate::keys::create_key_file(path, "Access-token signing keys")
            .map_err(anyhow::Error::msg)?;
        tracing::warn!(path = %path.display(), "created a new token key file");
    }
    let keyring = crate::keys::load_keyring(path, a.current_key.as_deref(), &a.issuer, AUDIENCE)
        .map_err(anyhow::Error::msg)?;
    let data_keys = settings.data.load().map_err(anyhow::Error::msg)?;
    let hashing = schakel_auth::hash_pool::HashPool::start(a.hashing_slots(), a.hash_queue)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        threads = hashing.threads(),
        queue = a.hash_queue,
        priority = hashing.priority().as_str(),
        "password hashing threads started"
    );
    AuthState::new(
        keyring,
        a.config(demo, data_keys),
        hashing,
        settings.http.trusted_proxies.clone(),
        (a.rate_per_second, a.rate_burst),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Binds the HTTP address first (a port in use stops the start before anything else
/// happens) and, when no public URL is set, takes the address actually bound (with
/// port 0 the system picks a free port).
fn listen(settings: &mut Settings) -> anyhow::Result<(std::net::TcpListener, SocketAddr)> {
    let addr = settings.bind_address()?;
    let listener =
        std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener
        .local_addr()
        .with_context(|| format!("cannot listen on {addr}"))?;
    if settings.http.public_url.is_none() {
        settings.http.public_url = Some(format!("http://{bound}"));
    }
    Ok((listener, bound))
}

/// Seeds the demo into a new database (or one holding only the demo's own data) and
/// prints how to sign in; refuses any other database.
fn start_demo(
    pool: &Pool,
    settings: &Settings,
    auth: &AuthState,
    workflow: &schakel_referral_workflow::WorkflowConfig,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut conn = pool.get().context("cannot get a database connection")?;
    if let crate::demo::Holds::Other { users, agencies } = crate::demo::holds(&mut conn)? {
        anyhow::bail!(
            "--demo refused: this database holds {users} accounts and {agencies} agencies \
             that the demo did not create. The demo's accounts share a published \
             password and ask no second factor, so it runs only on a new database (or \
             one holding only its own data). Start without --demo, or point \
             SCHAKEL_DATABASE__URL at a new database."
        );
    }
    let seeded = crate::demo::seed(&mut conn, clock)?;
    if seeded.users > 0 {
        crate::demo_profiles::seed_profiles(&mut conn, clock)?;
        crate::demo::seed_casework(&mut conn, workflow, clock)?;
        let persons = settings.demo.world_persons;
        if persons > 0 {
            let started = std::time::Instant::now();
            crate::demo_world::make(&mut conn, workflow, clock.now(), persons)?;
            let investigations = persons / 12;
            let suspects =
                crate::demo_offenders::make(&mut conn, workflow, clock.now(), investigations)?;
            println!(
                "Demo world: {persons} fictional persons over the last two years, and \
                 {investigations} investigations with {suspects} suspects ({:.1} s).",
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "Demo data: {} agencies and {} users created (fictional; for trying Schakel only).",
        seeded.agencies, seeded.users
    );
    let relaxed = auth.config.mfa_required.is_empty();
    print!(
        "{}",
        crate::demo::instructions(&settings.public_url(), relaxed)
    );
    if relaxed {
        tracing::warn!("demo mode: no second factor is asked of any role");
    }
    Ok(())
}

/// Starts what runs beside the requests: the audit sealer, the scheduled jobs, the
/// monitor's preload and the outbox's dispatcher, each as the settings ask.
fn start_background(
    settings: &Settings,
    state: &AppState,
    monitor: Option<Pool>,
) -> anyhow::Result<()> {
    start_sealer(settings, &state.pool)?;
    if settings.casework.run_jobs {
        crate::jobs::spawn(state, &settings.casework);
        crate::clamd::spawn(state, &settings.documents);
    }
    if settings.monitor.preload {
        preload_monitor(state);
    }
    if settings.mail.dispatch {
        let dispatcher = dispatcher(settings, monitor)?;
        crate::dispatch::spawn(
            state.pool.clone(),
            state.clock.clone(),
            dispatcher,
            Duration::from_millis(settings.mail.interval_ms),
        );
    }
    Ok(())
}

/// Starts the audit sealer when `audit.seal` asks for it.
fn start_sealer(settings: &Settings, pool: &Pool) -> anyhow::Result<()> {
    if settings.audit.seal {
        crate::sealer::spawn(
            pool.clone(),
            settings.database_target()?.backend(),
            Duration::from_millis(settings.audit.seal_interval_ms),
        );
    }
    Ok(())
}

/// Runs the HTTP server until it is told to stop.
pub async fn serve(mut settings: Settings, demo: bool) -> anyhow::Result<()> {
    let (listener, bound) = listen(&mut settings)?;
    let pool = open_pool(&settings)?;
    install_entry_key(&settings)?;
    let applied = migrate(&pool)?;
    tracing::info!(count = applied.len(), "migrations applied");
    let auth = auth_state(&settings, demo)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let workflow = settings
        .workflow(auth.config.data_keys.clone())
        .map_err(anyhow::Error::msg)?;
    if demo {
        start_demo(&pool, &settings, &auth, &workflow, clock.as_ref())?;
    }
    let monitor = monitor_pool(&settings)?;
    let state = AppState::with_auth(pool, clock, auth)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_workflow(workflow)
        .with_monitor(monitor_state(&settings, monitor.clone()));
    start_background(&settings, &state, monitor)?;
    backfill_similar_index(&state);
    let workers = match settings.http.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let web = web_state(&settings, &state);
    let server = actix_web::HttpServer::new(move || {
        let web = web.clone();
        schakel_api::app_with(state.clone(), move |cfg| {
            schakel_fhir::configure(cfg);
            schakel_web::configure(cfg, web);
        })
    })
    .workers(workers)
    .shutdown_timeout(settings.http.shutdown_timeout_secs)
    .listen(listener)
    .with_context(|| format!("cannot listen on {bound}"))?
    .run();
    tracing::info!(addr = %bound, backend = %settings.database_target()?.backend().name(), "serving");
    println!(
        "Schakel is serving at {} (listening on {bound})",
        settings.public_url()
    );
    server.await.context("the server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

/// Gives persons stored before the "similar person" index existed their index, on the
/// blocking pool beside the requests (until it is done, the signal form's check does not
/// find them as similar); the count is logged, and so is a failure (the next start
/// tries again: each batch is its own transaction).
fn backfill_similar_index(state: &AppState) {
    let st = state.clone();
    actix_web::rt::spawn(async move {
        let done = actix_web::web::block(move || {
            let mut conn = schakel_store::get_conn(&st.pool).map_err(|e| e.to_string())?;
            schakel_referral_workflow::jobs::backfill_similar_index(
                &mut conn,
                &st.workflow,
                st.clock.now(),
            )
            .map_err(|e| e.to_string())
        })
        .await;
        match done {
            Ok(Ok(filled)) => tracing::info!(filled, "similar index backfilled"),
            Ok(Err(error)) => tracing::error!(%error, "the similar index backfill failed"),
            Err(error) => tracing::error!(%error, "the similar index backfill could not run"),
        }
    });
}

/// Fills the monitor's in-memory copy on a thread of its own; an analyst's table asked
/// for meanwhile waits for it. A failure is logged: the first table tries again.
fn preload_monitor(state: &AppState) {
    let cube = state.monitor.cube.clone();
    let pool = state
        .monitor
        .pool
        .clone()
        .unwrap_or_else(|| state.pool.clone());
    let spawned = std::thread::Builder::new()
        .name("monitor-preload".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            let filled = schakel_store::get_conn(&pool)
                .map_err(|e| e.to_string())
                .and_then(|mut conn| cube.fill(&mut conn).map_err(|e| e.to_string()));
            match filled {
                Ok(events) => tracing::info!(
                    events,
                    secs = started.elapsed().as_secs_f64(),
                    "monitor copy filled"
                ),
                Err(error) => tracing::warn!(%error, "the monitor copy could not be filled"),
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "the monitor copy is filled at the first table instead");
    }
}

/// Runs the dispatcher and the scheduled jobs until SIGTERM or SIGINT.
pub async fn worker(settings: Settings) -> anyhow::Result<()> {
    let pool = open_pool(&settings)?;
    install_entry_key(&settings)?;
    migrate(&pool)?;
    let auth = auth_state(&settings, false)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let workflow = settings
        .workflow(auth.config.data_keys.clone())
        .map_err(anyhow::Error::msg)?;
    let state = AppState::with_auth(pool, clock, auth)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_workflow(workflow);
    start_sealer(&settings, &state.pool)?;
    if settings.casework.run_jobs {
        crate::jobs::spawn(&state, &settings.casework);
        crate::clamd::spawn(&state, &settings.documents);
    }
    let dispatcher = dispatcher(&settings, monitor_pool(&settings)?)?;
    crate::dispatch::spawn(
        state.pool.clone(),
        state.clock.clone(),
        dispatcher,
        Duration::from_millis(settings.mail.interval_ms),
    );
    tracing::info!("worker running");
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("worker stopped");
    Ok(())
}
