//! Sign-off: what a signature covers, signing it with an SSH key, and checking every signature
//! of a SOW against the file as it is now, the keys allowed to sign, and the ledger.
//!
//! **What a signature covers.** A sign-off is a record ([`Signature`]): the SHA-256 of the SOW
//! source, the SHA-256 of the rendered document the signer read (and its language), the
//! signer's name, the role and the time. Its [`signed_message`] is those fields, one per line,
//! under a fixed first line; the signer's SSH key signs that text in the OpenSSH `SSHSIG`
//! format, namespace [`SIGNATURE_NAMESPACE`] (what `ssh-keygen -Y sign -n gigops-sow` makes
//! over the same text). So a signature holds only for that source byte for byte, that document,
//! that name, that role and that time: changing any of them in the signatures file breaks it,
//! and so does editing the SOW (its digest no longer matches).
//!
//! **Who may sign as whom.** The signature carries its public key; an OpenSSH `allowed_signers`
//! file ([`AllowedSigners`]) says which key may sign under which names (principals), for which
//! namespaces and in which period (checked at the signature's time, as git does with a commit's
//! time). A signature by a key not listed for the signer's name is refused.
//!
//! A record without an SSH signature (a signatures file written before signing with keys) still
//! reads, and is reported as unsigned: a digest anyone could have written is no sign-off.

use std::collections::BTreeMap;
use std::fmt;

use gigops_core::{Lang, Problem, Problems, Signature};
use jiff::Timestamp;
use serde::Serialize;
use ssh_key::public::KeyData;
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::accept::sha256_hex;

/// The `SSHSIG` namespace of a SOW sign-off: a signature made for another purpose (`git`,
/// `file`) is never taken for one.
pub const SIGNATURE_NAMESPACE: &str = "gigops-sow";

/// The first line of every [`signed_message`]: what the text is, and its version.
const MESSAGE_SCHEMA: &str = "gigops.sow-signature/1";

/// The text a sign-off's SSH signature is made over: every field of the record, one per line.
///
/// ```text
/// gigops.sow-signature/1
/// source-sha256: 4f1c…
/// document-sha256: 9a0b…
/// lang: en
/// signer: Jane Doe
/// role: provider
/// signed-at: 2027-01-03T10:00:00Z
/// ```
///
/// The time is RFC 3339 in UTC, with fractional seconds only when it has them. A field holds no
/// control character ([`sign`] refuses one), so no field can pose as another line.
pub fn signed_message(s: &Signature) -> String {
    format!(
        "{MESSAGE_SCHEMA}\nsource-sha256: {}\ndocument-sha256: {}\nlang: {}\nsigner: {}\nrole: {}\nsigned-at: {}\n",
        s.source_sha256,
        s.document_sha256,
        s.lang,
        s.signer,
        s.role,
        s.signed_at.strftime("%Y-%m-%dT%H:%M:%S%.fZ"),
    )
}

/// Why a signature could not be made or taken.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("{field} {value:?}: {reason}")]
    Field {
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error(
        "the key is protected by a passphrase, which gigops does not ask for: sign with ssh-keygen \
         (or ssh-agent) instead — print the message with `--message`, sign it with \
         `ssh-keygen -Y sign -n {SIGNATURE_NAMESPACE} -f KEY FILE`, and give FILE.sig as \
         `--ssh-signature`, with the same --signer, --role and --at"
    )]
    EncryptedKey,
    #[error("the key cannot sign: {0}")]
    Key(ssh_key::Error),
    #[error("not an SSH signature (-----BEGIN SSH SIGNATURE-----): {0}")]
    NotASignature(ssh_key::Error),
    #[error(
        "the SSH signature is for the namespace {found:?}, not {SIGNATURE_NAMESPACE:?}: sign \
         with `ssh-keygen -Y sign -n {SIGNATURE_NAMESPACE}`"
    )]
    Namespace { found: String },
    #[error(
        "the SSH signature does not sign this sign-off: it must be made over the message \
         `gigops sow sign … --message` prints, with the same SOW, --signer, --role, --lang and \
         --at ({0})"
    )]
    DoesNotVerify(ssh_key::Error),
}

fn check_fields(s: &Signature) -> Result<(), SignError> {
    for (field, value) in [("signer", &s.signer), ("role", &s.role)] {
        let reason = if value.trim().is_empty() {
            "is empty"
        } else if value.chars().any(char::is_control) {
            "holds a control character (a line break could pose as another field)"
        } else if value.trim() != value {
            "starts or ends with a space"
        } else {
            continue;
        };
        return Err(SignError::Field {
            field,
            value: value.clone(),
            reason,
        });
    }
    Ok(())
}

/// `unsigned` signed with `key`: the record with its `ssh_signature` (SHA-512, as `ssh-keygen
/// -Y sign` makes by default).
pub fn sign(unsigned: Signature, key: &PrivateKey) -> Result<Signature, SignError> {
    check_fields(&unsigned)?;
    if key.is_encrypted() {
        return Err(SignError::EncryptedKey);
    }
    let sshsig = key
        .sign(
            SIGNATURE_NAMESPACE,
            HashAlg::Sha512,
            signed_message(&unsigned).as_bytes(),
        )
        .map_err(SignError::Key)?;
    let pem = sshsig.to_pem(LineEnding::LF).map_err(SignError::Key)?;
    Ok(Signature {
        ssh_signature: Some(pem),
        ..unsigned
    })
}

/// `unsigned` with an SSH signature made elsewhere (`ssh-keygen -Y sign` over
/// [`signed_message`], with a hardware key or an agent): taken only when it is an `SSHSIG` of
/// the namespace [`SIGNATURE_NAMESPACE`] that verifies over this record's message.
pub fn with_ssh_signature(unsigned: Signature, pem: &str) -> Result<Signature, SignError> {
    check_fields(&unsigned)?;
    let sshsig = SshSig::from_pem(pem.trim()).map_err(SignError::NotASignature)?;
    if sshsig.namespace() != SIGNATURE_NAMESPACE {
        return Err(SignError::Namespace {
            found: sshsig.namespace().to_string(),
        });
    }
    verify_sshsig(&sshsig, &unsigned).map_err(SignError::DoesNotVerify)?;
    let pem = sshsig.to_pem(LineEnding::LF).map_err(SignError::Key)?;
    Ok(Signature {
        ssh_signature: Some(pem),
        ..unsigned
    })
}

/// Whether `sshsig` is a signature of `record`'s message by the key it carries.
fn verify_sshsig(sshsig: &SshSig, record: &Signature) -> Result<(), ssh_key::Error> {
    PublicKey::new(sshsig.public_key().clone(), "").verify(
        SIGNATURE_NAMESPACE,
        signed_message(record).as_bytes(),
        sshsig,
    )
}

/// The keys allowed to sign and the names each may sign under: an OpenSSH `allowed_signers`
/// file (ssh-keygen(1), "ALLOWED SIGNERS").
///
/// Each line is `principals [options] keytype base64 [comment]`: principals a comma-separated
/// list of patterns (`*` and `?`, `!` to exclude; quoted when it holds spaces, `"Jane Doe"`);
/// options `namespaces="…"`, `valid-after="YYYYMMDD[HHMM[SS]]"`, `valid-before="…"` and
/// `cert-authority` (a certificate authority's key: gigops takes plain keys only, so such a line
/// allows no signature). Times are read as UTC. Blank lines and `#` comments are skipped.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    name: String,
    entries: Vec<AllowedSigner>,
}

#[derive(Debug, Clone)]
struct AllowedSigner {
    line: u64,
    principals: String,
    namespaces: Option<String>,
    valid_after: Option<Timestamp>,
    valid_before: Option<Timestamp>,
    cert_authority: bool,
    key: KeyData,
}

impl AllowedSigners {
    /// Reads an `allowed_signers` file named `name`; every line that does not read is a problem
    /// at its line.
    pub fn parse(name: &str, text: &str) -> Result<AllowedSigners, Problems> {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line_no = index as u64 + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_entry(line) {
                Ok(mut entry) => {
                    entry.line = line_no;
                    entries.push(entry);
                }
                Err(reason) => problems.push(Problem {
                    file: name.to_string(),
                    line: line_no,
                    column: String::new(),
                    reason,
                }),
            }
        }
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        Ok(AllowedSigners {
            name: name.to_string(),
            entries,
        })
    }

    /// Whether `key` may sign as `signer` at `at`; `Err` says why not.
    fn allows(&self, key: &KeyData, signer: &str, at: Timestamp) -> Result<(), String> {
        let fingerprint = key.fingerprint(HashAlg::Sha256);
        let of_key: Vec<&AllowedSigner> = self
            .entries
            .iter()
            .filter(|e| &e.key == key && !e.cert_authority)
            .collect();
        if of_key.is_empty() {
            return Err(format!(
                "key {fingerprint} is not in {} (the allowed signers)",
                self.name
            ));
        }
        let mut reasons = Vec::new();
        for e in of_key {
            let at_line = format!("{}:{}", self.name, e.line);
            if !matches_pattern_list(signer, &e.principals) {
                reasons.push(format!("{at_line} allows it for {}", e.principals));
            } else if e
                .namespaces
                .as_deref()
                .is_some_and(|n| !matches_pattern_list(SIGNATURE_NAMESPACE, n))
            {
                reasons.push(format!(
                    "{at_line} allows it for the namespaces {}, not {SIGNATURE_NAMESPACE}",
                    e.namespaces.as_deref().unwrap_or_default()
                ));
            } else if e.valid_after.is_some_and(|after| at < after) {
                reasons.push(format!(
                    "{at_line} allows it from {}, after the signature's time",
                    e.valid_after.expect("checked")
                ));
            } else if e.valid_before.is_some_and(|before| at >= before) {
                reasons.push(format!(
                    "{at_line} allows it until {}, before the signature's time",
                    e.valid_before.expect("checked")
                ));
            } else {
                return Ok(());
            }
        }
        Err(format!(
            "key {fingerprint} may not sign as {signer:?}: {}",
            reasons.join("; ")
        ))
    }
}

/// One `allowed_signers` line: principals, options when present, then the key.
fn parse_entry(line: &str) -> Result<AllowedSigner, String> {
    let (principals, rest) = next_token(line)?;
    if principals.is_empty() {
        return Err("expected principals, then the key".into());
    }
    let rest = rest.trim_start();
    let (options, key_text) = if PublicKey::from_openssh(rest).is_ok() {
        (String::new(), rest)
    } else {
        let (options, key_text) = next_token(rest)?;
        (options, key_text.trim_start())
    };
    let key = PublicKey::from_openssh(key_text).map_err(|e| {
        format!("expected a public key (`ssh-ed25519 AAAA…`) after the principals and options: {e}")
    })?;
    let mut entry = AllowedSigner {
        line: 0,
        principals,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        cert_authority: false,
        key: key.key_data().clone(),
    };
    for option in split_options(&options) {
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name, Some(value.trim_matches('"').to_string())),
            None => (option.as_str(), None),
        };
        match (name.to_ascii_lowercase().as_str(), value) {
            ("cert-authority", None) => entry.cert_authority = true,
            ("namespaces", Some(v)) => entry.namespaces = Some(v),
            ("valid-after", Some(v)) => entry.valid_after = Some(absolute_time(&v)?),
            ("valid-before", Some(v)) => entry.valid_before = Some(absolute_time(&v)?),
            _ => {
                return Err(format!(
                    "option {option:?}: expected cert-authority, namespaces=\"…\", \
                     valid-after=\"YYYYMMDD\" or valid-before=\"YYYYMMDD\""
                ));
            }
        }
    }
    Ok(entry)
}

/// The first whitespace-delimited token of `text` (a double-quoted part may hold spaces; its
/// quotes are removed when the whole token is one quoted string), and the rest.
fn next_token(text: &str) -> Result<(String, &str), String> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                return Ok((unquote(&text[..i]), &text[i..]));
            }
            _ => {}
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    Ok((unquote(text), ""))
}

fn unquote(token: &str) -> String {
    token
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.contains('"'))
        .unwrap_or(token)
        .to_string()
}

/// `a,namespaces="x,y",b` → `a`, `namespaces="x,y"`, `b`.
fn split_options(options: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in options.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally ending in `Z`, as UTC.
fn absolute_time(text: &str) -> Result<Timestamp, String> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    let expected = || format!("time {text:?}: expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS");
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(expected());
    }
    let padded = format!("{digits:0<14}");
    let n = |range: std::ops::Range<usize>| padded[range].parse::<i16>().map_err(|_| expected());
    let civil = jiff::civil::DateTime::new(
        n(0..4)?,
        n(4..6)? as i8,
        n(6..8)? as i8,
        n(8..10)? as i8,
        n(10..12)? as i8,
        n(12..14)? as i8,
        0,
    )
    .map_err(|e| format!("{}: {e}", expected()))?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| format!("{}: {e}", expected()))
}

/// OpenSSH's pattern lists: comma-separated patterns of `*` and `?`; a match of a pattern
/// written `!pattern` excludes, whatever else matches.
fn matches_pattern_list(text: &str, list: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if matches_pattern(text, negated) => return false,
            Some(_) => {}
            None => matched |= matches_pattern(text, pattern),
        }
    }
    matched
}

fn matches_pattern(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    // Iterative wildcard matching: the last `*` seen and where the text stood then.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The SOW as it is now, for [`verify`]: its source, its document rendered now in each
/// language a signature names, and the copies of documents kept when they were signed.
#[derive(Debug, Clone, Copy)]
pub struct OnFile<'a> {
    pub source: &'a [u8],
    /// The HTML each signer reads, rendered now, by language; empty when the SOW no longer
    /// reads (then no document matches).
    pub rendered: &'a [(Lang, Vec<u8>)],
    /// Documents as they were signed, which stand in for the rendering when a signer's
    /// document no longer renders the same (another gigops's templates).
    pub kept: &'a [Vec<u8>],
}

/// Why one signature is not a valid sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureProblemKind {
    /// No SSH signature: a digest written before keys, or by anyone.
    Unsigned,
    /// The SSH signature does not read, or is of another namespace.
    Malformed,
    /// The SSH signature does not verify over the record: a field was rewritten after signing.
    Forged,
    /// The key is not allowed to sign under the signer's name (or at that time).
    SignerNotAllowed,
    /// No allowed-signers file was given, so who signed is not known.
    SignerNotChecked,
    /// The SOW file is not the one signed.
    SourceChanged,
    /// The document signed is neither rendered now nor kept intact.
    DocumentChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureProblem {
    pub kind: SignatureProblemKind,
    /// The same in a sentence, with the digests and names involved.
    pub reason: String,
}

/// One signature checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    pub signer: String,
    pub role: String,
    pub signed_at: Timestamp,
    pub lang: Lang,
    /// The SHA-256 of the document this signer read, as the signature records it.
    pub document_sha256: String,
    /// The SHA-256 fingerprint of the signing key (`SHA256:…`), when there is an SSH signature.
    pub key: Option<String>,
    /// The source is byte for byte what this signer signed.
    pub source_matches: bool,
    /// The document this signer read is at hand byte for byte: rendered again now, or kept
    /// when it was signed.
    pub document_matches: bool,
    /// This gigops still renders that document from the source. False with a matching document
    /// when only the kept copy shows it.
    pub renders_same: bool,
    /// No problem: a valid sign-off of the SOW as it is now.
    pub valid: bool,
    pub problems: Vec<SignatureProblem>,
}

impl SignatureCheck {
    /// The SOW or its document changed after this signature.
    pub fn changed_after_signing(&self) -> bool {
        !(self.source_matches && self.document_matches)
    }
}

/// A difference between the signatures file and the signatures the ledger recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerDifference {
    /// `missing_in_file` (removed from the file, or never copied there), `missing_in_ledger`
    /// (added to the file only) or `different` (the same signer, role and time with other
    /// digests, language or SSH signature).
    pub kind: &'static str,
    pub signer: String,
    pub role: String,
    pub signed_at: Timestamp,
    /// For `different`: the fields that differ.
    pub fields: Vec<&'static str>,
}

/// Every signature of a SOW checked, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// SHA-256 of the source as given now.
    pub source_sha256: String,
    /// SHA-256 of the document rendered now, by language.
    pub document_sha256: BTreeMap<Lang, String>,
    pub signatures: Vec<SignatureCheck>,
    /// The comparison with the ledger's signatures; `null` when no ledger was consulted.
    pub ledger: Option<Vec<LedgerDifference>>,
    /// At least one signature, every signature a valid sign-off, and no difference with the
    /// ledger.
    pub intact: bool,
    /// Why it is not intact, one sentence each (empty when intact).
    pub refused: Vec<String>,
}

impl Verification {
    /// Some signature was made over another SOW file or document than the one at hand.
    pub fn changed_after_signing(&self) -> bool {
        self.signatures
            .iter()
            .any(SignatureCheck::changed_after_signing)
    }
}

/// Checks every signature against the SOW as it is `now` on file, the `allowed` signers (when
/// `None`, no signature is valid: who signed is unknown) and, when given, the signatures the
/// `ledger` recorded for this SOW.
///
/// The SOW is intact only with at least one signature, every signature valid, and no
/// difference with the ledger.
pub fn verify(
    now: OnFile<'_>,
    signatures: &[Signature],
    allowed: Option<&AllowedSigners>,
    ledger: Option<&[Signature]>,
) -> Verification {
    let source_sha256 = sha256_hex(now.source);
    let document_sha256: BTreeMap<Lang, String> = now
        .rendered
        .iter()
        .map(|(lang, document)| (*lang, sha256_hex(document)))
        .collect();
    let kept: Vec<String> = now.kept.iter().map(|d| sha256_hex(d)).collect();
    let checks: Vec<SignatureCheck> = signatures
        .iter()
        .map(|s| check_one(s, &source_sha256, &document_sha256, &kept, allowed))
        .collect();
    let ledger = ledger.map(|stored| compare_with_ledger(signatures, stored));

    let mut refused = Vec::new();
    if signatures.is_empty() {
        refused.push("no signature: the SOW is not signed".to_string());
    }
    for c in &checks {
        for p in &c.problems {
            refused.push(format!(
                "{} ({}) at {}: {}",
                c.signer, c.role, c.signed_at, p.reason
            ));
        }
    }
    for d in ledger.iter().flatten() {
        let what = format!("{} ({}) at {}", d.signer, d.role, d.signed_at);
        refused.push(match d.kind {
            "missing_in_file" => {
                format!("{what}: recorded in the ledger, missing from the signatures file")
            }
            "missing_in_ledger" => {
                format!("{what}: in the signatures file, not recorded in the ledger")
            }
            _ => format!(
                "{what}: differs from the ledger's record in {}",
                d.fields.join(", ")
            ),
        });
    }
    Verification {
        source_sha256,
        document_sha256,
        signatures: checks,
        ledger,
        intact: refused.is_empty(),
        refused,
    }
}

fn check_one(
    s: &Signature,
    source_sha256: &str,
    document_sha256: &BTreeMap<Lang, String>,
    kept: &[String],
    allowed: Option<&AllowedSigners>,
) -> SignatureCheck {
    let mut problems = Vec::new();
    let mut problem = |kind, reason: String| problems.push(SignatureProblem { kind, reason });
    let mut key = None;
    match &s.ssh_signature {
        None => problem(
            SignatureProblemKind::Unsigned,
            "unsigned: a digest without an SSH signature, which anyone could have written; \
             sign again with `gigops sow sign --key`"
                .into(),
        ),
        Some(pem) => match SshSig::from_pem(pem.trim()) {
            Err(e) => problem(
                SignatureProblemKind::Malformed,
                format!("the SSH signature does not read: {e}"),
            ),
            Ok(sshsig) if sshsig.namespace() != SIGNATURE_NAMESPACE => problem(
                SignatureProblemKind::Malformed,
                format!(
                    "the SSH signature is for the namespace {:?}, not {SIGNATURE_NAMESPACE:?}",
                    sshsig.namespace()
                ),
            ),
            Ok(sshsig) => {
                key = Some(sshsig.public_key().fingerprint(HashAlg::Sha256).to_string());
                if let Err(e) = verify_sshsig(&sshsig, s) {
                    problem(
                        SignatureProblemKind::Forged,
                        format!(
                            "the SSH signature does not verify over this record ({e}): its \
                             signer, role, time, language or digests were changed after signing"
                        ),
                    );
                }
                match allowed {
                    None => problem(
                        SignatureProblemKind::SignerNotChecked,
                        "who signed is not checked: no allowed signers given".into(),
                    ),
                    Some(allowed) => {
                        if let Err(reason) =
                            allowed.allows(sshsig.public_key(), &s.signer, s.signed_at)
                        {
                            problem(SignatureProblemKind::SignerNotAllowed, reason);
                        }
                    }
                }
            }
        },
    }
    let source_matches = s.source_sha256.eq_ignore_ascii_case(source_sha256);
    if !source_matches {
        problem(
            SignatureProblemKind::SourceChanged,
            format!(
                "the SOW file changed after signing (signed SHA-256 {}, now {source_sha256})",
                short(&s.source_sha256)
            ),
        );
    }
    let renders_same = document_sha256
        .get(&s.lang)
        .is_some_and(|now| s.document_sha256.eq_ignore_ascii_case(now));
    let document_matches = renders_same
        || kept
            .iter()
            .any(|k| s.document_sha256.eq_ignore_ascii_case(k));
    if !document_matches {
        problem(
            SignatureProblemKind::DocumentChanged,
            format!(
                "the document signed ({} in {}) is neither what the SOW renders now nor an \
                 intact kept copy",
                short(&s.document_sha256),
                s.lang
            ),
        );
    }
    SignatureCheck {
        signer: s.signer.clone(),
        role: s.role.clone(),
        signed_at: s.signed_at,
        lang: s.lang,
        document_sha256: s.document_sha256.clone(),
        key,
        source_matches,
        document_matches,
        renders_same,
        valid: problems.is_empty(),
        problems,
    }
}

fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// The differences between the signatures in a file and those the ledger recorded, matched by
/// signer, role and time.
pub fn compare_with_ledger(file: &[Signature], ledger: &[Signature]) -> Vec<LedgerDifference> {
    let key = |s: &Signature| (s.role.clone(), s.signer.clone(), s.signed_at);
    let difference = |kind, s: &Signature, fields| LedgerDifference {
        kind,
        signer: s.signer.clone(),
        role: s.role.clone(),
        signed_at: s.signed_at,
        fields,
    };
    let mut differences = Vec::new();
    for stored in ledger {
        match file.iter().find(|s| key(s) == key(stored)) {
            None => differences.push(difference("missing_in_file", stored, Vec::new())),
            Some(s) => {
                let fields: Vec<&'static str> = [
                    ("source_sha256", s.source_sha256 != stored.source_sha256),
                    (
                        "document_sha256",
                        s.document_sha256 != stored.document_sha256,
                    ),
                    ("lang", s.lang != stored.lang),
                    ("ssh_signature", s.ssh_signature != stored.ssh_signature),
                ]
                .into_iter()
                .filter_map(|(field, differs)| differs.then_some(field))
                .collect();
                if !fields.is_empty() {
                    differences.push(difference("different", s, fields));
                }
            }
        }
    }
    for s in file {
        if !ledger.iter().any(|stored| key(stored) == key(s)) {
            differences.push(difference("missing_in_ledger", s, Vec::new()));
        }
    }
    differences
}

impl fmt::Display for SignatureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::private::Ed25519Keypair;

    fn key(seed: u8) -> PrivateKey {
        PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
    }

    fn allowed_line(principals: &str, options: &str, key: &PrivateKey) -> String {
        format!(
            "{principals} {options}{}\n",
            key.public_key().to_openssh().unwrap()
        )
    }

    fn unsigned(source: &[u8], document: &[u8]) -> Signature {
        Signature {
            signer: "Jane Doe".into(),
            role: "provider".into(),
            signed_at: "2027-01-03T10:00:00Z".parse().unwrap(),
            source_sha256: sha256_hex(source),
            document_sha256: sha256_hex(document),
            lang: Lang::En,
            ssh_signature: None,
        }
    }

    const SOURCE: &[u8] = b"id: acme\ntotal: \"12000.00\"\n";
    const DOCUMENT: &[u8] = b"<html>SOW</html>";

    fn on_file<'a>(source: &'a [u8], rendered: &'a [(Lang, Vec<u8>)]) -> OnFile<'a> {
        OnFile {
            source,
            rendered,
            kept: &[],
        }
    }

    fn kinds(v: &Verification) -> Vec<SignatureProblemKind> {
        v.signatures
            .iter()
            .flat_map(|c| c.problems.iter().map(|p| p.kind))
            .collect()
    }

    #[test]
    fn the_message_names_every_field_on_its_own_line() {
        let s = unsigned(SOURCE, DOCUMENT);
        let message = signed_message(&s);
        assert_eq!(
            message,
            format!(
                "gigops.sow-signature/1\nsource-sha256: {}\ndocument-sha256: {}\nlang: en\n\
                 signer: Jane Doe\nrole: provider\nsigned-at: 2027-01-03T10:00:00Z\n",
                sha256_hex(SOURCE),
                sha256_hex(DOCUMENT)
            )
        );
        let mut forged = s.clone();
        forged.signer = "Jane Doe\nrole: client".into();
        assert!(matches!(
            sign(forged, &key(1)),
            Err(SignError::Field {
                field: "signer",
                ..
            })
        ));
    }

    #[test]
    fn a_keyed_signature_by_an_allowed_signer_verifies_and_every_tampering_is_refused() {
        let jane = key(1);
        let allowed =
            AllowedSigners::parse("allowed_signers", &allowed_line("\"Jane Doe\"", "", &jane))
                .unwrap();
        let signed = sign(unsigned(SOURCE, DOCUMENT), &jane).unwrap();
        let rendered = [(Lang::En, DOCUMENT.to_vec())];
        let v = verify(
            on_file(SOURCE, &rendered),
            std::slice::from_ref(&signed),
            Some(&allowed),
            None,
        );
        assert!(v.intact, "{:?}", v.refused);
        assert!(
            v.signatures[0]
                .key
                .as_deref()
                .unwrap()
                .starts_with("SHA256:")
        );

        // An empty list is no sign-off.
        let v = verify(on_file(SOURCE, &rendered), &[], Some(&allowed), None);
        assert!(!v.intact);
        assert_eq!(v.refused, ["no signature: the SOW is not signed"]);

        // A digest rewritten to match an edited SOW: the SSH signature no longer holds.
        let edited = b"id: acme\ntotal: \"99000.00\"\n";
        let mut rewritten = signed.clone();
        rewritten.source_sha256 = sha256_hex(edited);
        let v = verify(
            on_file(edited, &rendered),
            &[rewritten],
            Some(&allowed),
            None,
        );
        assert_eq!(kinds(&v), [SignatureProblemKind::Forged]);

        // The SOW edited after signing, the signatures file left alone.
        let v = verify(
            on_file(edited, &rendered),
            std::slice::from_ref(&signed),
            Some(&allowed),
            None,
        );
        assert_eq!(kinds(&v), [SignatureProblemKind::SourceChanged]);
        assert!(v.changed_after_signing());

        // Signed under another name by a key allowed only for Jane.
        let mut as_john = unsigned(SOURCE, DOCUMENT);
        as_john.signer = "John Roe".into();
        let v = verify(
            on_file(SOURCE, &rendered),
            &[sign(as_john, &jane).unwrap()],
            Some(&allowed),
            None,
        );
        assert_eq!(kinds(&v), [SignatureProblemKind::SignerNotAllowed]);
        assert!(v.refused[0].contains("allowed_signers:1 allows it for Jane Doe"));

        // A key not in the allowed signers at all, under Jane's name.
        let mallory = sign(unsigned(SOURCE, DOCUMENT), &key(2)).unwrap();
        let v = verify(on_file(SOURCE, &rendered), &[mallory], Some(&allowed), None);
        assert_eq!(kinds(&v), [SignatureProblemKind::SignerNotAllowed]);
        assert!(v.refused[0].contains("is not in allowed_signers"));

        // No allowed signers: nobody's identity is known.
        let v = verify(
            on_file(SOURCE, &rendered),
            std::slice::from_ref(&signed),
            None,
            None,
        );
        assert_eq!(kinds(&v), [SignatureProblemKind::SignerNotChecked]);

        // An old, unsigned digest reads, and is not a sign-off.
        let v = verify(
            on_file(SOURCE, &rendered),
            &[unsigned(SOURCE, DOCUMENT)],
            Some(&allowed),
            None,
        );
        assert_eq!(kinds(&v), [SignatureProblemKind::Unsigned]);
        assert!(!v.changed_after_signing());
    }

    #[test]
    fn the_ledger_comparison_finds_removed_added_and_changed_signatures() {
        let jane = key(1);
        let allowed =
            AllowedSigners::parse("a", &allowed_line("\"Jane Doe,John Roe\"", "", &jane)).unwrap();
        let provider = sign(unsigned(SOURCE, DOCUMENT), &jane).unwrap();
        let mut client = unsigned(SOURCE, DOCUMENT);
        client.signer = "John Roe".into();
        client.role = "client".into();
        let client = sign(client, &jane).unwrap();
        let rendered = [(Lang::En, DOCUMENT.to_vec())];
        let ledger = [provider.clone(), client.clone()];

        let both = verify(
            on_file(SOURCE, &rendered),
            &ledger,
            Some(&allowed),
            Some(&ledger),
        );
        assert!(both.intact, "{:?}", both.refused);

        // The client's signature removed from the file: each remaining one verifies, and the
        // ledger says what is missing.
        let removed = verify(
            on_file(SOURCE, &rendered),
            std::slice::from_ref(&provider),
            Some(&allowed),
            Some(&ledger),
        );
        assert!(!removed.intact);
        assert_eq!(removed.ledger.as_ref().unwrap()[0].kind, "missing_in_file");
        assert!(removed.refused[0].contains("John Roe (client)"));

        let mut other_lang = client.clone();
        other_lang.lang = Lang::ZhCn;
        let differences = compare_with_ledger(&[provider.clone(), other_lang], &ledger);
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].kind, "different");
        assert_eq!(differences[0].fields, ["lang"]);

        let differences = compare_with_ledger(&ledger, std::slice::from_ref(&provider));
        assert_eq!(differences[0].kind, "missing_in_ledger");
    }

    #[test]
    fn a_kept_copy_stands_in_for_a_document_that_renders_differently_now() {
        let jane = key(1);
        let allowed = AllowedSigners::parse("a", &allowed_line("*", "", &jane)).unwrap();
        let signed_then = b"<html>SOW, old template</html>".to_vec();
        let signed = sign(unsigned(SOURCE, &signed_then), &jane).unwrap();
        let rendered = [(Lang::En, b"<html>SOW, new template</html>".to_vec())];
        let kept = [signed_then];
        let now = OnFile {
            source: SOURCE,
            rendered: &rendered,
            kept: &kept,
        };
        let v = verify(now, std::slice::from_ref(&signed), Some(&allowed), None);
        assert!(v.intact, "{:?}", v.refused);
        assert!(v.signatures[0].document_matches && !v.signatures[0].renders_same);

        let edited = [b"<html>SOW, old template!</html>".to_vec()];
        let v = verify(
            OnFile {
                kept: &edited,
                ..now
            },
            &[signed],
            Some(&allowed),
            None,
        );
        assert_eq!(kinds(&v), [SignatureProblemKind::DocumentChanged]);
    }

    #[test]
    fn allowed_signers_options_and_patterns() {
        let jane = key(1);
        let text = format!(
            "# the team\n\n{}{}",
            allowed_line(
                "*@acme.example,!mallory@acme.example",
                "namespaces=\"git,gigops-sow\",valid-after=\"20270101\",valid-before=\"20280101Z\" ",
                &jane
            ),
            allowed_line("ops@other.example", "namespaces=\"git\" ", &jane),
        );
        let allowed = AllowedSigners::parse("as", &text).unwrap();
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        let data = jane.public_key().key_data();
        assert!(
            allowed
                .allows(data, "li@acme.example", at("2027-06-01T00:00:00Z"))
                .is_ok()
        );
        assert!(
            allowed
                .allows(data, "mallory@acme.example", at("2027-06-01T00:00:00Z"))
                .is_err()
        );
        let early = allowed.allows(data, "li@acme.example", at("2026-12-31T23:59:59Z"));
        assert!(
            early
                .unwrap_err()
                .contains("as:3 allows it from 2027-01-01T00:00:00Z")
        );
        assert!(
            allowed
                .allows(data, "li@acme.example", at("2028-01-01T00:00:00Z"))
                .is_err()
        );
        let ops = allowed.allows(data, "ops@other.example", at("2027-06-01T00:00:00Z"));
        assert!(ops.unwrap_err().contains("namespaces git, not gigops-sow"));

        let problems =
            AllowedSigners::parse("as", "jane ssh-ed25519 notbase64\n\"open ssh-ed25519\n")
                .unwrap_err();
        assert_eq!(problems.0.len(), 2);
        assert_eq!((problems.0[0].line, problems.0[1].line), (1, 2));
        assert!(problems.0[1].reason.contains("quote is not closed"));
    }

    #[test]
    fn a_signature_made_elsewhere_is_taken_only_over_this_record() {
        let jane = key(1);
        let record = unsigned(SOURCE, DOCUMENT);
        let made = jane
            .sign(
                SIGNATURE_NAMESPACE,
                HashAlg::Sha256,
                signed_message(&record).as_bytes(),
            )
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        assert!(with_ssh_signature(record.clone(), &made).is_ok());
        let mut later = record.clone();
        later.signed_at = "2027-01-04T10:00:00Z".parse().unwrap();
        assert!(matches!(
            with_ssh_signature(later, &made),
            Err(SignError::DoesNotVerify(_))
        ));
        let git = jane
            .sign("git", HashAlg::Sha512, signed_message(&record).as_bytes())
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        assert!(matches!(
            with_ssh_signature(record, &git),
            Err(SignError::Namespace { .. })
        ));
    }

    #[test]
    fn patterns_match_as_openssh_does() {
        assert!(matches_pattern("jane@acme.example", "*@acme.example"));
        assert!(matches_pattern("Jane Doe", "Jane Doe"));
        assert!(matches_pattern("ab", "a?"));
        assert!(!matches_pattern("abc", "a?"));
        assert!(matches_pattern("a.b.c", "a*c"));
        assert!(!matches_pattern("jane", "john"));
        assert!(matches_pattern_list("x", "y,x"));
        assert!(!matches_pattern_list("x", "*,!x"));
    }
}
