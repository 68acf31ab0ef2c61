//! How many heaps the C library's memory allocator keeps, for the long-running commands
//! (`serve`, `worker`).
//!
//! glibc's malloc gives threads that allocate at the same moment heaps of their own, up
//! to eight per core, and a heap keeps the memory freed in it for its next threads.
//! Every request's database work runs on whichever thread of the blocking pool is free,
//! so over hours every heap came to hold a peak of its own: the resident memory of a
//! `serve` on SQLite grew in steps by about 12 MiB an hour, and by 2 MiB a minute with a
//! worker beside it taking turns at the database, while the memory in use stayed flat;
//! with two heaps it stayed flat to the kibibyte (the soaks in docs/reliability.md).
//!
//! glibc reads the limit, `MALLOC_ARENA_MAX`, from the environment when the process
//! starts. A long-running command started without it therefore starts itself again with
//! it: the same program, arguments and process id (the process image is replaced, so a
//! service manager sees nothing). A value the operator set is kept as it is.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;

/// The variable glibc reads.
pub const VARIABLE: &str = "MALLOC_ARENA_MAX";

/// The heaps a long-running command keeps unless the operator chose otherwise.
pub const DEFAULT: &str = "2";

/// Replaces this process with itself under [`DEFAULT`] heaps, unless [`VARIABLE`] is set
/// already (by the operator, or by this very step). Returns only when that cannot be
/// done, with the reason; the process then goes on as it is.
pub fn limit() -> Option<std::io::Error> {
    if std::env::var_os(VARIABLE).is_some() {
        return None;
    }
    let mut args = std::env::args_os();
    let name = args.next().unwrap_or_else(|| OsString::from("schakel"));
    // The running program itself, even if its file was replaced since it started.
    let error = std::process::Command::new("/proc/self/exe")
        .arg0(name)
        .args(args)
        .env(VARIABLE, DEFAULT)
        .exec();
    Some(error)
}
