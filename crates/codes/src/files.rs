//! The file discipline of the data directory, shared by every store in it (code sets here,
//! the NCCI tables in `rcm-edits`): bounded reads of outside files, writes through a
//! temporary file, fsync and rename (a crash leaves the old file or the new one, never half),
//! and an exclusive lock per store while it changes.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;

/// Reads a file of at most `max` bytes; a larger one is `io::ErrorKind::FileTooLarge` so the
/// caller can say what the limit protects.
pub fn read_limited(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("{len} bytes"),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes `name` in `dir` through a temporary file, fsync and rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let target = dir.join(name);
    let res = (|| -> io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &target)?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res
}

/// Takes the exclusive lock file `path` (created when absent); held until the file is dropped.
pub fn lock(path: &Path) -> io::Result<File> {
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    f.lock()?;
    Ok(f)
}

/// Lower-case hexadecimal, for digests.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write_atomic(dir.path(), "a.json", b"one").unwrap_or_else(|e| panic!("{e}"));
        write_atomic(dir.path(), "a.json", b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            fs::read(dir.path().join("a.json")).ok(),
            Some(b"two".to_vec())
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let big = dir.path().join("a.json");
        assert_eq!(
            read_limited(&big, 2).map_err(|e| e.kind()),
            Err(io::ErrorKind::FileTooLarge)
        );
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
