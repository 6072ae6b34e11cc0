//! Reading a zip's raw bytes, for what the zip crate does not show: how many central
//! directory records there are before it parses them all, and records it folds away.

use std::io::{self, Read, Seek, SeekFrom};

use std::collections::HashSet;

use super::{ArchiveError, Entry};

/// Counts occurrences of the central directory record signature in the whole stream, then
/// rewinds it.
pub(super) fn count_record_signatures<R: Read + Seek>(reader: &mut R) -> io::Result<usize> {
    const SIGNATURE: &[u8; 4] = b"PK\x01\x02";
    reader.seek(SeekFrom::Start(0))?;
    // Three bytes carried over from the previous chunk, so a signature across chunks counts.
    let mut buffer = vec![0u8; 3 + 64 * 1024];
    let mut carried = 0;
    let mut count = 0;
    loop {
        let read = match reader.read(&mut buffer[carried..]) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let filled = carried + read;
        count += buffer[..filled]
            .windows(4)
            .filter(|w| w == SIGNATURE)
            .count();
        carried = filled.min(3);
        buffer.copy_within(filled - carried..filled, 0);
    }
    reader.seek(SeekFrom::Start(0))?;
    Ok(count)
}

/// Reads the central directory's records straight from the bytes, for the two things the zip
/// crate folds away: several records with one name (it keeps the last), and an Info-ZIP
/// Unicode Path field (0x7075), whose name it uses instead of the header's.
pub(super) fn check_raw_records<R: Read + Seek>(
    reader: &mut R,
    directory_start: u64,
    entries: &[Entry],
    max_entries: usize,
) -> Result<(), ArchiveError> {
    // The directory is one run of records; the crate kept the last record of every name, so
    // the furthest kept record is the run's last.
    let Some(last) = entries.iter().map(|e| e.central_header_start).max() else {
        return Ok(());
    };
    let mut seen = HashSet::with_capacity(entries.len());
    let mut position = directory_start;
    for _ in 0..=max_entries {
        let record = read_record(reader, position).map_err(|e| ArchiveError::NotAZip(e.into()))?;
        // Stops a name that readers honouring the Unicode Path field see differently from
        // readers that ignore it: both names must be the same bytes.
        if record
            .unicode_path
            .as_ref()
            .is_some_and(|path| *path != record.name)
        {
            let name = String::from_utf8_lossy(&record.name).into_owned();
            return Err(ArchiveError::AmbiguousName { name });
        }
        // Stops two entries unpacking to one path, where the later silently replaces the
        // checked one; `a/` and `a` count as the same path.
        let key = record
            .name
            .strip_suffix(b"/")
            .unwrap_or(&record.name)
            .to_vec();
        if !seen.insert(key) {
            let name = String::from_utf8_lossy(&record.name).into_owned();
            return Err(ArchiveError::DuplicateName { name });
        }
        if position >= last {
            return Ok(());
        }
        position = record.next;
    }
    // Only reachable through repeated names, which the crate counted once.
    Err(ArchiveError::TooManyEntries { limit: max_entries })
}

struct RawRecord {
    name: Vec<u8>,
    unicode_path: Option<Vec<u8>>,
    next: u64,
}

/// One central directory record (APPNOTE 4.3.12): 46 fixed bytes, then name, extra field and
/// comment.
fn read_record<R: Read + Seek>(reader: &mut R, position: u64) -> io::Result<RawRecord> {
    let mut fixed = [0u8; 46];
    reader.seek(SeekFrom::Start(position))?;
    reader.read_exact(&mut fixed)?;
    if fixed[..4] != *b"PK\x01\x02" {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "central directory record expected",
        ));
    }
    let length = |at: usize| usize::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
    let (name_len, extra_len, comment_len) = (length(28), length(30), length(32));
    let mut name = vec![0u8; name_len];
    reader.read_exact(&mut name)?;
    let mut extra = vec![0u8; extra_len];
    reader.read_exact(&mut extra)?;
    // Each extra field is a tag, a length and that many bytes; the Unicode Path field's data
    // is a version byte, the CRC-32 of the header name, then the UTF-8 name.
    let mut unicode_path = None;
    let mut rest = extra.as_slice();
    while let [t0, t1, l0, l1, tail @ ..] = rest {
        let (tag, len) = (
            u16::from_le_bytes([*t0, *t1]),
            usize::from(u16::from_le_bytes([*l0, *l1])),
        );
        let Some((data, after)) = tail.split_at_checked(len) else {
            break;
        };
        if tag == 0x7075 {
            unicode_path = Some(data.get(5..).unwrap_or_default().to_vec());
        }
        rest = after;
    }
    let next = position + 46 + (name_len + extra_len + comment_len) as u64;
    Ok(RawRecord {
        name,
        unicode_path,
        next,
    })
}

/// The offset of the first local header signature (`PK\x03\x04`) before `directory_start`
/// outside every range in `covered` (each entry's local header and data), if any.
pub(super) fn find_unlisted_header<R: Read + Seek>(
    reader: &mut R,
    mut covered: Vec<(u64, u64)>,
    directory_start: u64,
) -> io::Result<Option<u64>> {
    covered.sort_unstable();
    let mut cursor = 0;
    for (start, end) in covered
        .into_iter()
        .chain([(directory_start, directory_start)])
    {
        if start > cursor
            && let Some(found) = find_local_signature(reader, cursor, start.min(directory_start))?
        {
            return Ok(Some(found));
        }
        cursor = cursor.max(end);
    }
    Ok(None)
}

/// The offset of the first `PK\x03\x04` in `start..end` of the stream, read in chunks.
fn find_local_signature<R: Read + Seek>(
    reader: &mut R,
    start: u64,
    end: u64,
) -> io::Result<Option<u64>> {
    const SIGNATURE: &[u8; 4] = b"PK\x03\x04";
    reader.seek(SeekFrom::Start(start))?;
    let mut limited = (&mut *reader).take(end.saturating_sub(start));
    // Three bytes carried over from the previous chunk, so a signature across chunks counts.
    let mut buffer = vec![0u8; 3 + 64 * 1024];
    let (mut carried, mut offset) = (0, start);
    loop {
        let read = match limited.read(&mut buffer[carried..]) {
            Ok(0) => return Ok(None),
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let filled = carried + read;
        if let Some(at) = buffer[..filled].windows(4).position(|w| w == SIGNATURE) {
            return Ok(Some(offset + at as u64));
        }
        let keep = filled.min(3);
        buffer.copy_within(filled - keep..filled, 0);
        offset += (filled - keep) as u64;
        carried = keep;
    }
}
