//! A column of the index: an owned `Vec` while an index is built or extended, or a slice of a
//! mapped cache file (`crate::cache`) when it was reopened from disk. Either way it derefs to
//! `&[T]`, so every reader works on both without a decode step; a reopened index is used in
//! place from the mapping, and its memory is file-backed rather than anonymous.
//!
//! Reads are branch-free: the slice pointer and length are kept beside the storage. Any
//! mutation (push, extend, `col[i] = v`) first turns a mapped column into an owned copy
//! (copy-on-write), which is what extending a reopened index after an append needs.

use crate::mapped::Mapping;
use std::sync::Arc;

/// Plain old data that may be viewed in place in a mapped file: fixed layout, no padding,
/// every bit pattern valid.
///
/// # Safety
/// Implement only for types with those properties.
pub unsafe trait Pod: Copy + Send + Sync + 'static {}
// SAFETY: primitive integers have no padding and every bit pattern is a value.
unsafe impl Pod for u8 {}
// SAFETY: as above.
unsafe impl Pod for u16 {}
// SAFETY: as above.
unsafe impl Pod for u32 {}
// SAFETY: as above.
unsafe impl Pod for i64 {}

enum Store<T> {
    Owned(Vec<T>),
    /// The mapping the slice points into, kept alive as long as the column (registered
    /// with the SIGBUS handler: a cache file truncated under a reader reads as zeros and
    /// counts a fault, see `faulted`).
    Mapped(Arc<Mapping>),
}

pub struct Col<T: Pod> {
    ptr: *const T,
    len: usize,
    store: Store<T>,
}

// SAFETY: `ptr` points into storage owned by `store` (a Vec or a read-only mapping), which is
// Send + Sync; the column never hands out aliasing mutable access.
unsafe impl<T: Pod> Send for Col<T> {}
// SAFETY: as above.
unsafe impl<T: Pod> Sync for Col<T> {}

impl<T: Pod> Default for Col<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T: Pod> From<Vec<T>> for Col<T> {
    fn from(v: Vec<T>) -> Self {
        Col { ptr: v.as_ptr(), len: v.len(), store: Store::Owned(v) }
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Col<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Pod> Clone for Col<T> {
    fn clone(&self) -> Self {
        match &self.store {
            Store::Owned(v) => v.clone().into(),
            Store::Mapped(m) => Col { ptr: self.ptr, len: self.len, store: Store::Mapped(m.clone()) },
        }
    }
}

impl<T: Pod> std::ops::Deref for Col<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr`/`len` describe live storage held by `store` (checked in bounds and
        // aligned by `mapped`, or taken from the Vec after its last change).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl<T: Pod> std::ops::DerefMut for Col<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.edit(0, |v| v.as_mut_ptr());
        // SAFETY: the storage is now an owned Vec of `len` elements; `ptr` is its buffer.
        unsafe { std::slice::from_raw_parts_mut(self.ptr as *mut T, self.len) }
    }
}

impl<T: Pod> Col<T> {
    /// `len` values of `T` at byte `offset` of a mapping; None when out of bounds or
    /// misaligned (a cache file is never trusted).
    pub fn mapped(map: &Arc<Mapping>, offset: usize, len: usize) -> Option<Col<T>> {
        let bytes = len.checked_mul(std::mem::size_of::<T>())?;
        let end = offset.checked_add(bytes)?;
        if end > map.as_slice().len() {
            return None;
        }
        // SAFETY: offset <= map.len(), checked above.
        let ptr = unsafe { map.as_slice().as_ptr().add(offset) } as *const T;
        if !(ptr as usize).is_multiple_of(std::mem::align_of::<T>()) {
            return None;
        }
        Some(Col { ptr, len, store: Store::Mapped(map.clone()) })
    }

    /// True when the values live in a mapped file.
    pub fn is_mapped(&self) -> bool {
        matches!(self.store, Store::Mapped(_))
    }

    /// True when a read of the mapped file this column lives in faulted (the file was
    /// truncated under it): its values may have read as zeros.
    pub fn faulted(&self) -> bool {
        matches!(&self.store, Store::Mapped(m) if m.faulted())
    }

    /// Runs `f` on the owned Vec (copying a mapped column first, with room for `extra`
    /// more values), then refreshes the view.
    #[inline]
    fn edit<R>(&mut self, extra: usize, f: impl FnOnce(&mut Vec<T>) -> R) -> R {
        if let Store::Mapped(_) = self.store {
            let mut v = Vec::with_capacity(self.len + extra);
            advise_huge(&v);
            v.extend_from_slice(self);
            self.store = Store::Owned(v);
        }
        let Store::Owned(v) = &mut self.store else { unreachable!("just made owned") };
        let r = f(v);
        self.ptr = v.as_ptr();
        self.len = v.len();
        r
    }

    #[inline]
    pub fn push(&mut self, value: T) {
        self.edit(1, |v| v.push(value))
    }
    pub fn extend_from_slice(&mut self, values: &[T]) {
        self.edit(values.len(), |v| v.extend_from_slice(values))
    }
    pub fn extend(&mut self, values: impl IntoIterator<Item = T>) {
        let values = values.into_iter();
        self.edit(values.size_hint().0, |v| v.extend(values))
    }
    pub fn reserve(&mut self, n: usize) {
        self.edit(n, |v| v.reserve(n))
    }
    pub fn shrink_to_fit(&mut self) {
        if !self.is_mapped() {
            self.edit(0, |v| v.shrink_to_fit())
        }
    }
    /// Anonymous heap held (0 for a mapped column: its pages are file-backed).
    pub fn capacity(&self) -> usize {
        match &self.store {
            Store::Owned(v) => v.capacity(),
            Store::Mapped(_) => 0,
        }
    }
    /// The values as bytes (to write them to a cache file).
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `T: Pod` has no padding, so its values are initialized bytes.
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, std::mem::size_of_val(&**self)) }
    }
}

/// Asks for transparent huge pages for a large buffer about to be filled: copying a mapped
/// column of a million entries into 4 KiB pages costs a page fault per page, which is most of
/// the copy's time (and far more on a loaded machine).
fn advise_huge<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = v.capacity() * std::mem::size_of::<T>();
        if bytes >= 2 * HUGE {
            let start = (v.as_ptr() as usize).next_multiple_of(4096);
            let len = (v.as_ptr() as usize + bytes - start) / 4096 * 4096;
            // SAFETY: an advice on pages of our own allocation; it changes no contents.
            unsafe {
                libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
            }
        }
    }
}

impl<T: Pod + PartialEq> PartialEq for Col<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Pod + PartialEq> PartialEq<Vec<T>> for Col<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_column_behaves_like_a_vec() {
        let mut c: Col<u32> = Col::default();
        for i in 0..100 {
            c.push(i);
        }
        c.extend_from_slice(&[7, 8]);
        c[0] = 42;
        assert_eq!(c.len(), 102);
        assert_eq!(c[0], 42);
        assert_eq!(&c[100..], &[7, 8]);
        assert!(!c.is_mapped());
    }

    #[test]
    fn mapped_column_is_copied_on_write_and_checked() {
        let mut f = tempfile();
        use std::io::Write;
        let vals: Vec<u32> = (0..64).collect();
        let bytes: Vec<u8> = vals.iter().flat_map(|v| v.to_ne_bytes()).collect();
        f.1.write_all(&bytes).unwrap();
        let map = Arc::new(Mapping::map(&f.1, &f.0).unwrap());
        let mut c: Col<u32> = Col::mapped(&map, 8, 10).unwrap();
        assert!(c.is_mapped());
        assert_eq!(c.capacity(), 0);
        assert_eq!(&c[..3], &[2, 3, 4]);
        assert!(Col::<u32>::mapped(&map, 2, 1).is_none(), "misaligned");
        assert!(Col::<u32>::mapped(&map, 0, 65).is_none(), "past the end");
        assert!(Col::<u32>::mapped(&map, usize::MAX, 1).is_none(), "overflow");
        c.push(99);
        assert!(!c.is_mapped());
        assert_eq!(c.len(), 11);
        assert_eq!(c[10], 99);
        assert_eq!(c[0], 2);
        std::fs::remove_file(&f.0).unwrap();
        f.0.clear();
    }

    fn tempfile() -> (String, std::fs::File) {
        let p =
            std::env::temp_dir().join(format!("logsift-col-{}-{:?}", std::process::id(), std::thread::current().id()));
        let path = p.to_string_lossy().into_owned();
        (
            path.clone(),
            std::fs::OpenOptions::new().create(true).truncate(true).read(true).write(true).open(path).unwrap(),
        )
    }
}
