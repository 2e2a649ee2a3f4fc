//! Memory-mapped files that never crash the process when another process truncates them.
//!
//! Reading a page of a mapping beyond the end of its (now shorter) file raises SIGBUS, which
//! kills the process by default. Every file mapping of the engine goes through [`Mapping`],
//! which registers its address range in a process-wide table. A SIGBUS handler, installed
//! once, looks the faulting address up in that table (lock-free, async-signal-safe): inside
//! a registered range it maps anonymous zero pages over the rest of the range, counts the
//! fault and returns, so the interrupted read goes on and sees zeros. The operation that was
//! running checks [`Mapping::faulted`] of its sources when it ends and reports
//! SOURCE_CHANGED instead of an answer computed on zeros. Faults outside our ranges go to
//! the handler that was installed before ours (or to the default action: the crash the
//! program would have had anyway).
//!
//! The scan loops pay nothing: no check per read, only a counter read per operation.

use crate::error::{Code, Error, Result};
use memmap2::Mmap;
use std::fs::File;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// Registered ranges at most: the kernel's default `vm.max_map_count` (65530) bounds the
/// number of mappings a process can hold anyway.
const SLOTS: usize = 1 << 16;

/// One registered range. `end == 0` means free (or being filled in): the handler only
/// trusts a slot once `end` is published, after `start`.
struct Slot {
    claimed: AtomicUsize,
    start: AtomicUsize,
    end: AtomicUsize,
    faults: AtomicUsize,
}

#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    claimed: AtomicUsize::new(0),
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    faults: AtomicUsize::new(0),
};
static TABLE: [Slot; SLOTS] = [FREE; SLOTS];
/// Slots below this index may be in use: the handler scans only these.
static HIGH: AtomicUsize = AtomicUsize::new(0);
/// Where the next registration starts looking for a free slot.
static NEXT: AtomicUsize = AtomicUsize::new(0);
static PAGE: AtomicUsize = AtomicUsize::new(4096);

/// The SIGBUS disposition before ours, written once before our handler is installed.
struct Previous(std::cell::UnsafeCell<libc::sigaction>);
// SAFETY: written once inside `INSTALL` before the handler that reads it exists.
unsafe impl Sync for Previous {}
static PREVIOUS: Previous = Previous(std::cell::UnsafeCell::new(unsafe { std::mem::zeroed() }));
static INSTALL: Once = Once::new();

/// A read-only mapping of a whole file whose reads survive the file being truncated.
pub struct Mapping {
    map: Mmap,
    slot: usize,
}

impl Mapping {
    /// Maps `file` (not empty) read-only and registers the range with the fault handler.
    pub fn map(file: &File, path: &str) -> Result<Mapping> {
        install();
        // SAFETY: read-only map. A truncation by another process is what the SIGBUS handler
        // above turns into zero pages and a fault count, checked by the caller.
        let map = unsafe { Mmap::map(file) }.map_err(|e| Error::io(path, &e))?;
        let start = map.as_ptr() as usize;
        let page = PAGE.load(Ordering::Relaxed);
        let end = (start + map.len()).div_ceil(page) * page;
        let slot = register(start, end).ok_or_else(|| {
            Error::new(Code::Io, format!("cannot map {path}: more than {SLOTS} files are mapped")).at(path)
        })?;
        Ok(Mapping { map, slot })
    }

    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        &self.map
    }

    /// Faults (reads past the end of the truncated file) since the file was mapped. Once
    /// non-zero, parts of the mapping read as zeros for good.
    pub fn faults(&self) -> usize {
        TABLE[self.slot].faults.load(Ordering::SeqCst)
    }

    pub fn faulted(&self) -> bool {
        self.faults() > 0
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Unregister before `map` is unmapped (fields drop after this body).
        let s = &TABLE[self.slot];
        s.end.store(0, Ordering::SeqCst);
        s.start.store(0, Ordering::SeqCst);
        s.faults.store(0, Ordering::SeqCst);
        s.claimed.store(0, Ordering::SeqCst);
    }
}

fn register(start: usize, end: usize) -> Option<usize> {
    let first = NEXT.load(Ordering::Relaxed);
    for k in 0..SLOTS {
        let i = (first + k) % SLOTS;
        let s = &TABLE[i];
        if s.claimed.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
            HIGH.fetch_max(i + 1, Ordering::SeqCst);
            s.faults.store(0, Ordering::SeqCst);
            s.start.store(start, Ordering::SeqCst);
            s.end.store(end, Ordering::SeqCst);
            NEXT.store((i + 1) % SLOTS, Ordering::Relaxed);
            return Some(i);
        }
    }
    None
}

/// Installs the SIGBUS handler once per process.
pub fn install() {
    INSTALL.call_once(|| {
        // SAFETY: plain libc calls; PREVIOUS is written before our handler can run.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE);
            if page > 0 {
                PAGE.store(page as usize, Ordering::Relaxed);
            }
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_sigbus as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut act.sa_mask);
            libc::sigaction(libc::SIGBUS, std::ptr::null(), PREVIOUS.0.get());
            libc::sigaction(libc::SIGBUS, &act, std::ptr::null_mut());
        }
    });
}

/// The SIGBUS handler. Async-signal-safe: atomics, `mmap` and `sigaction` only.
extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for an SA_SIGINFO handler.
    let addr = unsafe { (*info).si_addr() } as usize;
    let high = HIGH.load(Ordering::SeqCst);
    for s in &TABLE[..high] {
        let end = s.end.load(Ordering::SeqCst);
        let start = s.start.load(Ordering::SeqCst);
        if end == 0 || addr < start || addr >= end {
            continue;
        }
        // Counted first: a thread that reads the zero pages below (this one or another) and
        // then checks the count must find it set.
        s.faults.fetch_add(1, Ordering::SeqCst);
        let page = PAGE.load(Ordering::Relaxed);
        let from = addr & !(page - 1);
        // Zeros from the faulting page to the end of the range: everything past the new end
        // of file would fault too, and one signal per page would be slow on a large file.
        // SAFETY: [from, end) lies inside a live read-only mapping that we own; replacing it
        // with anonymous pages keeps it mapped (and it is unmapped with the rest on drop).
        let res = unsafe {
            libc::mmap(
                from as *mut libc::c_void,
                end - from,
                libc::PROT_READ,
                libc::MAP_FIXED | libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if res != libc::MAP_FAILED {
            return;
        }
        break;
    }
    // Not ours (or the zero page could not be mapped): what would have happened without us.
    // SAFETY: PREVIOUS was filled in before this handler was installed.
    unsafe {
        let prev = &*PREVIOUS.0.get();
        if prev.sa_flags & libc::SA_SIGINFO != 0 && prev.sa_sigaction > libc::SIG_IGN {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(prev.sa_sigaction);
            f(sig, info, ctx);
        } else if prev.sa_sigaction > libc::SIG_IGN {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(prev.sa_sigaction);
            f(sig);
        } else {
            // Default action: restore it and return; the faulting read runs again and the
            // signal terminates the process as it would have without this handler.
            libc::sigaction(libc::SIGBUS, prev, std::ptr::null_mut());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_truncated_mapping_reads_zeros_and_counts_the_fault() {
        let dir = std::env::temp_dir().join(format!("logsift-mapped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.log");
        let mut f = File::create(&path).unwrap();
        let page = PAGE.load(Ordering::Relaxed).max(4096);
        f.write_all(&vec![b'x'; page * 8]).unwrap();
        drop(f);
        let file = File::open(&path).unwrap();
        let m = Mapping::map(&file, "a.log").unwrap();
        assert!(!m.faulted());
        assert_eq!(m.as_slice()[page * 5], b'x');
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(page as u64 * 2).unwrap();
        // Page 1 is still in the file, page 5 is past its end: a SIGBUS without the handler.
        assert_eq!(m.as_slice()[page], b'x');
        assert!(!m.faulted());
        let tail_sum: u64 = m.as_slice()[page * 3..].iter().map(|&b| b as u64).sum();
        assert_eq!(tail_sum, 0);
        assert!(m.faulted());
        // Other mappings are not affected.
        let other = Mapping::map(&file, "a.log").unwrap();
        assert!(!other.faulted());
        drop(m);
        drop(other);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
