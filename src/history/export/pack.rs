//! A pack writer of our own, for the packs Shelf plans itself: each object is stored whole
//! or as a delta against the object its plan names as its base — the same path's object in
//! the parent commit, already in the pack — so no delta search runs at all.
//!
//! The index's files are JSON lines that grow by a line per version (much like the line
//! before it), and its trees change one entry per commit: against the previous version of
//! the same path, a delta made in one pass over the two objects ([`delta`]) is close to
//! git's own, without git's search over a window of candidates. A full export is then
//! linear in the history's bytes. libgit2's pack builder (which cannot
//! reuse deltas and searches a window for every object) stays for merging small packs,
//! whose objects come with no plan.
//!
//! The bytes depend only on the objects and their order: one index always gives the same
//! pack. Format: git's pack version 2 (`OFS_DELTA` entries, depth at most
//! [`MAX_DEPTH`]) and its `.idx` version 2, named `pack-{checksum}` as git names them.

use std::{
    collections::HashMap,
    fs::{self, File},
    io::{self, BufWriter, Write},
    path::Path,
};

use flate2::{Compress, Compression, FlushCompress, Status};
use git2::{ObjectType, Odb, Oid};
use sha1::{Digest, Sha1};

use crate::{
    index::IndexError,
    progress::{Progress, Tally},
};

/// The longest chain of deltas an object may end (git's default `pack.depth`).
pub const MAX_DEPTH: u32 = 50;

/// At most this many bytes of delta bases are kept in memory while a pack is written; the
/// rest are read again when their turn comes. A full export whose versions arrive round
/// robin would otherwise hold every package's record at once.
const KEPT_BYTES: usize = 32 << 20;

/// An object as a pack's `.idx` lists it: its id, the CRC-32 of its entry and the entry's
/// offset in the pack.
pub type IdxEntry = (Oid, u32, u64);

/// An object to pack and the object its delta may be taken against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    /// The object.
    pub id: Oid,
    /// The same path's object in the parent commit, when there is one.
    pub base: Option<Oid>,
}

/// Where an object went in the pack.
pub(super) struct Written {
    pub(super) offset: u64,
    pub(super) crc: u32,
    pub(super) depth: u32,
}

/// A `Write` that hashes and counts what passes through it.
pub(super) struct Hashing<W> {
    inner: W,
    hasher: Sha1,
    pub(super) written: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn type_code(kind: ObjectType) -> io::Result<u8> {
    match kind {
        ObjectType::Commit => Ok(1),
        ObjectType::Tree => Ok(2),
        ObjectType::Blob => Ok(3),
        ObjectType::Tag => Ok(4),
        other => Err(io::Error::other(format!("cannot pack a {other:?}"))),
    }
}

/// An entry's header: type and inflated size.
fn entry_header(code: u8, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    let mut size = size as u64;
    let mut byte = (code << 4) | (size & 0x0f) as u8;
    size >>= 4;
    while size > 0 {
        out.push(byte | 0x80);
        byte = (size & 0x7f) as u8;
        size >>= 7;
    }
    out.push(byte);
    out
}

/// The distance back to an `OFS_DELTA`'s base, in git's encoding.
fn ofs_distance(mut distance: u64) -> Vec<u8> {
    let mut out = vec![(distance & 0x7f) as u8];
    distance >>= 7;
    while distance > 0 {
        distance -= 1;
        out.push(0x80 | (distance & 0x7f) as u8);
        distance >>= 7;
    }
    out.reverse();
    out
}

fn size_varint(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Copies `len` bytes from `offset` of the base (split into git's largest copies).
fn copy(out: &mut Vec<u8>, mut offset: usize, mut len: usize) {
    const MAX_COPY: usize = 0xff_ffff;
    while len > 0 {
        let n = len.min(MAX_COPY);
        let mut op = 0x80u8;
        let mut args = Vec::with_capacity(7);
        for i in 0..4 {
            let b = ((offset >> (8 * i)) & 0xff) as u8;
            if b != 0 {
                op |= 1 << i;
                args.push(b);
            }
        }
        for i in 0..3 {
            let b = ((n >> (8 * i)) & 0xff) as u8;
            if b != 0 {
                op |= 1 << (4 + i);
                args.push(b);
            }
        }
        out.push(op);
        out.extend_from_slice(&args);
        offset += n;
        len -= n;
    }
}

/// Inserts `bytes` literally (127 at a time).
fn insert(out: &mut Vec<u8>, bytes: &[u8]) {
    for chunk in bytes.chunks(0x7f) {
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
}

/// The block [`delta`] indexes its base by.
const BLOCK: usize = 16;

/// A hash of one block (two words, multiplied and mixed).
fn block_hash(block: &[u8]) -> u64 {
    let word = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&block[at..at + 8]);
        u64::from_le_bytes(bytes)
    };
    let h = word(0).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ word(8);
    h.wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(29)
}

/// A delta that turns `base` into `target`, git's delta format: the base is indexed by its
/// [`BLOCK`]-byte blocks, and every run of the target found there (extended both ways as
/// far as the bytes agree) is a copy, the rest inserted. One base, one pass over each: no
/// search among candidates. `None` when it would not be less than half of `target`.
#[must_use]
pub fn delta(base: &[u8], target: &[u8]) -> Option<Vec<u8>> {
    let mut index: HashMap<u64, usize> = HashMap::with_capacity(base.len() / BLOCK + 1);
    for at in (0..base.len().saturating_sub(BLOCK - 1)).step_by(BLOCK) {
        index.entry(block_hash(&base[at..at + BLOCK])).or_insert(at);
    }
    let mut out = Vec::with_capacity(target.len() / 4 + 32);
    size_varint(&mut out, base.len());
    size_varint(&mut out, target.len());
    let (mut t, mut literal) = (0, 0);
    while t + BLOCK <= target.len() {
        let found = index
            .get(&block_hash(&target[t..t + BLOCK]))
            .copied()
            .filter(|&b| base[b..b + BLOCK] == target[t..t + BLOCK]);
        let Some(b) = found else {
            t += 1;
            continue;
        };
        let forward = base[b..]
            .iter()
            .zip(&target[t..])
            .take_while(|(x, y)| x == y)
            .count();
        let back = base[..b]
            .iter()
            .rev()
            .zip(target[literal..t].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        insert(&mut out, &target[literal..t - back]);
        copy(&mut out, b - back, back + forward);
        t += forward;
        literal = t;
        if out.len() >= target.len() / 2 {
            return None;
        }
    }
    insert(&mut out, &target[literal..]);
    (out.len() < target.len() / 2).then_some(out)
}

/// Applies a delta made by [`delta`] (any git delta): for tests and checks.
///
/// # Errors
/// A delta that does not fit `base`.
pub fn apply(base: &[u8], delta: &[u8]) -> io::Result<Vec<u8>> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not a delta of this base");
    let mut at = 0;
    let varint = |at: &mut usize| -> io::Result<usize> {
        let (mut n, mut shift) = (0usize, 0);
        loop {
            let b = *delta.get(*at).ok_or_else(bad)?;
            *at += 1;
            n |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
    };
    let (source, target) = (varint(&mut at)?, varint(&mut at)?);
    if source != base.len() {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(target);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 == 0 {
            let n = usize::from(op);
            out.extend_from_slice(delta.get(at..at + n).ok_or_else(bad)?);
            at += n;
            continue;
        }
        let (mut offset, mut len) = (0usize, 0usize);
        for i in 0..4 {
            if op & (1 << i) != 0 {
                offset |= usize::from(*delta.get(at).ok_or_else(bad)?) << (8 * i);
                at += 1;
            }
        }
        for i in 0..3 {
            if op & (1 << (4 + i)) != 0 {
                len |= usize::from(*delta.get(at).ok_or_else(bad)?) << (8 * i);
                at += 1;
            }
        }
        if len == 0 {
            len = 0x10000;
        }
        out.extend_from_slice(base.get(offset..offset + len).ok_or_else(bad)?);
    }
    if out.len() != target {
        return Err(bad());
    }
    Ok(out)
}

/// Appends `bytes`, zlib-compressed, to `out`, with one compressor for the whole pack (a
/// new one per object would set up its tables tens of thousands of times).
fn deflate(z: &mut Compress, bytes: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    z.reset();
    out.reserve(bytes.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(z.total_in()).map_err(io::Error::other)?;
        let status = z
            .compress_vec(&bytes[consumed..], out, FlushCompress::Finish)
            .map_err(io::Error::other)?;
        if status == Status::StreamEnd {
            return Ok(());
        }
        out.reserve(out.capacity().max(64));
    }
}

/// Encodes one pack entry at `offset` into `entry` (cleared first): a delta against
/// `base` (its offset, its depth and its bytes) when one is given and a delta is smaller,
/// else the object whole. The entry's delta depth.
///
/// # Errors
/// An object kind a pack cannot hold, or a compression error.
pub(super) fn encode_entry(
    z: &mut Compress,
    entry: &mut Vec<u8>,
    kind: ObjectType,
    data: &[u8],
    offset: u64,
    base: Option<(u64, u32, &[u8])>,
) -> io::Result<u32> {
    entry.clear();
    let as_delta = base.and_then(|(base_offset, depth, bytes)| {
        delta(bytes, data).map(|d| (d, base_offset, depth + 1))
    });
    match as_delta {
        Some((d, base_offset, depth)) => {
            entry.extend(entry_header(6, d.len()));
            entry.extend(ofs_distance(offset - base_offset));
            deflate(z, &d, entry)?;
            Ok(depth)
        }
        None => {
            entry.extend(entry_header(type_code(kind)?, data.len()));
            deflate(z, data, entry)?;
            Ok(0)
        }
    }
}

/// A pack being written into `dir`: the header first, entries through its `out`, then
/// [`PackFile::finish`] with where each object went.
pub(super) struct PackFile {
    temp: std::path::PathBuf,
    pub(super) out: Hashing<BufWriter<File>>,
}

impl PackFile {
    pub(super) fn begin(dir: &Path, count: usize) -> io::Result<PackFile> {
        let temp = dir.join("tmp-pack.pack");
        let mut out = Hashing {
            // Readable too: [`PackFile::finish_counted`] hashes it again.
            inner: BufWriter::with_capacity(
                1 << 16,
                File::options()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&temp)?,
            ),
            hasher: Sha1::new(),
            written: 0,
        };
        out.write_all(b"PACK")?;
        out.write_all(&2u32.to_be_bytes())?;
        let count = u32::try_from(count).map_err(io::Error::other)?;
        out.write_all(&count.to_be_bytes())?;
        Ok(PackFile { temp, out })
    }

    /// Writes the checksum, syncs, writes the `.idx` and gives both their names
    /// (`pack-{checksum}`), read-only; the name.
    fn finish(self, dir: &Path, written: &HashMap<Oid, Written>) -> io::Result<String> {
        let PackFile { temp, mut out } = self;
        let checksum: [u8; 20] = out.hasher.clone().finalize().into();
        out.inner.write_all(&checksum)?;
        out.inner.flush()?;
        out.inner
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        Self::name(&temp, dir, written, checksum)
    }

    /// [`PackFile::finish`] for a pack begun with no count: the header gets the number of
    /// objects `written`, and the checksum is taken again over the file.
    pub(super) fn finish_counted(
        self,
        dir: &Path,
        written: &HashMap<Oid, Written>,
    ) -> io::Result<String> {
        use std::io::{Read as _, Seek as _, SeekFrom};
        let PackFile { temp, out } = self;
        let mut file = out.inner.into_inner().map_err(|e| e.into_error())?;
        let count = u32::try_from(written.len()).map_err(io::Error::other)?;
        file.seek(SeekFrom::Start(8))?;
        file.write_all(&count.to_be_bytes())?;
        file.seek(SeekFrom::Start(0))?;
        let mut hasher = Sha1::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let checksum: [u8; 20] = hasher.finalize().into();
        file.write_all(&checksum)?;
        file.sync_all()?;
        Self::name(&temp, dir, written, checksum)
    }

    /// Writes the `.idx` and gives both files their names, read-only; the name.
    fn name(
        temp: &Path,
        dir: &Path,
        written: &HashMap<Oid, Written>,
        checksum: [u8; 20],
    ) -> io::Result<String> {
        let name = format!("pack-{}", hex::encode(checksum));
        write_idx(&dir.join(format!("{name}.idx")), written, &checksum)?;
        fs::rename(temp, dir.join(format!("{name}.pack")))?;
        for ext in ["idx", "pack"] {
            let path = dir.join(format!("{name}.{ext}"));
            let mut permissions = fs::metadata(&path)?.permissions();
            permissions.set_readonly(true);
            fs::set_permissions(&path, permissions)?;
        }
        Ok(name)
    }
}

/// Writes `objects` (in this order) as one pack with its index into `dir`; its base name
/// (`pack-{checksum}`), or `None` when there is nothing to pack.
///
/// # Errors
/// Git errors reading objects, I/O errors writing.
pub fn write(
    odb: &Odb<'_>,
    objects: &[Planned],
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Option<String>, IndexError> {
    if objects.is_empty() {
        return Ok(None);
    }
    let mut pack = PackFile::begin(dir, objects.len())?;
    let out = &mut pack.out;
    let mut written: HashMap<Oid, Written> = HashMap::with_capacity(objects.len());
    // The bytes of each object a later one is planned against, kept until that one is
    // written, up to [`KEPT_BYTES`] in all; a base that did not fit is read again.
    let mut wanted: HashMap<Oid, usize> = HashMap::new();
    for planned in objects {
        if let Some(base) = planned.base {
            *wanted.entry(base).or_default() += 1;
        }
    }
    let mut kept: HashMap<Oid, Vec<u8>> = HashMap::new();
    let mut kept_bytes = 0usize;
    let mut z = Compress::new(Compression::default(), true);
    let mut entry = Vec::new();
    for (done, planned) in (1..).zip(objects) {
        progress.tally(Tally {
            done,
            bytes: out.written,
            ..Tally::default()
        });
        if written.contains_key(&planned.id) {
            continue;
        }
        let object = odb.read(planned.id)?;
        let data = object.data();
        let offset = out.written;
        let base = match planned.base {
            Some(b) => {
                let left = wanted.get_mut(&b).map(|n| {
                    *n -= 1;
                    *n
                });
                let bytes = if left == Some(0) {
                    kept.remove(&b).inspect(|bytes| kept_bytes -= bytes.len())
                } else {
                    kept.get(&b).cloned()
                };
                match written.get(&b).filter(|w| w.depth < MAX_DEPTH) {
                    Some(w) => {
                        let bytes = match bytes {
                            Some(bytes) => bytes,
                            None => odb.read(b)?.data().to_vec(),
                        };
                        Some((w.offset, w.depth, bytes))
                    }
                    None => None,
                }
            }
            None => None,
        };
        let base = base
            .as_ref()
            .map(|(base_offset, depth, bytes)| (*base_offset, *depth, bytes.as_slice()));
        let depth = encode_entry(&mut z, &mut entry, object.kind(), data, offset, base)?;
        let crc = crc32fast::hash(&entry);
        out.write_all(&entry)?;
        if wanted.get(&planned.id).is_some_and(|n| *n > 0) && kept_bytes + data.len() <= KEPT_BYTES
        {
            kept_bytes += data.len();
            kept.insert(planned.id, data.to_vec());
        }
        written.insert(planned.id, Written { offset, crc, depth });
    }
    Ok(Some(pack.finish(dir, &written)?))
}

/// Merges whole packs (each the pack's path and its `.idx` entries,
/// [`super::packing::idx_entries`]) into one pack in `dir` by copying their entries
/// as they are, one pack after another: an `OFS_DELTA` names its base by the distance back,
/// which copying a pack whole keeps, so nothing is inflated, searched or compressed again,
/// and the same packs in the same order give the same bytes. `None` when an object is in
/// two of them (a blob that came back), which a pack must not hold twice: the caller merges
/// another way.
///
/// # Errors
/// I/O errors, or a pack or index that is not version 2.
pub fn concatenate(
    packs: &[(std::path::PathBuf, Vec<IdxEntry>)],
    dir: &Path,
) -> Result<Option<String>, IndexError> {
    const HEADER: u64 = 12;
    const TRAILER: u64 = 20;
    let mut seen = std::collections::HashSet::new();
    for (_, objects) in packs {
        if objects.iter().any(|(id, _, _)| !seen.insert(*id)) {
            return Ok(None);
        }
    }
    if seen.is_empty() {
        return Ok(None);
    }
    let mut pack = PackFile::begin(dir, seen.len())?;
    let out = &mut pack.out;
    let mut written: HashMap<Oid, Written> = HashMap::with_capacity(seen.len());
    for (pack, objects) in packs {
        let mut file = File::open(pack)?;
        let len = file.metadata()?.len();
        let mut header = [0u8; 12];
        io::Read::read_exact(&mut file, &mut header)?;
        let entries = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
        if &header[..8] != b"PACK\0\0\0\x02"
            || entries as usize != objects.len()
            || len < HEADER + TRAILER
        {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "not a version 2 pack").into());
        }
        let start = out.written;
        io::copy(&mut io::Read::take(&mut file, len - HEADER - TRAILER), out)?;
        for &(id, crc, offset) in objects {
            let offset = offset - HEADER + start;
            written.insert(
                id,
                Written {
                    offset,
                    crc,
                    depth: 0,
                },
            );
        }
    }
    Ok(Some(pack.finish(dir, &written)?))
}

/// The `.idx` (version 2) of the objects written.
fn write_idx(path: &Path, written: &HashMap<Oid, Written>, checksum: &[u8; 20]) -> io::Result<()> {
    let mut ids: Vec<&Oid> = written.keys().collect();
    ids.sort();
    let mut idx = Vec::with_capacity(8 + 1024 + ids.len() * 28 + 40);
    idx.extend_from_slice(&[0xff, b't', b'O', b'c']);
    idx.extend_from_slice(&2u32.to_be_bytes());
    let mut fanout = [0u32; 256];
    for id in &ids {
        fanout[usize::from(id.as_bytes()[0])] += 1;
    }
    let mut total = 0;
    for count in fanout {
        total += count;
        idx.extend_from_slice(&total.to_be_bytes());
    }
    for id in &ids {
        idx.extend_from_slice(id.as_bytes());
    }
    for id in &ids {
        idx.extend_from_slice(&written[*id].crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for id in &ids {
        let offset = written[*id].offset;
        match u32::try_from(offset) {
            Ok(small) if small < 0x8000_0000 => idx.extend_from_slice(&small.to_be_bytes()),
            _ => {
                let at = u32::try_from(large.len()).map_err(io::Error::other)? | 0x8000_0000;
                idx.extend_from_slice(&at.to_be_bytes());
                large.push(offset);
            }
        }
    }
    for offset in large {
        idx.extend_from_slice(&offset.to_be_bytes());
    }
    idx.extend_from_slice(checksum);
    let own: [u8; 20] = Sha1::digest(&idx).into();
    idx.extend_from_slice(&own);
    fs::write(path, idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_apply_back_to_their_target() {
        let base = b"{\"v\":1}\n{\"version\":\"1.0.0\"}\n".repeat(20);
        let mut target = base.clone();
        target.extend_from_slice(b"{\"version\":\"1.0.1\"}\n");
        let d = delta(&base, &target).expect("an appended line is a small delta");
        assert!(d.len() < 40, "{} bytes", d.len());
        assert_eq!(apply(&base, &d).expect("applies"), target);
        // A change in the middle.
        let mut edited = base.clone();
        edited[100] = b'X';
        let d = delta(&base, &edited).expect("small");
        assert_eq!(apply(&base, &d).expect("applies"), edited);
        // Unrelated bytes: no delta.
        assert!(delta(b"abcdefgh", b"12345678").is_none());
        // Long copies and inserts split as git reads them.
        let big = vec![7u8; 0x30_0000];
        let mut grown = big.clone();
        grown.extend(vec![1u8; 300]);
        let d = delta(&big, &grown).expect("small");
        assert_eq!(apply(&big, &d).expect("applies"), grown);
    }

    #[test]
    fn a_line_much_like_the_one_before_is_a_small_delta() {
        let readme = "A readme of some length, with words that repeat. ".repeat(80);
        let line = |v: &str| format!("{{\"version\":\"{v}\",\"readme\":\"{readme}\"}}\n");
        let base = format!("{{\"v\":1}}\n{}", line("1.0.0"));
        let target = format!("{base}{}", line("1.0.1"));
        let d = delta(base.as_bytes(), target.as_bytes()).expect("a delta");
        assert!(
            d.len() < 64,
            "{} bytes for a {}-byte line",
            d.len(),
            line("x").len()
        );
        assert_eq!(
            apply(base.as_bytes(), &d).expect("applies"),
            target.as_bytes()
        );
    }

    #[test]
    fn any_delta_applies_back_to_its_target() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300 {
            let len = (next() % 3000) as usize;
            let base: Vec<u8> = (0..len).map(|_| b"ab\n{}"[(next() % 5) as usize]).collect();
            let mut target = base.clone();
            for _ in 0..(next() % 6) {
                let at = (next() as usize) % (target.len() + 1);
                match next() % 3 {
                    0 => target.insert(at, (next() % 256) as u8),
                    1 if at < target.len() => {
                        target.remove(at);
                    }
                    _ => target
                        .splice(at..at, base.iter().take(40).copied())
                        .for_each(drop),
                }
            }
            if let Some(d) = delta(&base, &target) {
                assert_eq!(apply(&base, &d).expect("applies"), target);
            }
        }
    }

    #[test]
    fn headers_and_distances_use_gits_encodings() {
        assert_eq!(entry_header(3, 5), [0x35]);
        assert_eq!(entry_header(1, 300), [0x9c, 0x12]);
        assert_eq!(ofs_distance(127), [0x7f]);
        assert_eq!(ofs_distance(128), [0x80, 0x00]);
        assert_eq!(ofs_distance(16_511), [0xff, 0x7f]);
        assert_eq!(ofs_distance(16_512), [0x80, 0x80, 0x00]);
    }
}
