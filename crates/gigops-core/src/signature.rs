//! The sign-off record of a statement of work: who signed which rendering of which source, and
//! when. gigops-contract makes and checks it (what a signature covers is
//! `gigops_contract::signed_message`); gigops-store keeps it against the SOW version it signs;
//! the signatures sidecar file beside a SOW holds the same record as JSON.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::Lang;

/// A sign-off of one SOW version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub signer: String,
    /// `provider` or `client` (the contract decides; the store keeps the text).
    pub role: String,
    pub signed_at: Timestamp,
    /// SHA-256 of the SOW file as signed; a stored sign-off's is the stored version's.
    pub source_sha256: String,
    /// SHA-256 of the rendered document (HTML, in `lang`) the signer read.
    pub document_sha256: String,
    pub lang: Lang,
    /// The signer's SSH signature (`-----BEGIN SSH SIGNATURE-----`, namespace `gigops-sow`)
    /// over the contract's signed message of the fields above. Absent from records written
    /// before signing with keys: such an unsigned digest reads, and is no sign-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_signature: Option<String>,
}
