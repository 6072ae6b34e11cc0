//! Hostile zips the fixture builder cannot write: real deflate bombs (written bit by bit, so a
//! gigabyte of expansion costs milliseconds to make), entries sharing one local header, and
//! compression methods nobody should use. Each is a complete, parseable zip; what makes it
//! hostile is stated on the function.

use shelf::serverless::package::testing::{ZipBuilder, publish_yaml, rename_entry};

/// One entry of [`raw_zip`].
pub struct RawEntry {
    pub name: Vec<u8>,
    /// 0 stored, 8 deflate, anything else to test refusal.
    pub method: u16,
    pub crc: u32,
    /// The bytes as they sit in the zip (compressed for method 8).
    pub data: Vec<u8>,
    /// The uncompressed size the headers declare (true or not).
    pub size: u32,
}

/// A zip with the entries in order: local headers and data, the central directory, the end
/// record. Unix "made by", regular-file mode 0644, DOS epoch timestamps, no extra fields.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for entry in entries {
        offsets.push(u32::try_from(out.len()).expect("small zip"));
        local_header(&mut out, entry);
        out.extend_from_slice(&entry.data);
    }
    let central: Vec<(&RawEntry, u32)> = entries.iter().zip(offsets).collect();
    finish(out, &central)
}

fn local_header(out: &mut Vec<u8>, entry: &RawEntry) {
    out.extend_from_slice(b"PK\x03\x04");
    push16(out, 20); // version needed
    push16(out, 0); // flags
    push16(out, entry.method);
    push16(out, 0); // time
    push16(out, 0x21); // date: 1980-01-01
    push32(out, entry.crc);
    push32(out, len32(&entry.data));
    push32(out, entry.size);
    push16(out, u16::try_from(entry.name.len()).expect("short name"));
    push16(out, 0); // extra length
    out.extend_from_slice(&entry.name);
}

/// Appends the central directory (one record per `(entry, local header offset)`) and the
/// end record to `out`.
fn finish(mut out: Vec<u8>, central: &[(&RawEntry, u32)]) -> Vec<u8> {
    let start = len32(&out);
    for (entry, offset) in central {
        out.extend_from_slice(b"PK\x01\x02");
        push16(&mut out, (3 << 8) | 20); // made by Unix
        push16(&mut out, 20);
        push16(&mut out, 0);
        push16(&mut out, entry.method);
        push16(&mut out, 0);
        push16(&mut out, 0x21);
        push32(&mut out, entry.crc);
        push32(&mut out, len32(&entry.data));
        push32(&mut out, entry.size);
        push16(
            &mut out,
            u16::try_from(entry.name.len()).expect("short name"),
        );
        push16(&mut out, 0); // extra
        push16(&mut out, 0); // comment
        push16(&mut out, 0); // disk
        push16(&mut out, 0); // internal attributes
        push32(&mut out, 0o100_644 << 16);
        push32(&mut out, *offset);
        out.extend_from_slice(&entry.name);
    }
    let size = len32(&out) - start;
    let count = u16::try_from(central.len()).expect("few entries");
    out.extend_from_slice(b"PK\x05\x06");
    push16(&mut out, 0);
    push16(&mut out, 0);
    push16(&mut out, count);
    push16(&mut out, count);
    push32(&mut out, size);
    push32(&mut out, start);
    push16(&mut out, 0);
    out
}

fn push16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn push32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn len32(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.len()).expect("zip under 4 GiB")
}

/// CRC-32 (IEEE), bit by bit: only ever run on a few bytes.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// An honest stored entry.
pub fn stored(name: &str, data: &[u8]) -> RawEntry {
    RawEntry {
        name: name.as_bytes().to_vec(),
        method: 0,
        crc: crc32(data),
        data: data.to_vec(),
        size: len32(data),
    }
}

/// A raw deflate stream that inflates to `1 + 258 * repeats` zero bytes: one fixed-Huffman
/// block holding a literal 0 and then `repeats` copies of "length 258, distance 1", 13 bits
/// each — about 1:1,300, the most deflate allows.
pub fn zeros_deflate(repeats: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = fixed Huffman
    bits.huffman(0x30, 8); // literal 0
    for _ in 0..repeats {
        bits.huffman(0xC5, 8); // symbol 285: length 258, no extra bits
        bits.huffman(0, 5); // distance code 0: distance 1
    }
    bits.huffman(0, 7); // end of block (256)
    bits.finish()
}

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// `count` bits of `value`, least significant first (deflate's header and extra bits).
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc.to_le_bytes()[0]);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, which deflate packs most significant bit first.
    fn huffman(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.put(reversed, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc.to_le_bytes()[0]);
        }
        self.out
    }
}

/// A valid package `name@version` plus a deflated `bomb.bin` of `1 + 258 * repeats` zeros
/// whose headers declare `declared` bytes. The CRC is left at 0: every check that matters
/// runs on the sizes before a CRC could be compared.
pub fn bomb(name: &str, version: &str, repeats: usize, declared: u32) -> Vec<u8> {
    let yaml = publish_yaml(name, version);
    raw_zip(&[
        stored("publish.yaml", yaml.as_bytes()),
        RawEntry {
            name: b"bomb.bin".to_vec(),
            method: 8,
            crc: 0,
            data: zeros_deflate(repeats),
            size: declared,
        },
    ])
}

/// Two central records for one local header (the "overlapping entries" bomb, in which many
/// names share one compressed block).
pub fn overlapping(name: &str, version: &str) -> Vec<u8> {
    let yaml = publish_yaml(name, version);
    let manifest = stored("publish.yaml", yaml.as_bytes());
    let mut out = Vec::new();
    local_header(&mut out, &manifest);
    out.extend_from_slice(&manifest.data);
    let alias = RawEntry {
        name: b"publish.yml".to_vec(),
        ..stored("", yaml.as_bytes())
    };
    finish(out, &[(&manifest, 0), (&alias, 0)])
}

/// A valid package with one more stored entry whose method field says `method`.
pub fn with_method(name: &str, version: &str, method: u16) -> Vec<u8> {
    let yaml = publish_yaml(name, version);
    raw_zip(&[
        stored("publish.yaml", yaml.as_bytes()),
        RawEntry {
            method,
            ..stored("data.bin", b"payload")
        },
    ])
}

/// A valid package with an extra entry, renamed in place to `hostile` (raw bytes, any
/// length): the name the zip writer would refuse to write.
pub fn with_entry_named(name: &str, version: &str, hostile: &[u8]) -> Vec<u8> {
    let yaml = publish_yaml(name, version);
    raw_zip(&[
        stored("publish.yaml", yaml.as_bytes()),
        RawEntry {
            name: hostile.to_vec(),
            ..stored("", b"x")
        },
    ])
}

/// A valid package with a second entry called `twin`, renamed in place to `existing` (an
/// entry the package already has): one path, two contents.
pub fn with_duplicate(name: &str, version: &str, existing: &str, body: &str) -> Vec<u8> {
    let twin: String = "z".repeat(existing.len());
    let mut zip = ZipBuilder::package(name, version).file(&twin, body).build();
    rename_entry(&mut zip, &twin, existing);
    zip
}
