//! The threads that compute password hashes, apart from the threads that serve every
//! other request: argon2id costs about 40 ms of a core on purpose, so a storm of logins
//! must take only the CPU the other requests leave. Each thread runs at the lowest CPU
//! priority the system grants (on Linux `SCHED_IDLE`, else nice 19), and the work that
//! may wait is bounded: a request is admitted with a [`Ticket`] while fewer than
//! `threads + queue` hashes are running or waiting, and refused otherwise, before it
//! touches the database ([`AuthError::Busy`]: the API answers 503 with `Retry-After`).
//!
//! A job is a closure run on one of the threads; the async caller awaits its answer
//! without holding a database connection or a thread of the blocking pool. A login
//! waits for its [`Turn`] (a free thread) before it reads the account and counts its
//! attempt, so no more attempts are counted in advance than threads are checking: a
//! queue of logins of one account never trips its own throttle.

use crate::AuthError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use thread_priority::{
    NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
    set_thread_priority_and_policy, thread_native_id,
};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The CPU priority the hashing threads obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Linux's `SCHED_IDLE`: they run only on a core nothing else wants.
    Idle,
    /// The normal policy at the lowest priority (nice 19).
    Lowest,
    /// The system refused both: the normal priority.
    Normal,
}

impl Priority {
    /// The priority as logs and metrics name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Idle => "idle",
            Priority::Lowest => "lowest",
            Priority::Normal => "normal",
        }
    }
}

/// The hashing threads and the bound on the hashes admitted at once. Cloning shares the
/// pool; the threads end when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct HashPool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    jobs: Mutex<Sender<Job>>,
    turns: Arc<tokio::sync::Semaphore>,
    taken: Arc<AtomicUsize>,
    capacity: usize,
    threads: usize,
    priority: Priority,
}

/// A free hashing thread, held from before a login reads its account until its
/// password is checked.
#[derive(Debug)]
pub struct Turn {
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// A place among the hashes admitted; given back when dropped.
#[derive(Debug)]
pub struct Ticket {
    taken: Arc<AtomicUsize>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.taken.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Lowers the calling thread's priority as far as the system allows.
fn lower_priority() -> Priority {
    let me = thread_native_id();
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    if set_thread_priority_and_policy(me, ThreadPriority::Min, idle).is_ok() {
        return Priority::Idle;
    }
    let other = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Other);
    if set_thread_priority_and_policy(me, ThreadPriority::Min, other).is_ok() {
        return Priority::Lowest;
    }
    Priority::Normal
}

/// One hashing thread: lowers its priority, says which it got, then runs jobs until
/// the pool is gone.
fn work(jobs: &Mutex<Receiver<Job>>, said: &Sender<Priority>) {
    let _ = said.send(lower_priority());
    loop {
        // The lock is held only while taking the next job, never while running it.
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

impl HashPool {
    /// Starts `threads` hashing threads (at least one) that admit `queue` more hashes
    /// to wait for them.
    pub fn start(threads: usize, queue: usize) -> Result<HashPool, AuthError> {
        let threads = threads.max(1);
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let (said_tx, said_rx) = channel();
        for n in 0..threads {
            let (rx, said) = (rx.clone(), said_tx.clone());
            std::thread::Builder::new()
                .name(format!("schakel-hash-{n}"))
                .spawn(move || work(&rx, &said))
                .map_err(|e| AuthError::Setup(format!("hashing thread: {e}")))?;
        }
        drop(said_tx);
        // The weakest priority any thread got is the pool's.
        let priority = said_rx
            .iter()
            .take(threads)
            .max_by_key(|p| *p as u8)
            .unwrap_or(Priority::Normal);
        Ok(HashPool {
            inner: Arc::new(Inner {
                jobs: Mutex::new(tx),
                turns: Arc::new(tokio::sync::Semaphore::new(threads)),
                taken: Arc::new(AtomicUsize::new(0)),
                capacity: threads + queue,
                threads,
                priority,
            }),
        })
    }

    /// A place for one hash, or `None` while `threads + queue` hashes are running or
    /// waiting.
    pub fn admit(&self) -> Option<Ticket> {
        let taken = &self.inner.taken;
        let mut now = taken.load(Ordering::Acquire);
        loop {
            if now >= self.inner.capacity {
                return None;
            }
            match taken.compare_exchange_weak(now, now + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    return Some(Ticket {
                        taken: taken.clone(),
                    });
                }
                Err(seen) => now = seen,
            }
        }
    }

    /// Admits a hash or answers [`AuthError::Busy`].
    pub fn admit_or_busy(&self) -> Result<Ticket, AuthError> {
        self.admit().ok_or(AuthError::Busy {
            retry_after_secs: 1,
        })
    }

    /// Waits until a hashing thread is free for the holder of `_ticket`.
    pub async fn turn(&self, _ticket: &Ticket) -> Result<Turn, AuthError> {
        let permit = self
            .inner
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AuthError::Setup("the hashing threads have stopped".into()))?;
        Ok(Turn { _permit: permit })
    }

    /// Runs `f` on a hashing thread and answers what it returns; the ticket is given
    /// back when `f` has run.
    pub async fn run<T, F>(&self, ticket: Ticket, f: F) -> Result<T, AuthError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let answer = f();
            // Given back before the caller hears the answer.
            drop(ticket);
            let _ = tx.send(answer);
        });
        self.inner
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(job)
            .map_err(|_| AuthError::Setup("the hashing threads have stopped".into()))?;
        rx.await
            .map_err(|_| AuthError::Setup("a hashing job ended without an answer".into()))
    }

    /// The number of hashing threads.
    pub fn threads(&self) -> usize {
        self.inner.threads
    }

    /// The hashes running or waiting now.
    pub fn in_use(&self) -> usize {
        self.inner.taken.load(Ordering::Acquire)
    }

    /// The CPU priority the threads run at.
    pub fn priority(&self) -> Priority {
        self.inner.priority
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_more_than_threads_and_queue_are_admitted_and_a_ticket_comes_back() {
        let pool = HashPool::start(1, 2).unwrap();
        let a = pool.admit().unwrap();
        let _b = pool.admit().unwrap();
        let _c = pool.admit().unwrap();
        assert!(pool.admit().is_none());
        assert!(matches!(
            pool.admit_or_busy(),
            Err(AuthError::Busy {
                retry_after_secs: 1
            })
        ));
        assert_eq!(pool.in_use(), 3);
        drop(a);
        assert_eq!(pool.in_use(), 2);
        assert!(pool.admit().is_some());
    }

    #[tokio::test]
    async fn a_job_runs_on_a_hashing_thread_and_gives_its_ticket_back() {
        let pool = HashPool::start(2, 0).unwrap();
        let ticket = pool.admit().unwrap();
        let name = pool
            .run(ticket, || std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("schakel-hash-"));
        assert_eq!(pool.in_use(), 0);
    }

    #[tokio::test]
    async fn a_turn_waits_for_a_free_thread() {
        let pool = HashPool::start(1, 4).unwrap();
        let (a, b) = (pool.admit().unwrap(), pool.admit().unwrap());
        let first = pool.turn(&a).await.unwrap();
        let second = tokio::time::timeout(std::time::Duration::from_millis(50), pool.turn(&b));
        assert!(second.await.is_err(), "one thread: the second waits");
        drop(first);
        assert!(pool.turn(&b).await.is_ok());
    }

    /// The threads' policy as Linux reports it (`SCHED_IDLE` is 5, `SCHED_OTHER` 0) and
    /// their nice value.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_threads_run_at_the_priority_the_pool_reports() {
        let pool = HashPool::start(1, 0).unwrap();
        let ticket = pool.admit().unwrap();
        let sched = pool
            .run(ticket, || {
                std::fs::read_to_string("/proc/thread-self/sched")
            })
            .await
            .unwrap()
            .unwrap();
        let field = |name: &str| {
            sched
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_owned())
        };
        let policy = field("policy").unwrap();
        match pool.priority() {
            Priority::Idle => assert_eq!(policy, "5"),
            Priority::Lowest => {
                assert_eq!(policy, "0");
                assert_eq!(field("prio").unwrap(), "139");
            }
            Priority::Normal => {}
        }
        assert_ne!(pool.priority(), Priority::Normal, "{sched}");
    }
}
