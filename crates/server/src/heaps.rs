//! How the C library's memory allocator keeps memory, for the long-running commands
//! (`serve`, `worker`).
//!
//! glibc's malloc gives threads that allocate at the same moment heaps of their own, up
//! to eight per core, and a heap keeps the memory freed in it for its next threads.
//! Every request's database work runs on whichever thread of the blocking pool is free,
//! so over hours every heap came to hold a peak of its own: the resident memory of a
//! `serve` on SQLite grew in steps by about 12 MiB an hour, and by 2 MiB a minute with a
//! worker beside it taking turns at the database, while the memory in use stayed flat.
//! Two heaps stopped most of that. What was left came from malloc's moving threshold:
//! once a large block is freed, blocks of up to that size are carved from the heaps
//! instead of being mapped on their own, and the holes they leave between smaller blocks
//! are held. A fixed threshold of 128 KiB (and handing memory back above 256 KiB free at
//! a heap's top) kept what malloc holds within a few MiB of what is in use, about 20 MiB
//! less resident memory under the same load (the soaks in docs/reliability.md), for a
//! map and unmap call every few requests.
//!
//! glibc reads these settings from the environment when the process starts. A
//! long-running command started without them therefore starts itself again with them:
//! the same program, arguments and process id (the process image is replaced, so a
//! service manager sees nothing). A value the operator set is kept as it is.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;

/// The variables glibc reads, with the values a long-running command takes unless the
/// operator set them: two heaps, a fixed 128 KiB threshold for mapping a block on its
/// own, and 256 KiB free at a heap's top before it is handed back.
pub const SETTINGS: [(&str, &str); 3] = [
    ("MALLOC_ARENA_MAX", "2"),
    ("MALLOC_MMAP_THRESHOLD_", "131072"),
    ("MALLOC_TRIM_THRESHOLD_", "262144"),
];

/// Replaces this process with itself under the [`SETTINGS`] not set yet (by the
/// operator, or by this very step). Returns only when that cannot be done, with the
/// reason; the process then goes on as it is.
pub fn limit() -> Option<std::io::Error> {
    let missing: Vec<_> = SETTINGS
        .into_iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut args = std::env::args_os();
    let name = args.next().unwrap_or_else(|| OsString::from("schakel"));
    // The running program itself, even if its file was replaced since it started.
    let error = std::process::Command::new("/proc/self/exe")
        .arg0(name)
        .args(args)
        .envs(missing)
        .exec();
    Some(error)
}
