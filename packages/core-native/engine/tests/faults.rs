//! Faults met while opening a directory: a symlink loop, an unreadable file or directory,
//! files deleted while the walk runs. Like ripgrep, an entry found by the walk that cannot
//! be read is skipped and listed in `skipped`; a file the user named is a typed error.

mod common;
use common::{generated as logs, temp_dir};
use logsift_engine::indexer::{open_paths, Control, OpenOptions, Skipped};
use logsift_engine::Code;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn open(path: &Path) -> logsift_engine::Result<(usize, Vec<Skipped>)> {
    let (ix, skipped) =
        open_paths(&[path.to_string_lossy().into_owned()], &OpenOptions::default(), &Control::default())?;
    Ok((ix.len(), skipped))
}

fn name(s: &Skipped, root: &Path) -> String {
    Path::new(&s.path).strip_prefix(root).unwrap_or(Path::new(&s.path)).to_string_lossy().into_owned()
}

#[test]
fn a_symlink_loop_is_skipped_and_listed() {
    let d = temp_dir("faults-loop");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("a.jsonl"), logs(1, 50)).unwrap();
    std::fs::write(d.join("sub/b.jsonl"), logs(2, 30)).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("self", d.join("self")).unwrap();
    let (n, skipped) = open(&d).unwrap();
    assert_eq!(n, 80);
    let listed: Vec<(String, Code)> = skipped.iter().map(|s| (name(s, &d), s.code)).collect();
    assert!(listed.contains(&("sub/up".to_string(), Code::Io)), "{listed:?}");
    let up = skipped.iter().find(|s| name(s, &d) == "sub/up").unwrap();
    assert!(up.reason.contains("symlink loop"), "{}", up.reason);
    // `self -> self` cannot be resolved at all (ELOOP): skipped too, not a failed open.
    assert!(listed.iter().any(|(p, _)| p == "self"), "{listed:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// Runs `f` on a thread without the capabilities that let root ignore file modes
/// (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): Linux credentials are per thread, so the rest of
/// the test process keeps them. Returns None when that is impossible (not Linux).
fn without_dac_override<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            if unsafe { libc::geteuid() } == 0 {
                drop_dac_capabilities();
            }
            f()
        })
        .join()
        .unwrap()
    })
}

fn drop_dac_capabilities() {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const VERSION_3: u32 = 0x2008_0522;
    const DAC: u32 = (1 << 1) | (1 << 2);
    let mut h = Header { version: VERSION_3, pid: 0 };
    let mut data = [Data::default(); 2];
    // SAFETY: capget/capset with the v3 header and two data words, on this thread only.
    unsafe {
        assert_eq!(libc::syscall(libc::SYS_capget, &mut h, data.as_mut_ptr()), 0);
        data[0].effective &= !DAC;
        h.pid = 0;
        assert_eq!(libc::syscall(libc::SYS_capset, &h, data.as_ptr()), 0);
    }
}

#[test]
fn an_unreadable_file_in_a_directory_is_skipped_and_a_named_one_is_an_error() {
    let d = temp_dir("faults-perm");
    std::fs::create_dir_all(d.join("locked")).unwrap();
    std::fs::write(d.join("a.jsonl"), logs(1, 40)).unwrap();
    std::fs::write(d.join("secret.jsonl"), logs(2, 10)).unwrap();
    std::fs::write(d.join("locked/c.jsonl"), logs(3, 10)).unwrap();
    std::fs::set_permissions(d.join("secret.jsonl"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (walked, named) = without_dac_override(|| (open(&d), open(&d.join("secret.jsonl"))));
    let (n, skipped) = walked.unwrap();
    assert_eq!(n, 40);
    let listed: Vec<(String, Code)> = skipped.iter().map(|s| (name(s, &d), s.code)).collect();
    assert_eq!(
        listed,
        vec![("locked".to_string(), Code::PermissionDenied), ("secret.jsonl".to_string(), Code::PermissionDenied)]
    );
    let err = named.unwrap_err();
    assert_eq!((err.code, err.code.as_str()), (Code::PermissionDenied, "EACCES"));
    assert!(err.location.unwrap().ends_with("secret.jsonl"));
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_dangling_symlink_is_skipped_and_listed() {
    let d = temp_dir("faults-dangling");
    std::fs::write(d.join("a.jsonl"), logs(1, 20)).unwrap();
    std::os::unix::fs::symlink("gone.jsonl", d.join("b.jsonl")).unwrap();
    let (n, skipped) = open(&d).unwrap();
    assert_eq!(n, 20);
    assert_eq!(
        skipped.iter().map(|s| (name(s, &d), s.code)).collect::<Vec<_>>(),
        vec![("b.jsonl".into(), Code::NotFound)]
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn files_deleted_during_the_walk_are_skipped_or_never_seen() {
    let d = temp_dir("faults-deleted");
    const FILES: u64 = 200;
    for i in 0..FILES {
        std::fs::write(d.join(format!("f{i:03}.jsonl")), logs(i, 5)).unwrap();
    }
    // Another thread deletes every other file while the open walks and reads them.
    let (opened, deleted) = std::thread::scope(|s| {
        let deleter = s.spawn(|| {
            let mut gone = 0;
            for i in (0..FILES).step_by(2) {
                if std::fs::remove_file(d.join(format!("f{i:03}.jsonl"))).is_ok() {
                    gone += 1;
                }
                std::thread::yield_now();
            }
            gone
        });
        let opened = open(&d);
        (opened, deleter.join().unwrap())
    });
    assert_eq!(deleted, FILES / 2);
    // Whatever the interleaving: the open succeeds, each file was read whole (5 entries),
    // listed as vanished, or not found by the walk at all; never a failed open.
    let (n, skipped) = opened.unwrap();
    assert_eq!(n % 5, 0);
    assert!(skipped.iter().all(|s| s.code == Code::NotFound), "{skipped:?}");
    assert!(n / 5 + skipped.len() <= FILES as usize);
    assert!(n / 5 >= FILES as usize / 2, "the files never deleted are all indexed: {n}");
    std::fs::remove_dir_all(&d).unwrap();
}
