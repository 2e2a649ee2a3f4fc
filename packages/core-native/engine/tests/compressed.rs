//! Compressed inputs: decompressed as a stream into a mapped temporary file; every gzip
//! member and zstd frame is read; binary content and a size limit are refused with typed
//! errors.

mod common;
use common::{generated as logs, temp_dir};
use logsift_engine::indexer::{open_paths, Control, OpenOptions};
use logsift_engine::source::{Bytes, ReadLimits, Source};
use logsift_engine::Code;
use std::io::Write;
use std::path::Path;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 1).unwrap()
}

fn entries(path: &Path, opts: &OpenOptions) -> logsift_engine::Result<usize> {
    let (ix, _) = open_paths(&[path.to_string_lossy().into_owned()], opts, &Control::default())?;
    Ok(ix.len())
}

#[test]
fn every_gzip_member_and_every_zstd_frame_is_read() {
    let d = temp_dir("compressed-members");
    let (a, b) = (logs(1, 700), logs(2, 300));
    let whole = [a.clone(), b.clone()].concat();
    let plain = d.join("plain.jsonl");
    std::fs::write(&plain, &whole).unwrap();
    let want = entries(&plain, &OpenOptions::default()).unwrap();
    assert_eq!(want, 1000);

    let gz = d.join("two-members.jsonl.gz");
    std::fs::write(&gz, [gzip(&a), gzip(&b)].concat()).unwrap();
    let zs = d.join("two-frames.jsonl.zst");
    std::fs::write(&zs, [zstd(&a), zstd(&b)].concat()).unwrap();
    for path in [&gz, &zs] {
        assert_eq!(entries(path, &OpenOptions::default()).unwrap(), want, "{}", path.display());
        let src = Source::open(&path.to_string_lossy(), &ReadLimits::default()).unwrap();
        assert_eq!(src.data(), &whole[..], "{}", path.display());
        // Decompressed into a mapped file, not into the heap.
        assert!(matches!(src.bytes, Bytes::Decompressed(_)));
        assert_eq!(src.size, std::fs::metadata(path).unwrap().len());
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn the_decompressed_size_limit_is_a_typed_error() {
    let d = temp_dir("compressed-limit");
    let data = logs(3, 5000);
    let gz = d.join("big.jsonl.gz");
    std::fs::write(&gz, gzip(&data)).unwrap();
    let at = |max: u64| OpenOptions { limits: ReadLimits { max_decompressed: Some(max) }, ..Default::default() };
    let err = entries(&gz, &at(data.len() as u64 - 1)).unwrap_err();
    assert_eq!(err.code, Code::TooLarge);
    assert!(err.message.contains(&format!("more than {} bytes", data.len() - 1)), "{}", err.message);
    assert_eq!(entries(&gz, &at(data.len() as u64)).unwrap(), 5000);
    // From bytes (stdin) too.
    let err = Source::from_bytes_limited("-", gzip(&data), &ReadLimits { max_decompressed: Some(1000) }).err().unwrap();
    assert_eq!(err.code, Code::TooLarge);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn binary_and_broken_archives_are_refused_when_named_and_skipped_in_a_directory() {
    let d = temp_dir("compressed-binary");
    std::fs::write(d.join("zeros.gz"), gzip(&vec![0u8; 8 << 20])).unwrap();
    let mut broken = gzip(&logs(4, 2000));
    broken.truncate(broken.len() / 2);
    std::fs::write(d.join("broken.jsonl.gz"), &broken).unwrap();
    std::fs::write(d.join("ok.jsonl.zst"), zstd(&logs(5, 100))).unwrap();
    let none = OpenOptions::default();
    assert_eq!(entries(&d.join("zeros.gz"), &none).unwrap_err().code, Code::BinaryInput);
    assert_eq!(entries(&d.join("broken.jsonl.gz"), &none).unwrap_err().code, Code::Decompress);
    let (ix, skipped) = open_paths(&[d.to_string_lossy().into_owned()], &none, &Control::default()).unwrap();
    assert_eq!(ix.len(), 100);
    let codes: Vec<(String, Code)> = skipped
        .iter()
        .map(|s| (Path::new(&s.path).file_name().unwrap().to_string_lossy().into_owned(), s.code))
        .collect();
    assert_eq!(
        codes,
        vec![("broken.jsonl.gz".to_string(), Code::Decompress), ("zeros.gz".to_string(), Code::BinaryInput)]
    );
    std::fs::remove_dir_all(&d).unwrap();
}
