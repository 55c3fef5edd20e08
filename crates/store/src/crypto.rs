//! PHI at rest: AES-256-GCM under a key that lives outside the database, and a blind index for lookups.
//!
//! The 32-byte master key comes from `RCM_ENCRYPTION_KEY` (64 hex digits or base64) or from the key file
//! `<data>/store.key` (hex, created with mode 0600 on first start). Three keys are derived from it with
//! HMAC-SHA256 and fixed labels: the AES-256-GCM key, the blind-index key, and an 8-byte key id.
//!
//! A ciphertext is `1 | key id (8) | nonce (12) | ciphertext | tag (16)`; the associated data is the
//! column it belongs to (`patients.last_name`) with the key id, so a value copied into another column,
//! or a value under another key, fails to decrypt instead of being read as something else.

use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Result, StoreError};

/// The environment variable holding the master key (hex or base64), read before the key file.
pub const KEY_ENV: &str = "RCM_ENCRYPTION_KEY";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "store.key";

const FORMAT: u8 = 1;
const HEADER: usize = 1 + 8 + 12;
const TAG: usize = 16;

/// A 256-bit master key. Never printed (its `Debug` shows the key id only), zeroed when dropped.
#[derive(Clone)]
pub struct EncryptionKey(Zeroizing<[u8; 32]>);

/// Where a key came from, for the start-up message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    CreatedFile(PathBuf),
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncryptionKey(id {})", self.key_id())
    }
}

impl EncryptionKey {
    /// A new random key from the operating system.
    pub fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut k[..]).map_err(|_| StoreError::Random)?;
        Ok(EncryptionKey(k))
    }

    /// The key from raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        EncryptionKey(Zeroizing::new(bytes))
    }

    /// Reads 64 hex digits or the base64 of 32 bytes (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let bytes = Zeroizing::new(
            if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                hex::decode(text).map_err(|_| StoreError::Key("not valid hex".into()))?
            } else {
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|_| {
                        StoreError::Key("expected 64 hex digits or base64 of 32 bytes".into())
                    })?
            },
        );
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::Key("the key must be 32 bytes (256 bits)".into()))?;
        Ok(EncryptionKey(Zeroizing::new(arr)))
    }

    /// The key from `RCM_ENCRYPTION_KEY`, else from `<data_dir>/store.key`, which is created (mode 0600,
    /// a new random key) when absent.
    pub fn load_or_create(data_dir: &Path) -> Result<(Self, KeySource)> {
        Self::load_or_create_with(data_dir, std::env::var(KEY_ENV).ok())
    }

    /// [`EncryptionKey::load_or_create`] with the environment variable's value given (`None`: unset).
    pub fn load_or_create_with(
        data_dir: &Path,
        env_value: Option<String>,
    ) -> Result<(Self, KeySource)> {
        if let Some(text) = env_value.filter(|t| !t.trim().is_empty()) {
            let text = Zeroizing::new(text);
            return Ok((Self::parse(&text)?, KeySource::Environment));
        }
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                Ok((Self::parse(&text)?, KeySource::File(path)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate()?;
                std::fs::create_dir_all(data_dir).map_err(|source| io(data_dir, source))?;
                key.write_new_file(&path)?;
                Ok((key, KeySource::CreatedFile(path)))
            }
            Err(source) => Err(io(&path, source)),
        }
    }

    /// Writes the key as hex to a file that must not exist yet, readable by the owner only, and fsyncs it.
    pub fn write_new_file(&self, path: &Path) -> Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|source| io(path, source))?;
        let text = Zeroizing::new(format!("{}\n", hex::encode(&self.0[..])));
        file.write_all(text.as_bytes())
            .map_err(|source| io(path, source))?;
        file.sync_all().map_err(|source| io(path, source))
    }

    /// The key's public id: 16 hex digits derived from it, stored beside every ciphertext.
    pub fn key_id(&self) -> String {
        hex::encode(self.derive_id())
    }

    fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        // HMAC accepts a key of any length, so this cannot fail for 32 bytes.
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0[..]) {
            mac.update(label);
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    fn derive_id(&self) -> [u8; 8] {
        let full = self.derive(b"openrcm key-id v1");
        let mut id = [0u8; 8];
        id.copy_from_slice(&full[..8]);
        id
    }
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The working keys derived from one master key.
pub(crate) struct Cipher {
    aead: Aes256Gcm,
    index_key: Zeroizing<[u8; 32]>,
    key_id: [u8; 8],
}

impl Cipher {
    pub(crate) fn new(key: &EncryptionKey) -> Result<Self> {
        let enc = key.derive(b"openrcm aes-256-gcm v1");
        let aead = Aes256Gcm::new_from_slice(&enc[..])
            .map_err(|_| StoreError::Key("bad key length".into()))?;
        Ok(Cipher {
            aead,
            index_key: key.derive(b"openrcm blind-index v1"),
            key_id: key.derive_id(),
        })
    }

    pub(crate) fn key_id(&self) -> String {
        hex::encode(self.key_id)
    }

    fn aad(&self, context: &str, key_id: &[u8]) -> Vec<u8> {
        let mut aad = Vec::with_capacity(context.len() + 16);
        aad.extend_from_slice(b"openrcm v1 ");
        aad.extend_from_slice(context.as_bytes());
        aad.push(0);
        aad.extend_from_slice(key_id);
        aad
    }

    pub(crate) fn encrypt(&self, context: &'static str, plain: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|_| StoreError::Random)?;
        let aad = self.aad(context, &self.key_id);
        let sealed = self
            .aead
            .encrypt(
                &nonce.into(),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Invalid {
                field: context,
                reason: "too long to encrypt".into(),
            })?;
        let mut out = Vec::with_capacity(HEADER + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&self.key_id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub(crate) fn decrypt(&self, context: &'static str, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let bad = || StoreError::Decrypt { context };
        if blob.len() < HEADER + TAG || blob[0] != FORMAT {
            return Err(bad());
        }
        let key_id = &blob[1..9];
        if key_id != self.key_id {
            return Err(bad());
        }
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&blob[9..HEADER]);
        let aad = self.aad(context, key_id);
        self.aead
            .decrypt(
                &nonce.into(),
                Payload {
                    msg: &blob[HEADER..],
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| bad())
    }

    pub(crate) fn encrypt_str(&self, context: &'static str, plain: &str) -> Result<Vec<u8>> {
        self.encrypt(context, plain.as_bytes())
    }

    pub(crate) fn encrypt_opt(
        &self,
        context: &'static str,
        plain: Option<&str>,
    ) -> Result<Option<Vec<u8>>> {
        plain.map(|p| self.encrypt_str(context, p)).transpose()
    }

    pub(crate) fn decrypt_str(&self, context: &'static str, blob: &[u8]) -> Result<String> {
        let plain = self.decrypt(context, blob)?;
        String::from_utf8(plain.to_vec()).map_err(|_| StoreError::Decrypt { context })
    }

    pub(crate) fn decrypt_opt(
        &self,
        context: &'static str,
        blob: Option<&[u8]>,
    ) -> Result<Option<String>> {
        blob.map(|b| self.decrypt_str(context, b)).transpose()
    }

    /// The blind index of a patient: HMAC-SHA256 of the normalized last name and the birth date, so a
    /// patient is found by equality without decrypting every row (and without the name in the database).
    pub(crate) fn lookup_index(&self, last_name: &str, birth_date: jiff::civil::Date) -> Vec<u8> {
        let mut out = Vec::new();
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.index_key[..]) {
            mac.update(b"patient v1 ");
            mac.update(normalize_name(last_name).as_bytes());
            mac.update(b"|");
            mac.update(birth_date.to_string().as_bytes());
            out = mac.finalize().into_bytes().to_vec();
        }
        out
    }
}

/// Upper case letters and digits only: "O'Brien-Smith " and "obrien smith" index alike.
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trip_and_context_binding() {
        let c = Cipher::new(&EncryptionKey::generate().unwrap()).unwrap();
        let blob = c.encrypt_str("patients.last_name", "Quixley").unwrap();
        assert!(!blob.windows(7).any(|w| w == b"Quixley"));
        assert_eq!(
            c.decrypt_str("patients.last_name", &blob).unwrap(),
            "Quixley"
        );
        // Another column, another key, or one flipped bit: refused.
        assert!(c.decrypt_str("patients.first_name", &blob).is_err());
        let other = Cipher::new(&EncryptionKey::generate().unwrap()).unwrap();
        assert!(other.decrypt_str("patients.last_name", &blob).is_err());
        let mut altered = blob.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(c.decrypt_str("patients.last_name", &altered).is_err());
        // Two encryptions of one value differ (random nonce).
        assert_ne!(
            blob,
            c.encrypt_str("patients.last_name", "Quixley").unwrap()
        );
    }

    #[test]
    fn key_text_forms() {
        let k = EncryptionKey::generate().unwrap();
        let hex_text = hex::encode(&k.0[..]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&k.0[..]);
        assert_eq!(
            EncryptionKey::parse(&hex_text).unwrap().key_id(),
            k.key_id()
        );
        assert_eq!(
            EncryptionKey::parse(&format!(" {b64}\n")).unwrap().key_id(),
            k.key_id()
        );
        assert!(EncryptionKey::parse("abcd").is_err());
        assert!(!format!("{k:?}").contains(&hex_text));
    }

    #[test]
    fn blind_index_normalizes() {
        let c = Cipher::new(&EncryptionKey::generate().unwrap()).unwrap();
        let d: jiff::civil::Date = "1961-07-14".parse().unwrap();
        assert_eq!(
            c.lookup_index("O'Brien-Smith ", d),
            c.lookup_index("obrien smith", d)
        );
        assert_ne!(
            c.lookup_index("OBrien", d),
            c.lookup_index("OBrien", "1961-07-15".parse().unwrap())
        );
        assert_eq!(c.lookup_index("x", d).len(), 32);
    }
}
